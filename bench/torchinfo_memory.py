"""Write torchinfo's memory figures (tests/data/torchinfo_memory.json) for the tests that check
`archspec check --memory torchinfo` against them without torch, torchvision or torchinfo.

For torchvision's models (resnet18, resnet50, vgg16, alexnet, googlenet and inception_v3 without
their auxiliary classifiers, and the zoo's other torchvision models) and for the module
`archspec.build` makes of every spec in specs/ that has a network: torchinfo's
`summary(model, input_size=(1, C, H, W))`, its byte counts (input, forward/backward pass,
parameters) and the four lines it prints in MB.

Run once with the benchmark's environment (see bench/README.md), from the repository root:

    PYTHONPATH=$PWD bench/.venv/bin/python bench/torchinfo_memory.py
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torchinfo
import torchvision
from torchvision import models

import archspec

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "torchinfo_memory.json"

# name -> (the spec that describes it, constructor call as recorded, the model)
TORCHVISION = {
    "resnet18": ("resnet18", "resnet18(weights=None)", lambda: models.resnet18(weights=None)),
    "resnet50": ("resnet50", "resnet50(weights=None)", lambda: models.resnet50(weights=None)),
    "vgg16": ("vgg16", "vgg16(weights=None)", lambda: models.vgg16(weights=None)),
    "alexnet": ("alexnet", "alexnet(weights=None)", lambda: models.alexnet(weights=None)),
    "googlenet": (
        "googlenet_torchvision",
        "googlenet(weights=None, aux_logits=False, init_weights=False)",
        lambda: models.googlenet(weights=None, aux_logits=False, init_weights=False),
    ),
    "inception_v3": (
        "inception_v3",
        "inception_v3(weights=None, aux_logits=False, init_weights=False)",
        lambda: models.inception_v3(weights=None, aux_logits=False, init_weights=False),
    ),
}
# the zoo's other torchvision models: the spec of the same name, the default constructor
for _name in (
    "vgg16_bn", "squeezenet1_0", "squeezenet1_1", "resnext50_32x4d", "wide_resnet50_2", "densenet121",
    "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "mnasnet1_0", "efficientnet_b0",
    "regnet_y_400mf", "convnext_tiny", "shufflenet_v2_x1_0",
):  # fmt: skip
    TORCHVISION[_name] = (_name, f"{_name}(weights=None)", lambda _name=_name: getattr(models, _name)(weights=None))


def figures(model, shape: tuple[int, ...]) -> dict:
    model.eval()
    stats = torchinfo.summary(model, input_size=(1, *shape), verbose=0, device="cpu")
    text = str(stats)
    lines = [line for line in text.splitlines() if "(MB)" in line]
    return {
        "input": list(shape),
        "input_bytes": stats.total_input,
        "forward_backward_bytes": stats.total_output_bytes,
        "params_bytes": stats.total_param_bytes,
        "printed": lines,
    }


def main() -> None:
    torch.manual_seed(0)
    data = {
        "about": f"torchinfo {torchinfo.__version__ if hasattr(torchinfo, '__version__') else '?'} "
        f"summary(model, input_size=(1, C, H, W)); torch {torch.__version__}, torchvision {torchvision.__version__}",
        "torchvision": {},
        "archspec": {},
    }
    for name, (spec, call, make) in TORCHVISION.items():
        shape = archspec.load(ROOT / "specs" / f"{spec}.arch").input_shape
        entry = figures(make(), shape)
        data["torchvision"][name] = {"spec": spec, "call": call, **entry}
        print(name, entry["printed"])
    for path in sorted((ROOT / "specs").glob("*.arch")):
        net = archspec.load(path)
        if not net.nodes:
            continue
        with torch.no_grad():
            entry = figures(archspec.build(net), net.input_shape)
        data["archspec"][path.stem] = entry
        print(path.stem, entry["printed"])
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
