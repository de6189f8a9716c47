"""`check --style keras` against Keras's printed summaries (seed 001), and `check --memory` against
torchinfo's figures (tests/data/torchinfo_memory.json, made by bench/torchinfo_memory.py)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SPECS

import archspec
from archspec.analysis.graph import TORCHINFO_STORAGE_OVERHEAD, torchinfo_outputs
from archspec.views.keras import readable_size, rows, summary_lines, totals

# Seed 001, "MNIST 데이터셋 분류 CNN 모델" and "맥스 풀링 사용 이유": Keras 3's model.summary() of the two
# MNIST nets, as printed there (tab-separated cells).
SEED_001_MNIST = """\
input_layer_1 (InputLayer)	(None, 28, 28, 1)	0
conv2d_3 (Conv2D)	(None, 26, 26, 32)	320
max_pooling2d_2 (MaxPooling2D)	(None, 13, 13, 32)	0
conv2d_4 (Conv2D)	(None, 11, 11, 64)	18,496
max_pooling2d_3 (MaxPooling2D)	(None, 5, 5, 64)	0
conv2d_5 (Conv2D)	(None, 3, 3, 128)	73,856
flatten_1 (Flatten)	(None, 1152)	0
dense_1 (Dense)	(None, 10)	11,530

Total params: 104,202 (407.04 KB)

Trainable params: 104,202 (407.04 KB)

Non-trainable params: 0 (0.00 B)
"""

SEED_001_MNIST_NOPOOL = """\
input_layer_2 (InputLayer)	(None, 28, 28, 1)	0
conv2d_6 (Conv2D)	(None, 26, 26, 32)	320
conv2d_7 (Conv2D)	(None, 24, 24, 64)	18,496
conv2d_8 (Conv2D)	(None, 22, 22, 128)	73,856
flatten_2 (Flatten)	(None, 61952)	0
dense_2 (Dense)	(None, 10)	619,530

Total params: 712,202 (2.72 MB)

Trainable params: 712,202 (2.72 MB)

Non-trainable params: 0 (0.00 B)
"""


def keras_rows(text: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The golden text's rows (name (type), shape, params) and its totals lines. Keras numbers the
    input layer of each model it makes in a session (`input_layer_1`): compared without it."""
    cells = [tuple(line.split("\t")) for line in text.splitlines() if "\t" in line]
    cells = [(name.replace("input_layer_1 ", "input_layer ").replace("input_layer_2 ", "input_layer "), shape, p)
             for name, shape, p in cells]  # fmt: skip
    totals_lines = [line for line in text.splitlines() if line.endswith(")") and "params:" in line]
    return cells, totals_lines


def check(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "archspec", "check", *args], capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    "spec, golden", [("mnist_keras", SEED_001_MNIST), ("mnist_keras_nopool", SEED_001_MNIST_NOPOOL)]
)
def test_keras_style_is_seed_001s_summary_row_for_row(spec, golden):
    net = archspec.load(SPECS / f"{spec}.arch")
    want_rows, want_totals = keras_rows(golden)
    got = [(r.name, r.shape, f"{r.params:,}") for r in rows(net)]
    assert got == want_rows
    assert totals(net).lines() == want_totals
    # and the printed table has the same cells, row for row, and the same totals
    lines = [text for text, _ in summary_lines(net)]
    printed = [tuple(c.strip() for c in line.strip("│").split("│")) for line in lines if line.startswith("│")]
    assert printed == want_rows
    assert [line.strip() for line in lines[-3:]] == want_totals


def test_keras_style_on_the_command_line():
    run = check("--style", "keras", str(SPECS / "mnist_keras.arch"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith('Model: "MnistKeras"\n')
    assert "│ conv2d_3 (Conv2D)" in run.stdout and "relu" not in run.stdout
    assert run.stdout.rstrip().endswith("Non-trainable params: 0 (0.00 B)")


@pytest.mark.parametrize("option", [["--rf"], ["--depth", "1"]])
def test_keras_style_refuses_archspec_columns(option):
    run = check("--style", "keras", *option, str(SPECS / "mnist_keras.arch"))
    assert run.returncode == 2
    assert "does not go with --style keras" in run.stderr


def test_keras_folds_only_an_activation_written_on_its_layers_line():
    net = archspec.loads(
        "network T\ninput 3x8x8\nc1: conv 4 3x3 relu\nc2: conv 4 3x3\nrelu\nbn\nc3: conv 4 1x1 sigmoid\n"
        "flatten\nd: dense 5\nsoftmax\n"
    )
    names = [r.name for r in rows(net)]
    assert names == [
        "input_layer (InputLayer)",
        "c1 (Conv2D)",  # relu folded: Conv2D(4, 3, activation="relu")
        "c2 (Conv2D)",
        "relu_1 (ReLU)",  # a line of its own: a layer of its own
        "batchnorm_1 (BatchNormalization)",
        "c3 (Conv2D)",  # sigmoid folded
        "flatten_1 (Flatten)",
        "d (Dense)",
        "softmax_1 (Softmax)",
    ]
    shapes = [r.shape for r in rows(net)]
    assert shapes[1] == "(None, 6, 6, 4)" and shapes[-1] == "(None, 5)"


def test_keras_counts_batchnorm_moving_statistics_as_non_trainable():
    # Keras's BatchNormalization: gamma, beta (trainable), moving_mean, moving_variance (not): 4 per channel
    net = archspec.loads("network T\ninput 3x8x8\nconv 16 3x3 bias=false\nbn\nrelu\nflatten\ndense 2\n")
    bn = next(r for r in rows(net) if "BatchNormalization" in r.name)
    assert bn.params == 4 * 16
    t = totals(net)
    conv, dense = 16 * 27, 16 * 36 * 2 + 2
    assert (t.total, t.trainable, t.non_trainable) == (conv + 64 + dense, conv + 32 + dense, 32)
    assert t.lines()[2] == "Non-trainable params: 32 (128.00 B)"


def test_keras_counts_frozen_layers_as_non_trainable():
    # seed 001's fine-tuning: VGG16's base frozen but for block5's three convolutions (see the spec's header)
    t = totals(archspec.load(SPECS / "cats_vs_dogs_vgg16_finetune.arch"))
    assert (t.total, t.trainable, t.non_trainable) == (17_992_001, 10_356_737, 7_635_264)
    # a frozen batchnorm: its scale and shift join its moving statistics
    net = archspec.loads("network T\ninput 3x8x8\nb: bn\nflatten\ndense 2\nfreeze b\n")
    t = totals(net)
    assert (t.trainable, t.non_trainable) == (3 * 64 * 2 + 2, 4 * 3)


def test_keras_connected_to_column_for_a_network_with_merges():
    net = archspec.loads("network T\ninput 4x8x8\na: conv 4 3x3 pad=1 relu\nb: conv 4 1x1\nadd(a, b)\n")
    table = rows(net)
    assert [r.connected for r in table] == ["-", "input_layer[0][0]", "a[0][0]", "a[0][0], b[0][0]"]
    assert table[-1].name == "add_1 (Add)"


def test_readable_size_is_keras():
    assert readable_size(0) == "0.00 B"
    assert readable_size(104_202 * 4) == "407.04 KB"
    assert readable_size(712_202 * 4) == "2.72 MB"


# ------------------------------------------------------------------------------ memory conventions
GOLDEN = json.loads((ROOT / "tests" / "data" / "torchinfo_memory.json").read_text())
CASES = [(f"torchvision {name}", e["spec"], e) for name, e in GOLDEN["torchvision"].items()] + [
    (f"archspec.build {name}", name, e) for name, e in GOLDEN["archspec"].items()
]


# where torchvision's model holds as a parameter of a larger module what the spec writes as a layer
# (ConvNeXt's CNBlock keeps `layer_scale` itself): torchinfo counts neither an output nor the
# parameters for it (its totals undercount torchvision's convnext_tiny by those 6,624 parameters)
NOT_A_MODULE = {"torchvision convnext_tiny": "layer_scale"}


@pytest.mark.parametrize("label, spec, golden", CASES, ids=[c[0] for c in CASES])
def test_torchinfo_memory_to_the_byte_and_the_digit(label, spec, golden):
    net = archspec.load(SPECS / f"{spec}.arch")
    assert list(net.input_shape) == golden["input"]
    # the bytes torchinfo summed: 2 x the output of every leaf module with parameters; the parameters; the input
    outputs = sum(torchinfo_outputs(n, [net.nodes[i].shape for i in n.inputs]) for n in net.nodes)
    if label in NOT_A_MODULE:
        held = [n for n in net.nodes if n.kind is not None and n.kind.name == NOT_A_MODULE[label]]
        assert held  # the difference is those layers' outputs, to the element
        assert 2 * 4 * (outputs - sum(math.prod(n.shape) for n in held)) == golden["forward_backward_bytes"]
        assert 4 * (net.params - sum(n.params for n in held)) == golden["params_bytes"]
        return
    assert 2 * 4 * outputs == golden["forward_backward_bytes"]
    assert 4 * net.params == golden["params_bytes"]
    assert 4 * math.prod(net.input_shape) + TORCHINFO_STORAGE_OVERHEAD == golden["input_bytes"]
    mem = net.memory_as("torchinfo")
    printed = [
        f"Input size (MB): {mem.input_mb:.2f}",
        f"Forward/backward pass size (MB): {mem.forward_backward_mb:.2f}",
        f"Params size (MB): {mem.params_mb:.2f}",
        f"Estimated Total Size (MB): {mem.total_mb:.2f}",
    ]
    assert printed == golden["printed"]


def test_resnet50_memory_in_both_conventions_labelled():
    run = check("--memory", "torchinfo", str(SPECS / "resnet50.arch"))
    assert "Memory as torchinfo estimates it (MB = 10**6 bytes" in run.stdout
    assert "Forward/backward pass size (MB): 177.83" in run.stdout
    run = check(str(SPECS / "resnet50.arch"))
    assert "Memory as torchsummary estimates it (MB = 2**20 bytes" in run.stdout
    assert "Forward/backward pass size (MB): 286.56" in run.stdout
    out = json.loads(check("--json", "--memory", "torchinfo", str(SPECS / "resnet50.arch")).stdout)
    assert out["memory"]["convention"] == "torchinfo" and out["memory"]["forward_backward_mb"] == 177.8317
    assert out["memory_conventions"]["torchsummary"]["forward_backward_mb"] == 286.5584
    assert out["memory_conventions"]["torchinfo"] == out["memory"]


def test_torchinfo_counts_frozen_layers_and_both_convs_of_a_separable_conv():
    # frozen parameters stay in torchinfo's figures (it counts modules, not requires_grad)
    a = archspec.load(SPECS / "cats_vs_dogs_vgg16.arch").memory_as("torchinfo")
    b = archspec.load(SPECS / "cats_vs_dogs_vgg16_finetune.arch").memory_as("torchinfo")
    assert a == b
    # nn.Sequential(depthwise, pointwise): two leaf modules with parameters, two outputs
    net = archspec.loads("network T\ninput 3x8x8\nsepconv 16 3x3 multiplier=2\n")
    node = net.nodes[-1]
    assert torchinfo_outputs(node, [(3, 8, 8)]) == 6 * 6 * 6 + 16 * 6 * 6
    # an affine-free batchnorm has no parameters: torchinfo skips it
    net = archspec.loads("network T\ninput 3x8x8\nbn affine=false\n")
    assert net.memory_as("torchinfo").forward_backward_mb == 0
