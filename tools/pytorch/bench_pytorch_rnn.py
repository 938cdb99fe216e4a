#!/usr/bin/env python3
"""PyTorch's CPU LSTM and GRU on the work of rnn-bench's RecurrentBenchmark, for side-by-side comparison.

The same networks as rnn-bench: one recurrent layer (LSTM or GRU, float32, layout [T, B, F]) whose last step feeds
a Linear(H, 1) head under MSE; training = forward, backward and an Adam step (lr 1e-3); inference = the forward pass
under torch.no_grad(). Configurations: A = input 64, hidden 256, 50 steps, batch 32; B = input 128, hidden 512,
100 steps, batch 64. Each case prints the median over the timed iterations, in ms, after untimed warm-up ones.

    python3 tools/pytorch/bench_pytorch_rnn.py --threads 1,2 --config A,B --cell lstm,gru --mode train,infer

Debian's python3-torch (1.13) runs it; set OMP_NUM_THREADS to the largest thread count asked for, or leave it unset.
"""
import argparse
import statistics
import time

import torch

CONFIGS = {"A": (64, 256, 50, 32), "B": (128, 512, 100, 64)}


def case(cell, config, mode, threads, warmup, iterations):
    torch.set_num_threads(threads)
    inputs, hidden, steps, batch = CONFIGS[config]
    torch.manual_seed(0)
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](inputs, hidden)
    head = torch.nn.Linear(hidden, 1)
    params = list(layer.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(steps, batch, inputs)
    y = torch.rand(batch, 1)

    def train():
        optimizer.zero_grad(set_to_none=True)
        out, _ = layer(x)
        loss = torch.nn.functional.mse_loss(head(out[-1]), y)
        loss.backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            out, _ = layer(x)
            return head(out[-1])

    work = train if mode == "train" else infer
    for _ in range(warmup):
        work()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--config", default="A,B")
    parser.add_argument("--cell", default="lstm,gru")
    parser.add_argument("--mode", default="train,infer")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    print(f"PyTorch {torch.__version__}, {torch.__config__.parallel_info().splitlines()[0]}")
    print("| cell | config | mode | threads | median ms |")
    print("|---|---|---|---|---|")
    for config in args.config.split(","):
        for cell in args.cell.split(","):
            for mode in args.mode.split(","):
                for threads in (int(t) for t in args.threads.split(",")):
                    ms = case(cell, config, mode, threads, args.warmup, args.iterations)
                    print(f"| {cell} | {config} | {mode} | {threads} | {ms:.1f} |", flush=True)


if __name__ == "__main__":
    main()
