#!/usr/bin/env python3
"""Exports torchvision models as TorchScript files, the way a user would export weights for
`greenbatch --weights FILE`: torch.jit.save(torch.jit.script(model)).

Models are built with the configuration torchvision uses for its published weights (e.g.
GoogLeNet and Inception v3 with transform_input=True), with seeded random weights. Batch-norm
statistics are randomised, and so is every parameter torchvision initialises to a constant (zero
heads and biases, unit norm weights, ConvNeXt's 1e-6 layer scales), so that a test comparing
outputs sees every block's contribution and how running statistics are used and folded.

usage: export_torchvision.py OUT_DIR MODEL [MODEL ...]   (writes OUT_DIR/MODEL.pt)
"""
import os
import sys

import torch
import torchvision

# Keyword arguments that reproduce the architecture of torchvision's published weights.
PRETRAINED_CONFIG = {
    "googlenet": dict(aux_logits=False, transform_input=True, init_weights=True),
    "inception_v3": dict(aux_logits=True, transform_input=True, init_weights=True),
}


def build(name: str, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    model = torchvision.models.get_model(name, weights=None, **PRETRAINED_CONFIG.get(name, {}))
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
        for p in model.parameters():
            if p.numel() > 1 and bool((p == p.flatten()[0]).all()):
                p.add_(torch.randn_like(p) * 0.1)
    return model.eval()


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for i, name in enumerate(sys.argv[2:]):
        model = build(name, seed=1234 + i)
        torch.jit.save(torch.jit.script(model), os.path.join(out_dir, name + ".pt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
