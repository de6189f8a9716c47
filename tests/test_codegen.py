"""The emitted PyTorch modules against the analyser, proved by torch: for every spec of the zoo and
for random networks, the module's parameters, buffers, output shape, every layer's output shape
(forward hooks matched by path) and torch's own FLOP count (2 per MAC) equal archspec's figures.
Also: the source passes ruff, is stable, cannot be injected into, and traces with torch.fx and
torch.compile."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, SPECS

import archspec
from archspec.emit.names import MODULE_ATTRIBUTES, class_name_for, literal
from archspec.emit.pytorch import CodegenError, generate

torch = pytest.importorskip("torch")
nn = torch.nn
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

ZOO = sorted(p.stem for p in SPECS.glob("*.arch") if p.stem != "blocks")
# torch's own advice about `padding='same'` with even kernels is no finding of archspec's
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


def build_meta(net):
    """The module on the meta device: shapes and counts without memory, so VGG-19 is instant."""
    with torch.device("meta"):
        return archspec.build(net)


def agree(net, model) -> None:
    """The module and the analysis agree: counts, output shape, every layer's shape by path, FLOPs."""
    assert sum(p.numel() for p in model.parameters()) == net.params
    assert sum(b.numel() for b in model.buffers()) == net.buffers
    modules = dict(model.named_modules())
    seen: dict[str, tuple[int, ...]] = {}
    for node in net.nodes[1:]:
        if node.kind.functional:  # a merge or a slice: an expression of the forward, no module
            assert node.path not in modules, f"a module at {node.path}"
            continue
        assert node.path in modules, f"no module at {node.path}"
        modules[node.path].register_forward_hook(
            lambda _m, _i, out, path=node.path: seen.__setitem__(path, tuple(out.shape[1:]))
        )
    device = next(model.parameters(), torch.empty(0)).device
    # a batch of two: batchnorm refuses one sample in training mode
    with FlopCounterMode(display=False) as counter:
        y = model(torch.zeros(2, *net.input_shape, device=device))
    assert tuple(y.shape) == (2, *net.output_shape)
    assert seen == {n.path: n.shape for n in net.nodes[1:] if not n.kind.functional}
    assert counter.get_total_flops() == 2 * 2 * net.macs  # 2 FLOPs per MAC, 2 samples


@pytest.mark.parametrize("name", ZOO)
def test_zoo_modules_agree_with_the_analysis(name):
    net = archspec.load(SPECS / f"{name}.arch")
    agree(net, build_meta(net))


def test_the_zoo_emits_sources_that_pass_ruff(tmp_path):
    for name in ZOO:
        (tmp_path / f"{name}.py").write_text(generate(archspec.load(SPECS / f"{name}.arch")))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--line-length",
            "120",
            "--select",
            "E,F,W,I,B,UP,SIM",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_same_spec_same_bytes():
    text = (SPECS / "googlenet.arch").read_text()
    assert generate(archspec.loads(text, "g.arch")) == generate(archspec.loads(text, "g.arch"))


def test_one_class_per_block_definition():
    source = generate(archspec.load(SPECS / "resnet152.arch"))
    assert re.findall(r"^class (\w+)", source, re.M) == ["Bottleneck", "ResNet152"]
    # a bottleneck used 50 times: one class, its constructor taking the block's parameters
    assert "def __init__(self, in_channels: int, width: int, stride: int = 1) -> None:" in source
    # the projected shortcut is made where the shapes differ, as torchvision's Bottleneck says it
    assert "        if stride != 1 or in_channels != width * 4:\n            self.downsample = nn.Sequential(" in source
    assert "        identity = x\n        if self.downsample is not None:\n" in source
    assert "            identity = self.downsample(x)\n" in source
    assert "        out += identity\n" in source


def test_one_class_for_a_block_with_conditions():
    spec = """defaults bn eps=0.001 momentum=0.01
block ir(out, stride=1, expand=1, act=relu):
    let hidden = in.c * expand
    add:
        branch:
            if expand != 1:
                conv hidden 1x1 bias=false bn act
            dwconv 3x3 stride=stride pad=1 bias=false bn act
            conv out 1x1 bias=false bn
        if stride == 1 and in.c == out:
            branch: identity
block se(c, on=true):
    if on:
        mul:
            branch: identity
            branch: avgpool to 1x1, conv (c // 4) 1x1 relu, conv c 1x1 hardsigmoid
    relu
network T
input 16x8x8
a: ir(16)
b: ir(24, stride=2, expand=6, act=hardswish)
c: ir(24, expand=6)
d: se(24)
e: se(24, on=false)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert re.findall(r"^class (\w+)", source, re.M) == ["Ir", "Se", "T"]
    init = "def __init__(self, in_channels: int, out: int, stride: int = 1, expand: int = 1, act: type[nn.Module] = "
    init += "nn.ReLU)"
    assert re.sub(r"\s+", " ", init) in re.sub(r"\s+", " ", source).replace("( self, ", "(self, ").replace(", )", ")")
    assert "        hidden = in_channels * expand\n" in source  # the block's `let`
    assert "        if expand != 1:\n" in source
    assert "            self.conv_1 = nn.Conv2d(in_channels, hidden, kernel_size=1, bias=False)" in source
    assert "            self.act_1 = act()\n" in source  # a class given: made as it is (nn.GELU takes no inplace)
    assert "nn.Conv2d(hidden, hidden, kernel_size=3, stride=stride, padding=1, groups=hidden" in source  # hidden: also
    # where expand == 1 (it is in_channels then)
    # the forward tests what __init__ tested, over the values it keeps
    assert "        self.stride = stride\n        self.in_channels = in_channels\n        self.out = out\n" in source
    assert "            if hidden < 1:\n                raise ValueError(" in source  # `expand=0`: the spec's error
    assert "        if self.stride == 1 and self.in_channels == self.out:\n            out += x\n" in source
    assert "Ir(16, out=24, stride=2, expand=6, act=nn.Hardswish)" in source
    assert "def __init__(self, in_channels: int, c: int, on: bool = True) -> None:" in source
    assert "Se(24, c=24, on=False)" in source
    model = archspec.build(net)
    agree(net, model)
    # each call's module is the one the analysis made: the same modules by path, and no others
    for name in "abcde":
        inner = {p for p, m in model.get_submodule(name).named_modules() if p and not list(m.children())}
        assert inner == {n.path[2:] for n in net.nodes if n.path.startswith(name + ".") and not n.kind.functional}


def test_module_paths_are_the_analysers_node_paths():
    net = archspec.load(SPECS / "resnet18.arch")
    model = build_meta(net)
    names = {name for name, _ in model.named_modules()}
    assert {n.path for n in net.nodes[1:] if not n.kind.functional} <= names
    assert "layer2.0.downsample" in names and "layer2.1.downsample" not in names


def test_module_attribute_list_covers_torch():
    reserved = {n for n in dir(torch.nn.Sequential) if not n.startswith("_")} | set(vars(torch.nn.Module()))
    assert {n for n in reserved if not n.startswith("_")} <= MODULE_ATTRIBUTES


# ----------------------------------------------------------------------------- every layer kind

LAYERS = [
    ("conv 4 3x3 stride=2 pad=1 dilation=1 groups=2", "4x9x9"),
    ("conv 4 2x3 pad=same dilation=2", "2x9x9"),
    ("conv 4 3 pad=valid", "2x16"),
    ("conv 4 3x3x3 pad=1 bias=false", "2x5x6x7"),
    ("dwconv 3x3 multiplier=2 stride=2", "3x9x9"),
    ("sepconv 8 3x3 pad=1 multiplier=2", "3x9x9"),
    ("sepconv 8 3 pad=same", "3x12"),
    ("deconv 4 3x3 stride=2 pad=1 output_padding=1", "2x5x5"),
    ("deconv 4 2 stride=2 groups=2", "2x7"),
    ("maxpool 3x3 stride=2 pad=1 ceil_mode=true dilation=1", "2x10x10"),
    ("avgpool 2 stride=1 count_include_pad=false pad=1", "2x9"),
    ("avgpool 2x2x2", "2x4x4x4"),
    ("maxpool to 3x2", "2x7x9"),
    ("avgpool to 1x1", "2x7x9"),
    ("adaptive_avgpool 4", "2x9x9"),
    ("adaptive_maxpool 2x3x1", "2x5x5x5"),
    ("global_avgpool", "2x7x7"),
    ("global_maxpool", "2x7"),
    ("flatten dense 5 bias=false", "2x3x3"),
    ("identity", "2x3x3"),
    ("dropout 0.3", "2x3x3"),
    ("batchnorm eps=0.001 momentum=0.01", "2x3x3"),
    ("batchnorm affine=false", "5"),
    ("batchnorm", "4x6"),
    ("batchnorm", "4x2x3x3"),
    ("layernorm eps=0.001", "2x3x3"),
    ("layernorm affine=false", "2x3"),
    ("groupnorm 2 eps=0.001 relu", "4x3x3"),
    ("conv 6 1 groupnorm 3 affine=false", "6x5"),
    ("gn 2", "4x2x3x3"),
    ("groupnorm 2", "4"),
    ("layernorm2d eps=1e-6 relu", "4x3x3"),
    ("layernorm2d affine=false", "4x5"),
    ("channel_layernorm", "4x2x3x3"),
    ("layer_scale 1e-6", "4x3x3"),
    ("layer_scale 0.5", "3"),
    ("layer_scale 2", "2x3x2x2"),
    ("stochastic_depth 0.1", "4x3x3"),
    ("stochastic_depth 0.5 mode=batch", "4"),
    ("lrn 3 alpha=0.001 beta=0.5 k=2", "4x3x3"),
    ("relu relu6 leaky_relu slope=0.2 elu alpha=0.5 tanh sigmoid gelu silu hardswish hardsigmoid", "2x3x3"),
    ("softmax dim=1", "2x3x3"),
    ("shuffle 2", "4x3x3"),
    ("slice 1", "4x3x3"),  # after the conv's 2 channels: x[:, 1:]
    ("slice 0 1 relu", "4x3x3"),
    ("flatten dense 6 slice 2 5", "2x3x3"),  # the features of a flat tensor
    ("upsample 2", "2x3x5"),
    ("upsample 1.5 mode=linear", "2x6"),
    ("upsample to 7x4 mode=bilinear", "2x3x5"),
    ("upsample 2 mode=trilinear", "2x2x2x2"),
    ("rescale 0.5 offset=-1", "2x3x3"),
    ("random_flip random_flip vertical random_flip horizontal_and_vertical", "2x3x5"),
    ("random_rotation 0.1", "2x4x6"),
    ("random_zoom 0.2", "2x5x3"),
    ("conv 3 1 preprocess caffe preprocess tf preprocess torch", "2x3x3"),
]


@pytest.mark.parametrize("line, shape", LAYERS)
def test_every_layer_kind(line, shape):
    first = "conv 2 1 bn relu\n" if "x" in shape else ""  # a conv before: the input of `line` has a grad
    net = archspec.loads(f"network T\ninput {shape}\n{first}{line}\n")
    agree(net, archspec.build(net))


def test_the_layer_table_covers_the_whole_catalogue():
    from archspec.layers import ALL

    covered = {"concat", "add", "mul"}  # test_merges_by_branch_and_by_name
    for line, shape in LAYERS:
        net = archspec.loads(f"network T\ninput {shape}\n{line}\n")
        covered |= {n.kind.name for n in net.nodes[1:]}
    assert covered == {kind.name for kind in ALL}


def test_blocks_inside_blocks():
    spec = """block cbr(c, s=1):
    conv c 3x3 stride=s pad=1 bias=false bn relu
block stage(c, n):
    first: cbr(c, s=2)
    rest: cbr(c) x2
    se: avgpool to 1x1
    gate: mul(rest, se)
network Nest
input 3x32x32
s: cbr(8)
st1: stage(16, 1)
st2: stage(32, 2)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert re.findall(r"^class (\w+)", source, re.M) == ["Cbr", "Stage", "Nest"]
    assert "self.rest = nn.Sequential(Cbr(c, c=c), Cbr(c, c=c))" in source  # s=1 is the default
    agree(net, archspec.build(net))
    empty = archspec.loads("network E\ninput 3x4x4\n")
    agree(empty, archspec.build(empty))


def test_merges_by_branch_and_by_name():
    spec = """network T
input 3x8x8
a: conv 4 3x3 pad=1
b: conv 4 1x1 relu
cat: concat(a, b)
gate: avgpool to 1x1
scaled: mul(cat, gate)
s: add(scaled, cat)
concat:
    branch: conv 2 1x1
    branch: identity
add:
    branch: conv 10 3x3 pad=1 bn
    shortcut: identity
"""
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)
    source = generate(net)
    assert "a = self.a(x)" in source
    assert "torch.cat([a, b], dim=1)" in source  # the names `concat(a, b)` writes
    assert "cat * gate" in source


def test_an_inception_forward_reads_branch_by_branch():
    # torchvision's Inception: branch1 = self.branch1(x) ... torch.cat([branch1, ..., branch4], 1)
    source = generate(archspec.load(SPECS / "googlenet.arch"))
    forward = source.split("class Inception(nn.Module):")[1].split("def forward")[1].split("\n\n")[0]
    steps = [line.strip() for line in forward.splitlines()[1:]]
    assert steps[0] == "branch1 = self.conv_1(x)"
    assert "branch4 = self.maxpool_1(x)" in steps
    assert steps[-2:] == ["out = torch.cat([branch1, branch2, branch3, branch4], dim=1)", "return out"]
    for k in range(1, 5):  # each branch flows in its own variable, from the block's input to the concat
        assert all(f"branch{k} = self." in s for s in steps if s.startswith(f"branch{k} ="))
    assert not any(s.startswith("x = ") for s in steps)  # the input is not overwritten by a branch


def test_branches_beside_an_identity_branch_get_their_own_variables():
    spec = """network T
input 8x16x16
stem: conv 8 3x3 pad=1 relu
concat:
    branch: conv 4 1x1
    branch:
        conv 4 1x1 relu
        conv 4 3x3 pad=1
    branch: identity
"""
    net = archspec.loads(spec)
    agree(net, archspec.build(net))
    source = generate(net)
    assert "branch1 = self.conv_1(stem)" in source
    assert "branch2 = self.conv_3(branch2)" in source
    assert "torch.cat([branch1, branch2, stem], dim=1)" in source  # the identity branch is the stem itself


# ----------------------------------------------------------------------------- build's arguments


def test_build_a_block_of_a_blocks_file():
    block = archspec.build(SPECS / "blocks.arch", block="bottleneck", input="256x56x56", width=64)
    assert type(block).__name__ == "Bottleneck"
    # torchvision's Bottleneck(256, 64): 3 convs and 3 batchnorms, no downsample
    assert sum(p.numel() for p in block.parameters()) == 256 * 64 + 64 * 64 * 9 + 64 * 256 + 2 * (64 + 64 + 256)
    assert block(torch.zeros(1, 256, 56, 56)).shape == (1, 256, 56, 56)
    projected = archspec.build(str(SPECS / "blocks.arch"), block="bottleneck", input=(64, 8, 8), width=64, stride=2)
    assert projected.downsample is not None
    assert projected(torch.zeros(1, 64, 8, 8)).shape == (1, 256, 4, 4)


def test_build_takes_a_network_spec_text_and_a_path_alike():
    text = (SPECS / "lenet5.arch").read_text()
    for spec in (archspec.loads(text), text, SPECS / "lenet5.arch", str(SPECS / "lenet5.arch")):
        assert sum(p.numel() for p in archspec.build(spec).parameters()) == 61_706
    assert sum(p.numel() for p in archspec.loads(text).to_torch().parameters()) == 61_706


def test_build_reports_bad_specs_and_arguments():
    with pytest.raises(archspec.ArchspecError):
        archspec.build("network T\ninput 1x4x4\nconv 2 9x9\n")
    with pytest.raises(TypeError):
        archspec.build(SPECS / "lenet5.arch", width=3)
    with pytest.raises(ValueError):
        archspec.build(SPECS / "blocks.arch", block="bottleneck", input="256x56x56", width="64); import os")
    with pytest.raises(ValueError):
        archspec.build(SPECS / "blocks.arch", block="bottleneck(1)\nx", input="4x4x4")


def test_build_without_torch_says_what_to_install():
    """Where torch is missing, build names the package to install (not the generated source's import)."""
    code = (
        "import sys; sys.modules['torch'] = None\n"  # as if torch were not installed
        "import archspec\n"
        "try:\n"
        "    archspec.build('specs/lenet5.arch')\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stdout.startswith("ImportError archspec.build needs PyTorch"), run.stdout + run.stderr
    assert "pip install 'archspec[torch]'" in run.stdout


# ----------------------------------------------------------------------------- no injection


def test_no_spec_text_becomes_code():
    assert literal(float("inf")) == 'float("inf")'
    with pytest.raises(ValueError):
        literal("x'); import os; ('")
    with pytest.raises(ValueError):
        generate(archspec.loads("network T\ninput 1x4x4\nconv 2 1\n"), class_name="T(nn.Module): pass\nclass U")
    net = archspec.loads("network import\ninput 1x4x4\nrescale 0.5\n", file="evil\nimport os\n.arch")
    source = generate(net)
    compile(source, "<test>", "exec")  # the header cannot break out of its comment
    assert "\nimport os" not in source
    assert "class Import(nn.Module)" in source
    assert (archspec.build(net)(torch.ones(1, 1, 4, 4)) == 0.5).all()


@pytest.mark.parametrize("name", ["forward", "training", "to", "_modules", "append"])
def test_names_pytorch_reserves_are_errors_not_broken_modules(name):
    net = archspec.loads(f"network T\ninput 1x4x4\n{name}: conv 2 1\nx2: conv 2 1, conv 2 1\n")
    with pytest.raises(CodegenError) as err:
        generate(net)
    assert err.value.diagnostic.code == "bad-name"
    assert err.value.diagnostic.span.line == 3
    with pytest.raises(archspec.ArchspecError) as built:  # build says it as for a spec that fails its checks
        archspec.build(net)
    assert [(d.code, d.span.line) for d in built.value.diagnostics] == [("bad-name", 3)]


def test_a_merge_inside_a_sequence_is_an_error_not_a_broken_module():
    net = archspec.loads("network T\ninput 2x4x4\na: conv 2 1\ns: add(a, a), conv 2 1\n")
    with pytest.raises(CodegenError) as err:
        generate(net)
    d = err.value.diagnostic
    assert (d.code, d.span.line, d.span.column) == ("unsupported", 4, 4)


def test_block_parameters_named_like_python_names_are_renamed():
    spec = """block b(self, nn, lambda, in_channels):
    conv nn 3x3 stride=lambda pad=1
    conv in_channels 1x1 dilation=self
network N
input 2x8x8
b1: b(1, 4, 2, 3)
b2: b(2, 5, 1, 6)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "def __init__(self, in_channels: int, self_: int, nn_: int, lambda_: int, in_channels_2: int)" in source
    agree(net, archspec.build(net))


def test_only_a_layer_that_reads_the_block_input_takes_in_channels():
    # squeeze-and-excitation where `c` equals the input's channels in every call: the squeeze conv
    # reads the pooled `c` channels, not the block's input, so the class must work for another input
    spec = """block se(c):
    a: conv c 3x3 pad=1 relu
    g: avgpool to 1x1
    s: conv 4 1x1 relu
    t: conv c 1x1 sigmoid
    m: mul(a, t)
network N
input 16x8x8
b1: se(16)
b2: se(16)
"""
    net = archspec.loads(spec)
    agree(net, archspec.build(net))
    namespace: dict = {}
    exec(generate(net), namespace)
    wider = namespace["Se"](32, c=16)  # the block's class on a 32-channel input
    assert wider(torch.randn(2, 32, 8, 8)).shape == (2, 16, 8, 8)


# ----------------------------------------------------------------------------- the spec's expressions


def block_class(net, name: str):
    """The class `archspec compile` writes for a block, from the network's emitted source."""
    namespace: dict = {}
    exec(generate(net), namespace)
    return namespace[name]


def same_module(block, spec: str) -> None:
    """`block` (a block class instantiated with arguments no call of its spec gives) is the module
    the analyser makes of `spec`, which calls the block with those arguments: parameters and output
    shape, each measured by torch on both."""
    net = archspec.loads(spec)
    model = archspec.build(net)
    x = torch.randn(2, *net.input_shape)
    assert sum(p.numel() for p in block.parameters()) == sum(p.numel() for p in model.parameters())
    assert block(x).shape == model(x).shape == (2, *net.output_shape)


def test_padding_is_written_as_the_spec_writes_it():
    # pad equals s in both calls (1 and 2): only `k // 2` says what the author wrote
    spec = """block cb(c, k, s):
    conv c k stride=s pad=k//2
network N
input 3x32x32
a: cb(8, 3, 1)
b: cb(8, 5, 2)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "nn.Conv2d(in_channels, c, kernel_size=k, stride=s, padding=k // 2)" in source
    agree(net, archspec.build(net))
    block = block_class(net, "Cb")(4, c=6, k=7, s=1)
    # 4*6*7*7 weights + 6 biases; a 7x7 kernel padded by 3 keeps 32x32
    assert sum(p.numel() for p in block.parameters()) == 4 * 6 * 49 + 6
    assert block(torch.zeros(2, 4, 32, 32)).shape == (2, 6, 32, 32)
    same_module(block, spec.split("network")[0] + "network M\ninput 4x32x32\nx: cb(6, 7, 1)\n")


def test_depthwise_groups_are_the_blocks_parameter():
    # every call has 16 channels: the class still takes them from `c`, as the spec says
    spec = """block dw(c):
    conv c 3x3 pad=1 groups=c bn relu
network N
input 16x8x8
a: dw(16)
b: dw(16)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "nn.Conv2d(in_channels, c, kernel_size=3, padding=1, groups=c)" in source
    assert "nn.BatchNorm2d(c)" in source  # the channels the conv made
    block = block_class(net, "Dw")(32, c=32)
    # a depthwise 3x3 on 32 channels: 32*9 weights + 32 biases, and batchnorm's 2*32
    assert sum(p.numel() for p in block.parameters()) == 32 * 9 + 32 + 2 * 32
    same_module(block, spec.split("network")[0] + "network M\ninput 32x8x8\nx: dw(32)\n")


def test_expressions_keep_their_precedence():
    spec = """block p(a, b):
    conv (a + b) * 2 1x1
    conv a - (b - 1) 1x1 stride=-(1 - b) + 1
    conv in.c // 2 + a % 3 1x1
network N
input 6x8x8
x: p(2, 1)
y: p(3, 1)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "nn.Conv2d(in_channels, (a + b) * 2, kernel_size=1)" in source
    # each conv reads the channels the expression before it made
    assert "nn.Conv2d((a + b) * 2, a - (b - 1), kernel_size=1, stride=-(1 - b) + 1)" in source
    assert "nn.Conv2d(a - (b - 1), in_channels // 2 + a % 3, kernel_size=1)" in source
    agree(net, archspec.build(net))
    block = block_class(net, "P")(10, a=4, b=2)
    # 10 -> (4+2)*2 = 12 -> 4-(2-1) = 3 channels at stride 2 -> 10//2 + 4%3 = 6 channels
    assert block(torch.zeros(2, 10, 8, 8)).shape == (2, 6, 4, 4)
    same_module(block, spec.split("network")[0] + "network M\ninput 10x8x8\nx: p(4, 2)\n")


def test_in_c_is_the_blocks_input_channels():
    # the second conv gives back the block's input channels: 8 in both calls, `in_channels` in the class
    spec = """block neck(m):
    conv m 1x1 relu
    conv in.c 3x3 pad=1
network N
input 8x8x8
a: neck(4)
b: neck(4)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "nn.Conv2d(m, in_channels, kernel_size=3, padding=1)" in source
    block = block_class(net, "Neck")(16, m=4)
    assert block(torch.zeros(2, 16, 8, 8)).shape == (2, 16, 8, 8)
    same_module(block, spec.split("network")[0] + "network M\ninput 16x8x8\nx: neck(4)\n")


def test_division_and_the_input_size_are_what_the_spec_computes():
    """`c / 2` is a whole number in the spec or an error: the class checks it (`whole`), naming the
    spec's line, rather than round it; `in.h` is the size the caller passes (`in_size`)."""
    spec = """block g(c):
    conv c / 2 1x1
    avgpool in.h
network N
input 8x8x8
a: g(8)
b: g(16)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert 'nn.Conv2d(in_channels, whole(c / 2, "<string>:2:10"), kernel_size=1)' in source
    assert "def __init__(self, in_channels: int, c, *, in_size: tuple[int, ...]) -> None:" in source
    assert "nn.AvgPool2d(kernel_size=in_size[0], stride=in_size[0])" in source
    assert "self.a = G(8, c=8, in_size=(8, 8))" in source and "self.b = G(4, c=16, in_size=(1, 1))" in source
    model = archspec.build(net)
    agree(net, model)
    with pytest.raises(ValueError, match="<string>:2:10: the size comes out 2.5, not a whole number"):
        type(model.a)(8, c=5, in_size=(8, 8))


def test_what_a_layer_kind_computes_from_expressions_stays_right():
    # sepconv makes two convs of its options (the depthwise one takes the kernel and the padding,
    # the pointwise one the channels); the projection's options come from the shapes. The calls
    # differ so that the values the spec does not write (the depthwise conv's channels, the
    # projection's) are matched against them unambiguously
    spec = """block sep(c, k, s):
    add:
        branch:
            sepconv c * 2 k stride=s pad=k // 2 bias=false bn relu
        shortcut: project
network N
input 8x16x16
a: sep(4, 3, 2)
b: sep(8, 5, 1)
d: sep(4, 3, 1)
"""
    net = archspec.loads(spec)
    source = generate(net)
    flat = re.sub(r"\s+", " ", source)
    depthwise = "nn.Conv2d( in_channels, in_channels, kernel_size=k, stride=s, padding=k // 2, groups=in_channels,"
    assert depthwise in flat
    assert "nn.Conv2d(in_channels, c * 2, kernel_size=1, bias=False)" in source
    assert "nn.Conv2d(in_channels, c * 2, kernel_size=1, stride=s, bias=False)" in source  # the projection
    assert "nn.BatchNorm2d(c * 2)" in source
    agree(net, archspec.build(net))
    block = block_class(net, "Sep")(12, c=10, k=7, s=2)
    assert block(torch.zeros(2, 12, 16, 16)).shape == (2, 20, 8, 8)
    same_module(block, spec.split("network")[0] + "network M\ninput 12x16x16\nx: sep(10, 7, 2)\n")


def test_only_options_written_over_parameters_are_the_classes_expressions():
    spec = """block cb(c, k):
    conv c k stride=2 pad=k//2 bias=false
network N
input 3x32x32
conv 4 3x3 pad=1
a: cb(8, 3)
"""
    source = generate(archspec.loads(spec))
    # the block's options as the definition writes them; the network's own lines: numbers
    assert "nn.Conv2d(in_channels, c, kernel_size=k, stride=2, padding=k // 2, bias=False)" in source
    assert "self.conv_1 = nn.Conv2d(3, 4, kernel_size=3, padding=1)" in source


def test_keyword_names_are_errors():
    net = archspec.loads("network T\ninput 1x4x4\nlambda: conv 2 1\n")
    with pytest.raises(CodegenError):
        generate(net)


def test_block_names_that_clash_get_class_names_of_their_own():
    spec = """block rescale(c):
    conv c 1x1
block ordered_dict(c):
    conv c 1x1
network OrderedDict
input 2x4x4
r: rescale(3), rescale(4)
o: ordered_dict(2), ordered_dict(3)
rescale 2
"""
    net = archspec.loads(spec)
    source = generate(net)
    classes = re.findall(r"^class (\w+)", source, re.M)
    assert len(classes) == len(set(classes)) == 4
    assert "Rescale" in classes
    agree(net, archspec.build(net))


# ----------------------------------------------------------------------------- torch.fx and torch.compile


def test_torch_fx_traces_emitted_modules():
    for name, first in (("resnet18", "conv1"), ("googlenet", "conv1"), ("alexnet", "features")):
        model = build_meta(archspec.load(SPECS / f"{name}.arch"))
        graph = torch.fx.symbolic_trace(model)
        calls = {n.target for n in graph.graph.nodes if n.op == "call_module"}
        assert first in calls or f"{first}.0" in calls


def test_torch_compile_traces_the_whole_graph():
    # `aot_eager` runs dynamo and AOT autograd; inductor's C++ compile takes ~20 s on a small CPU:
    # `fullgraph=True` fails on any graph break the generated code would cause
    spec = "network R\ninput 3x16x16\nconv1: conv 8 3x3 pad=1 bn relu\nlayer1: basic(8), basic(16, stride=2)\ngap\n"
    model = archspec.build((SPECS / "blocks.arch").read_text() + spec).eval()
    x = torch.randn(2, 3, 16, 16)
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    assert torch.allclose(compiled(x), model(x), atol=1e-5)


def test_tracebacks_show_the_generated_source():
    import traceback

    model = archspec.build(SPECS / "lenet5.arch")
    with pytest.raises(RuntimeError) as err:
        model(torch.zeros(2, 3, 32, 32))  # three channels where the spec says one
    assert "x = self.c1(x)" in "".join(traceback.format_tb(err.value.__traceback__))


def test_calls_whose_projected_shortcuts_differ_build():
    # one call projects 2 -> 1 channels, the next keeps 1 (identity), the last projects 1 -> 8: the
    # projection's sizes are the class's optional arguments, given by the calls that build it
    spec = """network Net
input 2x16x23
block bott0(w, s=1, e=4):
    add:
        branch:
            conv (w*e) 1
        shortcut: project
bott0(1, e=1) x2
bott0(2)
"""
    net = archspec.loads(spec)
    agree(net, archspec.build(net))


def test_a_line_named_like_a_branch_variable_keeps_its_value():
    # `branch1` is the spec's name of the flatten, which both dense branches read: the first branch's
    # output must not overwrite it before the second branch reads it
    spec = "network FuzzNet\ninput 1x13x13\nbranch1: flatten\nn23: mul:\n    branch: dense 8\n    branch: dense 8\n"
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)
    x = torch.randn(2, 1, 13, 13)
    flat = x.flatten(1)
    expected = model.dense_1(flat) * model.dense_2(flat)
    assert torch.equal(model(x), expected)


def test_the_network_class_takes_the_networks_parameters():
    from archspec.analysis.load import analyse

    spec = """network Net(num_classes=1000, width=16)
input 3x32x32
conv1: conv width 3x3 pad=1 relu
conv2: conv (width*2) 3x3 pad=1 relu
gap
fc: dense num_classes
"""
    net = analyse(spec, "n.arch", settings=[("num_classes", "10")]).network
    source = generate(net)
    assert "def __init__(self, *, num_classes: int = 10, width: int = 16) -> None:" in source
    assert "self.fc = nn.Linear(width * 2, num_classes)" in source
    model = archspec.build(net)
    agree(net, model)
    # the class built with other arguments is the network checked with them
    other = type(model)(num_classes=5, width=4)
    checked = analyse(spec, "n.arch", settings=[("num_classes", "5"), ("width", "4")]).network
    assert sum(p.numel() for p in other.parameters()) == checked.params
    assert other(torch.zeros(2, 3, 32, 32)).shape == (2, 5)


def test_a_blocks_class_takes_the_blocks_own_parameters():
    spec = "block dw(m):\n    dwconv 3x3 multiplier=m pad=1\nblock up(f):\n    upsample f\n"
    net = archspec.loads(spec + "network N\ninput 8x8x8\ndw(2)\ndw(3)\nup(2)\n")
    source = generate(net)
    assert "def __init__(self, in_channels: int, m: int) -> None:" in source
    assert "nn.Conv2d(in_channels, in_channels * m, kernel_size=3, padding=1, groups=in_channels)" in source
    assert "def __init__(self, f: float) -> None:" in source and "nn.Upsample(scale_factor=f)" in source
    assert "Dw(8, m=2)" in source and "Dw(16, m=3)" in source and "Up(f=2)" in source
    agree(net, archspec.build(net))


def _positional_parameters(source: str, class_name: str) -> list[str]:
    init = re.search(rf"class {class_name}\(nn.Module\):.*?def __init__\((.*?)\) -> None", source, re.S).group(1)
    names = []
    for part in re.split(r",\s*", init.strip().rstrip(",")):
        if part.strip() == "*":
            break
        names.append(re.match(r"\w+", part.strip()).group(0))
    return names[1:]  # without self


@pytest.mark.parametrize("name", ZOO)
def test_every_zoo_blocks_class_takes_its_parameters_by_name(name):
    from archspec.emit.names import class_name_for

    net = archspec.load(SPECS / f"{name}.arch")
    source = generate(net)
    for block in sorted({g.name for g in net.groups if g.kind == "block"}):
        definition = net.definitions[block]
        for class_name in re.findall(rf"^class ({class_name_for(block)}\d*)\(nn.Module\)", source, re.M):
            names = _positional_parameters(source, class_name)
            assert [n for n in names if n != "in_channels"] == [p.name for p in definition.params], class_name


def test_one_class_for_if_arms_that_make_a_name_from_different_tensors():
    """ShuffleNetV2's InvertedResidual as torchvision writes it: both arms make `branch2`, from the
    input in one and from half of it in the other; one class, the spec's `if` in __init__ (each
    arm's `branch2` made from its own tensor) and in the forward."""
    source = generate(archspec.load(SPECS / "shufflenet_v2_x1_0.arch"))
    assert re.findall(r"^class (\w+)", source, re.M) == ["InvertedResidual", "ShuffleNetV2"]
    assert "def __init__(self, in_channels: int, oup, stride: int) -> None:" in source
    assert "        if stride > 1:\n" in source
    assert "            self.branch1 = nn.Sequential(" in source
    assert "                nn.Conv2d(in_channels, branch_features, kernel_size=1, bias=False)," in source
    assert "                nn.Conv2d(in_channels // 2, branch_features, kernel_size=1, bias=False)," in source
    forward = """        if self.stride > 1:
            branch1 = self.branch1(x)
            branch2 = self.branch2(x)
            out = torch.cat([branch1, branch2], dim=1)
        else:
            x1, x2 = x.chunk(2, dim=1)
            branch2 = self.branch2(x2)
            out = torch.cat([x1, branch2], dim=1)
        out = self.channel_shuffle(out)
        return out
"""
    assert forward in source


def test_dpn_dual_path_block_is_one_class_as_cadene_writes_it():
    """Three arms (proj, down, normal) that slice `x_s1` and `x_s2` from three tensors, then the same
    bottleneck: the arms, then the bottleneck once, reading the slices' bounds from attributes."""
    source = generate(archspec.load(SPECS / "dpn92.arch"))
    assert re.findall(r"^class (\w+)", source, re.M) == ["BnActConv", "InputBlock", "DualPathBlock", "CatBnAct",
                                                          "Features", "DPN92"]  # fmt: skip
    assert "        self.num_1x1_c = num_1x1_c\n        self.inc = inc\n" in source
    assert '        key_stride = 2 if block_type == "down" else 1\n' in source
    forward = """        else:
            x_s1 = x[:, 0:self.num_1x1_c]
            x_s2 = x[:, self.num_1x1_c:]
        out = self.c1x1_a(x)
        out = self.c3x3_b(out)
        c1x1_c = self.c1x1_c(out)
        out1, out2 = torch.split(c1x1_c, [self.num_1x1_c, self.inc], dim=1)
        resid = x_s1 + out1
        out = torch.cat([resid, x_s2, out2], dim=1)
        return out
"""
    assert forward in source
    assert '        if self.block_type == "proj":\n' in source  # the spec's `if`, over the value __init__ keeps
    assert '        elif self.block_type == "down":\n' in source


def test_split_sizes_over_parameters_are_kept_under_names_a_module_cannot_clash_with():
    """A split's sizes over the block's parameters: the forward reads them from attributes, named
    apart from nn.Module's own (`training`); a part's channels carry its size's expression."""
    spec = """block b(training, forward):
    a, z: split (training, in.c - training)
    y: from z, conv forward 1x1
    concat(a, y)
network T
input 8x4x4
b(3, 2)
b(4, 2)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert re.findall(r"^class (\w+)", source, re.M) == ["B", "T"]
    assert "        self.training_2 = training\n        self.in_channels = in_channels\n" in source
    assert "a, z = torch.split(x, [self.training_2, self.in_channels - self.training_2], dim=1)" in source
    assert "self.y = nn.Conv2d(in_channels - training, forward, kernel_size=1)" in source
    model = archspec.build(net)
    assert model.training  # nn.Module's flag, not the block's parameter
    agree(net, model)


@pytest.mark.parametrize(
    "spec",
    [
        # a line named `x` is not the block's input
        "block u(c, s):\n    if s > 1:\n        q: conv c 1\n        x: conv c 1\n    else:\n"
        "        x1, x2: chunk 2\n        x: from x1, conv c 1\n    relu\nnetwork N\ninput 8x8x8\n"
        "s: u(16, 2), u(16, 1)\n",
        # an optional run ending in a chunk's part: the parts stay in one statement
        "block u(c, s):\n    if s > 1:\n        x1, x2: chunk 2\n        r: from x2, conv c 1\n    else:\n"
        "        r: conv c 1\n    relu\nnetwork N\ninput 8x8x8\ns: u(8, 2), u(8, 1)\n",
    ],
)
def test_arms_that_once_built_wrong_modules(spec):
    net = archspec.loads(spec)
    agree(net, archspec.build(net))


def test_an_arms_class_stays_general_where_every_call_has_the_same_value():
    spec = """block unit(oup, stride):
    if stride > 1:
        branch1: dwconv 3x3 stride=stride pad=1, conv (oup//2) 1
        branch2: from in, conv (oup//2) 1, dwconv 3x3 stride=stride pad=1
        concat(branch1, branch2)
    else:
        x1, x2: chunk 2
        branch2: from x2, conv (oup//2) 1, dwconv 3x3 stride=stride pad=1
        concat(x1, branch2)
    shuffle 2
network N(w=16)
input 8x8x8
s: unit(w, 2), unit(w, 1)
"""
    source = generate(archspec.loads(spec))
    assert "nn.Conv2d(8, oup // 2" not in source
    from archspec.analysis.load import analyse

    wide = analyse(spec, "n.arch", settings=[("w", "32")]).network
    agree(wide, archspec.build(wide))


def test_a_class_of_three_arms_builds_and_agrees():
    """Three arms, one of them without a module of its own (it runs last, as `else`); a module two
    arms make with different inputs; every call's module agrees with the analyser."""
    spec = """block b(kind, c):
    if kind == wide:
        w: conv c 1x1
        y: from in, conv c 1x1
        concat(w, y)
    elif kind == down:
        d: conv c 3x3 stride=2 pad=1
        y: from d, conv c 1x1
        concat(d, y)
    else:
        a, z: chunk 2
        y: from z, conv c 1x1
        concat(a, y)
    relu
network T
input 8x8x8
b(wide, 4)
b(down, 4)
b(same, 4)
b(same, 6)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert re.findall(r"^class (\w+)", source, re.M) == ["B", "T"]
    # the `if` of the spec in __init__ and in the forward, each arm's modules made from its own tensors
    assert '        if kind == "wide":\n' in source and '        elif kind == "down":\n' in source
    assert "            self.y = nn.Conv2d(in_channels, c, kernel_size=1)\n" in source
    assert "            self.y = nn.Conv2d(c, c, kernel_size=1)\n" in source
    assert "            self.y = nn.Conv2d(in_channels // 2, c, kernel_size=1)\n" in source
    assert '        if self.kind == "wide":\n' in source and '        elif self.kind == "down":\n' in source
    assert "            out = torch.cat([a, y], dim=1)\n        out = self.relu_1(out)\n        return out\n" in source
    # each arm tests what the spec refuses there (`c=0`; odd channels to chunk)
    assert source.count("if c < 1:") == 3 and "if in_channels % 2:" in source
    agree(net, archspec.build(net))


def test_let_values_are_written_as_the_expressions_they_stand_for():
    spec = """block b(e):
    let m = in.c * e
    conv m 1x1
network T(width=8)
input 8x8x8
let c = width * 2
conv c 1x1
b(2)
b(3)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "def __init__(self, in_channels: int, e) -> None:" in source
    assert "        m = in_channels * e\n" in source
    assert "        self.conv_1 = nn.Conv2d(in_channels, m, kernel_size=1)" in source
    assert "        if m < 1:\n            raise ValueError(" in source  # `e=0`: the spec refuses it, the class too
    # the network's `let` is a local value of its __init__ too, over its parameter (not 16)
    assert "        c = width * 2\n" in source and "nn.Conv2d(8, c, kernel_size=1)" in source
    assert "self.b_1 = B(c, e=2)" in source and "self.b_2 = B(c * 2, e=3)" in source
    model = archspec.build(net)
    agree(net, model)
    # built with another width, the class is the network checked with it (the `let` follows it)
    from archspec.analysis.load import analyse

    checked = analyse(spec, "t.arch", settings=[("width", "4")]).network
    assert sum(p.numel() for p in type(model)(width=4).parameters()) == checked.params


def test_block_calls_at_the_network_level_follow_the_networks_parameters():
    from archspec.analysis.load import analyse

    spec = "block b(w):\n    conv w 1x1\nnetwork N(width=8)\ninput 3x8x8\nb(width * 2)\nb(4)\n"
    net = archspec.loads(spec)
    source = generate(net)
    assert "self.b_1 = B(3, w=width * 2)" in source and "self.b_2 = B(width * 2, w=4)" in source
    model = archspec.build(net)
    agree(net, model)
    checked = analyse(spec, "n.arch", settings=[("width", "3")]).network
    other = type(model)(width=3)
    assert sum(p.numel() for p in other.parameters()) == checked.params
    assert other(torch.zeros(2, 3, 8, 8)).shape == (2, *checked.output_shape)


def _same_function(net_of_call, block_module) -> None:
    """`block_module` (a class of another spec, built with other arguments) computes what the
    spec that calls the block with those arguments computes: the same parameters by name, and the
    same output from the same weights."""
    reference = archspec.build(net_of_call).b_1
    assert [k for k, _ in block_module.state_dict().items()] == [k for k, _ in reference.state_dict().items()]
    block_module.load_state_dict(reference.state_dict())
    reference.eval(), block_module.eval()
    x = torch.randn(2, *net_of_call.input_shape)
    assert torch.equal(block_module(x), reference(x))


# Blocks whose calls leave arms of their `if`s untried: the class is the definition's translation,
# the same text whatever the calls, and built with arguments no call passes it is what the spec
# builds for a call with them. (block, the calls of the spec, [(an untried call, its constructor's arguments)])
OPTIONAL_STEPS = {
    "two ifs one after another": (
        "block b(s=1, se=false):\n    conv 8 3x3 pad=1 stride=s\n"
        "    if se:\n        relu\n    if s == 1:\n        bn\n",
        ["b()", "b(s=2, se=true)"],
        [("b(se=true)", {"se": True}), ("b(s=2)", {"s": 2})],
    ),
    "an if without else that every call takes": (
        "block b(r=2):\n    conv 8 1\n    if r > 0:\n        drop: dropout 0.5\n        conv (8 * r) 1\n    relu\n",
        ["b()", "b(r=1)"],
        [("b(r=0)", {"r": 0}), ("b(r=3)", {"r": 3})],
    ),
    "an else no call takes": (
        "block b(s=1):\n    conv 8 3x3 pad=1 stride=s\n    if s == 1:\n        bn\n    else:\n        relu\n",
        ["b()", "b()"],
        [("b(s=2)", {"s": 2})],
    ),
    "an optional branch of a concatenation": (
        "block b(c=4, wide=false):\n    concat:\n        branch: conv c 1\n"
        "        if wide:\n            branch: conv c 3x3 pad=1\n",
        ["b()"],
        [("b(wide=true)", {"wide": True}), ("b(c=2, wide=true)", {"c": 2, "wide": True})],
    ),
    "conditions over a layer kind, `in.c` and a word": (
        "block b(c=8, flag=false, kind=up):\n    if kind == down and flag and in.c != c:\n        conv 4 1\n"
        "    elif not flag and in.c == c and kind == up:\n        conv 8 1\n    else:\n        conv 16 1\n",
        ["b()", "b(c=4)"],
        [("b(kind=down, flag=true, c=4)", {"kind": "down", "flag": True, "c": 4}), ("b(flag=true)", {"flag": True})],
    ),
}


def _class_source(source: str, name: str) -> str:
    return source.split(f"class {name}(nn.Module):")[1].split("\nclass ")[0]


@pytest.mark.parametrize("name", OPTIONAL_STEPS)
def test_a_class_builds_what_the_spec_says_for_arguments_no_call_passes(name):
    block, calls, untried = OPTIONAL_STEPS[name]
    net = archspec.loads(block + "network T\ninput 8x8x8\n" + "\n".join(calls) + "\n")
    model = archspec.build(net)
    agree(net, model)
    for call, arguments in untried:
        other = archspec.loads(block + f"network P\ninput 8x8x8\n{call}\n")
        agree(other, archspec.build(other))  # the spec's module for that call is the analysis's
        # one class whatever the calls: the definition's, not the calls'
        assert _class_source(generate(other), "B") == _class_source(generate(net), "B")
        _same_function(other, type(model.b_1)(8, **arguments))


def test_a_parameter_named_like_a_function_of_expressions_does_not_hide_it():
    """`max(in.c, max)` with a parameter `max`: the constructor's parameter is `max_`, and the
    builtin `max` still computes the width."""
    spec = """block b(max=4, round=2):
    conv (max(in.c, max) + round) 1
network T
input 3x8x8
b()
b(max=9)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "def __init__(self, in_channels: int, max_: int = 4, round_: int = 2) -> None:" in source
    assert "nn.Conv2d(in_channels, max(in_channels, max_) + round_, kernel_size=1)" in source
    agree(net, archspec.build(net))


def test_network_level_split_and_slice_bounds_follow_the_networks_parameters():
    """`split (d) (8 - d)` and `slice 0 (d // 2)` over a network parameter: the forward reads `d`
    from the instance, so the class built with another `d` is the network checked with it."""
    spec = """network T(d=4)
input 8x6x6
conv 8 1
a, b: split (d) (8 - d)
s: from a, slice 0 (d // 2)
concat(b, s)
"""
    net = archspec.loads(spec)
    source = generate(net)
    assert "torch.split(x, [self.d, 8 - self.d], dim=1)" in source and "a[:, 0:self.d // 2]" in source
    model = archspec.build(net)
    agree(net, model)
    from archspec.analysis.load import analyse

    checked = analyse(spec, "t.arch", settings=[("d", "6")]).network
    y = type(model)(d=6)(torch.zeros(1, *checked.input_shape))
    assert tuple(y.shape[1:]) == checked.output_shape == (5, 6, 6)


def test_a_long_statement_of_the_forward_is_wrapped_as_ruff_formats_it():
    """A split into long names over long parameters: every line of the forward fits 120
    columns, the statement wrapped as `ruff format` leaves it, and the module still agrees."""
    long = ["first_part_channel_count_that_is_really_long", "second_part_channel_count_that_is_even_longer", "third"]
    parts = ["the_first_part_name_is_long", "the_second_part_name_is_longer", "the_third_part_has_a_long_name"]
    spec = f"""block b({", ".join(long)}):
    {", ".join(parts)}: split ({long[0]}) ({long[1]}) ({long[2]})
    concat(the_third_part_has_a_long_name, the_second_part_name_is_longer, the_first_part_name_is_long)
network T
input 16x4x4
b(4, 4, 8)
b(8, 4, 4)
"""
    net = archspec.loads(spec)
    source = generate(net)
    forward = source[source.index("    def forward") :]
    assert max(len(line) for line in forward.splitlines()) <= 120
    assert (
        f"        {', '.join(parts)} = torch.split(\n"
        "            x,\n            [\n                self.first_part_channel_count_that_is_really_long,\n"
    ) in forward
    agree(net, archspec.build(net))


# Blocks whose calls leave some arguments untried (found by an adversarial review): built with
# arguments no call passes, the class either computes what the spec says for a call with them, or
# refuses them (ValueError); never another network. (spec, [(constructor, the call it stands for)])
UNTRIED = {
    "a shortcut every call projects": (
        """block b(c=8, s=1):
    add:
        branch: conv c 1
        shortcut: project
""",
        ["b(c=16)"],
        [("B(8, c=8)", "b(c=8)"), ("B(8, c=4)", "b(c=4)")],
    ),
    "a projection inside an if": (
        """block b(c=8, flag=false):
    if not flag:
        add:
            branch:
                conv (c + 4) 1 relu x2
            shortcut: project
    conv (c * 2) 3x3 pad=1
""",
        ["b(c=8)", "b(c=4)"],
        [("B(8, c=4)", "b(c=4)"), ("B(8, c=8)", "b(c=8)")],
    ),
    "a boolean passed on to a nested block": (
        """block u(f):
    conv 8 1
    if f:
        relu
    else:
        tanh
block b(flag=false):
    u(flag)
""",
        ["b()", "b()"],
        [("B(8, flag=True)", "b(flag=true)")],
    ),
    "a projection after a nested block's own stride parameter": (
        """block u(n, s=1):
    conv n 3x3 stride=s pad=1
block b(s=1):
    add:
        branch: u(4)
        shortcut: project
""",
        ["b()", "b()"],
        [("B(8, s=2)", "b(s=2)")],
    ),
    "two ifs the same calls take": (
        """block b(e=false, f=false):
    conv 8 1
    if e:
        relu
    if f:
        bn
""",
        ["b()", "b(e=true, f=true)"],
        [("B(8, e=True)", "b(e=true)"), ("B(8, f=True)", "b(f=true)")],
    ),
    "two ifs every call takes": (
        """block b(p=1, q=1):
    conv 8 1
    if p > 0:
        relu
    if q > 0:
        bn
""",
        ["b()"],
        [("B(8, q=0)", "b(q=0)"), ("B(8, p=0)", "b(p=0)")],
    ),
    "two if-else in a row": (
        """block b(a=false, c=false):
    conv 8 1
    if a:
        relu
    else:
        sigmoid
    if c:
        tanh
    else:
        bn
""",
        ["b()", "b(a=true, c=true)"],
        [("B(8, a=True)", "b(a=true)"), ("B(8, c=True)", "b(c=true)")],
    ),
    "an optional merge after an optional step": (
        """block b(e=false, f=false):
    conv 8 1
    if e:
        tanh
    if f:
        concat:
            branch: conv 8 1
            branch: identity
""",
        ["b(e=true)", "b(f=true)"],
        [("B(8, e=True, f=True)", "b(e=true, f=true)")],
    ),
    "an optional step from a name": (
        """block b(e=false, f=false):
    a: conv 8 1
    if e:
        relu
    if f:
        from a, bn
""",
        ["b(e=true)", "b(f=true)"],
        [("B(8, e=True, f=True)", "b(e=true, f=true)")],
    ),
    "an optional branch every call takes": (
        """block b(r=1):
    add:
        branch:
            conv 8 3x3 pad=1
        if r > 0:
            branch: conv 8 1
""",
        ["b()"],
        [("B(8, r=0)", "b(r=0)")],
    ),
    "a merge reading an optional line": (
        """block b(r=1):
    a: conv 8 1
    if r > 0:
        t: conv 8 1
    add(a, t)
""",
        ["b()"],
        [("B(8, r=0)", None)],
    ),
    "nested ifs": (
        """block b(a=false, c=false):
    conv 8 1
    if a:
        relu
        if c:
            bn
    sigmoid
""",
        ["b()", "b(a=true, c=true)"],
        [("B(8, a=True)", "b(a=true)")],
    ),
    "a quotient passed to a nested block": (
        """block inner(w):
    conv (w + 1) 1
block drop(p):
    dropout p
block b(c=4):
    inner(c / 2)
    drop(c / 10)
""",
        ["b()"],
        [("B(8, c=6)", "b(c=6)"), ("B(8, c=3)", None), ("B(8, c=5)", None), ("B(8, c=8)", "b(c=8)")],
    ),
    "a number as an arm of a condition": (
        """block b(w=4, se=false):
    conv 4 1
    if in.c == w if se else 4:
        relu
    if (3 if w == 1 else in.c > w) or w == 2:
        tanh
""",
        ["b(se=true)"],
        [("B(8, w=8, se=True)", "b(w=8, se=true)"), ("B(8, w=2, se=True)", "b(w=2, se=true)")]
        + [("B(8)", None), ("B(8, w=1, se=True)", None)],
    ),
    "merges of channels the arguments make": (
        """block b(c=8, s=8, f=true):
    add:
        branch: conv c 1
        branch: identity
    mul:
        branch: identity
        branch: avgpool to 1x1, conv s 1 sigmoid
    conv 8 1
    a: conv 8 1
    t: conv c 1
    add(a, t)
    add:
        branch: conv 8 1
        if f:
            branch: conv c 1
""",
        ["b()"],
        [("B(8, s=1)", "b(s=1)"), ("B(8, c=4)", None), ("B(8, s=4)", None)]
        + [("B(8, c=4, f=False)", None), ("B(4, c=4)", None)],
    ),
    "a product by a map of one channel": (
        """block b(s=1):
    mul:
        branch: conv s 1 sigmoid
        branch: identity
    conv 4 1
""",
        ["b()"],
        [("B(8, s=8)", "b(s=8)"), ("B(8, s=2)", None)],
    ),
    "a second projected shortcut": (
        """block b(c=8, f=true):
    add:
        branch: conv c 1
        shortcut: project
    add:
        branch: conv 16 1
        shortcut: project
    if f:
        add:
            branch: conv 8 1
            shortcut: project
    else:
        add:
            branch: conv 4 1
            shortcut: project
""",
        ["b()"],
        [("B(8, c=4)", "b(c=4)"), ("B(8, c=4, f=False)", "b(c=4, f=false)"), ("B(8, c=16)", "b(c=16)")],
    ),
    "arms no call takes, wrong whatever the arguments": (
        """block inner(w):
    conv (in.c / 2) 1
block b(f=false, g=false, h=0):
    conv 8 1
    if f:
        conv 1 1 groups=2
    elif g:
        conv 1 1
        x1, x2: chunk 2
        concat(x1, x2)
    elif h == 1:
        conv 3 1
        inner(4)
    relu
""",
        ["b()"],
        [("B(8, f=True)", None), ("B(8, g=True)", None), ("B(8, h=1)", None), ("B(8, h=2)", "b(h=2)")],
    ),
    "a name an arm defines, defined again after it": (
        """block b(c=8, f=false, g=false):
    if f:
        add:
            branch: conv c 1
            downsample: project
    elif g:
        t: conv 8 1
    else:
        conv 4 1
    add:
        branch: conv 16 1
        downsample: project
    t: relu
""",
        ["b()"],
        [("B(8, c=4)", "b(c=4)"), ("B(8, f=True)", None), ("B(8, g=True)", None)],
    ),
    "a stride the arguments make 0": (
        """block b(s=1):
    conv 4 3 stride=s pad=1
    maxpool 2 stride=s
""",
        ["b()"],
        [("B(8, s=0)", None), ("B(8, s=(2, 1))", "b(s=(2, 1))"), ("B(8, s=(1, 0))", None)],
    ),
    "a layer kind parameter after a width written as a function": (
        """block b(act):
    conv (min(in.c, 4)) 3 pad=1 act
""",
        ["b(relu)"],
        [("B(8, act=nn.Tanh)", "b(tanh)")],
    ),
}


@pytest.mark.parametrize("name", UNTRIED)
def test_a_class_built_with_untried_arguments_is_the_spec_or_refuses(name):
    block, calls, tried = UNTRIED[name]
    net = archspec.loads(block + "network T\ninput 8x8x8\n" + "\n".join(calls) + "\n")
    model = archspec.build(net)
    agree(net, model)
    B = type(model.b_1)
    for constructor, call in tried:
        try:
            built = eval(constructor, {"B": B, "nn": torch.nn})
        except ValueError as err:
            assert str(err).startswith("<string>:"), err  # the spec's error, at its line
            assert call is None, f"{constructor} refuses what the spec builds"
            continue
        assert call is not None, f"{constructor} builds what the spec refuses"
        _same_function(archspec.loads(block + f"network P\ninput 8x8x8\n{call}\n"), built)


def test_a_network_parameter_in_a_split_of_the_lines_input_follows_the_parameter():
    """`split (d, in.c - d)` at the network level: `in.c` is the line's input, whose channels the
    network's class knows (8), so the sizes are `[self.d, 8 - self.d]` and the class built with
    another `d` is the network checked with it."""
    from archspec.analysis.load import analyse

    spec = "network T(d=4)\ninput 8x6x6\nconv 8 1\na, b: split (d, in.c - d)\nconcat(a, a, b)\n"
    net = archspec.loads(spec)
    source = generate(net)
    assert "a, b = torch.split(x, [self.d, 8 - self.d], dim=1)" in source and "raise ValueError" not in source
    model = archspec.build(net)
    agree(net, model)
    agree(analyse(spec, "t.arch", settings=[("d", "2")]).network, type(model)(d=2))


def test_a_nested_call_passes_an_argument_written_over_the_callers_parameter_even_at_its_default():
    """`u(8, s=s)` where every call of `b` leaves `s` at 1, `u`'s default: the class of `b` still
    passes `s=s`, so `B(8, s=2)` is the spec's `b(s=2)` (it was `U(in_channels, n=8)`, stride 1)."""
    spec = "block u(n, s=1):\n    conv n 3x3 stride=s pad=1\nblock b(s=1):\n    u(8, s=s)\n"
    net = archspec.loads(spec + "network T\ninput 8x8x8\nb()\n")
    assert "self.u_1 = U(in_channels, n=8, s=s)" in generate(net)
    model = archspec.build(net)
    agree(net, model)
    _same_function(archspec.loads(spec + "network P\ninput 8x8x8\nb(s=2)\n"), type(model.b_1)(8, s=2))


def test_a_block_that_reads_its_input_size_takes_it_from_the_caller():
    """`conv (w * in.h) 1`: the class takes its input's sizes (`in_size`, which the caller knows),
    so it builds the spec's block for any `w` and any size, as a call with them would."""
    spec = (
        "block b(w=4):\n    conv (w * in.h) 1\n    if in.h > 1:\n        maxpool 2\nnetwork T\ninput 8x2x2\nb()\nb()\n"
    )
    net = archspec.loads(spec)
    source = generate(net)
    assert "def __init__(self, in_channels: int, w: int = 4, *, in_size: tuple[int, ...]) -> None:" in source
    assert "nn.Conv2d(in_channels, w * in_size[0], kernel_size=1)" in source
    assert "        if in_size[0] > 1:\n" in source and "        if self.in_size[0] > 1:\n" in source
    assert "self.b_1 = B(8, in_size=(2, 2))" in source and "self.b_2 = B(8, in_size=(1, 1))" in source
    model = archspec.build(net)
    agree(net, model)
    other = archspec.loads(spec.replace("input 8x2x2\nb()\nb()", "input 8x4x4\nb(w=5)"))
    _same_function(other, type(model.b_1)(8, w=5, in_size=(4, 4)))


def test_a_condition_over_a_layer_kind_parameter_never_refuses_the_specs_calls():
    """`if act == relu:` where `act` is also a layer: in the class `act` is `nn.ReLU`, not the
    word, so the spec's condition is no Python test there (`act != "relu"` refused the spec's own
    call, and the module did not build). No test is written over it."""
    spec = "block b(act=relu):\n    act\n    if act == relu:\n        conv 4 1\nnetwork T\ninput 8x8x8\n{calls}\n"
    for calls in ("b()", "b()\nb(act=tanh)"):
        net = archspec.loads(spec.format(calls=calls))
        source = generate(net)
        assert '"relu"' not in source
        agree(net, archspec.build(net))


def test_a_block_call_that_makes_no_layer_is_no_module():
    """`if flag: relu` called with `flag` false makes nothing: the call is its input, no module
    (compile refused the spec: `block b makes no layer`)."""
    spec = "block b(flag=false):\n    if flag:\n        relu\nnetwork T\ninput 8x8x8\nconv 8 1\n{calls}\n"
    for calls in ("b()", "b()\nb(flag=true)", "b(flag=true)\nb()\nb()"):
        net = archspec.loads(spec.format(calls=calls))
        model = archspec.build(net)
        agree(net, model)
        assert len([name for name in dict(model.named_children()) if name.startswith("b_")]) == calls.count("true")


# ----------------------------------------------------------------------------- what a differential fuzzer found
# (blocks and networks built with other arguments than the spec's calls): each case, as it must be now


def _built_with(spec: str, settings: list[tuple[str, str]], **arguments):
    """The network class of `spec` built with `arguments`, and the analysis of the spec with them (`--set`)."""
    from archspec.analysis.load import analyse

    model = archspec.build(archspec.loads(spec))
    checked = analyse(spec, "t.arch", settings=settings)
    assert checked.network is not None and not [d for d in checked.diagnostics if d.severity == "error"]
    return type(model)(**arguments), checked.network


def test_a_layer_kind_passed_on_to_a_nested_block_is_the_one_given():
    spec = """block inner(c, act=relu):
    conv c 1 act
block outer(w, act=relu):
    inner(w, act=act)
network N
input 3x8x8
b: outer(4, act=hardswish)
"""
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)
    assert "self.inner_1 = Inner(in_channels, c=w, act=act)" in generate(net)
    assert isinstance(model.b.inner_1.act_1, nn.Hardswish)


def test_a_network_parameter_that_is_a_layer_kind_builds_the_kind_given():
    spec = "network N(act=relu)\ninput 3x8x8\nconv 4 1 act\n"
    assert "def __init__(self, *, act: type[nn.Module] = nn.ReLU) -> None:" in generate(archspec.loads(spec))
    model, checked = _built_with(spec, [("act", "hardswish")], act=nn.Hardswish)
    agree(checked, model)
    assert isinstance(model.act_1, nn.Hardswish)


def test_an_if_at_the_network_level_follows_the_networks_parameter():
    spec = "network N(deep=1)\ninput 3x8x8\nconv 4 1\nif deep == 1:\n    conv 4 1\nconv 2 1\n"
    model, checked = _built_with(spec, [("deep", "2")], deep=2)
    agree(checked, model)
    assert len(checked.nodes) == 3  # the input and two convs: the `if` not taken


def test_a_size_the_network_computes_from_its_input_follows_the_parameters():
    spec = "network N(s=1)\ninput 4x8x8\nconv 4 3x3 stride=s pad=1\navgpool in.h // 2\n"
    model, checked = _built_with(spec, [("s", "2")], s=2)
    agree(checked, model)
    assert checked.output_shape == (4, 2, 2)


def test_a_block_call_that_makes_nothing_keeps_the_numbers_of_a_sequence():
    spec = """block opt(use=false):
    if use:
        relu
block c(n):
    conv n 1
network N
input 3x8x8
s: opt(use=false), c(6), c(8)
freeze s.1
"""
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)  # `s.1` is `c(6)` in the module as in the analysis
    assert isinstance(model.s[0], nn.Identity) and model.s[1].conv_1.out_channels == 6
    assert not any(p.requires_grad for p in model.s[1].parameters())
    assert all(p.requires_grad for p in model.s[2].parameters())


def test_a_layer_kind_parameter_in_a_sequence_and_in_a_condition_is_the_one_given():
    spec = """block g(act=relu, gate=sigmoid):
    s: conv 4 1, gate
    if act == relu:
        bn
    act
network N
input 3x8x8
g()
"""
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)
    other = archspec.loads(spec.replace("g()", "g(act=hardswish, gate=tanh)"))
    built = type(model.g_1)(3, act=nn.Hardswish, gate=nn.Tanh)
    agree(other, archspec.build(other))
    _same_function_named(other, "g_1", built)
    assert isinstance(built.s[1], nn.Tanh) and not hasattr(built, "batchnorm_1")


def _same_function_named(net_of_call, name: str, block_module) -> None:
    reference = archspec.build(net_of_call).get_submodule(name)
    assert list(block_module.state_dict()) == list(reference.state_dict())
    block_module.load_state_dict(reference.state_dict())
    reference.eval(), block_module.eval()
    x = torch.randn(2, *net_of_call.input_shape)
    assert torch.equal(block_module(x), reference(x))


def test_a_value_every_call_shares_is_still_the_definitions_expression():
    spec = "block b(m):\n    conv ceil(m / 3) 1\nnetwork N\ninput 3x8x8\nb(4)\nb(6)\n"
    source = generate(archspec.loads(spec))
    assert "nn.Conv2d(in_channels, math.ceil(m / 3), kernel_size=1)" in source and "import math\n" in source
    model = archspec.build(archspec.loads(spec))
    assert type(model.b_1)(3, m=9).conv_1.out_channels == 3


def test_a_division_that_does_not_come_out_whole_is_the_specs_error():
    spec = "block b(m):\n    conv (m / 2) 1\nnetwork N\ninput 3x8x8\nb(4)\n"
    model = archspec.build(archspec.loads(spec))
    assert type(model.b_1)(3, m=6).conv_1.out_channels == 3
    with pytest.raises(ValueError, match=r"^<string>:2:\d+: the size comes out 2.5, not a whole number"):
        type(model.b_1)(3, m=5)


def test_a_projection_inside_a_block_with_an_if_follows_the_arguments():
    spec = """block b(c, s=1, deep=false):
    add:
        branch:
            conv c 3x3 stride=s pad=1
            if deep:
                conv c 3x3 pad=1
        shortcut: project
network N
input 4x8x8
b(4)
"""
    model = archspec.build(archspec.loads(spec))
    for arguments, call in (({"c": 8}, "b(8)"), ({"c": 4, "s": 2, "deep": True}, "b(4, s=2, deep=true)")):
        other = archspec.loads(spec.replace("b(4)", call))
        agree(other, archspec.build(other))
        _same_function(other, type(model.b_1)(4, **arguments))


def test_an_activation_a_parameter_gives_is_made_without_inplace():
    spec = "block b(act=relu):\n    conv 4 1 act\nnetwork N\ninput 3x8x8\nb()\n"
    model = archspec.build(archspec.loads(spec))
    for activation in (nn.GELU, nn.Sigmoid, nn.Tanh):  # `act(inplace=True)` was a TypeError for these
        assert isinstance(type(model.b_1)(3, act=activation).act_1, activation)


def test_arguments_the_spec_refuses_are_a_value_error_at_the_specs_line():
    spec = "block b(c, g=1):\n    conv c 3x3 pad=1 groups=g\nnetwork N\ninput 4x8x8\nb(4)\n"
    model = archspec.build(archspec.loads(spec))
    with pytest.raises(ValueError, match=r"^<string>:2:10: conv refuses c < 1"):
        type(model.b_1)(4, c=0)  # was a RuntimeError (negative dimension) or a module of no channels
    with pytest.raises(ValueError, match=r"^<string>:2:\d+: conv refuses in_channels % g"):
        type(model.b_1)(4, c=6, g=3)


def test_an_if_arm_that_calls_a_block_compiles_whichever_arms_the_calls_take():
    spec = """block inner(c):
    conv c 1
block b(down=false):
    if down:
        inner(8)
    else:
        relu
network N
input 4x8x8
b()
b(down=true)
"""
    net = archspec.loads(spec)  # compile raised KeyError here
    agree(net, archspec.build(net))


def test_a_star_in_a_freeze_path_matches_within_a_name():
    spec = "block b():\n    c: conv 4 1, conv 4 1\nnetwork N\ninput 3x8x8\n"
    spec += "n: b()\nn2: conv 4 1, conv 4 1\nfreeze n*.1\n"
    net = archspec.loads(spec)
    frozen = {node.path for node in net.nodes if node.frozen}
    assert frozen == {"n2.1"}  # not `n.c.1`: `*` matches within a name, not across a dot


def test_a_block_no_line_calls_is_checked_as_a_call_would_take_it():
    """An `if` and `else` that each make `b2` (ShuffleNetV2's pattern), and a bare `act` line whose
    parameter defaults to a layer kind: no error in a block no line calls, as in one a line calls."""
    spec = """block sh(c, stride=1):
    if stride == 1:
        b2: conv c 1
    else:
        b2: conv c 3x3 stride=2 pad=1
block cba(c, act=relu):
    conv c 1
    act
network N
input 3x8x8
conv 4 1
"""
    archspec.loads(spec)  # raised duplicate-name and expected-layer
    with pytest.raises(archspec.ArchspecError) as err:  # what is wrong in such a block is still reported
        archspec.loads(spec.replace("conv c 1\n    act", "conv c 1\n    actt"))
    assert [d.code for d in err.value.diagnostics] == ["unknown-layer"]


# Zoo blocks built with arguments none of their spec's calls pass: the class of the spec's source is what
# the block called alone with those arguments builds (`build(path, block=...)`, checked against its own
# analysis). (spec, block, input, the call's arguments, the constructor's where they differ)
ZOO_UNTRIED = [
    ("resnet50", "bottleneck", (64, 56, 56), {"width": 32, "stride": 2}, None),  # a projection no call needs
    ("resnet50", "bottleneck", (256, 56, 56), {"width": 64, "stride": 2}, None),
    ("resnet18", "basic", (64, 56, 56), {"width": 128}, None),
    ("mobilenet_v2", "inverted_residual", (32, 28, 28), {"oup": 16, "stride": 1, "expand_ratio": 6}, None),
    ("mobilenet_v2", "inverted_residual", (16, 28, 28), {"oup": 16, "stride": 1, "expand_ratio": 1}, None),
    ("mobilenet_v2", "conv_bn_act", (16, 14, 14), {"c": 8, "k": 5, "s": 2, "g": 8}, None),  # an nn.Sequential
    ("googlenet", "inception", (64, 14, 14), {"n1": 8, "r3": 4, "n3": 8, "r5": 2, "n5": 4, "pp": 4}, None),
    ("squeezenet1_0", "fire", (96, 27, 27), {"s": 8, "e1": 16, "e3": 16}, None),
    ("shufflenet_v2_x1_0", "inverted_residual", (48, 28, 28), {"oup": 48, "stride": 1}, None),
    ("densenet121", "dense_layer", (24, 14, 14), {"growth": 8, "bn_size": 2}, None),
    ("convnext_tiny", "cnblock", (16, 7, 7), {"scale": 0.5, "stochastic_depth_prob": 0.0}, None),
    (
        "mobilenet_v3_large",
        "inverted_residual",
        (16, 14, 14),
        {"kernel": 5, "expanded_channels": 16, "out_channels": 24, "use_se": True, "activation": "relu", "stride": 2},
        {"activation": nn.ReLU},
    ),
]


@pytest.mark.parametrize(("spec", "block", "shape", "arguments", "python"), ZOO_UNTRIED)
def test_a_zoo_blocks_class_is_the_block_for_arguments_no_call_passes(spec, block, shape, arguments, python):
    from archspec.analysis.load import instantiate

    path = SPECS / f"{spec}.arch"
    net = archspec.load(path)
    model = build_meta(net)
    cls = next(type(m) for m in model.modules() if type(m).__name__ == class_name_for(block))
    alone = instantiate(str(path), block, arguments, shape).network
    reference = archspec.build(alone)
    agree(alone, reference)  # the block alone is what its analysis says
    reference = reference.get_submodule(block)
    built = cls(shape[0], **{**arguments, **(python or {})})
    assert [(k, v.shape) for k, v in built.state_dict().items()] == [
        (k, v.shape) for k, v in reference.state_dict().items()
    ]
    built.load_state_dict(reference.state_dict())
    built.eval(), reference.eval()
    x = torch.randn(2, *shape)
    assert torch.equal(built(x), reference(x))


# ----------------------------------------------------------------------------- what the block property test found


def test_a_conditional_value_inside_a_conditional_keeps_its_parentheses():
    """Two `if`s one after the other: the channels after them are `(4 if f else in_channels) if se
    else 2`, which Python reads otherwise without the parentheses."""
    spec = "block b(se=false, f=false):\n    if f:\n        conv 4 1\n"
    spec += "    if se:\n        bn\n    else:\n        conv 2 1\n    conv 8 1\nnetwork N\ninput 8x8x8\n"
    model = archspec.build(archspec.loads(spec + "b()\n"))
    for call, arguments in (("b(f=true)", {"f": True}), ("b(f=true, se=true)", {"f": True, "se": True})):
        other = archspec.loads(spec + call + "\n")
        agree(other, archspec.build(other))
        _same_function(other, type(model.b_1)(8, **arguments))


def test_a_merge_left_with_one_branch_by_a_test_that_never_holds_is_that_branch():
    spec = "block b(c=8):\n    add:\n        branch: conv c 1\n        if 2 == 1:\n            branch: identity\n"
    net = archspec.loads(spec + "network N\ninput 8x8x8\nb()\n")
    agree(net, archspec.build(net))  # the forward was `out += ` (no Python)


def test_a_merge_in_an_arm_no_call_takes_keeps_the_names_of_the_layers_after_it():
    spec = "block b(f=false):\n    if f:\n        add:\n            branch: conv 8 1\n            branch: identity\n"
    spec += "    conv 4 1\nnetwork N\ninput 8x8x8\nb()\n"
    net = archspec.loads(spec)
    assert [n.path for n in net.nodes] == ["input", "b_1.conv_2"]  # `conv_1` is the arm's, taken or not
    agree(net, archspec.build(net))


def test_a_block_called_only_in_an_arm_no_call_takes_has_its_class():
    spec = "block inner(w):\n    conv w 1\nblock b(f=false):\n    conv 4 1\n    if f:\n        inner(2)\n"
    model = archspec.build(archspec.loads(spec + "network N\ninput 8x8x8\nb()\n"))
    other = archspec.loads(spec + "network P\ninput 8x8x8\nb(f=true)\n")
    agree(other, archspec.build(other))
    _same_function(other, type(model.b_1)(8, f=True))


def test_a_layer_kind_parameter_passed_on_is_a_module_class():
    spec = "block inner(act=relu):\n    conv 4 1 act\nblock b(act):\n    conv 4 1\n    inner(act=act)\n"
    net = archspec.loads(spec + "network N\ninput 8x8x8\nb(gelu)\n")
    model = archspec.build(net)  # the network passed `act="gelu"` and Inner called `"gelu"()`
    agree(net, model)
    assert "self.b_1 = B(8, act=nn.GELU)" in generate(net) and isinstance(model.b_1.inner_1.act_1, nn.GELU)


def test_a_block_the_network_calls_and_another_block_calls_in_an_untaken_arm_is_written_first():
    spec = "block inner(w):\n    conv w 1\nblock b(f=false):\n    conv 4 1\n    if f:\n        inner(2)\n"
    net = archspec.loads(spec + "network N\ninput 8x8x8\nb()\ninner(3)\n")
    model = archspec.build(net)  # `inner`'s class came after `b`'s, which compile could not write
    agree(net, model)
    other = archspec.loads(spec + "network P\ninput 8x8x8\nb(f=true)\n")
    _same_function(other, type(model.b_1)(8, f=True))


def test_a_parameter_default_reading_in_compiles_to_the_calls_input():
    spec = "block kp(c=in.c):\n    conv c 1\nnetwork N\ninput 4x8x8\nn: kp(c=8), kp() x2\n"
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)
    assert [m.out_channels for m in model.modules() if isinstance(m, nn.Conv2d)] == [8, 8, 8]


@pytest.mark.parametrize("call", ["b()", "b(f=false)"])
def test_an_if_after_a_split_compiles_to_the_part_each_arm_starts_from(call):
    spec = "block b(f=true):\n    conv 8 1\n    a, b: chunk 2\n    if f:\n        from a, conv 4 1\n"
    spec += "    else:\n        from b, conv 4 1\n    relu\nnetwork N\ninput 4x8x8\n"
    net = archspec.loads(spec + call + "\n")
    model = archspec.build(net)
    agree(net, model)
    other_f = call != "b()"  # the class built for the other arm
    other = archspec.loads(spec + ("b()" if other_f else "b(f=false)") + "\n")
    _same_function(other, type(model.b_1)(4, f=other_f))


def test_a_block_no_call_reaches_wrong_for_every_argument_compiles_to_a_class_that_refuses():
    """`inner` is called only in an arm no call takes, and its first line is wrong whatever the
    arguments (1 output channel in 2 groups): `check` accepts the spec, and compile writes `inner`'s
    class raising that error (it refused the whole spec before)."""
    spec = "block inner(w):\n    conv 1 1 groups=2\n    relu\nblock b(f=false):\n    conv 4 1\n    if f:\n"
    spec += "        inner(1)\nnetwork N\ninput 4x8x8\nb()\n"
    net = archspec.loads(spec)
    model = archspec.build(net)
    agree(net, model)
    with pytest.raises(ValueError, match=r"^<string>:2:14: conv: 1 output channels cannot be split into 2 groups"):
        type(model.b_1)(4, f=True)
    namespace: dict = {}
    exec(generate(net), namespace)
    with pytest.raises(ValueError, match="cannot be split into 2 groups"):
        namespace["Inner"](w=1)


def test_an_arm_refused_whatever_the_arguments_takes_its_names_as_an_arm_not_taken():
    """The `else` arm is wrong for every argument (1 output channel in 2 groups): the class raises
    there, and the layers after the `if` are numbered as the analysis numbers them when that arm is
    not taken (its names reserved), whatever the input's channels (found by the block property test)."""
    block = "block b(f=false):\n    conv 1 1\n    if in.c == 1:\n        conv 1 1\n    elif in.w <= 10:\n"
    block += "        if f:\n            conv 1 1\n        else:\n            conv 1 1 groups=2 bn\n"
    block += "        add:\n            branch:\n                relu\n                conv 1 1 bias=false bn\n"
    block += "            branch: identity\n"
    model = archspec.build(archspec.loads(block + "network T\ninput 1x9x9\nb(f=true)\n"))
    other = archspec.loads(block + "network T\ninput 2x9x9\nb(f=true)\n")
    agree(other, archspec.build(other))
    _same_function(other, type(model.b_1)(2, f=True, in_size=(9, 9)))


def test_a_forward_test_reads_a_let_as_it_is_at_the_if():
    """`hidden` is 8 where the `if` tests it and `in.c` in an arm after: the forward tests 8, not the
    value a later `let` gives (the class raised UnboundLocalError; found by the block property test)."""
    block = "block b(se=false):\n    conv 4 1\n    let hidden = 8\n    if hidden > in.c:\n        relu\n"
    block += "    else:\n        if not se:\n            let hidden = in.c\n            conv hidden 1\n"
    for channels in (4, 9):
        net = archspec.loads(block + f"network T\ninput {channels}x8x8\nb()\n")
        model = archspec.build(net)
        agree(net, model)
        other = archspec.loads(block + f"network T\ninput {13 - channels}x8x8\nb()\n")
        _same_function(other, type(model.b_1)(13 - channels))
