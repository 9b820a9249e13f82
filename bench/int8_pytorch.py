#!/usr/bin/env python3
"""Whether LibTorch's int8 runs on this CPU, and how fast: a torchvision model quantized statically
with PyTorch's FX tools for the onednn and qnnpack quantized engines (4 random calibration
batches), traced and frozen, against frozen + optimised fp32 TorchScript, batch 8, 2 threads.
Seeded random weights, so top-1 agreement with fp32 is only a smoke check.

Usage: /usr/bin/python3 bench/int8_pytorch.py MODEL   (e.g. resnet50)
"""
import sys, time, torch, torchvision
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import prepare_fx, convert_fx
torch.set_num_threads(2)
name = sys.argv[1]
def rate(f, x, secs=3):
    with torch.inference_mode():
        for _ in range(2): f(x)
        n, t = 0, time.perf_counter()
        while time.perf_counter() - t < secs: f(x); n += 1
    return n * x.shape[0] / (time.perf_counter() - t)
m = getattr(torchvision.models, name)().eval()
x = torch.randn(8, 3, 224, 224)
with torch.no_grad():
    ref = m(x)
    frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(m)))
print(name, "fp32 frozen b8", round(rate(frozen, x), 1))
for engine in ["onednn", "qnnpack"]:
    try:
        torch.backends.quantized.engine = engine
        qm = getattr(torchvision.models, name)().eval(); qm.load_state_dict(m.state_dict())
        qm = prepare_fx(qm, get_default_qconfig_mapping(engine), (x,))
        with torch.no_grad():
            for _ in range(4): qm(torch.randn(8, 3, 224, 224))
        q = convert_fx(qm)
        qs = torch.jit.freeze(torch.jit.trace(q, x).eval())
        with torch.no_grad(): out = qs(x)
        agree = (out.argmax(1) == ref.argmax(1)).float().mean().item()
        print(name, engine, "int8 b8", round(rate(qs, x), 1), "top1 agreement", agree, "max diff", (out - ref).abs().max().item())
    except Exception as e:
        print(name, engine, "failed:", str(e).splitlines()[0][:200])
