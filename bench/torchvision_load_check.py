"""Load each torchvision model's state dict into the module `archspec.build` makes from its zoo spec,
with `strict=True`, and compare the two networks' outputs in eval mode on the same random images.

Before the comparison every parameter and batchnorm statistic of torchvision's model is redrawn
(so that a swapped tensor, a missed batchnorm or a wrong eps would show), then copied into
archspec's module by `load_state_dict`. Prints the largest absolute difference of the logits.

Run with the benchmark's environment (see bench/README.md), from the repository root:

    PYTHONPATH=. bench/.venv/bin/python bench/torchvision_load_check.py [spec ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torchvision import models

import archspec

SPECS = Path(__file__).resolve().parent.parent / "specs"

# spec -> (torchvision model, input size)
PAIRS = {
    "vgg16_bn": (lambda: models.vgg16_bn(weights=None), 224),
    "squeezenet1_0": (lambda: models.squeezenet1_0(weights=None), 224),
    "squeezenet1_1": (lambda: models.squeezenet1_1(weights=None), 224),
    "resnext50_32x4d": (lambda: models.resnext50_32x4d(weights=None), 224),
    "wide_resnet50_2": (lambda: models.wide_resnet50_2(weights=None), 224),
    "densenet121": (lambda: models.densenet121(weights=None), 224),
    "inception_v3": (lambda: models.inception_v3(weights=None, aux_logits=False, init_weights=False), 299),
    "shufflenet_v2_x1_0": (lambda: models.shufflenet_v2_x1_0(weights=None), 224),
    "mobilenet_v2": (lambda: models.mobilenet_v2(weights=None), 224),
}


def randomise(model: torch.nn.Module, gen: torch.Generator) -> None:
    """Redraw every tensor of the state dict: weights of about the scale PyTorch gives them, batchnorm
    scales near 1 and variances above 0."""
    with torch.no_grad():
        for key, value in model.state_dict().items():
            if key.endswith("num_batches_tracked"):
                continue
            if key.endswith("running_var"):
                value.copy_(torch.rand(value.shape, generator=gen) + 0.5)
            elif key.endswith("running_mean") or key.endswith("bias"):
                value.copy_(0.1 * torch.randn(value.shape, generator=gen))
            elif value.dim() == 1:  # batchnorm weight
                value.copy_(1 + 0.1 * torch.randn(value.shape, generator=gen))
            else:
                fan_in = value[0].numel()
                value.copy_(torch.randn(value.shape, generator=gen) * (2 / fan_in) ** 0.5)


def main(names: list[str]) -> None:
    print(f"torch {torch.__version__}; eval mode, a batch of 2 images, float32")
    for spec in names or list(PAIRS):
        make, size = PAIRS[spec]
        gen = torch.Generator().manual_seed(0)
        theirs = make().eval()
        randomise(theirs, gen)
        ours = archspec.build(SPECS / f"{spec}.arch").eval()
        ours.load_state_dict(theirs.state_dict(), strict=True)
        x = torch.randn(2, 3, size, size, generator=gen)
        with torch.no_grad():
            a, b = theirs(x), ours(x)
        diff = (a - b).abs().max().item()
        scale = a.abs().max().item()
        print(f"{spec:<16} strict load ok; logits {tuple(a.shape)}, max |logit| {scale:.4g}, max abs diff {diff:.3g}")


if __name__ == "__main__":
    main(sys.argv[1:])
