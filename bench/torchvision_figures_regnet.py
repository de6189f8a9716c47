"""Parameters and multiply-accumulates of torchvision's regnet_y_400mf, efficientnet_b0 and
convnext_tiny at 1x3x224x224, counted independently of archspec, for the zoo specs
(specs/regnet_y_400mf.arch, specs/efficientnet_b0.arch, specs/convnext_tiny.arch) and
tests/test_zoo.py's PUBLISHED.

- params: the sum of `parameters()` (ConvNeXt's layer scales included: they are parameters).
- MACs: the zoo's convention, the multiply-accumulates of the conv and linear weights: a forward
  hook on every Conv2d and Linear adds out_elements x in_channels / groups x kernel_elements
  (a Linear: out_elements x in_features, on whatever leading dimensions it is applied to, so
  ConvNeXt's channels-last Linear counts as a 1x1 conv). Biases, norms, activations, pooling and
  the squeeze-and-excitation multiply are not counted.
- torchvision's own metadata: `num_params` and `_ops` (GFLOPS, with torchvision's convention of
  one FLOP per multiply-accumulate, rounded to 3 decimals) of the IMAGENET1K_V1 weights.

Run with the benchmark's environment (see bench/README.md); no weights are downloaded:

    bench/.venv/bin/python bench/torchvision_figures_regnet.py
"""

from __future__ import annotations

import torch
import torchvision
from torch import nn
from torchvision import models

MODELS = {
    "regnet_y_400mf": (models.regnet_y_400mf, models.RegNet_Y_400MF_Weights.IMAGENET1K_V1),
    "efficientnet_b0": (models.efficientnet_b0, models.EfficientNet_B0_Weights.IMAGENET1K_V1),
    "convnext_tiny": (models.convnext_tiny, models.ConvNeXt_Tiny_Weights.IMAGENET1K_V1),
}


def count(model: nn.Module) -> tuple[int, int, int, tuple[int, ...]]:
    """params, buffers (num_batches_tracked included) and MACs of one 1x3x224x224 forward pass, and
    the output shape."""
    macs = 0

    def hook(module: nn.Module, inputs, output) -> None:
        nonlocal macs
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            macs += output.numel() * (module.in_channels // module.groups) * kernel
        else:
            macs += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(1, 3, 224, 224))
    for h in handles:
        h.remove()
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for b in model.buffers())
    return params, buffers, macs, tuple(out.shape)


def main() -> None:
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, input 1x3x224x224")
    header = (
        f"{'model':<16} {'params':>12} {'buffers':>9} {'MACs':>15} {'GMACs':>7} {'meta params':>12} {'meta _ops':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, (make, weights) in MODELS.items():
        params, buffers, macs, shape = count(make(weights=None))
        assert shape == (1, 1000), shape
        meta = weights.meta
        print(
            f"{name:<16} {params:>12,} {buffers:>9,} {macs:>15,} {macs / 1e9:>7.3f} "
            f"{meta['num_params']:>12,} {meta['_ops']:>9}"
        )
        assert params == meta["num_params"], (name, params, meta["num_params"])
        assert round(macs / 1e9, 3) == meta["_ops"], (name, macs, meta["_ops"])


if __name__ == "__main__":
    main()
