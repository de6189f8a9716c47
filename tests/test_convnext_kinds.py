"""groupnorm, layernorm2d, layer_scale and stochastic_depth as built PyTorch modules, against
independently written torch modules given the same weights, and against torchvision's ConvNeXt
block, LayerNorm2d and StochasticDepth at work (tests/data/torchvision_convnext_block.json, written
by bench/torchvision_convnext_block.py: torchvision is not imported here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_codegen import agree

import archspec
from archspec.emit.pytorch import generate

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

GOLDEN = json.loads((Path(__file__).parent / "data" / "torchvision_convnext_block.json").read_text())


def module(line: str, shape: str) -> torch.nn.Module:
    """The built module of one layer."""
    model = archspec.build(f"network T\ninput {shape}\n{line}\n")
    (layer,) = model.children()
    return layer


def randomised(m: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """`m` with every parameter drawn from a normal distribution (PyTorch's weight 1 and bias 0 of a
    fresh norm would let a wrong scale or shift pass)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    return m


def tensor(entry: dict) -> torch.Tensor:
    return torch.tensor(entry["values"], dtype=torch.float32).reshape(entry["shape"])


# ----------------------------------------------------------------------------- groupnorm


@pytest.mark.parametrize("shape", ["6", "6x9", "6x5x4", "6x2x3x4"])
@pytest.mark.parametrize("groups", [1, 3, 6])
def test_groupnorm_is_torchs_groupnorm(shape, groups):
    layer = randomised(module(f"groupnorm {groups} eps=0.001", shape))
    assert sorted(layer.state_dict()) == ["bias", "weight"]
    reference = nn.GroupNorm(groups, 6, eps=0.001)
    reference.load_state_dict(layer.state_dict())
    x = torch.randn(3, *map(int, shape.split("x")))
    assert torch.equal(layer(x), reference(x))


def test_groupnorm_by_hand():
    # 2 groups of 2 channels: each sample's group normalised over its 2 channels and all positions
    layer = module("groupnorm 2 affine=false", "4x3x3")
    assert list(layer.parameters()) == []
    x = torch.randn(2, 4, 3, 3)
    groups = x.reshape(2, 2, 2 * 3 * 3)
    mean = groups.mean(-1, keepdim=True)
    var = groups.var(-1, unbiased=False, keepdim=True)
    expected = ((groups - mean) / torch.sqrt(var + 1e-5)).reshape(2, 4, 3, 3)
    assert torch.allclose(layer(x), expected, atol=1e-5)


# ----------------------------------------------------------------------------- layernorm2d


def layer_norm_over_channels(x, weight, bias, eps):
    """LayerNorm over dim 1 at each position, written out: (x - mean) / sqrt(var + eps) * w + b."""
    mean = x.mean(1, keepdim=True)
    var = x.var(1, unbiased=False, keepdim=True)
    shape = (1, -1) + (1,) * (x.dim() - 2)
    return (x - mean) / torch.sqrt(var + eps) * weight.view(shape) + bias.view(shape)


class TorchvisionLayerNorm2d(nn.LayerNorm):
    """torchvision.models.convnext.LayerNorm2d, transcribed: images only."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


@pytest.mark.parametrize("shape", ["5x7", "5x4x6", "5x2x3x4"])
def test_layernorm2d_normalises_the_channels_at_each_position(shape):
    layer = randomised(module("layernorm2d eps=1e-6", shape))
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"weight": (5,), "bias": (5,)}
    assert isinstance(layer, nn.LayerNorm) and layer.eps == 1e-6
    x = torch.randn(3, *map(int, shape.split("x"))) * 3 + 1
    expected = layer_norm_over_channels(x, layer.weight, layer.bias, 1e-6)
    assert torch.allclose(layer(x), expected, atol=1e-5)


def test_layernorm2d_is_torchvisions_layernorm2d():
    layer = randomised(module("layernorm2d", "5x4x6"))
    assert layer.eps == 1e-5  # PyTorch's LayerNorm default, which torchvision's LayerNorm2d keeps
    reference = TorchvisionLayerNorm2d(5)
    reference.load_state_dict(layer.state_dict())
    x = torch.randn(3, 5, 4, 6)
    assert torch.equal(layer(x), reference(x))
    plain = module("layernorm2d affine=false", "5x4x6")
    assert list(plain.parameters()) == []
    assert torch.allclose(plain(x), layer_norm_over_channels(x, torch.ones(5), torch.zeros(5), 1e-5), atol=1e-5)


def test_layernorm2d_gives_torchvisions_numbers():
    golden = GOLDEN["modules"]["layernorm2d"]
    layer = module("layernorm2d eps=1e-6", "4x3x3")
    layer.load_state_dict({k: tensor(v) for k, v in golden["state_dict"].items()})
    x = tensor(GOLDEN["input"])
    assert torch.allclose(layer.eval()(x), tensor(golden["eval"]), atol=1e-6)


# ----------------------------------------------------------------------------- layer_scale


@pytest.mark.parametrize(
    "shape, scale", [("6x4x5", (6, 1, 1)), ("6", (6,)), ("6x7", (6, 1)), ("6x2x2x2", (6, 1, 1, 1))]
)
def test_layer_scale_multiplies_each_channel_by_its_factor(shape, scale):
    layer = module("layer_scale 1e-6", shape)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"scale": scale}
    assert torch.equal(layer.scale, torch.full(scale, 1e-6))  # torchvision: torch.ones(dim, 1, 1) * 1e-6
    randomised(layer)
    x = torch.randn(2, *map(int, shape.split("x")))
    per_channel = layer.scale.detach().flatten().view((1, -1) + (1,) * (x.dim() - 2))
    assert torch.equal(layer(x), per_channel * x)
    layer(x).sum().backward()
    assert layer.scale.grad is not None  # learnable


# ----------------------------------------------------------------------------- stochastic_depth


def torchvision_stochastic_depth(x, p, mode, training=True):
    """torchvision.ops.stochastic_depth (torchvision/ops/stochastic_depth.py), transcribed."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return x
    survival_rate = 1.0 - p
    if mode == "row":  # noqa: SIM108 (torchvision's text)
        size = [x.shape[0]] + [1] * (x.ndim - 1)
    else:
        size = [1] * x.ndim
    noise = torch.empty(size, dtype=x.dtype, device=x.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return x * noise


@pytest.mark.parametrize("mode", ["row", "batch"])
def test_stochastic_depth_is_the_identity_in_eval(mode):
    layer = module(f"stochastic_depth 0.9 mode={mode}", "3x4x4")
    assert list(layer.parameters()) == [] and list(layer.buffers()) == []
    x = torch.randn(16, 3, 4, 4)
    assert torch.equal(layer.eval()(x), x)
    assert torch.equal(module("stochastic_depth 0", "3x4x4").train()(x), x)


@pytest.mark.parametrize("mode", ["row", "batch"])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_stochastic_depth_draws_as_torchvisions_function(mode, p):
    layer = module(f"stochastic_depth {p} mode={mode}", "3x4x4").train()
    x = torch.randn(64, 3, 4, 4)
    for seed in range(3):
        torch.manual_seed(seed)
        y = layer(x)
        torch.manual_seed(seed)
        assert torch.equal(y, torchvision_stochastic_depth(x, p, mode))
    # row: each sample is dropped or kept whole, the kept ones divided by 1 - p
    torch.manual_seed(0)
    y = module(f"stochastic_depth {p}", "3x4x4").train()(x)
    kept = [torch.allclose(y[i], x[i] / (1 - p)) for i in range(64)]
    dropped = [bool((y[i] == 0).all()) for i in range(64)]
    assert all(k != d for k, d in zip(kept, dropped)) and any(kept) and any(dropped)


@pytest.mark.parametrize("mode", ["row", "batch"])
def test_stochastic_depth_gives_torchvisions_numbers(mode):
    golden = GOLDEN["modules"][f"stochastic_depth_{mode}"]
    layer = module(f"stochastic_depth 0.5 mode={mode}", "4x3x3").train()
    x = tensor(GOLDEN["input"])
    for seed, expected in golden["train"].items():
        torch.manual_seed(int(seed))
        assert torch.equal(layer(x), tensor(expected)), seed


# ----------------------------------------------------------------------------- a ConvNeXt block

CONVNEXT = """block cnblock(dim, p=0.1):
    add:
        branch:
            dwconv 7x7 pad=3
            layernorm2d eps=1e-6
            conv 4*dim 1x1 gelu
            conv dim 1x1
            layer_scale 1e-6
            stochastic_depth p
        branch: identity

network ConvNeXtBlock
input 8x14x14
blk: cnblock(8)
"""


class CNBlock(nn.Module):
    """ConvNeXt's block as torchvision writes it (torchvision/models/convnext.py, CNBlock): linear
    layers on channels-last data between two permutes, LayerNorm with eps=1e-6, the layer scale a
    bare parameter of the block, stochastic depth on the branch, then the input added."""

    def __init__(self, dim: int, layer_scale: float, p: float) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.p = p

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.fc2(F.gelu(self.fc1(self.norm(y)))).permute(0, 3, 1, 2)
        y = torchvision_stochastic_depth(self.layer_scale * y, self.p, "row", self.training)
        return y + x


def spec_state_dict(cn: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The weights of a torchvision-style block by the built spec's names: the linear layers as 1x1
    convolutions, the layer scale in its own module."""
    return {
        f"{prefix}dwconv_1.weight": cn["dwconv.weight"],
        f"{prefix}dwconv_1.bias": cn["dwconv.bias"],
        f"{prefix}layernorm2d_1.weight": cn["norm.weight"],
        f"{prefix}layernorm2d_1.bias": cn["norm.bias"],
        f"{prefix}conv_1.weight": cn["fc1.weight"][..., None, None],
        f"{prefix}conv_1.bias": cn["fc1.bias"],
        f"{prefix}conv_2.weight": cn["fc2.weight"][..., None, None],
        f"{prefix}conv_2.bias": cn["fc2.bias"],
        f"{prefix}layer_scale_1.scale": cn["layer_scale"],
    }


def test_a_convnext_block_spec_compiles_and_agrees_with_the_analysis(tmp_path):
    net = archspec.loads(CONVNEXT)
    # torchvision's CNBlock(8): dwconv 8*49 + 8, LayerNorm 2*8, Linear 8*32 + 32, Linear 32*8 + 8, scale 8
    assert net.params == (8 * 49 + 8) + 2 * 8 + (8 * 32 + 32) + (32 * 8 + 8) + 8
    model = archspec.build(net)
    agree(net, model)
    assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in CNBlock(8, 1e-6, 0.1).parameters())
    source = generate(net)
    assert "import torchvision" not in source and "from torchvision" not in source  # plain torch
    (tmp_path / "convnext.py").write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--line-length", "120"]
        + ["--select", "E,F,W,I,B,UP,SIM", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_a_convnext_block_spec_computes_the_hand_written_block():
    reference = randomised(CNBlock(8, 1e-6, 0.1))
    model = archspec.build(CONVNEXT)
    model.load_state_dict(spec_state_dict(reference.state_dict(), "blk."))
    x = torch.randn(4, 8, 14, 14)
    assert torch.allclose(model.eval()(x), reference.eval()(x), atol=1e-5)
    assert not torch.allclose(model(x), x, atol=1e-2)  # the branch counts in the output
    model.train()
    reference.train()
    for seed in range(3):
        torch.manual_seed(seed)
        y = model(x)
        torch.manual_seed(seed)
        assert torch.allclose(y, reference(x), atol=1e-5)


def test_a_convnext_block_spec_gives_torchvisions_numbers():
    golden = GOLDEN["modules"]["cnblock"]
    w = {k: tensor(v) for k, v in golden["state_dict"].items()}
    # torchvision's keys: block.0 dwconv, block.1 Permute, block.2 LayerNorm, block.3 Linear, block.4
    # GELU, block.5 Linear, block.6 Permute; layer_scale a parameter of the block
    named = {
        "dwconv.weight": w["block.0.weight"],
        "dwconv.bias": w["block.0.bias"],
        "norm.weight": w["block.2.weight"],
        "norm.bias": w["block.2.bias"],
        "fc1.weight": w["block.3.weight"],
        "fc1.bias": w["block.3.bias"],
        "fc2.weight": w["block.5.weight"],
        "fc2.bias": w["block.5.bias"],
        "layer_scale": w["layer_scale"],
    }
    model = archspec.build(CONVNEXT.replace("input 8x14x14", "input 4x3x3").replace("cnblock(8)", "cnblock(4, p=0.5)"))
    model.load_state_dict(spec_state_dict(named, "blk."))
    x = tensor(GOLDEN["input"])
    assert torch.allclose(model.eval()(x), tensor(golden["eval"]), atol=1e-4)
    model.train()
    for seed, expected in golden["train"].items():
        torch.manual_seed(int(seed))
        assert torch.allclose(model(x), tensor(expected), atol=1e-4), seed


def test_init_norm_constant_sets_the_new_norms_and_leaves_the_layer_scale():
    spec = CONVNEXT.replace("blk: cnblock(8)", "init norm=constant\nblk: cnblock(8)\ngroupnorm 4")
    source = generate(archspec.loads(spec))
    assert "isinstance(m, (LayerNorm2d, nn.GroupNorm))" in source
    model = archspec.build(spec)
    assert torch.equal(model.blk.layer_scale_1.scale, torch.full((8, 1, 1), 1e-6))
    assert torch.equal(model.blk.layernorm2d_1.weight, torch.ones(8))


# ----------------------------------------------------------------------------- the other views


def test_keras_summary_names_and_counts():
    from archspec.views.keras import rows

    net = archspec.loads(CONVNEXT.replace("blk: cnblock(8)", "blk: cnblock(8)\ngroupnorm 4"))
    table = {r.name.split(" ", 1)[1]: r.params for r in rows(net)}
    # Keras: LayerNormalization(axis=-1) on channels-last data and GroupNormalization hold gamma and
    # beta per channel; keras.applications.convnext's LayerScale holds gamma per channel
    assert table["(LayerNormalization)"] == 2 * 8 and table["(GroupNormalization)"] == 2 * 8
    assert table["(LayerScale)"] == 8 and table["(StochasticDepth)"] == 0


def test_render_folds_a_groupnorm_into_its_conv_as_gn():
    from archspec.views.diagram import dot_source

    net = archspec.loads("network T\ninput 3x8x8\nc1: conv 8 3x3 groupnorm 4 relu\nlayernorm2d\n")
    assert "conv 8, 3x3, gn, relu" in dot_source(net, fold=True)
    assert "groupnorm 4" in dot_source(net)


@pytest.mark.parametrize(
    "foreign, kind",
    [("GroupNorm", "groupnorm"), ("LayerNorm2d", "layernorm2d"), ("StochasticDepth", "stochastic_depth")]
    + [("DropPath", "stochastic_depth"), ("LayerScale", "layer_scale")],
)
def test_foreign_names_suggest_the_kinds(foreign, kind):
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.loads(f"network T\ninput 8x8x8\n{foreign} 4\n")
    assert f"archspec writes `{foreign}` as `{kind}`" in info.value.diagnostics[0].hint
