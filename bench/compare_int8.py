#!/usr/bin/env python3
"""greenbatch's int8 against PyTorch's int8 on the same CPU: `greenbatch profile --precision int8`
(zoo network, batch norms folded, calibrated on 16 generated photos, convolutions and residual
sums on LibTorch's oneDNN quantized engine) next to the torchvision model quantized statically
with PyTorch's FX tools for the same engine (get_default_qconfig_mapping("onednn"), 4 calibration
batches, traced and frozen), and greenbatch's own fp32 run of the cell. Same threads, same OpenMP
settings (compare_pytorch.py's), cells alternating, --repeats runs each, medians kept. Also run
with PyTorch's other CPU engine, qnnpack, at batch 8 for reference. Random weights, so top-1
agreement (greenbatch prints it against its fp32 network) is a smoke check of the quantization,
not an accuracy.

usage: /usr/bin/python3 bench/compare_int8.py [--greenbatch build/src/greenbatch]
           [--models resnet50,mobilenet_v2,...] [--batch-sizes 1,8,32] [--threads N] [--repeats R]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
from compare_pytorch import INPUT_SIZE, build_model, greenbatch_profile, throughput  # noqa: E402 (OpenMP first)

import torch  # noqa: E402
from torch.ao.quantization import get_default_qconfig_mapping  # noqa: E402
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx  # noqa: E402


def pytorch_int8(name, engine):
    """The FX-quantized, traced and frozen peer for quantized engine `engine`."""
    size = INPUT_SIZE.get(name, 224)
    torch.backends.quantized.engine = engine
    example = torch.randn(8, 3, size, size)
    prepared = prepare_fx(build_model(name), get_default_qconfig_mapping(engine), (example,))
    with torch.no_grad():
        for _ in range(4):
            prepared(torch.randn(8, 3, size, size))
        return torch.jit.freeze(torch.jit.trace(convert_fx(prepared), example).eval())


def peer_throughput(peer, name, batch_size, timing):
    """The peer's images/s, or None (its error printed) where PyTorch fails to run the cell."""
    try:
        return throughput(peer, batch_size, INPUT_SIZE.get(name, 224), *timing)
    except RuntimeError as e:
        print(f"  PyTorch int8 failed at batch {batch_size}: {str(e).strip().splitlines()[-1]}", flush=True)
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--greenbatch", default=os.path.join(os.path.dirname(__file__), "..", "build", "src", "greenbatch"))
    parser.add_argument("--models", default="resnet50,mobilenet_v2,googlenet,mnasnet1_0,inception_v3")
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--min-seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    timing = (args.min_seconds, 3, 2)  # seconds, batches, warm-up batches per cell
    print(f"threads {args.threads}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, "
          f"GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', 'unset')}; images/s, medians of {args.repeats}")
    print(f"{'model':<14} {'batch':>5} {'gb fp32':>8} {'gb int8':>8} {'pt int8':>8} {'int8/fp32':>9} "
          f"{'gb/pt int8':>10} {'gb top-1':>8} {'gb load ms':>10}")
    for name in args.models.split(","):
        try:
            peer = pytorch_int8(name, "onednn")
        except Exception as e:  # noqa: BLE001 - FX cannot trace every torchvision model
            print(f"{name:<14} PyTorch FX int8 failed to quantize: {str(e).strip().splitlines()[-1][:120]}")
            continue
        for b in (int(s) for s in args.batch_sizes.split(",")):
            fp32, int8, pt = [], [], []
            for _ in range(args.repeats):
                fp32.append(greenbatch_profile(args.greenbatch, name, b, args.threads, *timing)["throughput_ips"])
                int8.append(greenbatch_profile(args.greenbatch, name, b, args.threads, *timing,
                                               extra=("--precision", "int8")))
                pt.append(peer_throughput(peer, name, b, timing))
            row = sorted(int8, key=lambda r: r["throughput_ips"])[(len(int8) - 1) // 2]
            f, i = statistics.median(fp32), row["throughput_ips"]
            p = statistics.median(pt) if None not in pt else None
            agree = row.get("fp32_top1_agreement")
            print(f"{name:<14} {b:>5} {f:>8.1f} {i:>8.1f} {'failed' if p is None else f'{p:.1f}':>8} {i / f:>9.2f} "
                  f"{'-' if p is None else f'{i / p:.2f}':>10} {'-' if agree is None else f'{100 * agree:.0f} %':>8} "
                  f"{row['load_ms'] or 0:>10.0f}", flush=True)
        try:
            rate = peer_throughput(pytorch_int8(name, "qnnpack"), name, 8, timing)
        except Exception:  # noqa: BLE001 - quantizing for qnnpack failed
            rate = None
        print(f"{name:<14} qnnpack int8 at batch 8: {'failed' if rate is None else f'{rate:.1f} images/s'}")
        torch.backends.quantized.engine = "onednn"


if __name__ == "__main__":
    main()
