"""The analyzer against PyTorch itself: for random layer geometries, archspec must report an error
exactly when torch refuses the input, and otherwise the output shape torch computes, the parameter
and buffer counts of the torch module, and half the FLOPs torch's flop counter counts (2 per MAC).

torch is an optional dependency: these tests are skipped without it (CI installs it)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archspec.analysis.load import analyse

torch = pytest.importorskip("torch")
nn = torch.nn
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

SETTINGS = settings(max_examples=120, deadline=None)
# torch's own advice about `padding='same'` with even kernels is no finding of archspec's
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


def run_torch(module, shape):
    """(output shape without batch, FLOPs per sample) of `module` on a batch of two (batchnorm
    refuses one sample in training mode), or None if torch refuses the input."""
    x = torch.zeros(2, *shape)
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            y = module(x)
    except (RuntimeError, ValueError):
        return None
    if 0 in y.shape:  # torch returns an empty tensor here; archspec calls a size of 0 an error
        return None
    return tuple(y.shape[1:]), counter.get_total_flops() // 2


def counts(module):
    return sum(p.numel() for p in module.parameters()), sum(b.numel() for b in module.buffers())


def check(line, shape, module):
    """Compare archspec's analysis of `line` on input `shape` with `module` run by torch."""
    spec = f"network T\ninput {'x'.join(map(str, shape))}\n{line}\n"
    result = analyse(spec)
    expected = run_torch(module, shape)
    if expected is None:
        assert not result.ok, f"torch refuses {line!r} on {shape}, archspec accepts it"
        return
    assert result.ok, f"torch accepts {line!r} on {shape}: {[d.message for d in result.diagnostics]}"
    node = result.network.nodes[-1]
    out, flops = expected
    assert node.shape == out
    assert (node.params, node.buffers) == counts(module)
    assert 2 * result.network.macs == flops


def pad_text(pad):
    return pad if isinstance(pad, str) else f"{pad[0]}x{pad[1]}"


@SETTINGS
@given(
    h=st.integers(1, 24),
    w=st.integers(1, 24),
    cin_g=st.integers(1, 3),
    cout_g=st.integers(1, 3),
    groups=st.integers(1, 3),
    kh=st.integers(1, 6),
    kw=st.integers(1, 6),
    stride=st.integers(1, 3),
    pad=st.one_of(st.tuples(st.integers(0, 3), st.integers(0, 3)), st.sampled_from(["same", "valid"])),
    dilation=st.integers(1, 3),
    bias=st.booleans(),
)
def test_conv2d(h, w, cin_g, cout_g, groups, kh, kw, stride, pad, dilation, bias):
    cin, cout = cin_g * groups, cout_g * groups
    if pad == "same" and stride != 1:
        module = None  # torch refuses at construction
    else:
        module = nn.Conv2d(cin, cout, (kh, kw), stride, pad, dilation, groups, bias)
    line = (
        f"conv {cout} {kh}x{kw} stride={stride} pad={pad_text(pad)} dilation={dilation} groups={groups} "
        f"bias={'true' if bias else 'false'}"
    )
    if module is None:
        assert not analyse(f"network T\ninput {cin}x{h}x{w}\n{line}\n").ok
        return
    check(line, (cin, h, w), module)


@SETTINGS
@given(
    length=st.integers(1, 30),
    k=st.integers(1, 7),
    stride=st.integers(1, 4),
    pad=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_conv1d(length, k, stride, pad, dilation):
    check(
        f"conv 4 {k} stride={stride} pad={pad} dilation={dilation}",
        (3, length),
        nn.Conv1d(3, 4, k, stride, pad, dilation),
    )


@settings(max_examples=40, deadline=None)
@given(
    d=st.integers(1, 8),
    h=st.integers(1, 8),
    w=st.integers(1, 8),
    k=st.integers(1, 4),
    stride=st.integers(1, 2),
    pad=st.integers(0, 2),
)
def test_conv3d(d, h, w, k, stride, pad):
    check(f"conv 2 {k} stride={stride} pad={pad}", (2, d, h, w), nn.Conv3d(2, 2, k, stride, pad))


@SETTINGS
@given(
    h=st.integers(1, 16),
    w=st.integers(1, 16),
    k=st.integers(1, 5),
    stride=st.integers(1, 3),
    pad=st.integers(0, 2),
    output_padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    groups=st.integers(1, 2),
)
def test_deconv(h, w, k, stride, pad, output_padding, dilation, groups):
    cin, cout = 2 * groups, 3 * groups
    line = (
        f"deconv {cout} {k}x{k} stride={stride} pad={pad} output_padding={output_padding} "
        f"dilation={dilation} groups={groups}"
    )
    check(line, (cin, h, w), nn.ConvTranspose2d(cin, cout, k, stride, pad, output_padding, groups, True, dilation))


@SETTINGS
@given(
    h=st.integers(1, 20),
    w=st.integers(1, 20),
    k=st.integers(1, 5),
    stride=st.integers(1, 4),
    pad=st.integers(0, 3),
    dilation=st.integers(1, 3),
    ceil_mode=st.booleans(),
    mode=st.sampled_from(["max", "avg"]),
)
def test_pool2d(h, w, k, stride, pad, dilation, ceil_mode, mode):
    line = f"{mode}pool {k} stride={stride} pad={pad} ceil_mode={'true' if ceil_mode else 'false'}"
    if mode == "max":
        module = nn.MaxPool2d(k, stride, pad, dilation, ceil_mode=ceil_mode)
        line += f" dilation={dilation}"
    else:
        module = nn.AvgPool2d(k, stride, pad, ceil_mode=ceil_mode)
    check(line, (2, h, w), module)


@settings(max_examples=60, deadline=None)
@given(
    d=st.integers(1, 6),
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    k=st.integers(1, 3),
    stride=st.integers(1, 2),
    pad=st.integers(0, 1),
    ceil_mode=st.booleans(),
    mode=st.sampled_from(["max", "avg"]),
)
def test_pool3d(d, h, w, k, stride, pad, ceil_mode, mode):
    module = (nn.MaxPool3d if mode == "max" else nn.AvgPool3d)(k, stride, pad, ceil_mode=ceil_mode)
    line = f"{mode}pool {k} stride={stride} pad={pad} ceil_mode={'true' if ceil_mode else 'false'}"
    check(line, (2, d, h, w), module)


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 12), w=st.integers(1, 12), k=st.integers(1, 4), stride=st.integers(1, 2), mult=st.integers(1, 2)
)
def test_dwconv(h, w, k, stride, mult):
    check(f"dwconv {k}x{k} stride={stride} multiplier={mult}", (3, h, w), nn.Conv2d(3, 3 * mult, k, stride, groups=3))


@SETTINGS
@given(channels=st.integers(1, 12), groups=st.integers(1, 12), sizes=st.lists(st.integers(1, 5), max_size=3))
def test_groupnorm(channels, groups, sizes):
    shape = (channels, *sizes)
    line = f"groupnorm {groups}"
    try:
        module = nn.GroupNorm(groups, channels)
    except ValueError:  # torch refuses at construction: the channels do not divide into the groups
        assert not analyse(f"network T\ninput {'x'.join(map(str, shape))}\n{line}\n").ok
        return
    check(line, shape, module)


class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channels of each position, written with a permute (torchvision's
    LayerNorm2d is this on images)."""

    def __init__(self, channels):
        super().__init__()
        self.norm = nn.LayerNorm(channels)

    def forward(self, x):
        return self.norm(x.movedim(1, -1)).movedim(-1, 1)


class ChannelScale(nn.Module):
    """A learnable factor per channel (ConvNeXt's layer scale)."""

    def __init__(self, shape):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(shape))

    def forward(self, x):
        return self.gamma * x


@pytest.mark.parametrize(
    "line, shape, module",
    [
        ("layernorm2d", (4, 3, 5), ChannelLayerNorm(4)),
        ("layernorm2d", (4, 7), ChannelLayerNorm(4)),
        ("layernorm2d", (4, 2, 3, 3), ChannelLayerNorm(4)),
        ("layer_scale 1e-6", (4, 3, 3), ChannelScale((4, 1, 1))),
        ("layer_scale 1e-6", (4,), ChannelScale((4,))),
        ("stochastic_depth 0.2", (4, 3, 3), nn.Identity()),
    ],
)
def test_channel_layers(line, shape, module):
    check(line, shape, module)


@pytest.mark.parametrize(
    "line, shape, module",
    [
        ("dense 7", (5,), nn.Linear(5, 7)),
        ("dense 7 bias=false", (5,), nn.Linear(5, 7, bias=False)),
        ("batchnorm", (4, 3, 3), nn.BatchNorm2d(4)),
        ("batchnorm", (4, 9), nn.BatchNorm1d(4)),
        ("batchnorm", (4,), nn.BatchNorm1d(4)),
        ("batchnorm", (4, 2, 3, 3), nn.BatchNorm3d(4)),
        ("layernorm", (4, 3, 3), nn.LayerNorm((4, 3, 3))),
        ("lrn 5", (8, 4, 4), nn.LocalResponseNorm(5)),
        ("groupnorm 2", (4, 3, 3), nn.GroupNorm(2, 4)),
        ("groupnorm 3 affine=false", (6, 5), nn.GroupNorm(3, 6, affine=False)),
        ("avgpool to 3x2", (2, 7, 9), nn.AdaptiveAvgPool2d((3, 2))),
        ("adaptive_maxpool 4", (2, 9, 9), nn.AdaptiveMaxPool2d(4)),
        ("upsample 2", (2, 3, 5), nn.Upsample(scale_factor=2)),
        ("upsample to 7x4 mode=bilinear", (2, 3, 5), nn.Upsample(size=(7, 4), mode="bilinear")),
        ("shuffle 2", (4, 3, 3), nn.ChannelShuffle(2)),
        ("flatten", (4, 3, 3), nn.Flatten()),
        ("dropout 0.3", (4, 3, 3), nn.Dropout(0.3)),
        ("relu6", (4, 3, 3), nn.ReLU6()),
        ("leaky_relu slope=0.2", (4, 3, 3), nn.LeakyReLU(0.2)),
        ("gelu", (4, 3, 3), nn.GELU()),
        ("hardswish", (4, 3, 3), nn.Hardswish()),
        ("softmax", (10,), nn.Softmax(dim=1)),
    ],
)
def test_fixed_layers(line, shape, module):
    check(line, shape, module)


def test_separable_conv_is_depthwise_without_bias_then_pointwise():
    module = nn.Sequential(nn.Conv2d(3, 3, 3, padding=1, groups=3, bias=False), nn.Conv2d(3, 8, 1))
    check("sepconv 8 3x3 pad=1", (3, 10, 10), module)
