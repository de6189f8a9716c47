"""MobileNet v1, SE-ResNet-50 and ShuffleNet v1 (seed 004's list of later models) against PyTorch
modules written here independently of archspec, each transcribed from one reference implementation
(named at its class), and against their papers' figures at the papers' precision.

For each: archspec's parameter count equals the module's `sum(p.numel())`, archspec's MACs equal
torch's flop counter's count // 2 (convolutions and linear layers, a batch of one), every
convolution and linear layer has, in the order the module runs them, the parameters, MACs and
output shape archspec gives the same layer, and the outputs have one shape."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from conftest import SPECS

import archspec

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

CONV_OR_LINEAR = ("conv", "dwconv", "dense")


# ------------------------------------------------------------------------------ MobileNet v1
# marvis/pytorch-mobilenet, main.py, class Net (width 1.0, 224x224): conv_bn and conv_dw, the
# average pooling inside `model`, then fc. The convolutions have no bias.
class MobileNetV1Reference(nn.Module):
    def __init__(self):
        super().__init__()

        def conv_bn(inp, oup, stride):
            return nn.Sequential(
                nn.Conv2d(inp, oup, 3, stride, 1, bias=False),
                nn.BatchNorm2d(oup),
                nn.ReLU(inplace=True),
            )

        def conv_dw(inp, oup, stride):
            return nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False),
                nn.BatchNorm2d(inp),
                nn.ReLU(inplace=True),
                nn.Conv2d(inp, oup, 1, 1, 0, bias=False),
                nn.BatchNorm2d(oup),
                nn.ReLU(inplace=True),
            )

        self.model = nn.Sequential(
            conv_bn(3, 32, 2),
            conv_dw(32, 64, 1),
            conv_dw(64, 128, 2),
            conv_dw(128, 128, 1),
            conv_dw(128, 256, 2),
            conv_dw(256, 256, 1),
            conv_dw(256, 512, 2),
            conv_dw(512, 512, 1),
            conv_dw(512, 512, 1),
            conv_dw(512, 512, 1),
            conv_dw(512, 512, 1),
            conv_dw(512, 512, 1),
            conv_dw(512, 1024, 2),
            conv_dw(1024, 1024, 1),
            nn.AvgPool2d(7),
        )
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        x = self.model(x)
        x = x.view(-1, 1024)
        return self.fc(x)


# ------------------------------------------------------------------------------ SE-ResNet-50
# Cadene's pretrainedmodels, pretrainedmodels/models/senet.py: SEModule, the Bottleneck forward,
# SEResNetBottleneck (stride in conv1), and SENet as se_resnet50 builds it (groups=1, reduction=16,
# dropout_p=None, inplanes=64, input_3x3=False, downsample_kernel_size=1, downsample_padding=0).
class SEModule(nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, channels // reduction, kernel_size=1, padding=0)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(channels // reduction, channels, kernel_size=1, padding=0)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        module_input = x
        x = self.avg_pool(x)
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        x = self.sigmoid(x)
        return module_input * x


class SEResNetBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, groups, reduction, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=1, bias=False, stride=stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, padding=1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.se_module = SEModule(planes * 4, reduction=reduction)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        out = self.se_module(out) + residual
        return self.relu(out)


class SEResNet50Reference(nn.Module):
    def __init__(self, num_classes=1000, groups=1, reduction=16):
        super().__init__()
        self.inplanes = 64
        self.layer0 = nn.Sequential(
            OrderedDict(
                [
                    ("conv1", nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)),
                    ("bn1", nn.BatchNorm2d(64)),
                    ("relu1", nn.ReLU(inplace=True)),
                    # Cadene: "To preserve compatibility with Caffe weights `ceil_mode=True` is used
                    # instead of `padding=1`."
                    ("pool", nn.MaxPool2d(3, stride=2, ceil_mode=True)),
                ]
            )
        )
        self.layer1 = self._make_layer(64, 3, groups, reduction)
        self.layer2 = self._make_layer(128, 4, groups, reduction, stride=2)
        self.layer3 = self._make_layer(256, 6, groups, reduction, stride=2)
        self.layer4 = self._make_layer(512, 3, groups, reduction, stride=2)
        self.avg_pool = nn.AvgPool2d(7, stride=1)
        self.dropout = None
        self.last_linear = nn.Linear(512 * SEResNetBottleneck.expansion, num_classes)

    def _make_layer(self, planes, blocks, groups, reduction, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * SEResNetBottleneck.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * 4, kernel_size=1, stride=stride, padding=0, bias=False),
                nn.BatchNorm2d(planes * 4),
            )
        layers = [SEResNetBottleneck(self.inplanes, planes, groups, reduction, stride, downsample)]
        self.inplanes = planes * SEResNetBottleneck.expansion
        for _ in range(1, blocks):
            layers.append(SEResNetBottleneck(self.inplanes, planes, groups, reduction))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.layer0(x)))))
        x = self.avg_pool(x)
        x = x.view(x.size(0), -1)
        return self.last_linear(x)


# ------------------------------------------------------------------------------ ShuffleNet v1
# megvii-model/ShuffleNet-Series, ShuffleNetV1/blocks.py (ShuffleV1Block) and network.py
# (ShuffleNetV1, model_size='1.0x', group=3). Its weight initialisation is left out: it changes no
# count. Its channel shuffle (after the depthwise conv, (C/g, g) transposed) is kept as written.
class ShuffleV1Block(nn.Module):
    def __init__(self, inp, oup, *, group, first_group, mid_channels, ksize, stride):
        super().__init__()
        assert stride in [1, 2]
        self.stride = stride
        self.group = group
        pad = ksize // 2
        outputs = oup - inp if stride == 2 else oup
        self.branch_main_1 = nn.Sequential(
            nn.Conv2d(inp, mid_channels, 1, 1, 0, groups=1 if first_group else group, bias=False),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, mid_channels, ksize, stride, pad, groups=mid_channels, bias=False),
            nn.BatchNorm2d(mid_channels),
        )
        self.branch_main_2 = nn.Sequential(
            nn.Conv2d(mid_channels, outputs, 1, 1, 0, groups=group, bias=False),
            nn.BatchNorm2d(outputs),
        )
        if stride == 2:
            self.branch_proj = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, old_x):
        x = old_x
        x_proj = old_x
        x = self.branch_main_1(x)
        if self.group > 1:
            x = self.channel_shuffle(x)
        x = self.branch_main_2(x)
        if self.stride == 1:
            return F.relu(x + x_proj)
        return torch.cat((self.branch_proj(x_proj), F.relu(x)), 1)

    def channel_shuffle(self, x):
        batchsize, num_channels, height, width = x.size()
        group_channels = num_channels // self.group
        x = x.reshape(batchsize, group_channels, self.group, height, width)
        x = x.permute(0, 2, 1, 3, 4)
        return x.reshape(batchsize, num_channels, height, width)


class ShuffleNetV1Reference(nn.Module):
    def __init__(self, n_class=1000, group=3):
        super().__init__()
        self.stage_repeats = [4, 8, 4]
        self.stage_out_channels = [-1, 24, 240, 480, 960]  # '1.0x'
        input_channel = self.stage_out_channels[1]
        self.first_conv = nn.Sequential(
            nn.Conv2d(3, input_channel, 3, 2, 1, bias=False),
            nn.BatchNorm2d(input_channel),
            nn.ReLU(inplace=True),
        )
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        features = []
        for idxstage, numrepeat in enumerate(self.stage_repeats):
            output_channel = self.stage_out_channels[idxstage + 2]
            for i in range(numrepeat):
                stride = 2 if i == 0 else 1
                first_group = idxstage == 0 and i == 0
                features.append(
                    ShuffleV1Block(
                        input_channel,
                        output_channel,
                        group=group,
                        first_group=first_group,
                        mid_channels=output_channel // 4,
                        ksize=3,
                        stride=stride,
                    )
                )
                input_channel = output_channel
        self.features = nn.Sequential(*features)
        self.globalpool = nn.AvgPool2d(7)
        self.classifier = nn.Sequential(nn.Linear(self.stage_out_channels[-1], n_class, bias=False))

    def forward(self, x):
        x = self.maxpool(self.first_conv(x))
        x = self.features(x)
        x = self.globalpool(x)
        x = x.contiguous().view(-1, self.stage_out_channels[-1])
        return self.classifier(x)


# ------------------------------------------------------------------------------ measuring
class Measured:
    """One forward pass of a batch of one on the meta device: counts, and the shapes seen by hooks."""

    def __init__(self, model: nn.Module, input_shape: tuple[int, ...]):
        self.model = model
        self.params = sum(p.numel() for p in model.parameters())
        self.buffers = sum(b.numel() for b in model.buffers())
        self.layers: list[tuple[int, int, tuple[int, ...]]] = []  # conv and linear: params, MACs, shape
        self.shapes: dict[str, tuple[int, ...]] = {}  # every module's output shape by path
        handles = []
        for path, module in model.named_modules():
            handles.append(module.register_forward_hook(self._hook(path)))
        with FlopCounterMode(display=False) as counter:
            self.output = model(torch.zeros(1, *input_shape, device="meta"))
        for handle in handles:
            handle.remove()
        self.flops = counter.get_total_flops()
        self.macs = self.flops // 2

    def _hook(self, path):
        def hook(module, _inputs, out):
            shape = tuple(out.shape[1:])
            self.shapes[path] = shape
            if isinstance(module, nn.Conv2d | nn.Linear):
                # one multiply-add per weight of a filter (in/groups x kh x kw, or in) per output value
                macs = out.numel() * module.weight[0].numel()
                self.layers.append((sum(p.numel() for p in module.parameters()), macs, shape))

        return hook


def measure(model_class) -> Measured:
    with torch.device("meta"):
        return Measured(model_class(), (3, 224, 224))


def archspec_layers(net) -> list[tuple[int, int, tuple[int, ...]]]:
    """The convolutions and linear layers of archspec's analysis, in its order."""
    return [(row["params"], row["macs"], tuple(row["output"])) for row in net.layers if row["kind"] in CONV_OR_LINEAR]


MODELS = [
    ("mobilenet_v1", MobileNetV1Reference),
    ("se_resnet50", SEResNet50Reference),
    ("shufflenet_v1", ShuffleNetV1Reference),
]


@pytest.fixture(scope="module")
def measured():
    return {name: measure(model_class) for name, model_class in MODELS}


@pytest.mark.parametrize("name", [m[0] for m in MODELS])
def test_archspec_counts_are_the_reference_modules(measured, name):
    net = archspec.load(SPECS / f"{name}.arch")
    ref = measured[name]
    assert net.params == ref.params
    assert net.buffers == ref.buffers  # batchnorm statistics
    assert net.macs == ref.macs
    assert ref.flops == 2 * ref.macs  # conv and linear only: nothing else counted, nothing halved away
    assert net.output_shape == tuple(ref.output.shape[1:]) == (1000,)
    assert sum(macs for _, macs, _ in ref.layers) == ref.macs  # the flop counter counts what the hooks do


@pytest.mark.parametrize("name", ["mobilenet_v1", "shufflenet_v1"])
def test_every_conv_and_linear_layer_in_order(measured, name):
    # SE-ResNet-50's module runs its downsample before its SE module, so it is compared by path below
    net = archspec.load(SPECS / f"{name}.arch")
    assert archspec_layers(net) == measured[name].layers


def test_shufflenet_units_by_position(measured):
    # megvii's features.0 .. features.15 are the spec's stage2.0 .. stage2.3, stage3.0 .. stage3.7, stage4.0 ..
    net = archspec.load(SPECS / "shufflenet_v1.arch")
    units = [tuple(row["output"]) for row in net.layers if row["kind"] == "block"]
    ref = measured["shufflenet_v1"].shapes
    assert units == [ref[f"features.{i}"] for i in range(16)]
    assert [u[0] for u in units] == [240] * 4 + [480] * 8 + [960] * 4  # table 1, g = 3
    gconv2 = next(n for n in net.nodes if n.path == "stage2.0.gconv2")
    assert gconv2.shape == (216, 28, 28)  # 240 - 24 channels beside the pooled input


def test_se_resnet50_layers_by_cadenes_paths(measured):
    # the spec names its layers as Cadene's module does: every layer there with parameters, or a pooling, the
    # SE module's sigmoid included, has the same path and output shape in archspec's analysis
    net = archspec.load(SPECS / "se_resnet50.arch")
    ours = {n.path: n.shape for n in net.nodes}
    ref = measured["se_resnet50"]
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.Linear, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.Sigmoid)
    theirs = {path: ref.shapes[path] for path, m in ref.model.named_modules() if isinstance(m, kinds)}
    assert len(theirs) == 3 + 16 * (6 + 4) + 4 * 2 + 2  # stem, 16 bottlenecks with SE, 4 downsamples, head
    assert {path: ours.get(path) for path in theirs} == theirs


def test_se_resnet50_state_dict_is_cadenes():
    with torch.device("meta"):
        ours = archspec.build(SPECS / "se_resnet50.arch").state_dict()
        theirs = SEResNet50Reference().state_dict()
    assert [(k, tuple(v.shape)) for k, v in ours.items()] == [(k, tuple(v.shape)) for k, v in theirs.items()]


# ------------------------------------------------------------------------------ the papers' figures
def test_mobilenet_v1_paper_figures():
    # Howard et al. 2017, table 2 and table 8 (1.0 MobileNet-224): 569 million mult-adds, 4.2 million params
    net = archspec.load(SPECS / "mobilenet_v1.arch")
    assert round(net.macs / 1e6) == 569
    assert round(net.params / 1e6, 1) == 4.2


def test_se_resnet50_paper_figures(measured):
    # Hu et al., table 2: SE-ResNet-50 28.1M params, 3.87 GFLOPs; ResNet-50 3.86 GFLOPs (multiply-adds)
    net = archspec.load(SPECS / "se_resnet50.arch")
    assert round(net.params / 1e6, 1) == 28.1
    se_fc_macs = sum(row["macs"] for row in net.layers if ".se_module.fc" in row["path"])
    se_fc_params = sum(row["params"] for row in net.layers if ".se_module.fc" in row["path"])
    # without its SE modules the network is the paper's ResNet-50 (stride in the first 1x1 conv): 3.86 GFLOPs
    # (table 2), and torchvision's resnet50 count of parameters (where the stride sits changes no weight); the
    # SE modules add about 2.5 million parameters (the paper, sec. 4 on model complexity)
    assert round((net.macs - se_fc_macs) / 1e9, 2) == 3.86
    assert net.params - se_fc_params == 25_557_032
    assert round(se_fc_params / 1e6, 1) == 2.5
    # The paper's 3.87 is not the convolutions' and FC layers' count, which rounds to 3.86 (so does Cadene's
    # module's, measured above). Counting also the SE modules' squeeze (the global average pooling) and scale
    # (the channel-wise multiplication), one operation per element of the residual branch for each, gives
    # 3.8605G + 11.04M = 3.8715G, which rounds to the paper's 3.87.
    assert round(net.macs / 1e9, 2) == 3.86
    ref = measured["se_resnet50"]
    pooled_and_scaled = 2 * sum(
        torch.Size(shape).numel() for path, shape in ref.shapes.items() if path.endswith(".se_module")
    )
    assert pooled_and_scaled == 11_038_720
    assert round((net.macs + pooled_and_scaled) / 1e9, 2) == 3.87


def test_shufflenet_v1_paper_figures():
    # Zhang et al. 2017, table 1: complexity 137M for g = 3 (143, 140, 137, 133, 137M for g = 1, 2, 3, 4, 8:
    # "overall computation cost roughly unchanged (~140 MFLOPs)"); table 2 lists all of them as
    # "ShuffleNet 1x", 140 MFLOPs. The paper's FLOPs are multiply-adds.
    net = archspec.load(SPECS / "shufflenet_v1.arch")
    assert round(net.macs / 1e6) == 137
    # megvii's README: ShuffleNetV1 1.0x (group=3) 1.9M params (and 138M FLOPs, which is not the convolutions'
    # and the linear layer's count: 137.46M)
    assert round(net.params / 1e6, 1) == 1.9
