"""Write the golden state_dict key lists of torchvision's models to tests/data/ (key and shape per
line), for the tests that check archspec's emitted modules against them without torchvision.

Run once with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/torchvision_state_dicts.py
"""

from __future__ import annotations

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
}


def main() -> None:
    for name, (call, make) in MODELS.items():
        state = make().state_dict()
        lines = [f"# torchvision {torchvision.__version__} {call}.state_dict(): key, shape (x-separated; - for a scalar)"]
        for key, value in state.items():
            shape = "x".join(str(d) for d in value.shape) or "-"
            lines.append(f"{key} {shape}")
        path = DATA / f"torchvision_{name}_state_dict.txt"
        path.write_text("\n".join(lines) + "\n")
        print(f"{path.name}: {len(state)} entries")


if __name__ == "__main__":
    main()
