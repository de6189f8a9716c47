"""The zoo specs with a torchvision counterpart emit modules whose state_dict keys and shapes are
torchvision's, in torchvision's order, so its weight files load with `strict=True`. The golden key
lists were written once by torchvision itself (bench/torchvision_state_dicts.py); torchvision is
not needed here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archspec

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
DATA = ROOT / "tests" / "data"

# spec -> torchvision model
COUNTERPARTS = {
    "alexnet": "alexnet",
    "vgg11": "vgg11",
    "vgg13": "vgg13",
    "vgg16": "vgg16",
    "vgg19": "vgg19",
    "resnet18": "resnet18",
    "resnet34": "resnet34",
    "resnet50": "resnet50",
    "resnet101": "resnet101",
    "resnet152": "resnet152",
    "googlenet_torchvision": "googlenet",
    "vgg16_bn": "vgg16_bn",
    "squeezenet1_0": "squeezenet1_0",
    "squeezenet1_1": "squeezenet1_1",
    "resnext50_32x4d": "resnext50_32x4d",
    "wide_resnet50_2": "wide_resnet50_2",
    "densenet121": "densenet121",
    "inception_v3": "inception_v3",
}


def golden(model: str) -> list[tuple[str, tuple[int, ...]]]:
    lines = (DATA / f"torchvision_{model}_state_dict.txt").read_text().splitlines()
    assert lines[0].startswith("# torchvision ")
    out = []
    for line in lines[1:]:
        key, shape = line.split()
        out.append((key, () if shape == "-" else tuple(int(d) for d in shape.split("x"))))
    return out


def build_meta(spec: str):
    with torch.device("meta"):
        return archspec.build(SPECS / f"{spec}.arch")


@pytest.mark.parametrize("spec, model", sorted(COUNTERPARTS.items()))
def test_state_dict_is_torchvisions(spec, model):
    state = build_meta(spec).state_dict()
    assert [(k, tuple(v.shape)) for k, v in state.items()] == golden(model)


@pytest.mark.parametrize(
    "spec, model", [("resnet18", "resnet18"), ("vgg11", "vgg11"), ("googlenet_torchvision", "googlenet")]
)
def test_a_state_dict_with_torchvisions_keys_loads_strictly_and_is_used(spec, model):
    """A synthetic state dict with torchvision's keys and shapes (random values) loads with
    strict=True, and every tensor of the module then holds the loaded values."""
    gen = torch.Generator().manual_seed(0)
    weights = {}
    for key, shape in golden(model):
        if key.endswith("num_batches_tracked"):
            weights[key] = torch.tensor(7)
        elif key.endswith("running_var"):
            weights[key] = torch.rand(shape, generator=gen) + 0.5
        else:
            weights[key] = torch.randn(shape, generator=gen)
    module = archspec.build(SPECS / f"{spec}.arch")
    module.load_state_dict(weights, strict=True)
    for key, value in module.state_dict().items():
        assert torch.equal(value, weights[key]), key


INIT = json.loads((DATA / "torchvision_init_seed0.json").read_text())


@pytest.mark.parametrize("spec", sorted(INIT["models"]))
def test_the_init_line_initialises_as_torchvision_does(spec):
    """Built after `torch.manual_seed(0)`, the spec's module holds the very numbers torchvision's
    model holds after the same seed (each tensor's sum and sum of squares, written by
    bench/torchvision_init_fingerprints.py): the same layers, made in the same order, initialised
    by the same loop (`init` line) or left to PyTorch (the classifier of a ResNet)."""
    golden = INIT["models"][spec]["tensors"]
    torch.manual_seed(0)
    state = archspec.build(SPECS / f"{spec}.arch").state_dict()
    assert list(state) == list(golden)
    for key, (total, squares) in golden.items():
        value = state[key].double()
        assert value.sum().item() == pytest.approx(total, rel=1e-9, abs=1e-9), key
        assert value.square().sum().item() == pytest.approx(squares, rel=1e-9, abs=1e-9), key
