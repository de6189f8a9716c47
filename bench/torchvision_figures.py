"""Print the published figures of torchvision's models next to figures counted here from the models
themselves: parameters (the sum of `parameters()`), and the multiply-accumulates of the conv and
linear weights for one image (a forward hook per Conv2d and Linear: output elements x input
channels per group x kernel elements; for Linear, in x out features), cross-checked against
`torch.utils.flop_counter.FlopCounterMode` / 2. These are the figures the zoo specs expect.

With --by-child, each model's top-level children follow its line: output shape, parameters and
MACs (hooks) of each, the figures a spec's `expect` lines hold per stage.

Run with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/torchvision_figures.py [--by-child] [model ...]
"""

from __future__ import annotations

import sys

import torch
import torchvision
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision import models

# model -> (constructor call, the model, input size, the weights whose metadata it publishes)
MODELS = {
    "vgg16_bn": ("vgg16_bn(weights=None)", lambda: models.vgg16_bn(weights=None), 224, models.VGG16_BN_Weights),
    "squeezenet1_0": (
        "squeezenet1_0(weights=None)",
        lambda: models.squeezenet1_0(weights=None),
        224,
        models.SqueezeNet1_0_Weights,
    ),
    "squeezenet1_1": (
        "squeezenet1_1(weights=None)",
        lambda: models.squeezenet1_1(weights=None),
        224,
        models.SqueezeNet1_1_Weights,
    ),
    "resnext50_32x4d": (
        "resnext50_32x4d(weights=None)",
        lambda: models.resnext50_32x4d(weights=None),
        224,
        models.ResNeXt50_32X4D_Weights,
    ),
    "wide_resnet50_2": (
        "wide_resnet50_2(weights=None)",
        lambda: models.wide_resnet50_2(weights=None),
        224,
        models.Wide_ResNet50_2_Weights,
    ),
    "densenet121": (
        "densenet121(weights=None)",
        lambda: models.densenet121(weights=None),
        224,
        models.DenseNet121_Weights,
    ),
    "inception_v3": (
        "inception_v3(weights=None, aux_logits=False, init_weights=False)",
        lambda: models.inception_v3(weights=None, aux_logits=False, init_weights=False),
        299,
        models.Inception_V3_Weights,
    ),
    "shufflenet_v2_x1_0": (
        "shufflenet_v2_x1_0(weights=None)",
        lambda: models.shufflenet_v2_x1_0(weights=None),
        224,
        models.ShuffleNet_V2_X1_0_Weights,
    ),
}


def weight_macs(model: nn.Module, size: int, by_child: dict[str, list] | None = None) -> int:
    """Multiply-accumulates of the conv and linear weights for one 3 x size x size image; with
    by_child, each top-level child's output shape and MACs are put in it as [shape, macs]."""
    total = 0
    owner: dict[nn.Module, str] = {}
    for name, child in model.named_children():
        for m in child.modules():
            owner[m] = name
    if by_child is not None:
        for name, child in model.named_children():
            by_child[name] = [None, 0]
            child.register_forward_hook(lambda _m, _i, out, name=name: by_child[name].__setitem__(0, out.shape[1:]))

    def add(m: nn.Module, macs: int) -> None:
        nonlocal total
        total += macs
        if by_child is not None:
            by_child[owner[m]][1] += macs

    def conv(m: nn.Conv2d, _inputs, out) -> None:
        kernel = m.kernel_size[0] * m.kernel_size[1]
        add(m, out[0].numel() * (m.in_channels // m.groups) * kernel)

    def linear(m: nn.Linear, _inputs, out) -> None:
        add(m, out[0].numel() * m.in_features)

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear)
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    return total


def flop_counter_macs(model: nn.Module, size: int) -> int:
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, size, size))
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return flops // 2


def main(args: list[str]) -> None:
    by_child = "--by-child" in args
    names = [a for a in args if a != "--by-child"]
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}; MACs per image")
    header = ("model", "params", "published", "MACs (hooks)", "MACs (flops/2)", "_ops GFLOPS")
    print(f"{header[0]:<16} {header[1]:>12} {header[2]:>12} {header[3]:>15} {header[4]:>15} {header[5]:>11}")
    for name in names or list(MODELS):
        call, make, size, weights = MODELS[name]
        model = make().eval()
        params = sum(p.numel() for p in model.parameters())
        meta = weights.IMAGENET1K_V1.meta
        children: dict[str, list] = {}
        hooks = weight_macs(model, size, children)
        counted = flop_counter_macs(make().eval(), size)
        print(
            f"{name:<16} {params:>12,} {meta['num_params']:>12,} {hooks:>15,} {counted:>15,} {meta['_ops']:>11}"
            f"  # {call} at 3x{size}x{size}"
        )
        if by_child:
            for child, (shape, macs) in children.items():
                params = sum(p.numel() for p in model.get_submodule(child).parameters())
                shape = "x".join(map(str, shape)) if shape is not None else "-"
                print(f"  {child:<14} {shape:>12} {params:>12,} {macs:>15,}")


if __name__ == "__main__":
    main(sys.argv[1:])
