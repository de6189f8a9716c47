"""Receptive fields (size, jump, start) against the lecture notes' argument and published tables.

Published figures: Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill 2019 (doi:10.23915/distill.00021), whose library's table of results
(tensorflow/contrib/receptive_field, RECEPTIVE_FIELD_TABLE.md, "Pre-computed receptive field
parameters") lists for TF-Slim's models the receptive field (RF), the effective stride (our jump)
and, at 224x224, the effective padding P. Our `start` (the centre of the first output's field) is
(RF - 1) / 2 - P.
"""

from __future__ import annotations

import json

import pytest
from conftest import SPECS
from test_cli import archspec as run_cli

import archspec
from archspec.analysis.receptive import receptive_fields


def fields_by_path(net):
    return {n.path: f for n, f in zip(net.nodes, receptive_fields(net))}


def rf(net, path):
    f = fields_by_path(net)[path]
    assert len(set(f.size)) == len(set(f.jump)) == len(set(f.start)) == 1, f  # square inputs: equal per dimension
    return f.size[0], f.jump[0], f.start[0]


@pytest.mark.parametrize("n, size", [(1, 3), (2, 5), (3, 7)])
def test_stacked_3x3_convs_see_like_one_larger_kernel(n, size):
    # seed 002, sec. 5.4.1: two 3x3 conv layers (no pooling between) have the 5x5 receptive field of
    # one 5x5 layer, three have the 7x7 of a 7x7 layer
    text = "network N\ninput 8x32x32\n" + "conv 8 3x3 pad=1 relu\n" * n
    net = archspec.loads(text)
    assert fields_by_path(net)[net.nodes[-1].path].text() == f"{size}x{size}"


# (layer, RF, effective stride, effective padding at 224) for TF-Slim's vgg_16, whose layout (3x3
# convs with padding 1, 2x2/2 max pooling) is specs/vgg16.arch's; the spec numbers its layers as
# torchvision does (features.N), TF-Slim's names are beside them.
VGG16 = [
    ("features.0", 3, 1, 1),  # conv1_1
    ("features.4", 6, 2, 2),  # pool1
    ("features.5", 10, 2, 4),  # conv2_1
    ("features.9", 16, 4, 6),  # pool2
    ("features.10", 24, 4, 10),  # conv3_1
    ("features.12", 32, 4, 14),  # conv3_2
    ("features.16", 44, 8, 18),  # pool3
    ("features.17", 60, 8, 26),  # conv4_1
    ("features.19", 76, 8, 34),  # conv4_2
    ("features.23", 100, 16, 42),  # pool4
    ("features.24", 132, 16, 58),  # conv5_1
    ("features.26", 164, 16, 74),  # conv5_2
    ("features.30", 212, 32, 90),  # pool5
]


@pytest.mark.parametrize("layer, size, jump, padding", VGG16)
def test_vgg16_matches_the_published_table(layer, size, jump, padding):
    net = archspec.load(SPECS / "vgg16.arch")
    assert rf(net, layer) == (size, jump, (size - 1) / 2 - padding)


# TF-Slim's alexnet_v2: the same kernels and strides as torchvision's AlexNet (specs/alexnet.arch),
# but its first conv is unpadded ("VALID"), torchvision's pads 2.
ALEXNET = [
    ("features.0", 11, 4, 0),  # conv1
    ("features.2", 19, 8, 0),  # pool1
    ("features.3", 51, 8, 16),  # conv2
    ("features.6", 99, 16, 32),  # conv3
    ("features.8", 131, 16, 48),  # conv4
    ("features.10", 163, 16, 64),  # conv5
    ("features.12", 195, 32, 64),  # pool5
]


@pytest.mark.parametrize("layer, size, jump, padding", ALEXNET)
def test_alexnet_matches_the_published_table(layer, size, jump, padding):
    zoo = archspec.load(SPECS / "alexnet.arch")
    assert rf(zoo, layer)[:2] == (size, jump)
    # torchvision's padding of 2 before conv1 moves every start by 2 pixels
    assert rf(zoo, layer)[2] == (size - 1) / 2 - padding - 2
    slim = archspec.loads(
        (SPECS / "alexnet.arch").read_text().replace("stride=4 pad=2", "stride=4").replace("expect params", "# "),
        str(SPECS / "alexnet_v2.arch"),
    )
    assert rf(slim, layer) == (size, jump, (size - 1) / 2 - padding)


def test_resnet_v1_50_matches_the_published_table():
    # TF-Slim's resnet_v1_50 strides in the 3x3 conv of the LAST unit of blocks 1-3 (torchvision in the
    # first unit of layer2-4, which gives other fields); its 3x3/2 max pooling is TF's "SAME", which at
    # 112 pads only after the input, so it is unpadded here.
    text = f"""import "{SPECS / "blocks.arch"}"
network ResNetV1_50
input 3x224x224
conv1: conv 64 7x7 stride=2 pad=3 bias=false bn relu
pool1: maxpool 3x3 stride=2
block1: bottleneck(64) x2, bottleneck(64, stride=2)
block2: bottleneck(128) x3, bottleneck(128, stride=2)
block3: bottleneck(256) x5, bottleneck(256, stride=2)
block4: bottleneck(512) x3
"""
    net = archspec.loads(text, "resnet_v1_50.arch")
    last = {g.path: net.nodes[g.output].path for g in net.groups if g.depth == 0}
    published = {"block1": (35, 8, 15), "block2": (99, 16, 47), "block3": (291, 32, 143), "block4": (483, 32, 239)}
    for block, (size, jump, padding) in published.items():
        assert rf(net, last[block]) == (size, jump, (size - 1) / 2 - padding), block


def test_a_merge_sees_the_union_of_its_branches():
    # an Inception-like concat of a 1x1 and a 5x5 branch sees what the 5x5 sees
    net = archspec.loads("network N\ninput 8x32x32\nm: concat:\n    branch: conv 4 1x1\n    branch: conv 4 5x5 pad=2\n")
    assert rf(net, "m") == (5, 1, 0)


def test_a_broadcast_merge_keeps_the_grid_of_its_full_sized_input():
    # squeeze-and-excitation: the 16x1x1 gate is one position, so its jump (the whole map) says nothing
    # about how far apart the mul's 32x32 outputs are: one input pixel, as no layer so far has a stride;
    # a 2x2/2 pool after it then makes the jump 2, the product of the strides
    text = """network N
input 16x32x32
se: mul:
    branch: identity
    branch:
        avgpool to 1x1
        conv 16 1x1 sigmoid
p: maxpool 2x2 stride=2
"""
    net = archspec.loads(text)
    assert rf(net, "se")[1] == 1
    assert rf(net, "p")[1] == 2


def test_dilation_widens_the_kernel():
    # a 3x3 kernel with dilation 2 spans 5 pixels (seed 004: dilated convolution widens the view)
    net = archspec.loads("network N\ninput 1x32x32\nc: conv 1 3x3 dilation=2\n")
    assert rf(net, "c") == (5, 1, 2)


def test_global_pooling_and_dense_see_the_whole_input():
    # LeNet-5's C5 covers the whole 32x32 input (its 5x5 maps see 16x16 fields 4 pixels apart)
    net = archspec.load(SPECS / "lenet5.arch")
    assert rf(net, "c5")[0] == 32
    assert rf(net, "out")[0] == 32
    net = archspec.loads("network N\ninput 3x16x16\nc: conv 4 3x3 pad=1\ng: gap\nd: dense 2\n")
    assert rf(net, "g")[0] == 3 + 15  # the 3x3 field plus every other position of the 16x16 map
    assert rf(net, "d") == rf(net, "g")


def test_a_transposed_conv_undoes_the_stride_of_a_pool():
    # U-Net: pool 2x2/2 then deconv 2x2/2 brings the jump back to one pixel
    net = archspec.loads("network N\ninput 1x32x32\np: maxpool 2x2 stride=2\nu: deconv 1 2x2 stride=2\n")
    assert rf(net, "p") == (2, 2, 0.5)
    assert rf(net, "u") == (2, 1, 0)  # each output pixel comes from one pooled pixel


def test_check_json_and_rf_table():
    result = run_cli("check", "--json", str(SPECS / "vgg16.arch"))
    assert result.returncode == 0
    layers = {row["path"]: row for row in json.loads(result.stdout)["layers"]}
    assert layers["features.30"]["rf"] == {"size": [212, 212], "jump": [32, 32], "start": [15.5, 15.5]}
    assert layers["input"]["rf"] == {"size": [1, 1], "jump": [1, 1], "start": [0, 0]}
    table = run_cli("check", "--rf", str(SPECS / "vgg16.arch"))
    assert table.returncode == 0
    header = table.stdout.splitlines()[1]
    assert header.split("│")[-3:] == [" RF ".rjust(len(header.split("│")[-3])), " Jump ", " Start"]
    pool5 = next(line for line in table.stdout.splitlines() if line.strip().startswith("30 "))
    assert [c.strip() for c in pool5.split("│")[-3:]] == ["212x212", "32", "15.5"]


def test_a_block_row_has_its_outputs_field():
    result = run_cli("check", "--json", str(SPECS / "resnet50.arch"))
    layers = {row["path"]: row for row in json.loads(result.stdout)["layers"]}
    assert layers["layer1"]["kind"] == "sequence"
    assert layers["layer1"]["rf"] == layers["layer1.2.relu_1"]["rf"]
    # torchvision's layout: conv1 7x7/2, maxpool 3x3/2 (11, jump 4), then three bottlenecks of one
    # 3x3 conv each at jump 4: 11 + 3*2*4 = 35
    assert layers["layer1"]["rf"]["size"] == [35, 35] and layers["layer1"]["rf"]["jump"] == [4, 4]
