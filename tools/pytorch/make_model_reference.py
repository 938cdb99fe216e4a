#!/usr/bin/env python3
"""Generates the whole-model PyTorch references that rnn4j's tests compare against.

Run from the project root with Debian's python3-torch (no other packages):

    apt-get install python3-torch
    /usr/bin/python3 tools/pytorch/make_model_reference.py

It writes
- rnn-nd4j/src/test/resources/pytorch-models/: <case>.weights.safetensors (the module's state_dict, float32, PyTorch's
  names) and <case>.reference.safetensors (padded token ids or vectors, the lengths, PyTorch's outputs on that
  padded batch with pack_padded_sequence): for PyTorchModelReferenceTest;
- rnn-onnx/src/test/resources/onnx/: <case>.onnx (torch.onnx.export, opset 14, dynamic time and batch axes; the
  modules run over every step, as exported modules do) and <case>.reference.safetensors (a full-length batch and
  PyTorch's outputs): for OnnxImportReferenceTest.
"""
import sys
from pathlib import Path

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, str(Path(__file__).parent))
from make_reference import save_safetensors  # noqa: E402

STEPS, BATCH, VOCABULARY = 7, 4, 20
LENGTHS = [7, 3, 5, 1]


class TokenClassifier(nn.Module):
    """Embedding, a recurrent stack, the top layer's final hidden states (forward, reverse), a linear head."""

    def __init__(self, kind, layers, bidirectional, hidden=6):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 5, padding_idx=0)
        self.rnn = getattr(nn, kind)(5, hidden, num_layers=layers, bidirectional=bidirectional)
        self.directions = 2 if bidirectional else 1
        self.fc = nn.Linear(self.directions * hidden, 3)

    def forward(self, tokens, lengths=None):
        x = self.embedding(tokens)
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, final = self.rnn(x)
        h = final[0] if isinstance(final, tuple) else final
        top = torch.cat([h[-2], h[-1]], dim=1) if self.directions == 2 else h[-1]
        return self.fc(top)


class LastStepRegressor(nn.Module):
    """Vectors in, one GRU layer, the last step's output, a linear head with a sigmoid."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 5)
        self.head = nn.Linear(5, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return torch.sigmoid(self.head(out[-1]))


class EveryStepTagger(nn.Module):
    """Vectors in, a two-layer bidirectional RNN, a linear head on every step, a softmax over the tags."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, nonlinearity="tanh")
        self.tagger = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return torch.softmax(self.tagger(out), dim=-1)


class BatchFirstClassifier(nn.Module):
    """batch_first=True: token ids [batch, time], an LSTM, output[:, -1, :], a linear head."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 5)
        self.lstm = nn.LSTM(5, 6, batch_first=True)
        self.fc = nn.Linear(6, 3)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out[:, -1, :])


class BatchFirstTagger(nn.Module):
    """batch_first=True: vectors [batch, time, 3], a GRU, a linear head on every step ([batch, time, 2])."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, batch_first=True)
        self.tagger = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.tagger(out)


def padded_tokens(generator):
    tokens = torch.randint(1, VOCABULARY, (STEPS, BATCH), generator=generator)
    for b, n in enumerate(LENGTHS):
        tokens[n:, b] = 0
    return tokens


def state_dict_case(name, module, out_dir, generator):
    module.eval()
    tokens = padded_tokens(generator)
    with torch.no_grad():
        output = module(tokens, torch.tensor(LENGTHS))
    save_safetensors(out_dir / f"{name}.weights.safetensors", dict(module.state_dict()),
                     {"source": "torch " + torch.__version__})
    ref = {"tokens": tokens.double(), "lengths": torch.tensor(LENGTHS).double(), "output": output}
    save_safetensors(out_dir / f"{name}.reference.safetensors", ref, {"torch": torch.__version__})


def onnx_case(name, module, example, input_name, out_dir, batch_first=False):
    module.eval()
    with torch.no_grad():
        output = module(example)
    time_batch = {0: "batch", 1: "time"} if batch_first else {0: "time", 1: "batch"}
    output_axes = time_batch if output.dim() == 3 else {0: "batch"}
    torch.onnx.export(module, (example,), str(out_dir / f"{name}.onnx"), opset_version=14,
                      input_names=[input_name], output_names=["output"],
                      dynamic_axes={input_name: time_batch, "output": output_axes})
    save_safetensors(out_dir / f"{name}.reference.safetensors",
                     {input_name: example.double(), "output": output}, {"torch": torch.__version__})


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    models = root / "rnn-nd4j/src/test/resources/pytorch-models"
    onnx = root / "rnn-onnx/src/test/resources/onnx"
    models.mkdir(parents=True, exist_ok=True)
    onnx.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(7)

    torch.manual_seed(1)
    lstm = TokenClassifier("LSTM", 2, True)
    state_dict_case("lstm_classifier", lstm, models, generator)
    onnx_case("lstm_classifier", lstm, torch.randint(1, VOCABULARY, (STEPS, BATCH), generator=generator), "tokens",
              onnx)
    torch.manual_seed(2)
    gru = TokenClassifier("GRU", 1, False)
    state_dict_case("gru_classifier", gru, models, generator)
    onnx_case("gru_classifier", gru, torch.randint(1, VOCABULARY, (STEPS, BATCH), generator=generator), "tokens",
              onnx)
    torch.manual_seed(3)
    onnx_case("gru_last_step", LastStepRegressor(), torch.randn(STEPS, BATCH, 3, generator=generator), "input", onnx)
    torch.manual_seed(4)
    onnx_case("rnn_every_step", EveryStepTagger(), torch.randn(STEPS, BATCH, 3, generator=generator), "input", onnx)
    torch.manual_seed(5)
    onnx_case("lstm_batch_first", BatchFirstClassifier(),
              torch.randint(0, VOCABULARY, (BATCH, STEPS), generator=generator), "tokens", onnx, batch_first=True)
    torch.manual_seed(6)
    onnx_case("gru_batch_first_every_step", BatchFirstTagger(), torch.randn(BATCH, STEPS, 3, generator=generator),
              "input", onnx, batch_first=True)
    print("wrote", models, "and", onnx)


if __name__ == "__main__":
    main()
