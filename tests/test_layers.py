"""One row per layer kind and variant: output shape, parameters, buffers and MACs, each worked out
by hand from PyTorch's formulas (written out in the row), never copied from archspec's output.

Conventions (PyTorch):
  conv / pool size   floor((in + 2*pad - dilation*(k-1) - 1) / stride) + 1   (ceil with ceil_mode,
                     dropping a last window that would start in the right padding)
  conv params        out * (in/groups) * prod(k) + out (bias)
  conv MACs          prod(output) * (in/groups) * prod(k)
  deconv size        (in-1)*stride - 2*pad + dilation*(k-1) + output_padding + 1
  deconv params      in * (out/groups) * prod(k) + out;  MACs  prod(input spatial) * in * (out/groups) * prod(k)
  linear             params in*out + out, MACs in*out
  batchnorm          weight + bias = 2C params; running_mean, running_var, num_batches_tracked = 2C+1 buffers
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import archspec
from archspec.analysis.load import analyse
from archspec.layers import ALL, CATALOGUE

# (id, input shape, spec line(s), kind of the last node, output shape, params, buffers, MACs)
# For single layers the numbers are that layer's; for merges they are the totals of the network.
ROWS = [
    # ---------------------------------------------------------------- conv
    (
        "conv2d",
        "1x32x32",
        "conv 6 5x5",
        "conv",
        (6, 32 - 5 + 1, 32 - 5 + 1),
        (5 * 5 * 1 + 1) * 6,
        0,
        6 * 28 * 28 * (5 * 5 * 1),
    ),
    ("conv1d", "4x100", "conv 8 3", "conv", (8, 100 - 3 + 1), (3 * 4 + 1) * 8, 0, 8 * 98 * (3 * 4)),
    (
        "conv3d",
        "3x16x32x32",
        "conv 8 3x3x3 pad=1",
        "conv",
        (8, 16, 32, 32),
        (3 * 3 * 3 * 3 + 1) * 8,
        0,
        8 * 16 * 32 * 32 * (3 * 3 * 3 * 3),
    ),
    (
        "conv_rect_3x1",
        "2x10x10",
        "conv 4 3x1",
        "conv",
        (4, 10 - 3 + 1, 10 - 1 + 1),
        (3 * 1 * 2 + 1) * 4,
        0,
        4 * 8 * 10 * (3 * 1 * 2),
    ),
    (
        "conv_stride",
        "3x224x224",
        "conv 64 7x7 stride=2 pad=3",
        "conv",
        (64, (224 + 2 * 3 - 6 - 1) // 2 + 1, (224 + 6 - 6 - 1) // 2 + 1),
        (7 * 7 * 3 + 1) * 64,
        0,
        64 * 112 * 112 * (7 * 7 * 3),
    ),
    (
        "conv_stride_pair",
        "1x20x20",
        "conv 2 3x3 stride=1x2",
        "conv",
        (2, (20 - 3) // 1 + 1, (20 - 3) // 2 + 1),
        (9 + 1) * 2,
        0,
        2 * 18 * 9 * 9,
    ),
    (
        "conv_pad_number",
        "3x32x32",
        "conv 16 3x3 pad=1",
        "conv",
        (16, 32 + 2 - 2, 32 + 2 - 2),
        (3 * 3 * 3 + 1) * 16,
        0,
        16 * 32 * 32 * 27,
    ),
    (
        "conv_pad_pair_dims",
        "1x10x10",
        "conv 2 3x3 pad=1x0",
        "conv",
        (2, 10 + 2 * 1 - 2, 10 + 2 * 0 - 2),
        (9 + 1) * 2,
        0,
        2 * 10 * 8 * 9,
    ),
    (
        "conv_pad_pair_tuple",
        "1x10x10",
        "conv 2 3x3 pad=(0, 2)",
        "conv",
        (2, 10 - 2, 10 + 4 - 2),
        (9 + 1) * 2,
        0,
        2 * 8 * 12 * 9,
    ),
    ("conv_pad_same", "3x15x15", "conv 4 5x5 pad=same", "conv", (4, 15, 15), (5 * 5 * 3 + 1) * 4, 0, 4 * 15 * 15 * 75),
    (
        "conv_pad_same_dilated",
        "3x15x15",
        "conv 4 3x3 pad=same dilation=2",
        "conv",
        (4, 15, 15),
        (3 * 3 * 3 + 1) * 4,
        0,
        4 * 15 * 15 * 27,
    ),
    (
        "conv_pad_valid",
        "3x15x15",
        "conv 4 5x5 pad=valid",
        "conv",
        (4, 15 - 4, 15 - 4),
        (5 * 5 * 3 + 1) * 4,
        0,
        4 * 11 * 11 * 75,
    ),
    (
        "conv_dilation",
        "1x32x32",
        "conv 1 3x3 dilation=2",
        "conv",
        (1, 32 - 2 * (3 - 1) - 1 + 1, 28),
        9 + 1,
        0,
        28 * 28 * 9,
    ),
    (
        "conv_groups",
        "8x16x16",
        "conv 16 3x3 pad=1 groups=4",
        "conv",
        (16, 16, 16),
        16 * (8 // 4) * 9 + 16,
        0,
        16 * 16 * 16 * (8 // 4) * 9,
    ),
    ("conv_no_bias", "3x8x8", "conv 4 1x1 bias=false", "conv", (4, 8, 8), 4 * 3 * 1, 0, 4 * 64 * 3),
    ("conv_alias_conv2d", "1x5x5", "conv2d 1 3x3", "conv", (1, 3, 3), 9 + 1, 0, 9 * 9),
    # ---------------------------------------------------------------- depthwise / separable
    # nn.Conv2d(8, 8*m, 3, groups=8): weight (8m, 1, 3, 3), bias 8m
    ("dwconv", "8x16x16", "dwconv 3x3 pad=1", "dwconv", (8, 16, 16), 8 * 1 * 9 + 8, 0, 8 * 16 * 16 * 9),
    (
        "dwconv_multiplier",
        "8x16x16",
        "dwconv 3x3 multiplier=2",
        "dwconv",
        (16, 14, 14),
        16 * 1 * 9 + 16,
        0,
        16 * 14 * 14 * 9,
    ),
    (
        "dwconv_no_bias_stride",
        "4x9x9",
        "dwconv 3x3 stride=2 bias=false",
        "dwconv",
        (4, (9 - 3) // 2 + 1, 4),
        4 * 9,
        0,
        4 * 4 * 4 * 9,
    ),
    # Keras SeparableConv2D(32, 3, padding="same") on 16 channels: depthwise 3*3*16 (no bias),
    # pointwise 16*32 + bias 32
    (
        "sepconv",
        "16x32x32",
        "sepconv 32 3x3 pad=1",
        "sepconv",
        (32, 32, 32),
        3 * 3 * 16 + 16 * 32 + 32,
        0,
        32 * 32 * 16 * 9 + 32 * 32 * 16 * 32,
    ),
    (
        "sepconv_multiplier_no_bias",
        "4x8x8",
        "sepconv 6 3x3 multiplier=2 bias=false",
        "sepconv",
        (6, 6, 6),
        3 * 3 * 8 + 8 * 6,
        0,
        6 * 6 * 8 * 9 + 6 * 6 * 8 * 6,
    ),
    # ---------------------------------------------------------------- transposed conv
    (
        "deconv_stride2",
        "16x8x8",
        "deconv 8 2x2 stride=2",
        "deconv",
        (8, (8 - 1) * 2 + 1 * (2 - 1) + 1, 16),
        16 * 8 * 4 + 8,
        0,
        8 * 8 * 16 * 8 * 4,
    ),
    (
        "deconv_output_padding",
        "16x8x8",
        "deconv 8 3x3 stride=2 pad=1 output_padding=1",
        "deconv",
        (8, (8 - 1) * 2 - 2 * 1 + 1 * (3 - 1) + 1 + 1, 16),
        16 * 8 * 9 + 8,
        0,
        8 * 8 * 16 * 8 * 9,
    ),
    (
        "deconv_groups_no_bias",
        "4x5x5",
        "convtranspose 6 3x3 groups=2 bias=false",
        "deconv",
        (6, (5 - 1) + 2 + 1, 7),
        4 * (6 // 2) * 9,
        0,
        5 * 5 * 4 * (6 // 2) * 9,
    ),
    ("deconv_1d", "2x10", "deconv 3 4 stride=2", "deconv", (3, (10 - 1) * 2 + 3 + 1), 2 * 3 * 4 + 3, 0, 10 * 2 * 3 * 4),
    # ---------------------------------------------------------------- pooling
    ("maxpool", "3x32x32", "maxpool 2", "maxpool", (3, 16, 16), 0, 0, 0),
    ("maxpool_stride", "64x55x55", "maxpool 3x3 stride=2", "maxpool", (64, (55 - 3) // 2 + 1, 27), 0, 0, 0),
    (
        "maxpool_padding",
        "64x112x112",
        "maxpool 3x3 stride=2 pad=1",
        "maxpool",
        (64, (112 + 2 - 2 - 1) // 2 + 1, 56),
        0,
        0,
        0,
    ),
    # ceil((112 - 3) / 2) + 1 = 56 (floor would give 55)
    (
        "maxpool_ceil_mode",
        "64x112x112",
        "maxpool 3x3 stride=2 ceil_mode=true",
        "maxpool",
        (64, -(-(112 - 3) // 2) + 1, 56),
        0,
        0,
        0,
    ),
    ("maxpool_floor_mode", "64x112x112", "maxpool 3x3 stride=2", "maxpool", (64, (112 - 3) // 2 + 1, 55), 0, 0, 0),
    # ceil((5+2-2)/3)+1 = 3, but the last window would start at 6 >= 5+1 (in the right padding):
    # PyTorch drops it -> 2
    ("maxpool_ceil_drops_last", "1x5x5", "maxpool 2 stride=3 pad=1 ceil_mode=true", "maxpool", (1, 2, 2), 0, 0, 0),
    ("maxpool_dilation", "1x10x10", "maxpool 3 dilation=2", "maxpool", (1, (10 - 2 * 2 - 1) // 3 + 1, 2), 0, 0, 0),
    ("maxpool_1d", "4x11", "maxpool 2", "maxpool", (4, 5), 0, 0, 0),
    ("avgpool", "6x28x28", "avgpool 2x2 stride=2", "avgpool", (6, 14, 14), 0, 0, 0),
    ("avgpool_ceil_mode", "2x7x7", "avgpool 2 ceil_mode=true", "avgpool", (2, -(-(7 - 2) // 2) + 1, 4), 0, 0, 0),
    ("avgpool_padding", "2x8x8", "avgpool 3 stride=1 pad=1 count_include_pad=false", "avgpool", (2, 8, 8), 0, 0, 0),
    ("avgpool_3d", "2x4x8x8", "avgpool 2", "avgpool", (2, 2, 4, 4), 0, 0, 0),
    ("avgpool_to_6x6", "256x13x13", "avgpool to 6x6", "avgpool", (256, 6, 6), 0, 0, 0),
    ("maxpool_to", "8x9x9", "maxpool to 3x3", "maxpool", (8, 3, 3), 0, 0, 0),
    ("adaptive_avgpool", "512x14x14", "adaptive_avgpool 7x7", "adaptive_avgpool", (512, 7, 7), 0, 0, 0),
    ("adaptive_avgpool_int", "512x14x14", "adaptive_avgpool 1", "adaptive_avgpool", (512, 1, 1), 0, 0, 0),
    ("adaptive_maxpool", "16x10x10", "adaptive_maxpool 5x2", "adaptive_maxpool", (16, 5, 2), 0, 0, 0),
    ("global_avgpool", "512x7x7", "global_avgpool", "global_avgpool", (512,), 0, 0, 0),
    ("gap_alias", "2048x7x7", "gap", "global_avgpool", (2048,), 0, 0, 0),
    ("global_maxpool", "64x5x5", "global_maxpool", "global_maxpool", (64,), 0, 0, 0),
    # ---------------------------------------------------------------- dense and reshaping
    ("dense", "9216", "dense 4096", "dense", (4096,), 9216 * 4096 + 4096, 0, 9216 * 4096),
    ("dense_no_bias", "84", "dense 10 bias=false", "dense", (10,), 84 * 10, 0, 84 * 10),
    ("linear_alias", "3", "linear 2", "dense", (2,), 3 * 2 + 2, 0, 3 * 2),
    ("flatten", "256x6x6", "flatten", "flatten", (256 * 6 * 6,), 0, 0, 0),
    ("dropout", "100", "dropout 0.3", "dropout", (100,), 0, 0, 0),
    ("dropout_default", "4x4x4", "dropout", "dropout", (4, 4, 4), 0, 0, 0),
    ("identity", "3x5x5", "identity", "identity", (3, 5, 5), 0, 0, 0),
    ("shuffle", "8x4x4", "shuffle 4", "shuffle", (8, 4, 4), 0, 0, 0),
    # x[:, 2:6] of an (N, 8, 4, 4) tensor: 6 - 2 = 4 channels, a view (no params, no MACs)
    ("slice", "8x4x4", "slice 2 6", "slice", (4, 4, 4), 0, 0, 0),
    ("slice_to_the_end", "8x4x4", "slice 5", "slice", (3, 4, 4), 0, 0, 0),
    ("slice_of_features", "10", "channel_slice 0 4", "slice", (4,), 0, 0, 0),
    ("upsample_scale", "16x8x8", "upsample 2", "upsample", (16, 16, 16), 0, 0, 0),
    (
        "upsample_fractional",
        "4x7x7",
        "upsample 1.5 mode=bilinear",
        "upsample",
        (4, int(7 * 1.5), int(7 * 1.5)),
        0,
        0,
        0,
    ),
    ("upsample_to", "16x8x8", "upsample to 32x24", "upsample", (16, 32, 24), 0, 0, 0),
    ("rescale", "3x180x180", "rescale 1/255", "rescale", (3, 180, 180), 0, 0, 0),
    ("rescale_offset", "3x4x4", "rescale 2 offset=-1", "rescale", (3, 4, 4), 0, 0, 0),
    # ---------------------------------------------------------------- augmentation and preprocessing
    ("random_flip", "3x180x180", "random_flip horizontal", "random_flip", (3, 180, 180), 0, 0, 0),
    ("random_flip_default", "3x8x6", "random_flip", "random_flip", (3, 8, 6), 0, 0, 0),
    ("random_flip_mode", "1x8x8", "random_flip mode=horizontal_and_vertical", "random_flip", (1, 8, 8), 0, 0, 0),
    ("random_rotation", "3x180x180", "random_rotation 0.1", "random_rotation", (3, 180, 180), 0, 0, 0),
    ("random_zoom", "3x180x180", "random_zoom 0.2", "random_zoom", (3, 180, 180), 0, 0, 0),
    ("preprocess_caffe", "3x224x224", "preprocess caffe", "preprocess", (3, 224, 224), 0, 0, 0),
    ("preprocess_tf_any_channels", "1x28x28", "preprocess tf", "preprocess", (1, 28, 28), 0, 0, 0),
    ("preprocess_torch_flat", "3", "preprocess mode=torch", "preprocess", (3,), 0, 0, 0),
    # ---------------------------------------------------------------- normalisation
    ("batchnorm", "64x56x56", "batchnorm", "batchnorm", (64, 56, 56), 2 * 64, 2 * 64 + 1, 0),
    ("bn_alias", "32x8x8", "bn", "batchnorm", (32, 8, 8), 2 * 32, 2 * 32 + 1, 0),
    ("batchnorm_no_affine", "16x4x4", "batchnorm affine=false", "batchnorm", (16, 4, 4), 0, 2 * 16 + 1, 0),
    ("batchnorm_1d", "100", "batchnorm", "batchnorm", (100,), 2 * 100, 2 * 100 + 1, 0),
    # nn.LayerNorm([8, 4, 4]): weight and bias of 8*4*4 each
    ("layernorm", "8x4x4", "layernorm", "layernorm", (8, 4, 4), 2 * 8 * 4 * 4, 0, 0),
    ("layernorm_no_affine", "8x4x4", "layernorm affine=false", "layernorm", (8, 4, 4), 0, 0, 0),
    # groupnorm and layernorm2d: a weight and a bias per channel (nn.GroupNorm, torchvision's LayerNorm2d)
    ("groupnorm", "64x56x56", "groupnorm 32", "groupnorm", (64, 56, 56), 2 * 64, 0, 0),
    ("gn_alias_no_affine", "6x10", "gn 3 affine=false", "groupnorm", (6, 10), 0, 0, 0),
    ("groupnorm_flat_3d", "8x2x3x3", "group_norm 8 eps=1e-6", "groupnorm", (8, 2, 3, 3), 2 * 8, 0, 0),
    ("groupnorm_features", "12", "groupnorm 1", "groupnorm", (12,), 2 * 12, 0, 0),
    ("layernorm2d", "96x56x56", "layernorm2d eps=1e-6", "layernorm2d", (96, 56, 56), 2 * 96, 0, 0),
    ("layernorm2d_1d", "16x50", "layer_norm2d", "layernorm2d", (16, 50), 2 * 16, 0, 0),
    ("channel_layernorm_3d", "8x4x4x4", "channel_layernorm affine=false", "layernorm2d", (8, 4, 4, 4), 0, 0, 0),
    # layer_scale: one factor per channel, no MACs (an elementwise product, as batchnorm's scale)
    ("layer_scale", "96x56x56", "layer_scale 1e-6", "layer_scale", (96, 56, 56), 96, 0, 0),
    ("layerscale_features", "10", "layerscale 0.1", "layer_scale", (10,), 10, 0, 0),
    ("stochastic_depth", "96x56x56", "stochastic_depth 0.1", "stochastic_depth", (96, 56, 56), 0, 0, 0),
    ("drop_path_batch", "10", "drop_path 0.2 mode=batch", "stochastic_depth", (10,), 0, 0, 0),
    ("lrn", "96x55x55", "lrn", "lrn", (96, 55, 55), 0, 0, 0),
    ("lrn_options", "96x55x55", "lrn size=5 alpha=0.0001 beta=0.75 k=2", "lrn", (96, 55, 55), 0, 0, 0),
    # ---------------------------------------------------------------- activations
    *[
        (f"act_{a}", "10x4x4", a, a, (10, 4, 4), 0, 0, 0)
        for a in (
            "relu",
            "relu6",
            "leaky_relu",
            "elu",
            "tanh",
            "sigmoid",
            "softmax",
            "gelu",
            "silu",
            "hardswish",
            "hardsigmoid",
        )
    ],
    ("act_leaky_relu_slope", "10", "leaky_relu slope=0.2", "leaky_relu", (10,), 0, 0, 0),
    ("act_softmax_flat", "1000", "softmax", "softmax", (1000,), 0, 0, 0),
    ("act_swish_alias", "10", "swish", "silu", (10,), 0, 0, 0),
    # ---------------------------------------------------------------- chains
    (
        "chain_conv_bn_relu",
        "3x8x8",
        "conv 4 3x3 pad=1 bias=false bn relu",
        "relu",
        (4, 8, 8),
        4 * 3 * 9 + 2 * 4,
        2 * 4 + 1,
        4 * 64 * 27,
    ),
    # ---------------------------------------------------------------- merges (network totals)
    (
        "concat",
        "3x8x8",
        "concat:\n    branch: conv 4 1x1\n    branch: conv 6 1x1",
        "concat",
        (4 + 6, 8, 8),
        (3 + 1) * 4 + (3 + 1) * 6,
        0,
        64 * 3 * 4 + 64 * 3 * 6,
    ),
    (
        "concat_identity",
        "3x8x8",
        "concat:\n    branch: identity\n    branch:\n        maxpool 3 stride=1 pad=1\n        conv 5 1x1",
        "concat",
        (3 + 5, 8, 8),
        (3 + 1) * 5,
        0,
        64 * 3 * 5,
    ),
    (
        "add",
        "4x8x8",
        "add:\n    branch: conv 4 3x3 pad=1\n    branch: identity",
        "add",
        (4, 8, 8),
        (4 * 9 + 1) * 4,
        0,
        64 * 4 * 4 * 9,
    ),
    (
        "add_project",
        "4x8x8",
        "add:\n    branch: conv 8 3x3 stride=2 pad=1 bias=false\n    shortcut: project",
        "add",
        (8, 4, 4),
        8 * 4 * 9 + (8 * 4 * 1 + 2 * 8),
        2 * 8 + 1,
        8 * 16 * 4 * 9 + 8 * 16 * 4,
    ),
    # 64x56x56 * 64x1x1 broadcasts to 64x56x56 (squeeze-and-excitation style)
    (
        "mul_broadcast",
        "64x56x56",
        "mul:\n    branch: identity\n    branch: avgpool to 1x1",
        "mul",
        (64, 56, 56),
        0,
        0,
        0,
    ),
    ("mul_by_name", "64x56x56", "x: identity\ns: avgpool to 1x1\nmul(x, s)", "mul", (64, 56, 56), 0, 0, 0),
    (
        "add_by_name",
        "4x6x6",
        "a: conv 4 1x1\nb: conv 4 1x1\nadd(a, b)",
        "add",
        (4, 6, 6),
        2 * (4 * 4 + 4),
        0,
        2 * 36 * 16,
    ),
    # b takes a's output (each line takes the tensor of the line before it)
    (
        "concat_by_name",
        "4x6x6",
        "a: conv 2 1x1\nb: conv 3 1x1\ncat: concat(a, b)",
        "concat",
        (2 + 3, 6, 6),
        (4 + 1) * 2 + (2 + 1) * 3,
        0,
        36 * 4 * 2 + 36 * 2 * 3,
    ),
]


def build(input_shape: str, lines: str):
    return archspec.loads(f"network T\ninput {input_shape}\n{lines}\n")


@pytest.mark.parametrize(
    "input_shape, lines, kind, shape, params, buffers, macs",
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_layer(input_shape, lines, kind, shape, params, buffers, macs):
    net = build(input_shape, lines)
    last = net.nodes[-1]
    assert last.kind_name == kind
    assert last.shape == shape
    assert net.output_shape == shape
    assert (net.params, net.buffers, net.macs) == (params, buffers, macs)
    if "\n" not in lines and len(net.nodes) == 2:  # one layer: its own numbers are the totals
        assert (last.params, last.buffers, last.macs) == (params, buffers, macs)


def test_every_layer_kind_has_a_row():
    covered = {row[3] for row in ROWS}
    missing = sorted(k.name for k in ALL if k.name not in covered)
    assert not missing, f"layer kinds without a row in ROWS: {missing}"


def test_every_row_names_a_real_kind():
    names = {k.name for k in ALL}
    assert {row[3] for row in ROWS} <= names


def test_catalogue_aliases_resolve_to_their_kind():
    for kind in ALL:
        assert CATALOGUE[kind.name] is kind
        for alias in kind.aliases:
            assert CATALOGUE[alias] is kind


def test_alias_gives_the_same_numbers_as_the_kind():
    a = build("3x16x16", "convolution 8 3x3 stride=2")
    b = build("3x16x16", "conv 8 3x3 stride=2")
    assert (a.output_shape, a.params, a.macs) == (b.output_shape, b.params, b.macs)


def test_x_and_multiplication_sign_are_the_same_in_kernels():
    a = build("3x16x16", "conv 8 3×3")
    assert a.output_shape == (8, 14, 14)
    assert a.params == (3 * 9 + 1) * 8


# ---------------------------------------------------------------------------- geometry properties
# Reference formulas, transcribed from PyTorch's C++ (aten/src/ATen/native/Pool.h, pooling_output_shape;
# ConvUtils.h, conv_output_size), not from archspec.


def torch_conv_size(size, k, stride, pad, dilation):
    return (size + 2 * pad - dilation * (k - 1) - 1) // stride + 1


def torch_pool_size(size, k, stride, pad, dilation, ceil_mode):
    out = (size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:  # the last window must start inside the image
        out -= 1
    return out


GEOMETRY = settings(max_examples=150, deadline=None)


@GEOMETRY
@given(
    size=st.integers(1, 40),
    k=st.integers(1, 7),
    stride=st.integers(1, 4),
    pad=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_conv_size_matches_pytorch(size, k, stride, pad, dilation):
    result = analyse(
        f"network T\ninput 2x{size}x{size}\nconv 3 {k}x{k} stride={stride} pad={pad} dilation={dilation}\n"
    )
    if dilation * (k - 1) + 1 > size + 2 * pad:  # PyTorch: "Kernel size can't be greater than actual input size"
        assert [d.code for d in result.diagnostics] == ["kernel-too-large"]
    else:
        out = torch_conv_size(size, k, stride, pad, dilation)
        assert result.ok and result.network.output_shape == (3, out, out)
        assert result.network.macs == 3 * out * out * 2 * k * k


@GEOMETRY
@given(
    size=st.integers(1, 40),
    k=st.integers(1, 6),
    stride=st.integers(1, 4),
    pad=st.integers(0, 3),
    dilation=st.integers(1, 3),
    ceil_mode=st.booleans(),
)
def test_maxpool_size_matches_pytorch(size, k, stride, pad, dilation, ceil_mode):
    spec = (
        f"network T\ninput 2x{size}\nmaxpool {k} stride={stride} pad={pad} dilation={dilation} "
        f"ceil_mode={'true' if ceil_mode else 'false'}\n"
    )
    result = analyse(spec)
    codes = [d.code for d in result.diagnostics]
    if 2 * pad > k:  # PyTorch: "pad should be at most half of effective kernel size"
        assert codes == ["bad-option"]
        return
    out = torch_pool_size(size, k, stride, pad, dilation, ceil_mode)
    if out < 1:  # PyTorch: "Output size is too small"
        assert codes == ["kernel-too-large"]
        return
    assert result.ok and result.network.output_shape == (2, out)


def test_ceil_mode_window_may_overhang_the_input():
    out = torch_pool_size(2, 3, 2, 0, 1, True)
    assert out == 1
    net = build("1x2x2", "maxpool 3 stride=2 ceil_mode=true")
    assert net.output_shape == (1, out, out)


@GEOMETRY
@given(
    size=st.integers(1, 20),
    k=st.integers(1, 5),
    stride=st.integers(1, 4),
    pad=st.integers(0, 2),
    output_padding=st.integers(0, 3),
)
def test_deconv_size_matches_pytorch(size, k, stride, pad, output_padding):
    spec = (
        f"network T\ninput 4x{size}x{size}\n"
        f"deconv 2 {k}x{k} stride={stride} pad={pad} output_padding={output_padding}\n"
    )
    result = analyse(spec)
    out = (size - 1) * stride - 2 * pad + (k - 1) + output_padding + 1
    if output_padding >= stride:  # PyTorch: output padding must be smaller than either stride or dilation
        assert [d.code for d in result.diagnostics] == ["bad-option"]
    elif out <= 0:
        assert [d.code for d in result.diagnostics] == ["empty-output"]
    else:
        assert result.ok and result.network.output_shape == (2, out, out)
        assert result.network.params == 4 * 2 * k * k + 2
