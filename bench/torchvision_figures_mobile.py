"""The figures of torchvision's MobileNet family, counted from torchvision's own modules, for the
zoo specs (specs/mobilenet_v2.arch, mobilenet_v3_large.arch, mobilenet_v3_small.arch,
mnasnet1_0.arch) and tests/test_zoo.py's PUBLISHED table.

- params: the sum of `numel()` over the model's `parameters()`;
- MACs: a forward hook on every Conv2d and Linear sums output elements x input channels / groups
  x kernel elements (for a Linear: output features x input features), at batch 1 and 3x224x224:
  the zoo's convention (multiply-accumulates of conv and linear weights; no batchnorm, activation,
  pooling or the squeeze-and-excitation product);
- as a second count, torch.utils.flop_counter's FLOPs of the same forward pass, which counts 2 per
  multiply-accumulate of convolutions and matrix products and nothing else: FLOPs / 2 must be the MACs;
- torchvision's metadata: `num_params` and `_ops` (GFLOPS, the same multiply-accumulates in 10^9,
  rounded to 3 decimals) of the IMAGENET1K_V1 weights.

Run with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/torchvision_figures_mobile.py
"""

from __future__ import annotations

import torch
import torchvision
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision import models

# spec -> (torchvision builder, its weights enum)
MODELS = {
    "mobilenet_v2": (models.mobilenet_v2, models.MobileNet_V2_Weights),
    "mobilenet_v3_large": (models.mobilenet_v3_large, models.MobileNet_V3_Large_Weights),
    "mobilenet_v3_small": (models.mobilenet_v3_small, models.MobileNet_V3_Small_Weights),
    "mnasnet1_0": (models.mnasnet1_0, models.MNASNet1_0_Weights),
}


def macs_by_hooks(model: nn.Module, x: torch.Tensor) -> int:
    total = 0

    def hook(module: nn.Module, _inputs, output: torch.Tensor) -> None:
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            total += output.numel() * module.in_channels // module.groups * kernel
        else:
            total += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return total


def flops_by_counter(model: nn.Module, x: torch.Tensor) -> int:
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(x)
    return counter.get_total_flops()


def main() -> None:
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}; input 1x3x224x224, eval mode")
    header = f"{'model':<20} {'params':>11} {'num_params':>11} {'MACs (hooks)':>14} {'FLOPs/2':>14} {'_ops':>6}"
    print(header)
    print("-" * len(header))
    for name, (build, weights) in MODELS.items():
        model = build(weights=None).eval()
        x = torch.zeros(1, 3, 224, 224)
        params = sum(p.numel() for p in model.parameters())
        macs = macs_by_hooks(model, x)
        flops = flops_by_counter(model, x)
        meta = weights.IMAGENET1K_V1.meta
        print(f"{name:<20} {params:>11,} {meta['num_params']:>11,} {macs:>14,} {flops // 2:>14,} {meta['_ops']:>6}")
        assert flops == 2 * macs, (name, flops, macs)
        assert params == meta["num_params"], (name, params)
        assert round(macs / 1e9, 3) == meta["_ops"], (name, macs)


if __name__ == "__main__":
    main()
