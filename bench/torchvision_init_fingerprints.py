"""Write, for a few torchvision models built right after `torch.manual_seed(0)`, the sum and the sum
of squares of every tensor of their state dicts (tests/data/torchvision_init_seed0.json). The tests
build the zoo specs that carry torchvision's `init` line after the same seed and compare: the same
layers made in the same order and initialised by the same loop give the same numbers, without
torchvision in the tests.

Run once with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/torchvision_init_fingerprints.py
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torchvision
from torchvision import models

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torchvision_init_seed0.json"

# spec -> (constructor call as written in the file, the model)
MODELS = {
    "resnet18": ("resnet18(weights=None)", lambda: models.resnet18(weights=None)),
    "vgg11": ("vgg11(weights=None)", lambda: models.vgg11(weights=None)),
    "googlenet_torchvision": (
        "googlenet(weights=None, aux_logits=False, init_weights=True)",
        lambda: models.googlenet(weights=None, aux_logits=False, init_weights=True),
    ),
    "vgg16_bn": ("vgg16_bn(weights=None)", lambda: models.vgg16_bn(weights=None)),
    "resnext50_32x4d": ("resnext50_32x4d(weights=None)", lambda: models.resnext50_32x4d(weights=None)),
    "wide_resnet50_2": ("wide_resnet50_2(weights=None)", lambda: models.wide_resnet50_2(weights=None)),
}


def main() -> None:
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__, "seed": 0, "models": {}}
    for spec, (call, make) in MODELS.items():
        torch.manual_seed(0)
        state = make().state_dict()
        out["models"][spec] = {
            "call": call,
            "tensors": {
                key: [value.double().sum().item(), value.double().square().sum().item()] for key, value in state.items()
            },
        }
        print(spec, len(state))
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
