"""`archspec import` on torchvision's classification zoo (and a few of timm's): each model traced into a spec, the spec
checked (params, buffers, MACs and output shape against the model's: FlopCounterMode's FLOPs / 2),
built, loaded with the model's state_dict (strict=True) and run against the model on the same
images. Prints one row per model with the spec's line count; a model the importer refuses is listed
with its error (nothing is guessed).

Run with the benchmark's environment (see bench/README.md), from the repository root:

    PYTHONPATH=. bench/.venv/bin/python bench/import_torchvision.py [model ...]
"""

from __future__ import annotations

import sys

import torch
from torch.utils.flop_counter import FlopCounterMode
from torchvision import models

import archspec
from archspec.frontend.from_torch import ImportFailed, from_torch

MODELS = [
    "alexnet", "vgg11", "vgg11_bn", "vgg16", "resnet18", "resnet50", "resnet152", "resnext50_32x4d",
    "wide_resnet50_2", "squeezenet1_0", "squeezenet1_1", "densenet121", "googlenet", "inception_v3",
    "mobilenet_v2", "mobilenet_v3_large", "mnasnet1_0", "shufflenet_v2_x1_0", "efficientnet_b0",
    "regnet_y_400mf", "convnext_tiny",
]  # fmt: skip


# timm's models by the same route, where timm is installed (`pip install timm`; untrained: no download)
TIMM = ["timm:resnet18", "timm:resnet50", "timm:mobilenetv2_100", "timm:efficientnet_b0", "timm:regnetx_002"]


def make(name: str) -> torch.nn.Module:
    if name.startswith("timm:"):
        import timm

        return timm.create_model(name[5:], pretrained=False)
    if name == "googlenet":
        return models.googlenet(weights=None, aux_logits=False, init_weights=True)
    if name == "inception_v3":
        return models.inception_v3(weights=None, aux_logits=False, init_weights=True)
    return getattr(models, name)(weights=None)


def row(name: str) -> str:
    torch.manual_seed(0)
    model = make(name).eval()
    size = 299 if name == "inception_v3" else 224
    try:
        text = from_torch(model, (3, size, size))
    except ImportFailed as err:
        return f"{name:20} refused: {str(err).splitlines()[0][:110]}"
    try:
        net = archspec.loads(text, f"{name}.arch")
    except archspec.ArchspecError as err:  # the importer wrote a spec that does not check: its bug
        return f"{name:20} IMPORTED SPEC DOES NOT CHECK: {str(err).splitlines()[0][:100]}"
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        reference = model(x[:1])
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for b in model.buffers())  # batchnorm's num_batches_tracked too, as archspec counts
    figures = (net.params, net.buffers, net.macs, net.output_shape)
    wanted = (params, buffers, counter.get_total_flops() // 2, tuple(reference.shape[1:]))
    built = archspec.build(net).eval()
    built.load_state_dict(model.state_dict(), strict=True)
    with torch.no_grad():
        diff = (built(x) - model(x)).abs().max().item()
    same = "same" if figures == wanted else f"DIFFER {figures} vs {wanted}"
    lines = len([line for line in text.splitlines() if line.strip() and not line.startswith("#")])
    return f"{name:20} {lines:4} lines  params/buffers/MACs/shape {same}; strict load; max abs diff {diff:.2g}"


def main(names: list[str]) -> None:
    print(f"torch {torch.__version__}; eval mode, a batch of 2 images, float32")
    for name in names or MODELS + TIMM:
        print(row(name), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
