"""ShuffleNet V2's units and DPN's dual path blocks, written with `chunk`, `split` and `from`, against
modules written here independently of archspec, as torchvision (`shufflenetv2.InvertedResidual`)
and timm (`dpn.DualPathBlock`) write them: parameters, buffers, MACs (torch's FLOP counter / 2),
output shapes and state_dict keys; and the module archspec emits computes the same outputs with the
same weights. torchvision's own stage 2 figures were written once by
bench/torchvision_shufflenet_stage.py."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

import archspec
from archspec.emit.pytorch import CodegenError, generate

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

SHUFFLE = """block shuffle_unit(c):                 # stride 1: half the channels pass, half go through branch2
    x1, x2: chunk 2
    branch2: from x2, conv (c/2) 1 bias=false, bn, relu, \\
        dwconv 3x3 pad=1 bias=false, bn, conv (c/2) 1 bias=false, bn, relu
    concat(x1, branch2)
    shuffle 2

block shuffle_down(c):                 # stride 2: both branches read the input
    branch1: dwconv 3x3 stride=2 pad=1 bias=false, bn, conv (c/2) 1 bias=false, bn, relu
    branch2: from in, conv (c/2) 1 bias=false, bn, relu, \\
        dwconv 3x3 stride=2 pad=1 bias=false, bn, conv (c/2) 1 bias=false, bn, relu
    concat(branch1, branch2)
    shuffle 2
"""

DPN = """block bn_act_conv(c, k=1, stride=1, groups=1):   # timm's BnActConv2d: BatchNormAct2d, then the conv
    bn: bn eps=0.001  relu  conv: conv c k stride=stride pad=k//2 groups=groups bias=false

block dual_path_proj(a, b, d, inc, groups):         # the first block of a stage: the input projected
    c1x1_w_s1: bn_act_conv(d + 2*inc)
    x_s1, x_s2: split (d, 2*inc)
    c1x1_a: from in, bn_act_conv(a)
    c3x3_b: bn_act_conv(b, k=3, groups=groups)
    c1x1_c: bn_act_conv(d + inc)
    out1, out2: split (d, inc)
    resid: add(x_s1, out1)
    concat(resid, x_s2, out2)

block dual_path(a, b, d, inc, groups):              # the input: the residual path, then the dense one
    x_s1, x_s2: split (d, in.c - d)
    c1x1_a: from in, bn_act_conv(a)
    c3x3_b: bn_act_conv(b, k=3, groups=groups)
    c1x1_c: bn_act_conv(d + inc)
    out1, out2: split (d, inc)
    resid: add(x_s1, out1)
    concat(resid, x_s2, out2)
"""


# ----------------------------------------------------------------------------- the independent modules


def channel_shuffle(x, groups: int):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)


class InvertedResidual(nn.Module):
    """ShuffleNet V2's unit as torchvision's shufflenetv2.py writes it."""

    def __init__(self, inp: int, oup: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        half = oup // 2
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, bias=False, groups=inp),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, half, 1, bias=False),
                nn.BatchNorm2d(half),
                nn.ReLU(inplace=True),
            )
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else half, half, 1, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
            nn.Conv2d(half, half, 3, stride, 1, bias=False, groups=half),
            nn.BatchNorm2d(half),
            nn.Conv2d(half, half, 1, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class BnActConv2d(nn.Module):
    """timm's BnActConv2d: a batchnorm (eps 0.001) and a ReLU, then a conv without bias, padding k // 2."""

    def __init__(self, inp: int, out: int, k: int, stride: int = 1, groups: int = 1) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(inp, eps=0.001)
        self.conv = nn.Conv2d(inp, out, k, stride, k // 2, groups=groups, bias=False)

    def forward(self, x):
        return self.conv(torch.relu(self.bn(x)))


class DualPathBlock(nn.Module):
    """timm's dpn.DualPathBlock ('proj' or 'normal', b=False), taking and giving its two paths side
    by side in one tensor (timm passes them as a tuple and concatenates them where it needs one)."""

    def __init__(self, inp: int, a: int, b: int, d: int, inc: int, groups: int, proj: bool) -> None:
        super().__init__()
        self.d = d
        self.c1x1_w_s1 = BnActConv2d(inp, d + 2 * inc, 1) if proj else None
        self.c1x1_a = BnActConv2d(inp, a, 1)
        self.c3x3_b = BnActConv2d(a, b, 3, groups=groups)
        self.c1x1_c = BnActConv2d(b, d + inc, 1)

    def forward(self, x):
        x_s = self.c1x1_w_s1(x) if self.c1x1_w_s1 is not None else x
        x_s1, x_s2 = x_s[:, : self.d], x_s[:, self.d :]
        x_in = self.c1x1_c(self.c3x3_b(self.c1x1_a(x)))
        out1, out2 = x_in[:, : self.d], x_in[:, self.d :]
        return torch.cat([x_s1 + out1, x_s2, out2], dim=1)


# ----------------------------------------------------------------------------- comparing


def flops(module, shape) -> int:
    with FlopCounterMode(display=False) as counter:
        module(torch.zeros(1, *shape))
    return counter.get_total_flops()


def keys(module) -> list[tuple[str, tuple[int, ...]]]:
    return [(k, tuple(v.shape)) for k, v in module.state_dict().items()]


def randomise(module) -> None:
    """Weights and batchnorm statistics away from PyTorch's initial ones, so that equal outputs mean something."""
    torch.manual_seed(0)
    with torch.no_grad():
        for name, value in module.state_dict().items():
            if value.is_floating_point():
                value.copy_(torch.rand_like(value) + 0.5 if name.endswith("running_var") else torch.randn_like(value))


def same_outputs(reference, emitted, shape) -> None:
    randomise(reference)
    emitted.load_state_dict(reference.state_dict(), strict=True)
    reference.eval()
    emitted.eval()
    x = torch.randn(2, *shape, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want, got = reference(x), emitted(x)
    assert got.shape == want.shape
    assert torch.allclose(got, want, rtol=1e-5, atol=1e-5), (got - want).abs().max()


def agree(net, model) -> None:
    """Counts, FLOPs and every module's output shape by path equal the analysis."""
    assert sum(p.numel() for p in model.parameters()) == net.params
    assert sum(b.numel() for b in model.buffers()) == net.buffers
    modules = dict(model.named_modules())
    seen = {}
    for node in net.nodes[1:]:
        if node.kind.functional:
            assert node.path not in modules
            continue
        modules[node.path].register_forward_hook(
            lambda _m, _i, out, path=node.path: seen.__setitem__(path, tuple(out.shape[1:]))
        )
    assert flops(model, net.input_shape) == 2 * net.macs
    assert seen == {n.path: n.shape for n in net.nodes[1:] if not n.kind.functional}


# ----------------------------------------------------------------------------- ShuffleNet V2


def test_a_shufflenet_unit_is_torchvisions(tmp_path):
    net = archspec.loads(SHUFFLE + "network T\ninput 116x28x28\nunit: shuffle_unit(116)\n")
    reference = InvertedResidual(116, 116, 1)
    assert net.params == sum(p.numel() for p in reference.parameters()) == 7_598
    assert net.buffers == sum(b.numel() for b in reference.buffers())
    assert 2 * net.macs == flops(reference, (116, 28, 28))
    assert net.output_shape == (116, 28, 28)
    (tmp_path / "shufflenet.arch").write_text(SHUFFLE)
    unit = archspec.build(tmp_path / "shufflenet.arch", block="shuffle_unit", input="116x28x28", c=116)
    assert keys(unit) == keys(reference)  # branch2.0.weight ... branch2.6.num_batches_tracked
    same_outputs(reference, unit, (116, 28, 28))
    agree(net, archspec.build(net))


def golden_stage() -> tuple[dict[str, str], list[tuple[str, tuple[int, ...]]]]:
    lines = (ROOT / "tests" / "data" / "torchvision_shufflenet_v2_x1_0_stage2.txt").read_text().splitlines()
    assert lines[0].startswith("# torchvision ")
    figures = dict(line.split() for line in lines[1:5])
    state = []
    for line in lines[5:]:
        key, shape = line.split()
        state.append((key, () if shape == "-" else tuple(int(d) for d in shape.split("x"))))
    return figures, state


def test_a_shufflenet_stage_is_torchvisions():
    # torchvision's shufflenet_v2_x1_0 `stage2`: a stride-2 unit, then three stride-1 units
    net = archspec.loads(SHUFFLE + "network T\ninput 24x56x56\nstage2: shuffle_down(116), shuffle_unit(116) x3\n")
    figures, state = golden_stage()
    assert net.output_shape == tuple(int(d) for d in figures["output"].split("x"))
    assert (net.params, net.buffers, 2 * net.macs) == (
        int(figures["params"]),
        int(figures["buffers"]),
        int(figures["flops"]),
    )
    model = archspec.build(net)
    assert [(k.removeprefix("stage2."), shape) for k, shape in keys(model)] == state
    reference = nn.Sequential(InvertedResidual(24, 116, 2), *(InvertedResidual(116, 116, 1) for _ in range(3)))
    assert keys(reference) == state
    holder = nn.Module()  # torchvision's keys are the stage's: `stage2.` in front, as in the network
    holder.stage2 = reference
    randomise(holder)
    model.load_state_dict(holder.state_dict(), strict=True)
    x = torch.randn(2, 24, 56, 56, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert torch.allclose(model.eval()(x), reference.eval()(x), rtol=1e-5, atol=1e-5)
    agree(net, model)


def test_a_shufflenet_unit_compiles_as_torchvision_writes_it():
    source = generate(
        archspec.loads(SHUFFLE + "network T\ninput 24x56x56\nstage2: shuffle_down(116), shuffle_unit(116) x3\n")
    )
    forward = source.split("class ShuffleUnit(nn.Module):")[1].split("def forward")[1].split("\n\n")[0]
    steps = [line.strip() for line in forward.splitlines()[1:]]
    assert steps == [
        "x1, x2 = x.chunk(2, dim=1)",
        "branch2 = self.branch2(x2)",
        "out = torch.cat([x1, branch2], dim=1)",
        "out = self.shuffle_1(out)",
        "return out",
    ]
    # one class for the three stride-1 units: the chunk is the same in each
    assert "nn.Sequential(ShuffleDown(24, c=116), *(ShuffleUnit(116, c=116) for _ in range(3)))" in source


# ----------------------------------------------------------------------------- DPN


DPN_NET = (
    DPN
    + """network T
input 64x56x56
conv2_1: dual_path_proj(96, 96, 256, 16, 32)
conv2_2: dual_path(96, 96, 256, 16, 32)
"""
)


def test_dual_path_blocks_are_timms():
    net = archspec.loads(DPN_NET)
    reference = nn.Sequential()
    reference.add_module("conv2_1", DualPathBlock(64, 96, 96, 256, 16, 32, proj=True))
    reference.add_module("conv2_2", DualPathBlock(256 + 3 * 16, 96, 96, 256, 16, 32, proj=False))
    # DPN-92's conv2: 256 residual channels and 3 x 16 dense ones after the first block, 4 x 16 after the second
    assert net.output_shape == (256 + 4 * 16, 56, 56)
    assert tuple(reference(torch.zeros(1, 64, 56, 56)).shape[1:]) == net.output_shape
    assert net.params == sum(p.numel() for p in reference.parameters())
    assert net.buffers == sum(b.numel() for b in reference.buffers())
    assert 2 * net.macs == flops(reference, (64, 56, 56))
    model = archspec.build(net)
    assert keys(model) == keys(reference)  # conv2_1.c1x1_w_s1.bn.weight, ..., timm's keys
    same_outputs(reference, model, (64, 56, 56))
    agree(net, model)


def test_splits_compile_to_torch_split_and_slices_to_indexing():
    source = generate(archspec.loads(DPN_NET))
    # the sizes are the spec's expressions over the block's parameters, which __init__ keeps
    assert "x_s1, x_s2 = torch.split(c1x1_w_s1, [self.d, 2 * self.inc], dim=1)" in source
    assert "out1, out2 = torch.split(c1x1_c, [self.d, self.inc], dim=1)" in source
    assert "x_s1, x_s2 = torch.split(x, [self.d, self.in_channels - self.d], dim=1)" in source
    assert "        self.d = d\n        self.inc = inc\n" in source
    assert "resid = x_s1 + out1" in source  # a slice is a view of its input: never updated in place
    # instances whose splits differ in value share one class: the forward reads the bounds it keeps
    spec = (
        DPN.split("block dual_path_proj")[0]
        + """block slices(a, d, inc):
    x_s1: slice 0 d
    x_s2: from in, slice d
    body: from in, bn_act_conv(d + inc)
    out1: slice 0 d
    out2: from body, slice d
    resid: add(x_s1, out1)
    concat(resid, x_s2, out2)
block splits(a, d, inc):
    x_s1, x_s2: split (d, in.c - d)
    body: from in, bn_act_conv(d + inc)
    out1, out2: split (d, inc)
    resid: add(x_s1, out1)
    concat(resid, x_s2, out2)
network T
input 48x8x8
a: slices(8, 32, 8), slices(8, 32, 8), slices(8, 32, 8)
b: splits(8, 32, 8), splits(8, 32, 8)
"""
    )
    net = archspec.loads(spec)
    source = generate(net)
    assert re.findall(r"^class (\w+)", source, re.M) == ["BnActConv", "Slices", "Splits", "T"]
    assert "= x[:, 0:self.d]" in source and "x_s2 = x[:, self.d:]" in source
    agree(net, archspec.build(net))


def test_a_slice_inside_a_sequence_is_an_error_not_a_broken_module():
    net = archspec.loads("network T\ninput 8x4x4\ns: slice 0 4, conv 8 1\n")
    with pytest.raises(CodegenError) as err:
        generate(net)
    d = err.value.diagnostic
    assert (d.code, d.span.line, d.span.column) == ("unsupported", 3, 4)
    assert "channel slice inside a sequence" in d.message and "write the slice on a line of its own" in d.hint
