#!/usr/bin/env python3
"""Generates the attention references that AttentionReferenceTest compares rnn4j's attention layers against.

Run from the project root with Debian's python3-torch (no other packages):

    /usr/bin/python3 tools/pytorch/make_attention_reference.py

For each score (additive: Bahdanau; general and dot: Luong) it writes
rnn-nd4j/src/test/resources/pytorch-attention/<score>.safetensors, float64: the query [B, Hq], the time-major keys
[S, B, Hk], the source lengths, the parameters (rnn4j's names), PyTorch's context [B, Hk] and weights [B, S], and the
gradients by autograd of loss = sum(context * context_weights) + sum(weights * weight_weights).
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from make_reference import save_safetensors  # noqa: E402

QUERY, KEY, ATTENTION, STEPS, BATCH = 3, 4, 5, 6, 3
LENGTHS = [6, 2, 4]


def attend(score, query, keys, mask, params):
    """e [S, B] per score; the softmax over the valid steps; the context."""
    if score == "additive":
        u = torch.tanh(query @ params["query_weight"].T + params["bias"] + keys @ params["key_weight"].T)
        e = u @ params["v"]
    elif score == "general":
        e = (keys * (query @ params["weight"])).sum(-1)
    else:
        e = (keys * query).sum(-1)
    e = e.masked_fill(~mask, float("-inf"))
    alpha = torch.softmax(e, dim=0)                    # [S, B]
    context = (alpha.unsqueeze(-1) * keys).sum(0)      # [B, Hk]
    return context, alpha.T


def make(score, out_dir, seed):
    g = torch.Generator().manual_seed(seed)
    hq = KEY if score == "dot" else QUERY
    query = (torch.rand(BATCH, hq, generator=g, dtype=torch.float64) - 0.5).requires_grad_()
    keys = (torch.rand(STEPS, BATCH, KEY, generator=g, dtype=torch.float64) - 0.5).requires_grad_()
    params = {}
    if score == "additive":
        params = {"query_weight": torch.randn(ATTENTION, QUERY, generator=g, dtype=torch.float64) * 0.5,
                  "key_weight": torch.randn(ATTENTION, KEY, generator=g, dtype=torch.float64) * 0.5,
                  "bias": torch.randn(ATTENTION, generator=g, dtype=torch.float64) * 0.5,
                  "v": torch.randn(ATTENTION, generator=g, dtype=torch.float64) * 0.5}
    elif score == "general":
        params = {"weight": torch.randn(QUERY, KEY, generator=g, dtype=torch.float64) * 0.5}
    for p in params.values():
        p.requires_grad_()
    mask = torch.arange(STEPS).unsqueeze(1) < torch.tensor(LENGTHS).unsqueeze(0)   # [S, B]
    context_weights = torch.rand(BATCH, KEY, generator=g, dtype=torch.float64)
    weight_weights = torch.rand(BATCH, STEPS, generator=g, dtype=torch.float64)
    context, weights = attend(score, query, keys, mask, params)
    loss = (context * context_weights).sum() + (weights * weight_weights).sum()
    loss.backward()
    ref = {"query": query, "keys": keys, "lengths": torch.tensor(LENGTHS, dtype=torch.float64),
           "context_weights": context_weights, "weight_weights": weight_weights,
           "context": context, "weights": weights, "grad_query": query.grad, "grad_keys": keys.grad}
    for name, p in params.items():
        ref["param." + name] = p
        ref["grad_param." + name] = p.grad
    save_safetensors(out_dir / f"{score}.safetensors", ref, {"score": score, "torch": torch.__version__})


def main():
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "rnn-nd4j/src/test/resources/pytorch-attention")
    out_dir.mkdir(parents=True, exist_ok=True)
    for seed, score in enumerate(["additive", "general", "dot"]):
        make(score, out_dir, seed)
    print("wrote", out_dir)


if __name__ == "__main__":
    main()
