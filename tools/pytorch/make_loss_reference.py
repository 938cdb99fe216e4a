#!/usr/bin/env python3
"""Loss values and gradients from torch.nn for rnn4j's loss tests (LossReferenceTest).

    /usr/bin/python3 tools/pytorch/make_loss_reference.py rnn-nd4j/src/test/resources/loss

Each case holds predictions [6, 4], targets, and for reductions mean and sum the loss and d loss / d predictions,
float64. Logits are scaled up to 30 so that the stable formulas are exercised.
"""
import sys
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).parent))
from make_reference import save_safetensors  # noqa: E402

N, C = 6, 4


def case(out, name, make_loss, predictions, targets):
    tensors = {"predictions": predictions, "targets": targets.double()}
    for reduction in ("mean", "sum"):
        p = predictions.clone().requires_grad_()
        loss = make_loss(reduction)(p, targets)
        loss.backward()
        tensors[f"{reduction}_loss"] = loss.detach().reshape(1)
        tensors[f"{reduction}_gradient"] = p.grad
    save_safetensors(out / f"{name}.safetensors", tensors, {"loss": name, "torch": torch.__version__})
    return name


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "rnn-nd4j/src/test/resources/loss")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(7)
    p = torch.randn(N, C, dtype=torch.float64) * 3
    t = torch.randn(N, C, dtype=torch.float64) * 3
    logits = torch.randn(N, C, dtype=torch.float64) * 30
    names = [
        case(out, "mse", lambda r: nn.MSELoss(reduction=r), p, t),
        case(out, "mae", lambda r: nn.L1Loss(reduction=r), p, t),
        case(out, "huber", lambda r: nn.HuberLoss(reduction=r, delta=0.7), p, t),
        case(out, "bce_logits", lambda r: nn.BCEWithLogitsLoss(reduction=r), logits,
             torch.rand(N, C, dtype=torch.float64)),
        case(out, "cross_entropy_indices", lambda r: nn.CrossEntropyLoss(reduction=r), logits,
             torch.randint(0, C, (N,))),
        case(out, "cross_entropy_probabilities", lambda r: nn.CrossEntropyLoss(reduction=r), logits,
             torch.softmax(torch.randn(N, C, dtype=torch.float64), dim=1)),
    ]
    (out / "cases.txt").write_text("\n".join(names) + "\n")
    print("wrote", len(names), "cases to", out)


if __name__ == "__main__":
    main()
