"""DPN-92 (specs/dpn92.arch) against a PyTorch module written here independently of archspec,
transcribed from one reference implementation, Cadene's pretrainedmodels (pretrainedmodels/models/
dpn.py, dpn92), and against the paper's figures (Chen et al. 2017, "Dual Path Networks", table 1)
at the paper's precision.

The spec's parameters, buffers, MACs (torch's flop counter // 2, a batch of one), output shape,
state_dict keys and the output shape of every layer with parameters or pooling (by Cadene's
paths) equal the module's; with the same weights, the module archspec builds computes the same
outputs."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from conftest import SPECS

import archspec

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

# ------------------------------------------------------------------------------ Cadene's dpn.py
# CatBnAct, BnActConv2d, InputBlock, DualPathBlock and DPN as written there (b=False paths only, as
# dpn92 takes them), and adaptive_avgmax_pool2d's 'avg' and 'avgmax'. There the activation's default is
# `nn.ReLU(inplace=True)` written in each signature, so one module shared by every module that does not
# pass its own; RELU is that module.
RELU = nn.ReLU(inplace=True)


class CatBnAct(nn.Module):
    def __init__(self, in_chs, activation_fn=RELU):
        super().__init__()
        self.bn = nn.BatchNorm2d(in_chs, eps=0.001)
        self.act = activation_fn

    def forward(self, x):
        x = torch.cat(x, dim=1) if isinstance(x, tuple) else x
        return self.act(self.bn(x))


class BnActConv2d(nn.Module):
    def __init__(self, in_chs, out_chs, kernel_size, stride, padding=0, groups=1, activation_fn=RELU):
        super().__init__()
        self.bn = nn.BatchNorm2d(in_chs, eps=0.001)
        self.act = activation_fn
        self.conv = nn.Conv2d(in_chs, out_chs, kernel_size, stride, padding, groups=groups, bias=False)

    def forward(self, x):
        return self.conv(self.act(self.bn(x)))


class InputBlock(nn.Module):
    def __init__(self, num_init_features, kernel_size=7, padding=3, activation_fn=RELU):
        super().__init__()
        self.conv = nn.Conv2d(3, num_init_features, kernel_size=kernel_size, stride=2, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(num_init_features, eps=0.001)
        self.act = activation_fn
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, x):
        x = self.conv(x)
        x = self.bn(x)
        x = self.act(x)
        x = self.pool(x)
        return x


class DualPathBlock(nn.Module):
    def __init__(self, in_chs, num_1x1_a, num_3x3_b, num_1x1_c, inc, groups, block_type="normal"):
        super().__init__()
        self.num_1x1_c = num_1x1_c
        self.inc = inc
        if block_type == "proj":
            self.key_stride = 1
            self.has_proj = True
        elif block_type == "down":
            self.key_stride = 2
            self.has_proj = True
        else:
            assert block_type == "normal"
            self.key_stride = 1
            self.has_proj = False
        if self.has_proj:
            if self.key_stride == 2:
                self.c1x1_w_s2 = BnActConv2d(in_chs=in_chs, out_chs=num_1x1_c + 2 * inc, kernel_size=1, stride=2)
            else:
                self.c1x1_w_s1 = BnActConv2d(in_chs=in_chs, out_chs=num_1x1_c + 2 * inc, kernel_size=1, stride=1)
        self.c1x1_a = BnActConv2d(in_chs=in_chs, out_chs=num_1x1_a, kernel_size=1, stride=1)
        self.c3x3_b = BnActConv2d(
            in_chs=num_1x1_a, out_chs=num_3x3_b, kernel_size=3, stride=self.key_stride, padding=1, groups=groups
        )
        self.c1x1_c = BnActConv2d(in_chs=num_3x3_b, out_chs=num_1x1_c + inc, kernel_size=1, stride=1)

    def forward(self, x):
        x_in = torch.cat(x, dim=1) if isinstance(x, tuple) else x
        if self.has_proj:
            x_s = self.c1x1_w_s2(x_in) if self.key_stride == 2 else self.c1x1_w_s1(x_in)
            x_s1 = x_s[:, : self.num_1x1_c, :, :]
            x_s2 = x_s[:, self.num_1x1_c :, :, :]
        else:
            x_s1 = x[0]
            x_s2 = x[1]
        x_in = self.c1x1_a(x_in)
        x_in = self.c3x3_b(x_in)
        x_in = self.c1x1_c(x_in)
        out1 = x_in[:, : self.num_1x1_c, :, :]
        out2 = x_in[:, self.num_1x1_c :, :, :]
        resid = x_s1 + out1
        dense = torch.cat([x_s2, out2], dim=1)
        return resid, dense


def adaptive_avgmax_pool2d(x, pool_type="avg"):
    if pool_type == "avgmax":
        x_avg = F.adaptive_avg_pool2d(x, output_size=1)
        x_max = F.adaptive_max_pool2d(x, output_size=1)
        return 0.5 * (x_avg + x_max)
    return F.adaptive_avg_pool2d(x, output_size=1)


class DPN(nn.Module):
    def __init__(
        self,
        small=False,
        num_init_features=64,
        k_r=96,
        groups=32,
        k_sec=(3, 4, 20, 3),
        inc_sec=(16, 32, 24, 128),
        num_classes=1000,
        test_time_pool=False,
    ):
        super().__init__()
        self.test_time_pool = test_time_pool
        bw_factor = 1 if small else 4
        blocks = OrderedDict()
        if small:
            blocks["conv1_1"] = InputBlock(num_init_features, kernel_size=3, padding=1)
        else:
            blocks["conv1_1"] = InputBlock(num_init_features, kernel_size=7, padding=3)
        in_chs = num_init_features
        # conv2 .. conv5, which Cadene writes out one after the other: the first block 'proj' (conv2) or 'down',
        # then 'normal' ones
        for stage, (width, k, inc) in enumerate(zip((64, 128, 256, 512), k_sec, inc_sec), start=2):
            bw = width * bw_factor
            r = (k_r * bw) // (64 * bw_factor)
            first = "proj" if stage == 2 else "down"
            blocks[f"conv{stage}_1"] = DualPathBlock(in_chs, r, r, bw, inc, groups, first)
            in_chs = bw + 3 * inc
            for i in range(2, k + 1):
                blocks[f"conv{stage}_{i}"] = DualPathBlock(in_chs, r, r, bw, inc, groups, "normal")
                in_chs += inc
        blocks["conv5_bn_ac"] = CatBnAct(in_chs)
        self.features = nn.Sequential(blocks)
        self.classifier = nn.Conv2d(in_chs, num_classes, kernel_size=1, bias=True)

    def logits(self, features):
        if not self.training and self.test_time_pool:
            x = F.avg_pool2d(features, kernel_size=7, stride=1)
            out = self.classifier(x)
            out = adaptive_avgmax_pool2d(out, pool_type="avgmax")
        else:
            x = adaptive_avgmax_pool2d(features, pool_type="avg")
            out = self.classifier(x)
        return out.view(out.size(0), -1)

    def forward(self, input):
        x = self.features(input)
        x = self.logits(x)
        return x


def dpn92(num_classes=1000):
    return DPN(
        num_init_features=64,
        k_r=96,
        groups=32,
        k_sec=(3, 4, 20, 3),
        inc_sec=(16, 32, 24, 128),
        num_classes=num_classes,
        test_time_pool=True,
    )


# ------------------------------------------------------------------------------ measuring
LAYERS = (nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d)


class Measured:
    """One forward pass of a batch of one on the meta device: counts, FLOPs and the output shape of
    every conv, batchnorm and max pool by its path."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.params = sum(p.numel() for p in model.parameters())
        self.buffers = sum(b.numel() for b in model.buffers())
        self.running = sum(
            b.numel() for k, b in model.state_dict().items() if k.endswith(("running_mean", "running_var"))
        )
        self.shapes: dict[str, tuple[int, ...]] = {}
        handles = [
            m.register_forward_hook(lambda _m, _i, out, path=path: self.shapes.__setitem__(path, tuple(out.shape[1:])))
            for path, m in model.named_modules()
            if isinstance(m, LAYERS)
        ]
        with FlopCounterMode(display=False) as counter:
            self.output = model.eval()(torch.zeros(1, 3, 224, 224, device="meta"))
        for handle in handles:
            handle.remove()
        self.flops = counter.get_total_flops()


@pytest.fixture(scope="module")
def measured() -> Measured:
    with torch.device("meta"):
        return Measured(dpn92())


@pytest.fixture(scope="module")
def net():
    return archspec.load(SPECS / "dpn92.arch")


def test_archspec_counts_are_cadenes_module(measured, net):
    assert measured.params == 37_668_392
    assert net.params == measured.params
    assert net.buffers == measured.buffers  # running means and variances, and a count per batchnorm
    assert measured.flops % 2 == 0
    assert net.macs == measured.flops // 2 == 6_501_684_224
    assert net.output_shape == tuple(measured.output.shape[1:]) == (1000,)


def test_every_layer_by_cadenes_path(measured, net):
    # every conv, batchnorm and max pool of Cadene's module has the same path and output shape in the analysis
    ours = {n.path: n.shape for n in net.nodes}
    assert len(measured.shapes) == 1 + 2 + 30 * 6 + 4 * 2 + 1 + 1  # stem, blocks, projections, conv5_bn_ac, classifier
    assert {path: ours.get(path) for path in measured.shapes} == measured.shapes
    # each stage's output: its residual path (bw) beside a dense path of 3 x inc channels after its first block
    # and inc more after each other one (k_sec blocks: bw + (k + 2) x inc)
    blocks = {row["path"]: tuple(row["output"]) for row in net.layers if row["kind"] == "block"}
    assert blocks["features.conv1_1"] == (64, 56, 56)
    assert blocks["features.conv2_3"] == (256 + (3 + 2) * 16, 56, 56)
    assert blocks["features.conv3_4"] == (512 + (4 + 2) * 32, 28, 28)
    assert blocks["features.conv4_20"] == (1024 + (20 + 2) * 24, 14, 14)
    assert blocks["features.conv5_3"] == (2048 + (3 + 2) * 128, 7, 7)


def test_state_dict_is_cadenes(measured):
    with torch.device("meta"):
        ours = archspec.build(SPECS / "dpn92.arch").state_dict()
    theirs = measured.model.state_dict()
    assert [(k, tuple(v.shape)) for k, v in ours.items()] == [(k, tuple(v.shape)) for k, v in theirs.items()]


def test_the_built_module_computes_what_cadenes_does():
    torch.manual_seed(0)
    reference = dpn92()
    with torch.no_grad():
        for key, value in reference.state_dict().items():
            if value.is_floating_point():
                value.copy_(
                    torch.rand_like(value) + 0.5 if key.endswith("running_var") else 0.1 * torch.randn_like(value)
                )
    model = archspec.build(SPECS / "dpn92.arch")
    model.load_state_dict(reference.state_dict(), strict=True)
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want, got = reference.eval()(x), model.eval()(x)
    assert got.shape == want.shape == (1, 1000)
    assert torch.allclose(got, want, rtol=1e-4, atol=1e-4), (got - want).abs().max()


def test_paper_figures(measured, net):
    # Chen et al. 2017, table 1, DPN-92: 6.5 GFLOPs (multiply-adds) and 37.8M params
    assert round(net.macs / 1e9, 1) == 6.5
    # The weights of Cadene's module come to 37.67M, not 37.8M. The paper's figure is matched by the weights
    # and the batchnorms' running means and variances together, which an MXNet parameter file (the authors'
    # cypw/DPNs) stores beside them: 37,668,392 + 125,216 = 37,793,608.
    assert round(net.params / 1e6, 2) == 37.67
    assert measured.running == 125_216 == net.buffers - 96  # 96 batchnorms, each with a num_batches_tracked
    assert round((net.params + measured.running) / 1e6, 1) == 37.8
