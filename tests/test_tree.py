"""`archspec tree`: the block hierarchy, as plain text when piped and styled on a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from conftest import ROOT, SPECS

import archspec
from archspec.views.tree import render_tree


def tree(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archspec", "tree", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


# LeNet-5's parameters by hand: c1 6*(5*5+1) = 156, c3 16*(6*5*5+1) = 2,416, c5 120*(16*5*5+1) = 48,120,
# f6 84*(120+1) = 10,164, out 10*(84+1) = 850; 61,706 in all
LENET = """\
LeNet5  1x32x32 -> 10, 61,706 params, 416,520 MACs  (specs/lenet5.arch)
    Layer        Kind              Output  Params
├── c1           conv 6, 5x5      6x28x28     156
├── c1_tanh      tanh             6x28x28       0
├── s2           avgpool 2x2 /2   6x14x14       0
├── c3           conv 16, 5x5    16x10x10   2,416
├── c3_tanh      tanh            16x10x10       0
├── s4           avgpool 2x2 /2    16x5x5       0
├── c5           conv 120, 5x5    120x1x1  48,120
├── c5_tanh      tanh             120x1x1       0
├── flatten_1    flatten              120       0
├── f6           dense 84              84  10,164
├── f6_tanh      tanh                  84       0
├── out          dense 10              10     850
└── out_softmax  softmax               10       0
"""


def test_lenet_tree_piped_is_plain_text():
    run = tree("specs/lenet5.arch")
    assert run.returncode == 0, run.stderr
    assert run.stdout == LENET
    assert "\x1b[" not in run.stdout


def test_blocks_and_sequences_by_default():
    lines = tree("specs/resnet50.arch").stdout.splitlines()
    # torchvision's resnet50: layer1 215,808 params, layer1[0] 75,008 (torchinfo's summary rows)
    assert lines[6].split() == ["├──", "layer1", "3", "x", "bottleneck", "256x56x56", "215,808"]
    assert lines[7].split() == ["│", "├──", "layer1.0", "bottleneck(width=64,", "stride=1)", "256x56x56", "75,008"]
    # torchvision's layer1[0].downsample: 1x1 conv 64 -> 256 (16,384 weights) and its batchnorm (512)
    assert lines[8].split() == ["│", "│", "└──", "layer1.0.downsample", "sequence", "of", "2", "256x56x56", "16,896"]
    assert lines[11].split()[:3] == ["├──", "layer2", "4"]
    assert lines[12].split()[2:4] == ["layer2.0", "bottleneck(width=128,"]
    # the 16 bottlenecks, 4 downsample sequences in them and the 4 layer sequences, the 6 layers outside
    # them, the title and the header
    assert len(lines) == 16 + 4 + 4 + 6 + 2
    assert not any("conv3" in line for line in lines)  # layers inside blocks are left out
    assert lines[-1].split() == ["└──", "fc", "dense", "1000", "1000", "2,049,000"]


def test_depth_shows_layers_inside_blocks():
    lines = tree("specs/resnet50.arch", "--depth", "2").stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "layer1.0 " in line)
    # bottleneck(64)'s first conv: 64 -> 64 channels, 1x1, no bias: 4,096 weights
    assert lines[start + 1].split() == ["│", "│", "├──", "conv1", "conv", "64,", "1x1", "64x56x56", "4,096"]
    shallow = tree("specs/resnet50.arch", "--depth", "0").stdout
    assert "layer1 " in shallow and "layer1.0" not in shallow


def test_inception_modules_show_their_calls():
    out = tree("specs/googlenet.arch").stdout
    # GoogLeNet's table row for inception (3a): #1x1 64, #3x3 reduce 96, #3x3 128, #5x5 reduce 16, #5x5 32,
    # pool proj 32, output 28x28x256
    row = next(line for line in out.splitlines() if " inc3a " in line)
    assert row.split()[2:] == [
        "inception(n1=64,",
        "r3=96,",
        "n3=128,",
        "r5=16,",
        "n5=32,",
        "pp=32)",
        "256x28x28",
        "163,696",
    ]


def test_terminal_output_is_styled():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    render_tree(archspec.load(SPECS / "resnet18.arch"), stream)
    text = stream.getvalue()
    assert "\x1b[1m" in text  # bold: the title and the blocks
    assert "layer2.0" in text and "basic(width=128, stride=2)" in text


def test_bad_spec_and_no_network():
    bad = tree("tests/does-not-exist.arch")
    assert bad.returncode == 2 and "not found" in bad.stderr
    blocks = tree("specs/blocks.arch")
    assert blocks.returncode == 1 and "no network to show" in blocks.stderr and blocks.stdout == ""


def test_spec_with_an_error(tmp_path):
    spec = tmp_path / "bad.arch"
    spec.write_text("network B\ninput 3x32x32\nconv 8 3x3\nflatten\ndense 10\nmaxpool 2\n")
    run = tree(str(spec))
    assert run.returncode == 1
    assert run.stdout == ""
    assert "error[" in run.stderr and "bad.arch:6:1" in run.stderr


def test_a_default_stride_is_written_as_the_tables_write_it():
    # PyTorch's MaxPool2d(2) strides by its kernel, (2, 2): the lecture tables write "maxpool 2x2 /2", as
    # for `stride=2`; a stride that differs between dimensions stays written out
    net = archspec.loads(
        "network N\ninput 3x32x32\na: maxpool 2x2\nb: maxpool 2x2 stride=2\nc: conv 4 3x3 stride=(1, 2)\n"
    )
    out = io.StringIO()
    render_tree(net, out, None)
    rows = {line.split()[1]: line for line in out.getvalue().splitlines()[2:]}
    assert "maxpool 2x2 /2 " in rows["a"] and "maxpool 2x2 /2 " in rows["b"]
    assert "conv 4, 3x3 /1x2 " in rows["c"]


def test_sizes_are_written_for_the_datas_dimensions():
    # PyTorch's Conv1d(16, 32, 5) has kernel_size (5,), Conv3d(1, 8, 3) (3, 3, 3) and MaxPool3d(2) (2, 2, 2):
    # one size per dimension of the data, whatever the spec abbreviated
    one = archspec.loads("network A\ninput 16x128\nc: conv 32 5 stride=2\np: maxpool 2\na: avgpool to 8\n")
    three = archspec.loads("network B\ninput 1x16x32x32\nc: conv 8 3 stride=2\np: maxpool 2\n")
    assert [n.notation for n in one.nodes[1:]] == ["conv 32, 5 /2", "maxpool 2 /2", "avgpool to 8"]
    assert [n.notation for n in three.nodes[1:]] == ["conv 8, 3x3x3 /2", "maxpool 2x2x2 /2"]
    out = io.StringIO()  # the text tree, render, explain and check print
    render_tree(one, out, None)
    assert "conv 32, 5 /2" in out.getvalue() and "5x5" not in out.getvalue()
