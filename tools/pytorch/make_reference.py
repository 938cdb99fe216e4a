#!/usr/bin/env python3
"""Generates the PyTorch reference cases that rnn4j's tests compare against (PyTorchReferenceTest).

Run with Debian's python3-torch (no other packages; the safetensors files are written by hand following the
format's specification, which also checks that rnn4j reads files it did not write itself):

    apt-get install python3-torch
    /usr/bin/python3 tools/pytorch/make_reference.py rnn-nd4j/src/test/resources/pytorch

For each case it writes <case>.weights.safetensors (the module's state_dict, PyTorch's names) and
<case>.reference.safetensors (inputs, lengths, initial states, the upstream gradients of a scalar loss, PyTorch's
outputs, final states and every gradient), all float64. The configuration is in the reference file's __metadata__.
"""
import json
import struct
import sys
from pathlib import Path

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

INPUT, HIDDEN, STEPS, BATCH = 3, 4, 5, 3
LENGTHS = [5, 2, 4]

CASES = [
    # name, mode, num_layers, bidirectional, bias, masked, nonlinearity
    ("rnn_tanh", "RNN", 1, False, True, False, "tanh"),
    ("rnn_relu_stacked_bidirectional_masked_nobias", "RNN", 2, True, False, True, "relu"),
    ("lstm", "LSTM", 1, False, True, False, None),
    ("lstm_stacked_bidirectional_masked", "LSTM", 2, True, True, True, None),
    ("lstm_masked_nobias", "LSTM", 1, False, False, True, None),
    ("gru", "GRU", 1, False, True, False, None),
    ("gru_stacked_bidirectional_masked", "GRU", 2, True, True, True, None),
    ("gru_three_layers_masked", "GRU", 3, False, True, True, None),
]


def save_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous().to(torch.float64)
        data = struct.pack("<%dd" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def make(name, mode, layers, bidirectional, bias, masked, nonlinearity, out_dir, seed):
    torch.manual_seed(seed)
    kwargs = dict(input_size=INPUT, hidden_size=HIDDEN, num_layers=layers, bidirectional=bidirectional, bias=bias)
    if mode == "RNN":
        module = nn.RNN(nonlinearity=nonlinearity, **kwargs)
    else:
        module = getattr(nn, mode)(**kwargs)
    module = module.double()
    directions = 2 if bidirectional else 1
    x = torch.randn(STEPS, BATCH, INPUT, dtype=torch.float64, requires_grad=True)
    h0 = (0.5 * torch.randn(layers * directions, BATCH, HIDDEN, dtype=torch.float64)).requires_grad_()
    c0 = (0.5 * torch.randn(layers * directions, BATCH, HIDDEN, dtype=torch.float64)).requires_grad_()
    state = (h0, c0) if mode == "LSTM" else h0
    lengths = torch.tensor(LENGTHS if masked else [STEPS] * BATCH)
    if masked:
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, final = module(packed, state)
        out, _ = pad_packed_sequence(out, total_length=STEPS)
    else:
        out, final = module(x, state)
    h_n, c_n = final if mode == "LSTM" else (final, None)
    r = torch.randn_like(out)
    s = torch.randn_like(h_n)
    loss = (out * r).sum() + (h_n * s).sum()
    u = None
    if mode == "LSTM":
        u = torch.randn_like(c_n)
        loss = loss + (c_n * u).sum()
    loss.backward()

    weights = {k: v for k, v in module.state_dict().items()}
    save_safetensors(out_dir / f"{name}.weights.safetensors", weights, {"source": "torch " + torch.__version__})
    ref = {"input": x, "lengths": lengths.double(), "h0": h0, "output_gradient": r, "h_n_gradient": s,
           "output": out, "h_n": h_n, "grad_input": x.grad, "grad_h0": h0.grad}
    if mode == "LSTM":
        ref.update({"c0": c0, "c_n_gradient": u, "c_n": c_n, "grad_c0": c0.grad})
    for k, p in module.named_parameters():
        ref["grad_" + k] = p.grad
    meta = {"mode": mode, "num_layers": str(layers), "bidirectional": str(bidirectional).lower(),
            "bias": str(bias).lower(), "masked": str(masked).lower(), "nonlinearity": nonlinearity or "",
            "input_size": str(INPUT), "hidden_size": str(HIDDEN), "torch": torch.__version__}
    save_safetensors(out_dir / f"{name}.reference.safetensors", ref, meta)


def main():
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "rnn-nd4j/src/test/resources/pytorch")
    out_dir.mkdir(parents=True, exist_ok=True)
    for seed, case in enumerate(CASES):
        make(*case, out_dir=out_dir, seed=seed)
    (out_dir / "cases.txt").write_text("\n".join(c[0] for c in CASES) + "\n")
    print("wrote", len(CASES), "cases to", out_dir)


if __name__ == "__main__":
    main()
