"""The zoo specs with a torchvision counterpart emit modules whose state_dict keys and shapes are
torchvision's, in torchvision's order, so its weight files load with `strict=True`; the MobileNet
family's hold torchvision's shapes in its order under keys of their own (BY_POSITION). The golden key
lists were written once by torchvision itself (bench/torchvision_state_dicts.py); torchvision is
not needed here."""

from __future__ import annotations

import json
import re
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
    "shufflenet_v2_x1_0": "shufflenet_v2_x1_0",
    "mobilenet_v2": "mobilenet_v2",
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
    "spec, model",
    [
        ("resnet18", "resnet18"),
        ("vgg11", "vgg11"),
        ("googlenet_torchvision", "googlenet"),
        ("mobilenet_v2", "mobilenet_v2"),
    ],
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


# spec -> torchvision model whose state_dict it holds in torchvision's order and shapes under other keys:
# torchvision nests Sequentials (a Conv2dNormActivation inside MobileNetV3's `block` Sequential,
# MNASNet's `_stack` inside `layers`: layers.8.0.layers.0.weight), which these specs do not name yet
# (specs/mobilenet_v2.arch shows how: a block that is one sequence). Its weight files load by
# position: the values of torchvision's state_dict, in order, under the spec's keys.
BY_POSITION = {
    "mobilenet_v3_large": "mobilenet_v3_large",
    "mobilenet_v3_small": "mobilenet_v3_small",
    "mnasnet1_0": "mnasnet1_0",
}


@pytest.mark.parametrize("spec, model", sorted(BY_POSITION.items()))
def test_state_dict_is_torchvisions_by_position(spec, model):
    state = build_meta(spec).state_dict()
    ours = [(k, tuple(v.shape)) for k, v in state.items()]
    theirs = golden(model)
    assert [shape for _, shape in ours] == [shape for _, shape in theirs]
    # the same kind of tensor at each place (weight, bias, running_mean, ...); the classifier keeps torchvision's keys
    assert [k.rsplit(".", 1)[1] for k, _ in ours] == [k.rsplit(".", 1)[1] for k, _ in theirs]
    assert [k for k, _ in ours if k.startswith("classifier.")] == [k for k, _ in theirs if k.startswith("classifier.")]


# The specs whose names cannot all be torchvision's (each header says why): the emitted state_dict is
# torchvision's once the keys are renamed as the header says, and ConvNeXt's linear weights viewed as
# 1x1 convs. Each rename is written from torchvision's module tree, not from archspec's output.
def regnet_key(key: str) -> str:
    """`trunk_output.block2.0.f.a.0.weight` is torchvision's `trunk_output.block2.block2-0.f.a.0.weight`;
    the one-block stage 1 is its block (`trunk_output.block1.f...`: `block1-0`)."""
    key = re.sub(r"^trunk_output\.block1\.(?!\d)", "trunk_output.block1.0.", key)
    return re.sub(r"^trunk_output\.block(\d)\.(\d+)\.", r"trunk_output.block\1.block\1-\2.", key)


def efficientnet_key(key: str) -> str:
    """`stem`, `stage1`..`stage7`, `head` are `features.0`..`features.8`; an MBConv's `expand`,
    `depthwise`, `se`, `project` are `block.0`..`block.3` (`block.0`..`block.2` in stage 1, which has
    no expand conv); the one-block stages 1 and 7 are their blocks."""
    key = re.sub(r"^stem\.", "features.0.", re.sub(r"^head\.", "features.8.", key))
    m = re.match(r"^stage(\d)\.(?:(\d+)\.)?(expand|depthwise|se|project)\.(.*)$", key)
    if m is None:
        return key
    stage, block, layer, rest = m.groups()
    index = ("expand", "depthwise", "se", "project").index(layer) - (stage == "1")
    return f"features.{stage}.{block or 0}.block.{index}.{rest}"


def convnext_key(key: str) -> str:
    """`stem`, `stageK`, `downsampleK` are `features.0`, `features.2K-1`, `features.2K`; a block's
    layer scale is the block's own parameter `layer_scale`."""
    key = re.sub(r"^stem\.", "features.0.", key.replace(".layer_scale.scale", ".layer_scale"))
    key = re.sub(r"^stage(\d)\.", lambda m: f"features.{2 * int(m[1]) - 1}.", key)
    return re.sub(r"^downsample(\d)\.", lambda m: f"features.{2 * int(m[1])}.", key)


RENAMED = {
    "regnet_y_400mf": ("regnet_y_400mf", regnet_key),
    "efficientnet_b0": ("efficientnet_b0", efficientnet_key),
    "convnext_tiny": ("convnext_tiny", convnext_key),
}


@pytest.mark.parametrize("spec", sorted(RENAMED))
def test_renamed_state_dict_is_torchvisions(spec):
    model, rename = RENAMED[spec]
    ours = []
    for key, value in build_meta(spec).state_dict().items():
        shape = tuple(value.shape)
        if spec == "convnext_tiny" and re.search(r"\.block\.[35]\.weight$", key):
            assert shape[2:] == (1, 1), key  # torchvision's channels-last nn.Linear: out x in
            shape = shape[:2]
        ours.append((rename(key), shape))
    assert len({k for k, _ in ours}) == len(ours)
    assert sorted(ours) == sorted(golden(model))


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
