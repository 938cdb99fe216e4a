#!/usr/bin/env python3
"""Reference update sequences from torch.optim for rnn4j's optimizer tests (OptimizerReferenceTest).

    /usr/bin/python3 tools/pytorch/make_optimizer_reference.py rnn-nd4j/src/test/resources/optim

For each case: a parameter vector, STEPS gradient vectors, and the parameters after each step, float64, written as
safetensors (by hand, as make_reference.py does). The optimizer and its settings are in __metadata__.
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from make_reference import save_safetensors  # noqa: E402

STEPS, SIZE = 6, 10
CASES = [
    ("sgd", "SGD", {"lr": 0.1}),
    ("adam", "Adam", {"lr": 0.01}),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
]


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "rnn-nd4j/src/test/resources/optim")
    out.mkdir(parents=True, exist_ok=True)
    for seed, (name, kind, kwargs) in enumerate(CASES):
        torch.manual_seed(100 + seed)
        p = torch.randn(SIZE, dtype=torch.float64, requires_grad=True)
        initial = p.detach().clone()
        grads = torch.randn(STEPS, SIZE, dtype=torch.float64)
        opt = getattr(torch.optim, kind)([p], **kwargs)
        after = []
        for s in range(STEPS):
            opt.zero_grad()
            p.grad = grads[s].clone()
            opt.step()
            after.append(p.detach().clone())
        meta = {"optimizer": kind, **{k: ",".join(map(str, v)) if isinstance(v, tuple) else str(v)
                                      for k, v in kwargs.items()}, "torch": torch.__version__}
        save_safetensors(out / f"{name}.safetensors",
                         {"initial": initial, "gradients": grads, "after": torch.stack(after)}, meta)
    (out / "cases.txt").write_text("\n".join(c[0] for c in CASES) + "\n")
    print("wrote", len(CASES), "cases to", out)


if __name__ == "__main__":
    main()
