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
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("sgd_nesterov_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("adam", "Adam", {"lr": 0.01}),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("adamw", "AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ("rmsprop", "RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.05}),
    ("adagrad", "Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.02}),
]


def schedules(out):
    cases = {
        "step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        "exponential": lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
        "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
        "linear_warmup": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=4),
    }
    tensors = {}
    for name, make in cases.items():
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        rates = []
        for _ in range(12):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        tensors[name] = torch.tensor(rates, dtype=torch.float64)
    save_safetensors(out / "schedules.safetensors", tensors, {"base": "0.1", "torch": torch.__version__})


def clipping(out):
    torch.manual_seed(5)
    g = torch.randn(SIZE, dtype=torch.float64) * 3
    p = torch.zeros(SIZE, dtype=torch.float64, requires_grad=True)
    p.grad = g.clone()
    norm = torch.nn.utils.clip_grad_norm_([p], max_norm=1.5)
    by_norm = p.grad.clone()
    p.grad = g.clone()
    torch.nn.utils.clip_grad_value_([p], clip_value=1.0)
    save_safetensors(out / "clipping.safetensors", {"gradient": g, "norm": norm.reshape(1).double(),
                                                      "by_norm_1.5": by_norm, "by_value_1.0": p.grad.clone()},
                     {"torch": torch.__version__})


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
        meta = {"optimizer": kind, **{k: ",".join(map(str, v)) if isinstance(v, tuple) else str(v).lower()
                                      for k, v in kwargs.items()}, "torch": torch.__version__}
        save_safetensors(out / f"{name}.safetensors",
                         {"initial": initial, "gradients": grads, "after": torch.stack(after)}, meta)
    schedules(out)
    clipping(out)
    (out / "cases.txt").write_text("\n".join(c[0] for c in CASES) + "\n")
    print("wrote", len(CASES), "cases to", out)


if __name__ == "__main__":
    main()
