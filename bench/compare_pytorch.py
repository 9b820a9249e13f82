#!/usr/bin/env python3
"""Side-by-side throughput of `greenbatch profile` and the same torchvision model in PyTorch, same
threads, batch sizes and input size, inference mode, against two peers: PyTorch eager and
PyTorch's strongest CPU path, frozen + optimised TorchScript
(torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model))), traced where
scripting fails), which runs convolutions on oneDNN with prepacked weights.

All sides are run by this one process tree, alternating cell by cell and repeated (--repeats,
median kept), so that drift and noise from a shared machine hit them alike. The machine's real
peaks are measured in the same run: fp32 and bf16 GFLOP/s of a large 1x1 convolution through
oneDNN (torch.utils.mkldnn, weights prepacked) and, for reference, fp32 torch.mm through the
BLAS LibTorch links (OpenBLAS here). Compute-bound models' achieved GFLOP/s at their best batch
are printed as a fraction of the fp32 oneDNN peak. With --bf16-models, greenbatch also runs those
models with --precision bf16 (speed-up over its fp32 run, top-1 agreement with fp32). With
--baseline, another greenbatch binary's model load time is reported next to this one's.

usage: /usr/bin/python3 bench/compare_pytorch.py [--greenbatch build/src/greenbatch]
           [--models a,b] [--batch-sizes 1,8,32] [--threads N] [--min-seconds S] [--repeats R]
           [--bf16-models a,b] [--baseline OTHER_GREENBATCH] [--quick] [--json FILE]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import warnings

# Both sides under the same OpenMP settings, greenbatch's by default (engine::kThreadWaitSettings;
# read when libgomp loads, so set before torch is imported): idle OpenMP threads sleep at once.
# libgomp's default spins for milliseconds: on a shared machine spinning threads fight the other
# processes for the cores and slow the Python peers by up to 100x on small-op networks. A
# GOMP_SPINCOUNT set by the caller reaches both sides too (and is printed).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.utils.mkldnn  # noqa: E402
import torchvision  # noqa: E402

STUDY_PRESET = ["alexnet", "densenet201", "shufflenet_v2_x1_0", "vit_b_16", "convnext_base"]
# Also compared: mobilenet_v2 (the batch-1 target) and resnet50 (the GFLOP/s report).
EXTRA_MODELS = ["mobilenet_v2", "resnet50"]
# Architecture options of torchvision's published weights (as the zoo builds them).
PRETRAINED_CONFIG = {
    "googlenet": dict(aux_logits=False, transform_input=True, init_weights=True),
    "inception_v3": dict(aux_logits=True, transform_input=True, init_weights=True),
}
INPUT_SIZE = {"inception_v3": 299, "efficientnet_v2_s": 384}
COMPUTE_BOUND = ["resnet50", "convnext_base", "vit_b_16"]


def build_model(name):
    torch.manual_seed(1)
    return torchvision.models.get_model(name, weights=None, **PRETRAINED_CONFIG.get(name, {})).eval()


def frozen_model(model, size):
    """The frozen + optimised TorchScript peer, and how it was made."""
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scripted, how = torch.jit.script(model), "script"
        except Exception:  # noqa: BLE001 - some torchvision models do not script
            scripted, how = torch.jit.trace(model, torch.zeros(1, 3, size, size)), "trace"
        return torch.jit.optimize_for_inference(torch.jit.freeze(scripted)), how


def throughput(model, batch_size, size, min_seconds, min_batches, warmup):
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


def greenbatch_profile(binary, name, batch_size, threads, min_seconds, min_batches, warmup, extra=()):
    """One greenbatch profile cell: its JSON row plus the load time it printed."""
    done = subprocess.run(
        [binary, "profile", "--model", name, "--batch-sizes", str(batch_size), "--threads", str(threads),
         "--min-seconds", str(min_seconds), "--min-batches", str(min_batches), "--warmup-batches", str(warmup),
         "--meter", "none", "--idle-seconds", "0", "--json", *extra],
        check=True, capture_output=True, text=True)
    row = json.loads(done.stdout)[0]
    loaded = re.search(r"loaded in (\d+) ms", done.stderr)
    row["load_ms"] = float(loaded.group(1)) if loaded else None
    return row


def load_ms(binary, name, threads, extra=()):
    """Model load time as `greenbatch profile` reports it (older builds: whole-process time)."""
    start = time.perf_counter()
    done = subprocess.run(
        [binary, "profile", "--model", name, "--batch-sizes", "1", "--threads", str(threads), "--min-seconds", "0",
         "--min-batches", "1", "--warmup-batches", "0", "--meter", "none", "--idle-seconds", "0", "--json", *extra],
        check=True, capture_output=True, text=True)
    wall = (time.perf_counter() - start) * 1000
    loaded = re.search(r"loaded in (\d+) ms", done.stderr)
    return (float(loaded.group(1)), "load") if loaded else (wall, "process")


def timed_best(fn, flops, repeats):
    fn()
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = max(best, flops / (time.perf_counter() - start) / 1e9)
    return best


def onednn_conv_peak(dtype, repeats=10, n=32, channels=1024, side=14):
    """GFLOP/s of a 1x1 convolution (channels -> channels on n x side x side) through oneDNN."""
    conv = torch.nn.Conv2d(channels, channels, 1, bias=False).eval()
    packed = torch.utils.mkldnn.to_mkldnn(conv, dtype)
    x = torch.randn(n, channels, side, side).to_mkldnn(dtype)
    with torch.inference_mode():
        return timed_best(lambda: packed(x), 2.0 * n * channels * channels * side * side, repeats)


def blas_mm_peak(repeats=10, n=2048):
    a, b = torch.randn(n, n), torch.randn(n, n)
    with torch.inference_mode():
        return timed_best(lambda: torch.mm(a, b), 2.0 * n ** 3, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--greenbatch", default=os.path.join(os.path.dirname(__file__), "..", "build", "src", "greenbatch"))
    parser.add_argument("--models", default=",".join(STUDY_PRESET + EXTRA_MODELS))
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--min-seconds", type=float, default=2.0)
    parser.add_argument("--min-batches", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2, help="uncounted batches before each timed cell")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per cell; the median is kept")
    parser.add_argument("--bf16-models", default=",".join(COMPUTE_BOUND),
                        help="models also run with --precision bf16 at batch sizes 8 and 32 ('' for none)")
    parser.add_argument("--baseline", help="another greenbatch binary whose load times are reported too")
    parser.add_argument("--quick", action="store_true",
                        help="one run per cell, 0.5 s / 2 batches, 1 warm-up batch: a rough table for a busy machine")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.min_seconds, args.min_batches, args.warmup = 1, 0.5, 2, 1
    models = args.models.split(",")
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    bf16_models = [m for m in args.bf16_models.split(",") if m]
    torch.set_num_threads(args.threads)
    timing = (args.min_seconds, args.min_batches, args.warmup)

    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, threads {args.threads}, "
          f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', 'unset')}, "
          f"min {args.min_seconds} s / {args.min_batches} batches per cell, {args.repeats} run(s) per cell", flush=True)
    peaks = dict(onednn_fp32=onednn_conv_peak(torch.float32), onednn_bf16=onednn_conv_peak(torch.bfloat16),
                 blas_fp32=blas_mm_peak())
    print(f"peaks (GFLOP/s, best of 10): oneDNN 1x1 conv fp32 {peaks['onednn_fp32']:.1f}, "
          f"bf16 {peaks['onednn_bf16']:.1f}; BLAS torch.mm 2048 fp32 {peaks['blas_fp32']:.1f}", flush=True)

    rows = []
    print(f"{'model':<20} {'batch':>5} {'greenbatch':>11} {'eager':>9} {'frozen':>9} {'/eager':>7} {'/frozen':>8}"
          f" {'GFLOP/s':>8}   (images/s)", flush=True)
    for name in models:
        size = INPUT_SIZE.get(name, 224)
        eager = build_model(name)
        frozen, how = frozen_model(build_model(name), size)
        for b in batch_sizes:
            ours, eager_ips, frozen_ips = [], [], []
            for _ in range(args.repeats):
                ours.append(greenbatch_profile(args.greenbatch, name, b, args.threads, *timing))
                eager_ips.append(throughput(eager, b, size, *timing))
                frozen_ips.append(throughput(frozen, b, size, *timing))
            mine = sorted(ours, key=lambda r: r["throughput_ips"])[(len(ours) - 1) // 2]
            row = dict(model=name, batch_size=b, greenbatch_ips=mine["throughput_ips"],
                       eager_ips=statistics.median_low(eager_ips), frozen_ips=statistics.median_low(frozen_ips),
                       frozen_made_by=how, achieved_gflops_per_s=mine["achieved_gflops_per_s"],
                       gflops_per_image=mine["gflops_per_image"], load_ms=mine["load_ms"],
                       greenbatch_runs=[r["throughput_ips"] for r in ours], eager_runs=eager_ips,
                       frozen_runs=frozen_ips)
            row["ratio_eager"] = row["greenbatch_ips"] / row["eager_ips"]
            row["ratio_frozen"] = row["greenbatch_ips"] / row["frozen_ips"]
            rows.append(row)
            print(f"{name:<20} {b:>5} {row['greenbatch_ips']:>11.2f} {row['eager_ips']:>9.2f} {row['frozen_ips']:>9.2f}"
                  f" {row['ratio_eager']:>7.2f} {row['ratio_frozen']:>8.2f} {row['achieved_gflops_per_s'] or 0:>8.1f}",
                  flush=True)
        del eager, frozen

    # Measured again after the cells, the best of both kept: a peak taken while the machine was
    # busy would otherwise understate it and flatter every share below.
    again = dict(onednn_fp32=onednn_conv_peak(torch.float32), onednn_bf16=onednn_conv_peak(torch.bfloat16),
                 blas_fp32=blas_mm_peak())
    peaks = {key: max(peaks[key], again[key]) for key in peaks}
    print(f"\npeaks, best of before and after (GFLOP/s): oneDNN 1x1 conv fp32 {peaks['onednn_fp32']:.1f}, "
          f"bf16 {peaks['onednn_bf16']:.1f}; BLAS torch.mm 2048 fp32 {peaks['blas_fp32']:.1f}")
    print("achieved GFLOP/s at the best batch, as a share of the oneDNN fp32 1x1-convolution peak:")
    for name in (m for m in COMPUTE_BOUND if any(r["model"] == m for r in rows)):
        best = max((r for r in rows if r["model"] == name), key=lambda r: r["achieved_gflops_per_s"])
        frozen_gflops = best["frozen_ips"] * best["gflops_per_image"]
        print(f"  {name}: batch {best['batch_size']}: greenbatch {best['achieved_gflops_per_s']:.1f} GFLOP/s = "
              f"{best['achieved_gflops_per_s'] / peaks['onednn_fp32']:.0%}; frozen TorchScript {frozen_gflops:.1f} = "
              f"{frozen_gflops / peaks['onednn_fp32']:.0%}")

    bf16_rows = []
    if bf16_models:
        print(f"\nbf16 (greenbatch --precision bf16 vs its fp32 run of the same cell):")
        print(f"{'model':<20} {'batch':>5} {'fp32 img/s':>11} {'bf16 img/s':>11} {'speed-up':>9} {'top-1 agree':>12}"
              f" {'max |dlogit|':>13}", flush=True)
        for name in bf16_models:
            for b in (8, 32):
                fp32s, bf16s = [], []
                for _ in range(args.repeats):
                    fp32s.append(greenbatch_profile(args.greenbatch, name, b, args.threads, *timing))
                    bf16s.append(greenbatch_profile(args.greenbatch, name, b, args.threads, *timing,
                                                    extra=("--precision", "bf16")))
                fp32 = statistics.median_low(r["throughput_ips"] for r in fp32s)
                bf16_row = sorted(bf16s, key=lambda r: r["throughput_ips"])[(len(bf16s) - 1) // 2]
                row = dict(model=name, batch_size=b, fp32_ips=fp32, bf16_ips=bf16_row["throughput_ips"],
                           speedup=bf16_row["throughput_ips"] / fp32,
                           top1_agreement=bf16_row.get("fp32_top1_agreement"),
                           max_logit_diff=bf16_row.get("fp32_max_logit_diff"))
                bf16_rows.append(row)
                # null when fp32 scored every class the same (not measurable)
                agree, diff = row["top1_agreement"], row["max_logit_diff"]
                agree = "n/a" if agree is None else f"{agree:.3f}"
                diff = "n/a" if diff is None else f"{diff:.4g}"
                print(f"{name:<20} {b:>5} {fp32:>11.2f} {row['bf16_ips']:>11.2f} {row['speedup']:>9.2f}"
                      f" {agree:>12} {diff:>13}", flush=True)

    load_rows = []
    print("\nmodel load (ms):")
    for name in models:
        entry = dict(model=name, optimized_ms=load_ms(args.greenbatch, name, args.threads)[0],
                     plain_ms=load_ms(args.greenbatch, name, args.threads, ("--no-optimize",))[0])
        if args.baseline:
            entry["baseline_ms"], entry["baseline_measures"] = load_ms(args.baseline, name, args.threads)
        load_rows.append(entry)
        base = (f", baseline {entry['baseline_ms']:.0f} ({entry['baseline_measures']})" if args.baseline else "")
        print(f"  {name:<20} optimized {entry['optimized_ms']:.0f}, --no-optimize {entry['plain_ms']:.0f}{base}",
              flush=True)

    preset = [r for r in rows if r["model"] in STUDY_PRESET]
    if preset:
        print(f"\nworst ratio over the study-preset cells: vs eager {min(r['ratio_eager'] for r in preset):.2f}, "
              f"vs frozen TorchScript {min(r['ratio_frozen'] for r in preset):.2f}")
    print(f"worst ratio over all cells: vs eager {min(r['ratio_eager'] for r in rows):.2f}, "
          f"vs frozen TorchScript {min(r['ratio_frozen'] for r in rows):.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(rows=rows, bf16=bf16_rows, load=load_rows, peaks_gflops=peaks, threads=args.threads,
                           quick=args.quick), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
