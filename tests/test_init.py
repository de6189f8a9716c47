"""The `init` line: its options as parsed, the batchnorms `zero_init_residual` finds from the graph,
and the emitted modules' parameters against what torch itself gives: the moments of the schemes,
and torchvision's initialisation loop written out here by hand on an independently written module
of the same layers, which must give bit-identical parameters from the same seed."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest
from conftest import SPECS

import archspec
from archspec.analysis.load import analyse
from archspec.cli import main
from archspec.emit.pytorch import generate

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402


def without_init(text: str) -> str:
    """A zoo spec without its own `init` line (torchvision's), for the tests to add theirs."""
    return re.sub(r"^init .*\n", "", text, flags=re.M)


RESNET18 = without_init((SPECS / "resnet18.arch").read_text())
RESNET18_FILE = str(SPECS / "resnet18.arch")  # its `import "blocks.arch"` is read next to it
RESNET_INIT = "init conv=kaiming_normal norm=constant zero_init_residual=true\n"

# a residual block with a projected shortcut where the shapes differ, convs with and without a
# bias, and a classifier: torchvision's BasicBlock, with a bias in conv2
SMALL = """
block res(width, stride=1):
    add:
        branch:
            conv1: conv width 3x3 stride=stride pad=1 bias=false  bn1: bn  relu
            conv2: conv width 3x3 pad=1  bn2: bn
        downsample: project
    relu

network Small
input 3x16x16
conv1: conv 8 3x3 pad=1  bn1: bn  relu
layer1: res(8), res(16, stride=2)
avgpool: gap
fc: dense 10
"""


def network(text: str, file: str = "spec.arch") -> archspec.Network:
    result = analyse(text, file)
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    return result.network


# ---------------------------------------------------------------------- the line and the graph


def test_the_options_as_parsed():
    net = network(SMALL + "init conv=xavier_uniform linear=normal norm=constant zero_init_residual=true\n")
    assert net.init == {"conv": "xavier_uniform", "linear": "normal", "norm": "constant", "zero_init_residual": True}


def test_options_not_written_are_pytorchs_defaults():
    assert network(SMALL).init == {
        "conv": "default",
        "linear": "default",
        "norm": "default",
        "zero_init_residual": False,
    }
    assert network(SMALL + "init linear=trunc_normal\n").init["conv"] == "default"
    assert network(SMALL + "init zero_init_residual=false\n").zero_init == ()


def test_the_init_line_may_stand_anywhere_in_the_network_body():
    text = SMALL.replace("avgpool: gap", "init norm=constant\navgpool: gap")
    assert network(text).init["norm"] == "constant"


def test_zero_init_residual_finds_the_last_batchnorm_of_each_branch_not_the_projections():
    net = network(RESNET18 + RESNET_INIT, RESNET18_FILE)
    assert net.zero_init == tuple(f"layer{i}.{j}.bn2" for i in (1, 2, 3, 4) for j in (0, 1))
    bottlenecks = network(
        without_init((SPECS / "resnet50.arch").read_text()) + RESNET_INIT, str(SPECS / "resnet50.arch")
    )
    assert len(bottlenecks.zero_init) == 3 + 4 + 6 + 3
    assert all(path.endswith(".bn3") for path in bottlenecks.zero_init)


def test_shortcut_project_batchnorm_is_no_branch_end():
    # `shortcut: project` names its layers `shortcut` and `shortcut_bn`; the branch ends in a relu
    text = (
        "network N\ninput 8x8x8\ninit zero_init_residual=true\n"
        "add:\n    branch: conv 16 3x3 pad=1 bn relu\n    shortcut: project\n"
    )
    result = analyse(text, "spec.arch")
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("bad-option", 3, 6)]
    net = network(text.replace("bn relu", "relu bn"))  # now the branch ends in a batchnorm
    assert net.zero_init == ("batchnorm_1",)


def test_an_identity_input_that_is_a_batchnorm_is_no_branch_end():
    text = "network N\ninput 8x8x8\nconv 8 3x3 pad=1 bn\ninit zero_init_residual=true\n"
    text += "add:\n    branch: conv 8 3x3 pad=1 bn\n    branch: identity\n"
    assert network(text).zero_init == ("batchnorm_2",)


def test_the_check_table_and_json_say_how_it_initialises(tmp_path, capsys):
    spec = tmp_path / "small.arch"
    spec.write_text(SMALL + "init conv=kaiming_normal linear=normal norm=constant zero_init_residual=true\n")
    plain = tmp_path / "plain.arch"
    plain.write_text(SMALL)
    assert main(["check", "--json", str(spec)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["init"] == {"conv": "kaiming_normal", "linear": "normal", "norm": "constant", "zero_init_residual": True}
    assert main(["check", str(spec)]) == 0
    table = capsys.readouterr().out
    expected = (
        "Initialisation: conv kaiming_normal (fan_out, relu), linear normal(0, 0.01), norm constant, zero_init_residual"
    )
    assert expected in table
    assert main(["check", str(plain)]) == 0
    assert "Initialisation: PyTorch's defaults" in capsys.readouterr().out


# ---------------------------------------------------------------------- the emitted source


def test_without_an_init_line_the_header_names_pytorchs_defaults_and_no_loop_is_written():
    for text in (SMALL, SMALL + "init conv=default norm=default\n"):
        source = generate(network(text))
        header = source.split("\nimport torch")[0]
        assert "initialisation: PyTorch's per-layer defaults" in header
        assert "kaiming_uniform_(a=sqrt(5))" in header
        assert "nn.init" not in source and "self.modules()" not in source


def test_only_the_branches_asked_for_are_written():
    source = generate(network(SMALL + "init norm=constant\n"))
    assert "isinstance(m, nn.BatchNorm2d)" in source
    assert "nn.Conv2d)" not in source and "nn.Linear)" not in source and "get_submodule" not in source
    assert "the spec's `init` line: norm constant" in source


def test_conv_and_linear_with_one_scheme_share_a_branch_as_googlenet_writes_it():
    source = generate(network(SMALL + "init conv=trunc_normal linear=trunc_normal\n"))
    assert "            if isinstance(m, (nn.Conv2d, nn.Linear)):\n" in source
    assert source.count("trunc_normal_(") == 1


SOURCES = [
    SMALL + "init conv=kaiming_normal linear=normal norm=constant zero_init_residual=true\n",
    SMALL + "init conv=trunc_normal linear=xavier_uniform\n",
    "network N\ninput 4x8x8\nconv 8 3x3 bn affine=false relu\nbn\ndeconv 4 2x2 stride=2\nflatten\nlayernorm\n"
    "dense 3 bias=false\ninit conv=xavier_uniform linear=normal norm=constant\n",
    RESNET18 + RESNET_INIT,
]


def test_the_emitted_sources_pass_ruff(tmp_path):
    for i, text in enumerate(SOURCES):
        (tmp_path / f"net{i}.py").write_text(generate(network(text, RESNET18_FILE)))
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--line-length", "120"]
        + ["--select", "E,F,W,I,B,UP,SIM", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_same_spec_same_bytes():
    net = network(RESNET18 + RESNET_INIT, RESNET18_FILE)
    assert generate(net) == generate(network(RESNET18 + RESNET_INIT, RESNET18_FILE))


def test_norms_without_a_scale_are_skipped_and_every_layer_kind_is_set():
    torch.manual_seed(0)
    model = archspec.build(network(SOURCES[2]))
    norms = [m for m in model.modules() if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm))]
    assert [m.weight is None for m in norms] == [True, False, False]
    for m in norms[1:]:
        assert torch.equal(m.weight, torch.ones_like(m.weight)) and torch.equal(m.bias, torch.zeros_like(m.bias))
    deconv = next(m for m in model.modules() if isinstance(m, nn.ConvTranspose2d))
    assert torch.equal(deconv.bias, torch.zeros_like(deconv.bias))  # xavier_uniform sets the bias to 0
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(deconv.weight)
    assert deconv.weight.abs().max() <= math.sqrt(6 / (fan_in + fan_out))


# ---------------------------------------------------------------------- the built modules, against torch


def test_resnet18_kaiming_fan_out_constant_norms_and_zero_init_residual():
    torch.manual_seed(0)
    model = archspec.build(network(RESNET18 + RESNET_INIT, RESNET18_FILE))
    params = dict(model.named_parameters())
    last = [f"layer{i}.{j}.bn2" for i in (1, 2, 3, 4) for j in (0, 1)]
    downsample = [f"layer{i}.0.downsample.1" for i in (2, 3, 4)]
    norms = {name: m for name, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)}
    assert set(last) | set(downsample) | {"bn1"} <= set(norms)
    for name, bn in norms.items():
        want = 0.0 if name in last else 1.0  # the projections' batchnorms are 1, as every other
        assert torch.all(bn.weight == want), name
        assert torch.count_nonzero(bn.bias) == 0, name
    assert torch.all(params["bn1.weight"] == 1) and torch.all(params["layer2.0.downsample.1.weight"] == 1)
    convs = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 20
    for name, conv in convs:
        assert conv.bias is None
        w = conv.weight.detach().double()
        # kaiming_normal_(mode="fan_out", nonlinearity="relu"): a normal of std sqrt(2 / fan_out),
        # fan_out = out_channels * kernel area. The sample std of N >= 8,192 normal values (the
        # smallest: layer2.0.downsample.0, 128 x 64 x 1 x 1) has a relative standard error of
        # 1/sqrt(2N) <= 0.8%: 5% is more than 6 standard errors. PyTorch's default would give
        # 1/sqrt(3 fan_in) (conv1: 0.048 against kaiming's 0.025), far outside it.
        fan_out = conv.out_channels * math.prod(conv.kernel_size)
        want = math.sqrt(2 / fan_out)
        assert w.numel() >= 8192
        assert abs(w.std().item() / want - 1) < 0.05, (name, w.std().item(), want)
        assert abs(w.mean().item()) < 6 * want / math.sqrt(w.numel()), name
    # the classifier keeps PyTorch's default: uniform in +-1/sqrt(fan_in)
    assert model.fc.weight.abs().max() <= 1 / math.sqrt(512)


class Block(nn.Module):
    """torchvision's BasicBlock, written here: the downsample is made after bn2, where archspec's
    block makes it (torchvision's `_make_layer` makes it before the block: see below)."""

    def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes, kernel_size=1, stride=stride, bias=False), nn.BatchNorm2d(planes)
            )


class HandNet(nn.Module):
    """SMALL, by hand, initialised by torchvision's loops (ResNet's and VGG's, as their sources write them)."""

    def __init__(self, trunc_normal: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(Block(8, 8), Block(8, 16, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)
        if trunc_normal:  # GoogLeNet's
            for m in self.modules():
                if isinstance(m, nn.Conv2d) or isinstance(m, nn.Linear):  # noqa: SIM101 (as GoogLeNet writes it)
                    torch.nn.init.trunc_normal_(m.weight, mean=0.0, std=0.01, a=-2, b=2)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
            return
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)
        for m in self.modules():  # zero_init_residual
            if isinstance(m, Block):
                nn.init.constant_(m.bn2.weight, 0)


# The modules are made in the same order in both (a layer's default initialisation draws from the
# generator when it is made), and both loops visit self.modules() in the order the modules were
# registered, which is the order they were made in. Where the loop redraws every layer only the
# count of numbers drawn before it matters; GoogLeNet's keeps the biases PyTorch drew, so there
# the order the layers are made in matters too.
@pytest.mark.parametrize(
    "line, trunc_normal",
    [
        ("init conv=kaiming_normal linear=normal norm=constant zero_init_residual=true", False),
        ("init conv=trunc_normal linear=trunc_normal norm=constant", True),
    ],
    ids=["resnet-vgg", "googlenet"],
)
def test_bit_identical_to_torchvisions_loop_written_by_hand(line, trunc_normal):
    torch.manual_seed(1234)
    built = archspec.build(network(SMALL + line + "\n"))
    torch.manual_seed(1234)
    hand = HandNet(trunc_normal)
    ours, theirs = built.state_dict(), hand.state_dict()
    assert list(ours) == list(theirs)
    for key in ours:
        assert torch.equal(ours[key], theirs[key]), key
    if trunc_normal:  # GoogLeNet's loop leaves the biases as PyTorch drew them
        assert torch.count_nonzero(ours["conv1.bias"]) == 8 and torch.count_nonzero(ours["fc.bias"]) == 10
    else:
        assert torch.count_nonzero(ours["conv1.bias"]) == 0 and torch.count_nonzero(ours["layer1.0.conv2.bias"]) == 0


def test_with_zero_init_residual_each_block_starts_as_the_identity():
    torch.manual_seed(0)
    model = archspec.build(network(SMALL + "init conv=kaiming_normal zero_init_residual=true\n"))
    x = torch.rand(4, 8, 16, 16)  # non-negative: the block's last relu keeps it
    assert torch.equal(model.layer1[0](x), x)
