"""The model zoo against published figures: papers, torchvision's model metadata, torchsummary and
Keras summaries printed in the lecture notes (the seeds). Each figure carries its source."""

from __future__ import annotations

import json

import pytest
from conftest import SPECS

import archspec
from archspec.analysis.load import analyse_file

# (spec, params, MACs or None), each with its source
PUBLISHED = [
    # LeNet-5 (LeCun et al. 1998; seed 003): 61,706 params. MACs by hand: c1 6*28*28*25, c3 16*10*10*150,
    # c5 120*400, f6 120*84, out 84*10
    ("lenet5", 61_706, 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 120 * 400 + 120 * 84 + 84 * 10),
    # seed 000, listing 6-12 (torchsummary of class LeNet at 3x224x224)
    ("lenet_224", 46_038_242, None),
    # torchvision.models.alexnet: 61,100,840 params, 0.71 GFLOPS = 714,188,480 MACs
    ("alexnet", 61_100_840, 714_188_480),
    # Krizhevsky et al. 2012 (two-GPU grouped conv2/4/5): 60,965,224 params
    ("alexnet_paper", 60_965_224, None),
    # seed 000, listing 6-32 (torchsummary of the 2-class AlexNet at 3x256x256)
    ("alexnet_256", 42_321_218, None),
    # torchvision.models.vgg11/13/16/19 (params, MACs); configurations A-LRN and C counted from the paper's
    # table (Simonyan & Zisserman 2014, table 1; seed 002 sec. 5.4.2)
    ("vgg11", 132_863_336, 7_609_090_048),
    ("vgg11_lrn", 132_863_336, None),
    ("vgg13", 133_047_848, 11_308_466_176),
    ("vgg16_c", 133_638_952, None),
    ("vgg16", 138_357_544, 15_470_264_320),
    ("vgg19", 143_667_240, 19_632_062_464),
    # torchvision.models.vgg16_bn: 138,365,992 params, 15.47 GFLOPS; the exact MACs counted on torchvision's model
    # (bench/torchvision_figures.py)
    ("vgg16_bn", 138_365_992, 15_470_264_320),
    # torchvision.models.squeezenet1_0/1_1: 1,248,424 and 1,235,496 params, 0.819 and 0.349 GFLOPS; the exact MACs
    # counted on torchvision's models (bench/torchvision_figures.py)
    ("squeezenet1_0", 1_248_424, 818_924_576),
    ("squeezenet1_1", 1_235_496, 349_151_936),
    # torchvision.models.resnet18..152 (params, MACs)
    ("resnet18", 11_689_512, 1_814_073_344),
    ("resnet34", 21_797_672, 3_663_761_408),
    ("resnet50", 25_557_032, 4_089_184_256),
    ("resnet101", 44_549_160, 7_801_405_440),
    ("resnet152", 60_192_808, 11_513_626_624),
    # torchvision.models.resnext50_32x4d and wide_resnet50_2: 25,028,904 and 68,883,240 params, 4.23 and 11.398
    # GFLOPS; the exact MACs counted on torchvision's models (bench/torchvision_figures.py)
    ("resnext50_32x4d", 25_028_904, 4_230_479_872),
    ("wide_resnet50_2", 68_883_240, 11_398_021_120),
    # torchvision.models.densenet121: 7,978,856 params, 2.834 GFLOPS; the exact MACs counted on torchvision's model
    # (bench/torchvision_figures.py)
    ("densenet121", 7_978_856, 2_834_161_664),
    # torchvision.models.inception_v3 at 3x299x299: 27,161,264 params published with its auxiliary classifier,
    # 23,834,568 without (aux_logits=False, as the spec), 5.713 GFLOPS; the exact figures counted on torchvision's
    # model (bench/torchvision_figures.py)
    ("inception_v3", 23_834_568, 5_713_216_096),
    # torchvision.models.regnet_y_400mf: num_params 4,344,144, _ops 0.402 GFLOPS; the exact MACs counted by
    # bench/torchvision_figures_regnet.py (a hook per Conv2d and Linear on torchvision's model)
    ("regnet_y_400mf", 4_344_144, 401_842_848),
    # torchvision.models.efficientnet_b0: num_params 5,288,548, _ops 0.386 GFLOPS; exact MACs likewise
    ("efficientnet_b0", 5_288_548, 385_814_752),
    # torchvision.models.convnext_tiny: num_params 28,589,128 (layer scales included), _ops 4.456 GFLOPS; exact MACs
    # likewise (the block's channels-last Linear layers counted per position, as 1x1 convs)
    ("convnext_tiny", 28_589_128, 4_455_531_264),
    # seed 001: Keras model.summary() of the MNIST CNN with and without max pooling
    ("mnist_keras", 104_202, None),
    ("mnist_keras_nopool", 712_202, None),
    # Chollet, Deep Learning with Python ch. 8 (seed 001): cats vs dogs from scratch, 991,041 params
    ("cats_vs_dogs", 991_041, None),
    # PyTorch tutorial "Training a Classifier" (seed 004): class Net, 62,006 params
    ("cifar10_net", 62_006, None),
    # Seed 004's later models, each counted by a PyTorch module transcribed from a reference implementation
    # (tests/test_zoo_papers.py), the papers' figures at their precision checked there:
    # MobileNet v1 1.0-224 (marvis/pytorch-mobilenet; Howard et al. 2017, table 2: 4.2M params, 569M mult-adds)
    ("mobilenet_v1", 4_231_976, 568_740_352),
    # SE-ResNet-50 (Cadene's pretrainedmodels se_resnet50; Hu et al., table 2: 28.1M params, 3.87 GFLOPs)
    ("se_resnet50", 28_088_024, 3_860_488_192),
    # ShuffleNet v1 1x, g = 3 (megvii-model/ShuffleNet-Series ShuffleNetV1; Zhang et al. 2017, table 1: 137M)
    ("shufflenet_v1", 1_864_728, 137_460_672),
    # torchvision.models.mobilenet_v2 (num_params 3,504,872, _ops 0.301 GFLOPS); the exact MACs counted from
    # torchvision's module by bench/torchvision_figures_mobile.py (conv and linear weights, hooks and flop counter)
    ("mobilenet_v2", 3_504_872, 300_774_272),
    # torchvision.models.mobilenet_v3_large (num_params 5,483,032, _ops 0.217) and mobilenet_v3_small (2,542,856,
    # 0.057); exact MACs likewise from bench/torchvision_figures_mobile.py
    ("mobilenet_v3_large", 5_483_032, 216_589_760),
    ("mobilenet_v3_small", 2_542_856, 56_510_400),
    # torchvision.models.mnasnet1_0 (num_params 4,383,312, _ops 0.314); exact MACs likewise
    ("mnasnet1_0", 4_383_312, 314_415_872),
    # torchvision.models.shufflenet_v2_x1_0 (num_params 2,278,604, _ops 0.145); exact MACs counted on torchvision's
    # model by bench/torchvision_figures.py (hooks and flop counter agree)
    ("shufflenet_v2_x1_0", 2_278_604, 144_907_992),
    # DPN-92 (Cadene's pretrainedmodels dpn92, counted by the module tests/test_zoo_dpn.py transcribes from it;
    # Chen et al. 2017, table 1: 37.8M params, 6.5 GFLOPs, checked there)
    ("dpn92", 37_668_392, 6_501_684_224),
]


@pytest.mark.parametrize("name, params, macs", PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_published_counts(name, params, macs):
    net = archspec.load(SPECS / f"{name}.arch")
    assert net.params == params
    assert net.trainable_params == params
    if macs is not None:
        assert net.macs == macs


# torchsummary's memory estimate as printed in seed 000 (MB, 2 decimals): input, forward/backward, params, total
MEMORY = [
    ("lenet_224", 0.57, 19.47, 175.62, 195.67),  # listing 6-12
    ("alexnet_256", 0.75, 10.90, 161.44, 173.10),  # listing 6-32
]


@pytest.mark.parametrize("name, input_mb, fb_mb, params_mb, total_mb", MEMORY, ids=[m[0] for m in MEMORY])
def test_torchsummary_memory(name, input_mb, fb_mb, params_mb, total_mb):
    mem = archspec.load(SPECS / f"{name}.arch").memory
    got = tuple(round(x, 2) for x in (mem.input_mb, mem.forward_backward_mb, mem.params_mb, mem.total_mb))
    assert got == (input_mb, fb_mb, params_mb, total_mb)


def test_lenet224_memory_by_hand():
    # torchsummary: 4 bytes per float, MB = 2**20, forward/backward = 2 x every module's output
    # (conv, relu, pool, conv, relu, pool, fc1, fc2, softmax; `view` is not a module)
    outputs = 2 * 16 * 220 * 220 + 16 * 110 * 110 + 2 * 32 * 106 * 106 + 32 * 53 * 53 + 512 + 2 + 2
    mem = archspec.load(SPECS / "lenet_224.arch").memory
    assert mem.input_mb == pytest.approx(3 * 224 * 224 * 4 / 2**20)
    assert mem.forward_backward_mb == pytest.approx(2 * outputs * 4 / 2**20)
    assert mem.params_mb == pytest.approx(46_038_242 * 4 / 2**20)


def test_resnet_buffers_are_batchnorm_statistics():
    # torchvision resnet18: every BatchNorm2d has running_mean, running_var (C each) and num_batches_tracked.
    # bn channels: stem 64; layer1 2 blocks x (64+64); layer2 (128+128)*2 + 128 (downsample);
    # layer3 (256+256)*2 + 256; layer4 (512+512)*2 + 512
    channels = 64 + 2 * 128 + (2 * 256 + 128) + (2 * 512 + 256) + (2 * 1024 + 512)
    bns = 1 + 4 + 5 + 5 + 5
    assert archspec.load(SPECS / "resnet18.arch").buffers == 2 * channels + bns


# ------------------------------------------------------------------------------ GoogLeNet
def inception_macs(cin: int, hw: int, n1, r3, n3, r5, n5, pp) -> int:
    """Multiply-adds of an inception module from its channel numbers (1x1, 3x3 and 5x5 convs)."""
    weights = cin * n1 + cin * r3 + r3 * 9 * n3 + cin * r5 + r5 * 25 * n5 + cin * pp
    return weights * hw * hw


# Szegedy et al. 2014, table 1 (seed 002 sec. 5.5.5.2): name, input channels, size, the six channel numbers,
# output depth, ops (M) as printed
GOOGLENET = [
    ("inc3a", 192, 28, (64, 96, 128, 16, 32, 32), 256, 128),
    ("inc3b", 256, 28, (128, 128, 192, 32, 96, 64), 480, 304),
    ("inc4a", 480, 14, (192, 96, 208, 16, 48, 64), 512, 73),
    ("inc4b", 512, 14, (160, 112, 224, 24, 64, 64), 512, 88),
    ("inc4c", 512, 14, (128, 128, 256, 24, 64, 64), 512, 100),
    ("inc4d", 512, 14, (112, 144, 288, 32, 64, 64), 528, 119),
    ("inc4e", 528, 14, (256, 160, 320, 32, 128, 128), 832, 170),
    ("inc5a", 832, 7, (256, 160, 320, 32, 128, 128), 832, 54),
    ("inc5b", 832, 7, (384, 192, 384, 48, 128, 128), 1024, 71),
]
# Rows where the table disagrees with its own channel numbers (see specs/googlenet.arch):
# 4a: 375,552 weights x 14x14 = 73.6M (the table says 73M); 5a: 1,042,432 x 7x7 = 51.1M (table: 54M)
TABLE_INCONSISTENT = {"inc4a": 74, "inc5a": 51}


@pytest.fixture(scope="module")
def googlenet_rows():
    net = archspec.load(SPECS / "googlenet.arch")
    return {row["path"]: row for row in net.layers}


@pytest.mark.parametrize("name, cin, hw, channels, depth, ops_m", GOOGLENET, ids=[g[0] for g in GOOGLENET])
def test_googlenet_inception_rows(googlenet_rows, name, cin, hw, channels, depth, ops_m):
    row = googlenet_rows[name]
    assert row["kind"] == "block"
    assert row["output"] == [depth, hw, hw]
    assert depth == channels[0] + channels[2] + channels[4] + channels[5]
    assert row["macs"] == inception_macs(cin, hw, *channels)
    assert round(row["macs"] / 1e6) == TABLE_INCONSISTENT.get(name, ops_m)


def test_googlenet_output():
    net = archspec.load(SPECS / "googlenet.arch")
    assert net.output_shape == (1000,)
    assert googlenet_params_by_hand() == net.params


def googlenet_params_by_hand() -> int:
    total = (7 * 7 * 3 + 1) * 64 + (64 + 1) * 64 + (9 * 64 + 1) * 192 + (1024 + 1) * 1000
    for _, cin, _, (n1, r3, n3, r5, n5, pp), _, _ in GOOGLENET:
        total += (
            (cin + 1) * n1 + (cin + 1) * r3 + (9 * r3 + 1) * n3 + (cin + 1) * r5 + (25 * r5 + 1) * n5 + (cin + 1) * pp
        )
    return total


# ------------------------------------------------------------------------------ the whole zoo
ALL_SPECS = sorted(SPECS.glob("*.arch"))


def test_the_zoo_is_there():
    assert len(ALL_SPECS) >= 20
    names = {p.stem for p in ALL_SPECS}
    assert {p[0] for p in PUBLISHED} <= names


@pytest.mark.parametrize("path", ALL_SPECS, ids=[p.stem for p in ALL_SPECS])
def test_every_spec_checks_clean(path):
    assert analyse_file(str(path)).diagnostics == []
    net = archspec.load(path)  # raises ArchspecError on any diagnostic, failed expects included
    if path.stem != "blocks":  # blocks.arch only defines blocks
        assert net.nodes and net.output_shape is not None


def test_resnet50_json_rows():
    from archspec.analysis.load import analyse_file
    from archspec.views.report import to_json

    path = str(SPECS / "resnet50.arch")
    out = json.loads(json.dumps(to_json(analyse_file(path), path)))
    rows = {row["path"]: row for row in out["layers"]}
    assert rows["layer1.0.conv1"]["kind"] == "conv"
    assert rows["layer1.0"]["kind"] == "block"
    assert rows["layer1.0.downsample.0"]["kind"] == "conv"  # 64 -> 256 channels: projected
    assert "layer1.1.downsample" not in rows  # 256 -> 256: identity
    assert [p for p in rows if p.count(".") == 1 and p.startswith("layer2.")] == [
        "layer2.0",
        "layer2.1",
        "layer2.2",
        "layer2.3",
    ]


# ------------------------------------------------------------------------------ the figures are the seeds'
def _seed(prefix: str) -> str:
    from conftest import SEEDS

    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip("the seed documents are not here")
    return found[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "seed, text",
    [
        ("000", "Total params: 46,038,242"),
        ("000", "Total params: 42,321,218"),
        ("000", "Input size (MB): 0.57"),
        ("000", "Forward/backward pass size (MB): 19.47"),
        ("000", "Params size (MB): 175.62"),
        ("000", "Estimated Total Size (MB): 195.67"),
        ("000", "Input size (MB): 0.75"),
        ("000", "Forward/backward pass size (MB): 10.90"),
        ("000", "Params size (MB): 161.44"),
        ("000", "Estimated Total Size (MB): 173.10"),
        ("001", "Total params: 104,202"),
        ("001", "Total params: 712,202"),
    ],
)
def test_golden_figures_are_printed_in_the_seeds(seed, text):
    assert text in _seed(seed)


def test_googlenet_table_is_the_seeds():
    rows = {}
    for line in _seed("002").splitlines():
        cells = [c for c in line.split("\t") if c]
        # a row of the table (not the prose around it): name, output size, layers, six channel numbers,
        # params, ops
        if "inception (" in line and len(cells) >= 11:
            name = "inc" + cells[-11].split("(")[1].rstrip(")")
            rows[name] = (
                int(cells[-10].replace("$", "").split()[-1]),
                tuple(int(c) for c in cells[-8:-2]),
                int(cells[-1].rstrip("M")),
            )
    assert rows == {name: (depth, channels, ops) for name, _, _, channels, depth, ops in GOOGLENET}
