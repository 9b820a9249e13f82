#!/usr/bin/env python3
"""Side-by-side throughput of `greenbatch profile` and the same torchvision model in PyTorch eager
Python (Debian's python3-torchvision), same threads, batch sizes and input size, inference mode.

Both sides are run by this one process tree, alternating cell by cell and repeated (--repeats,
median kept) so that drift and noise from a shared machine hit both alike. The
FP32 matrix-multiply peak of this machine is measured in the same run (large square torch.mm
through the same LibTorch and BLAS), and for resnet50 and vit_b_16 the achieved GFLOP/s at their
best batch size is printed as a fraction of it.

usage: /usr/bin/python3 bench/compare_pytorch.py [--greenbatch build/src/greenbatch]
           [--models a,b] [--batch-sizes 1,8,32] [--threads N] [--min-seconds S] [--repeats R]
           [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torchvision

STUDY_PRESET = ["alexnet", "densenet201", "shufflenet_v2_x1_0", "vit_b_16", "convnext_base"]
# Architecture options of torchvision's published weights (as the zoo builds them).
PRETRAINED_CONFIG = {
    "googlenet": dict(aux_logits=False, transform_input=True, init_weights=True),
    "inception_v3": dict(aux_logits=True, transform_input=True, init_weights=True),
}
INPUT_SIZE = {"inception_v3": 299, "efficientnet_v2_s": 384}
GFLOPS_MODELS = ["resnet50", "vit_b_16"]
# Also compared: mobilenet_v2 (the batch-1 target) and resnet50 (the GFLOP/s report).
EXTRA_MODELS = ["mobilenet_v2", "resnet50"]


def pytorch_throughput(name, batch_size, threads, min_seconds, min_batches=3, warmup=2):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = torchvision.models.get_model(name, weights=None, **PRETRAINED_CONFIG.get(name, {})).eval()
    size = INPUT_SIZE.get(name, 224)
    x = torch.zeros(batch_size, 3, size, size)
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        batches = 0
        start = time.perf_counter()
        while batches < min_batches or time.perf_counter() - start < min_seconds:
            model(x)
            batches += 1
        seconds = time.perf_counter() - start
    return batches * batch_size / seconds


def greenbatch_profile(binary, name, batch_sizes, threads, min_seconds):
    out = subprocess.run(
        [binary, "profile", "--model", name, "--batch-sizes", ",".join(map(str, batch_sizes)),
         "--threads", str(threads), "--min-seconds", str(min_seconds), "--min-batches", "3",
         "--warmup-batches", "2", "--meter", "none", "--idle-seconds", "0", "--json"],
        check=True, capture_output=True, text=True).stdout
    return {row["batch_size"]: row for row in json.loads(out)}


def gemm_peak_gflops(threads, n=2048, repeats=10):
    torch.set_num_threads(threads)
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    best = 0.0
    with torch.inference_mode():
        torch.mm(a, b)
        for _ in range(repeats):
            start = time.perf_counter()
            torch.mm(a, b)
            best = max(best, 2 * n ** 3 / (time.perf_counter() - start) / 1e9)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--greenbatch", default=os.path.join(os.path.dirname(__file__), "..", "build", "src", "greenbatch"))
    parser.add_argument("--models", default=",".join(STUDY_PRESET))
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--min-seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per cell; the median is kept")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    models = args.models.split(",")
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]

    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, threads {args.threads}, "
          f"min {args.min_seconds} s per cell", flush=True)
    rows = []
    print(f"{'model':<20} {'batch':>5} {'greenbatch img/s':>17} {'pytorch img/s':>14} {'ratio':>6}", flush=True)
    for name in models + [m for m in EXTRA_MODELS if m not in models]:
        for b in batch_sizes:
            ours, theirs = [], []
            for _ in range(args.repeats):
                ours.append(greenbatch_profile(args.greenbatch, name, [b], args.threads, args.min_seconds)[b])
                theirs.append(pytorch_throughput(name, b, args.threads, args.min_seconds))
            # Lower medians on both sides (a run of greenbatch is kept whole for its GFLOP/s).
            mine = sorted(ours, key=lambda r: r["throughput_ips"])[(len(ours) - 1) // 2]
            peer = statistics.median_low(theirs)
            row = dict(model=name, batch_size=b, greenbatch_ips=mine["throughput_ips"], pytorch_ips=peer,
                       ratio=mine["throughput_ips"] / peer, achieved_gflops_per_s=mine["achieved_gflops_per_s"],
                       greenbatch_runs=[r["throughput_ips"] for r in ours], pytorch_runs=theirs)
            rows.append(row)
            print(f"{name:<20} {b:>5} {row['greenbatch_ips']:>17.2f} {peer:>14.2f} {row['ratio']:>6.2f}", flush=True)

    peak = gemm_peak_gflops(args.threads)
    print(f"\nFP32 matrix-multiply peak (torch.mm 2048x2048, best of 10): {peak:.1f} GFLOP/s")
    for name in (m for m in GFLOPS_MODELS if any(r["model"] == m for r in rows)):
        best = max((r for r in rows if r["model"] == name), key=lambda r: r["achieved_gflops_per_s"])
        print(f"{name}: best batch {best['batch_size']}: {best['achieved_gflops_per_s']:.1f} GFLOP/s = "
              f"{best['achieved_gflops_per_s'] / peak:.0%} of the GEMM peak")
    worst = min(r["ratio"] for r in rows if r["model"] in models)
    print(f"\nworst ratio over the study-preset cells: {worst:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(rows=rows, gemm_peak_gflops=peak, threads=args.threads), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
