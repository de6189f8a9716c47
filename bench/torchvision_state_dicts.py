"""Write the golden state_dict key lists of torchvision's models to tests/data/ (key and shape per
line), for the tests that check archspec's emitted modules against them without torchvision.

Run once with the benchmark's environment (see bench/README.md); name models to write only theirs:

    bench/.venv/bin/python bench/torchvision_state_dicts.py [mobilenet_v2 ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import torchvision
from torchvision import models

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"

# name -> (constructor call as written in the file's header, the model)
MODELS = {
    "alexnet": ("alexnet(weights=None)", lambda: models.alexnet(weights=None)),
    "vgg11": ("vgg11(weights=None)", lambda: models.vgg11(weights=None)),
    "vgg13": ("vgg13(weights=None)", lambda: models.vgg13(weights=None)),
    "vgg16": ("vgg16(weights=None)", lambda: models.vgg16(weights=None)),
    "vgg19": ("vgg19(weights=None)", lambda: models.vgg19(weights=None)),
    "resnet18": ("resnet18(weights=None)", lambda: models.resnet18(weights=None)),
    "resnet34": ("resnet34(weights=None)", lambda: models.resnet34(weights=None)),
    "resnet50": ("resnet50(weights=None)", lambda: models.resnet50(weights=None)),
    "resnet101": ("resnet101(weights=None)", lambda: models.resnet101(weights=None)),
    "resnet152": ("resnet152(weights=None)", lambda: models.resnet152(weights=None)),
    "googlenet": (
        "googlenet(weights=None, aux_logits=False, init_weights=False)",
        lambda: models.googlenet(weights=None, aux_logits=False, init_weights=False),
    ),
    "vgg16_bn": ("vgg16_bn(weights=None)", lambda: models.vgg16_bn(weights=None)),
    "squeezenet1_0": ("squeezenet1_0(weights=None)", lambda: models.squeezenet1_0(weights=None)),
    "squeezenet1_1": ("squeezenet1_1(weights=None)", lambda: models.squeezenet1_1(weights=None)),
    "resnext50_32x4d": ("resnext50_32x4d(weights=None)", lambda: models.resnext50_32x4d(weights=None)),
    "wide_resnet50_2": ("wide_resnet50_2(weights=None)", lambda: models.wide_resnet50_2(weights=None)),
    "densenet121": ("densenet121(weights=None)", lambda: models.densenet121(weights=None)),
    "inception_v3": (
        "inception_v3(weights=None, aux_logits=False, init_weights=False)",
        lambda: models.inception_v3(weights=None, aux_logits=False, init_weights=False),
    ),
    "mobilenet_v2": ("mobilenet_v2(weights=None)", lambda: models.mobilenet_v2(weights=None)),
    "mobilenet_v3_large": ("mobilenet_v3_large(weights=None)", lambda: models.mobilenet_v3_large(weights=None)),
    "mobilenet_v3_small": ("mobilenet_v3_small(weights=None)", lambda: models.mobilenet_v3_small(weights=None)),
    "mnasnet1_0": ("mnasnet1_0(weights=None)", lambda: models.mnasnet1_0(weights=None)),
    "regnet_y_400mf": ("regnet_y_400mf(weights=None)", lambda: models.regnet_y_400mf(weights=None)),
    "efficientnet_b0": ("efficientnet_b0(weights=None)", lambda: models.efficientnet_b0(weights=None)),
    "convnext_tiny": ("convnext_tiny(weights=None)", lambda: models.convnext_tiny(weights=None)),
    "shufflenet_v2_x1_0": ("shufflenet_v2_x1_0(weights=None)", lambda: models.shufflenet_v2_x1_0(weights=None)),
}


def main() -> None:
    names = sys.argv[1:] or list(MODELS)
    for name in names:
        call, make = MODELS[name]
        state = make().state_dict()
        header = f"# torchvision {torchvision.__version__} {call}.state_dict()"
        lines = [header + ": key, shape (x-separated; - for a scalar)"]
        for key, value in state.items():
            shape = "x".join(str(d) for d in value.shape) or "-"
            lines.append(f"{key} {shape}")
        path = DATA / f"torchvision_{name}_state_dict.txt"
        path.write_text("\n".join(lines) + "\n")
        print(f"{path.name}: {len(state)} entries")


if __name__ == "__main__":
    main()
