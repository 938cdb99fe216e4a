#!/usr/bin/env python3
"""Generates the whole-model references that EncoderDecoderReferenceTest compares rnn4j's EncoderDecoder against.

Run from the project root with Debian's python3-torch (no other packages):

    /usr/bin/python3 tools/pytorch/make_encoder_decoder_reference.py

The model is written here in plain PyTorch from the equations of docs/seq2seq.md: embeddings, a bidirectional
encoder over packed sequences (nn.GRU or nn.LSTM), tanh(bridge([h_fwd ; h_rev])) as the decoder's first state (a
zero cell for an LSTM), a decoder cell (nn.GRUCell or nn.LSTMCell) reading [embedding(previous token) ; previous
context] (teacher forcing, BOS first, context 0 first), attention of the decoder's new state over the encoder's
outputs masked by the source lengths, logits = Linear([h ; context]), and the cross-entropy averaged over the valid
target steps. For each case it writes rnn-nd4j/src/test/resources/pytorch-encoder-decoder/<case>.safetensors in
float64: the padded batch, the parameters under rnn4j's names (param.<name>), PyTorch's loss, and the gradients of
every parameter by autograd (grad.<name>).
"""
import sys
from pathlib import Path

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, str(Path(__file__).parent))
from make_reference import save_safetensors  # noqa: E402

SOURCE_VOCAB, TARGET_VOCAB, EMBED, HIDDEN, DECODER, ATTENTION = 9, 7, 3, 4, 5, 4
BOS = 1
SOURCE = [[2, 3, 4, 5], [6, 7, 0, 0], [8, 2, 3, 0]]          # [B][S], 0 pads
SOURCE_LENGTHS = [4, 2, 3]
TARGET = [[3, 4, 5, 2], [6, 2, 0, 0], [4, 3, 2, 0]]          # [B][T], ending with EOS = 2
TARGET_LENGTHS = [4, 2, 3]


def make(name, cell, score, out_dir, seed):
    torch.manual_seed(seed)
    keys_size = 2 * HIDDEN
    source_embedding = nn.Embedding(SOURCE_VOCAB, EMBED, padding_idx=0).double()
    target_embedding = nn.Embedding(TARGET_VOCAB, EMBED, padding_idx=0).double()
    encoder = (nn.GRU if cell == "gru" else nn.LSTM)(EMBED, HIDDEN, bidirectional=True).double()
    bridge = nn.Linear(2 * HIDDEN, DECODER).double()
    decoder = (nn.GRUCell if cell == "gru" else nn.LSTMCell)(EMBED + keys_size, DECODER).double()
    output = nn.Linear(DECODER + keys_size, TARGET_VOCAB).double()
    attention = {}
    if score == "general":
        attention["weight"] = nn.Parameter(torch.randn(DECODER, keys_size, dtype=torch.float64) * 0.5)
    else:
        attention["query_weight"] = nn.Parameter(torch.randn(ATTENTION, DECODER, dtype=torch.float64) * 0.5)
        attention["key_weight"] = nn.Parameter(torch.randn(ATTENTION, keys_size, dtype=torch.float64) * 0.5)
        attention["bias"] = nn.Parameter(torch.randn(ATTENTION, dtype=torch.float64) * 0.5)
        attention["v"] = nn.Parameter(torch.randn(ATTENTION, dtype=torch.float64) * 0.5)
    # nn.Embedding zeroes its padding row; rnn4j's embedding treats that row as any other: give it values
    with torch.no_grad():
        source_embedding.weight[0].normal_()
        target_embedding.weight[0].normal_()

    source = torch.tensor(SOURCE).T                    # [S, B]
    target = torch.tensor(TARGET).T                    # [T, B]
    steps, batch = target.shape
    packed = pack_padded_sequence(source_embedding(source), torch.tensor(SOURCE_LENGTHS), enforce_sorted=False)
    out, state = encoder(packed)
    keys, _ = pad_packed_sequence(out, total_length=source.shape[0])   # [S, B, 2H], zeros on padding
    h_n = state if cell == "gru" else state[0]
    h = torch.tanh(bridge(torch.cat([h_n[0], h_n[1]], dim=1)))
    c = torch.zeros_like(h)
    mask = torch.arange(source.shape[0]).unsqueeze(1) < torch.tensor(SOURCE_LENGTHS).unsqueeze(0)   # [S, B]
    previous = torch.cat([torch.full((1, batch), BOS), target[:-1]], dim=0)                       # [T, B]
    context = torch.zeros(batch, keys_size, dtype=torch.float64)
    logits = []
    for t in range(steps):
        x = torch.cat([target_embedding(previous[t]), context], dim=1)
        if cell == "gru":
            h = decoder(x, h)
        else:
            h, c = decoder(x, (h, c))
        if score == "general":
            e = (keys * (h @ attention["weight"])).sum(-1)
        else:
            u = torch.tanh(h @ attention["query_weight"].T + attention["bias"] + keys @ attention["key_weight"].T)
            e = u @ attention["v"]
        alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=0)   # [S, B]
        context = (alpha.unsqueeze(-1) * keys).sum(0)
        logits.append(output(torch.cat([h, context], dim=1)))
    logits = torch.stack(logits)                                            # [T, B, V]
    valid = torch.arange(steps).unsqueeze(1) < torch.tensor(TARGET_LENGTHS).unsqueeze(0)
    loss = nn.functional.cross_entropy(logits[valid], target[valid])
    loss.backward()

    named = {"source_embedding.weight": source_embedding.weight, "target_embedding.weight": target_embedding.weight,
             "bridge.weight": bridge.weight, "bridge.bias": bridge.bias, "output.weight": output.weight,
             "output.bias": output.bias}
    for rnn4j, torch_name in (("encoder.l0", ""), ("encoder.l0_reverse", "_reverse")):
        for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            named[rnn4j + "." + p] = getattr(encoder, p + "_l0" + torch_name)
    for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        named["decoder." + p] = getattr(decoder, p)
    for p, value in attention.items():
        named["attention." + p] = value
    tensors = {"source": source.double(), "target": target.double(),
               "source_lengths": torch.tensor(SOURCE_LENGTHS, dtype=torch.int32),
               "target_lengths": torch.tensor(TARGET_LENGTHS, dtype=torch.int32),
               "loss": loss.detach().reshape(1)}
    for n, p in named.items():
        tensors["param." + n] = p.detach().clone()
        tensors["grad." + n] = p.grad.detach().clone()
    out_dir.mkdir(parents=True, exist_ok=True)
    save_safetensors(out_dir / (name + ".safetensors"), tensors, {"generator": "make_encoder_decoder_reference.py",
                                                                  "torch": torch.__version__})
    print(name, "loss", loss.item())


if __name__ == "__main__":
    target_dir = Path("rnn-nd4j/src/test/resources/pytorch-encoder-decoder")
    make("gru-general", "gru", "general", target_dir, 3)
    make("lstm-additive", "lstm", "additive", target_dir, 4)
