"""Features of the .arch language (docs/language.md), each with numbers worked out by hand."""

from __future__ import annotations

import os

import networkx as nx
import pytest
from conftest import ROOT, SPECS

import archspec
from archspec.analysis.load import analyse

H = "network T\ninput 3x32x32\n"


def paths(net) -> list[str]:
    return [n.path for n in net.nodes]


# ------------------------------------------------------------------------------ lexical
def test_multiplication_sign_in_shapes_kernels_and_repeats():
    a = archspec.loads("network T\ninput 3×32×32\nconv 8 3×3 pad=1 relu ×2\n")
    b = archspec.loads("network T\ninput 3x32x32\nconv 8 3x3 pad=1 relu x2\n")
    assert a.input_shape == (3, 32, 32)
    assert a.output_shape == b.output_shape == (8, 32, 32)
    assert a.params == b.params == (27 + 1) * 8 + (72 + 1) * 8
    assert paths(a) == paths(b)


def test_comments_with_korean_text():
    spec = (
        "# 르넷-5: 합성곱 신경망\n"
        "network T   # 네트워크 이름\n"
        "input 1x32x32                # 채널 x 높이 x 너비\n"
        "\n"
        "c1: conv 6 5x5 tanh          # 첫 번째 합성곱 층 expect 1x1\n"
        "# 끝\n"
    )
    net = archspec.loads(spec)
    assert net.output_shape == (6, 28, 28)
    assert net.params == (5 * 5 * 1 + 1) * 6


def test_comment_at_the_end_of_a_body_line():
    spec = "block b(w):  # 블록\n    conv w 1x1   # 점별 합성곱\n    relu # 활성화\n" + H + "b(4)\n"
    assert archspec.loads(spec).params == (3 + 1) * 4


COMMENT_LINES = {  # id: (spec, params)
    "first-line-of-a-block": ("block b(w):\n    # 블록 설명\n    conv w 1x1\n" + H + "b(4)\n", (3 + 1) * 4),
    "between-body-lines": ("block b(w):\n    relu\n    # 점별 합성곱\n    conv w 1x1\n" + H + "b(4)\n", (3 + 1) * 4),
    "at-column-1-inside-a-body": ("block b(w):\n    relu\n# 주석\n    conv w 1x1\n" + H + "b(4)\n", (3 + 1) * 4),
    "first-line-of-a-merge": (
        H + "add:\n    # 잔차 연결\n    branch: conv 3 1x1\n    branch: identity\nconv 4 1x1\n",
        (3 + 1) * 3 + (3 + 1) * 4,
    ),
    "indented-at-top-level": (H + "relu\n    # 들여쓴 주석\nconv 4 1x1\n", (3 + 1) * 4),
}


def _without_comment_lines(spec: str) -> str:
    return "".join(line for line in spec.splitlines(keepends=True) if not line.strip().startswith("#"))


@pytest.mark.parametrize("spec, params", list(COMMENT_LINES.values()), ids=list(COMMENT_LINES))
def test_comment_line_specs_check_without_their_comments(spec, params):
    net = archspec.loads(_without_comment_lines(spec))
    assert (net.output_shape, net.params) == ((4, 32, 32), params)


@pytest.mark.parametrize("spec, params", list(COMMENT_LINES.values()), ids=list(COMMENT_LINES))
def test_comment_lines_inside_bodies_are_ignored(spec, params):
    # as in Python, a comment-only line is ignored whatever its indentation
    net = archspec.loads(spec)
    assert (net.output_shape, net.params) == ((4, 32, 32), params)


# ------------------------------------------------------------------------------ names
def test_chain_names_and_auto_names():
    net = archspec.loads(H + "c1: conv 8 3x3 bn relu\nconv 8 3x3\nrelu\nconv 4 1x1\n")
    assert paths(net) == ["input", "c1", "c1_bn", "c1_relu", "conv_1", "relu_1", "conv_2"]


def test_chain_of_dense_relu_dropout():
    net = archspec.loads("network T\ninput 9216\nfc6: dense 4096 relu dropout 0.5\n")
    assert [n.kind_name for n in net.nodes[1:]] == ["dense", "relu", "dropout"]
    assert net.params == 9216 * 4096 + 4096


# ------------------------------------------------------------------------------ blocks
BLOCKS = """
block unit(out, k=3, stride=1):
    conv out k stride=stride pad=k//2 bias=false bn relu
"""


def test_block_defaults_positional_and_keyword_arguments():
    net = archspec.loads(BLOCKS + H + "a: unit(8)\nb: unit(16, stride=2)\nc: unit(16, k=1)\nd: unit(out=4, k=5)\n")
    shapes = {g.path: net.nodes[g.output].shape for g in net.groups}
    assert shapes == {"a": (8, 32, 32), "b": (16, 16, 16), "c": (16, 16, 16), "d": (4, 16, 16)}
    # conv weights (no bias) + batchnorm weight and bias
    assert net.params == (8 * 3 * 9 + 16) + (16 * 8 * 9 + 32) + (16 * 16 * 1 + 32) + (4 * 16 * 25 + 8)
    assert {g.path: g.args for g in net.groups}["b"] == {"out": 16, "k": 3, "stride": 2}


def test_block_paths():
    net = archspec.loads(BLOCKS + H + "stem: unit(8)\n")
    assert paths(net) == ["input", "stem.conv_1", "stem.batchnorm_1", "stem.relu_1"]


def test_default_may_use_an_earlier_parameter():
    spec = "block b(w, mid=w//2):\n    conv mid 1x1\n    conv w 1x1\n" + H + "b(8)\n"
    assert archspec.loads(spec).params == (3 + 1) * 4 + (4 + 1) * 8


SE = """
block se(r=16):
    mul:
        branch: identity
        branch:
            avgpool to 1x1
            conv in.c // r 1x1 relu
            conv in.c 1x1 sigmoid
"""


def test_squeeze_and_excitation_block():
    net = archspec.loads(SE + "network T\ninput 64x56x56\ns: se()\n")
    assert net.output_shape == (64, 56, 56)
    squeeze = [n for n in net.nodes if n.kind_name == "avgpool"][0]
    assert squeeze.shape == (64, 1, 1)
    mul = net.nodes[-1]
    assert mul.kind_name == "mul"
    assert [net.nodes[i].shape for i in mul.inputs] == [(64, 56, 56), (64, 1, 1)]
    # 64 -> 64//16 = 4 -> 64, both with bias
    assert net.params == (64 * 4 + 4) + (4 * 64 + 64)
    assert net.macs == 64 * 4 + 4 * 64


def test_in_at_the_network_level_is_the_lines_input():
    net = archspec.loads(H + "conv 8 1x1\nconv in.c*2 1x1\nconv in.h 1x1\n")
    assert [n.shape[0] for n in net.nodes[1:]] == [8, 16, 32]


# ------------------------------------------------------------------------------ repetition
RES = """
block basic(width, stride=1):
    add:
        branch:
            conv1: conv width 3x3 stride=stride pad=1 bias=false bn relu
            conv2: conv width 3x3 pad=1 bias=false bn
        shortcut: project
    relu
"""


def test_repeat_block_and_comma_sequence_paths():
    net = archspec.loads(
        RES + "network T\ninput 64x56x56\nlayer1: basic(64) x3\nlayer2: basic(128, stride=2), basic(128) x3\n"
    )
    groups = [g.path for g in net.groups]
    assert groups == [
        "layer1",
        "layer1.0",
        "layer1.1",
        "layer1.2",
        "layer2",
        "layer2.0",
        "layer2.1",
        "layer2.2",
        "layer2.3",
    ]
    assert "layer2.3.conv2_bn" in paths(net)
    assert net.output_shape == (128, 28, 28)


def test_repeat_of_a_plain_line():
    net = archspec.loads(H + "stage: conv 8 3x3 pad=1 relu x3\n")
    assert net.output_shape == (8, 32, 32)
    assert net.params == (27 + 1) * 8 + 2 * (72 + 1) * 8
    # one nn.Sequential of the six layers, numbered as torchvision's make_layers numbers VGG's `features`
    assert [g.path for g in net.groups] == ["stage"]
    assert [n.path for n in net.nodes[1:]] == [f"stage.{i}" for i in range(6)]
    assert [n.kind_name for n in net.nodes[1:]] == ["conv", "relu"] * 3


def test_shortcut_project_only_where_shapes_differ():
    net = archspec.loads(RES + "network T\ninput 64x56x56\na: basic(64)\nb: basic(128, stride=2)\nc: basic(128)\n")
    by_block = {g: [n.kind_name for n in net.nodes if n.path.startswith(g + ".")] for g in ("a", "b", "c")}
    plain = ["conv", "batchnorm", "relu", "conv", "batchnorm", "add", "relu"]
    assert by_block["a"] == plain  # 64x56x56 -> 64x56x56: identity shortcut
    assert by_block["c"] == plain
    assert by_block["b"] == plain[:5] + ["conv", "batchnorm"] + plain[5:]  # 64x56x56 -> 128x28x28
    shortcut = next(n for n in net.nodes if n.path == "b.shortcut")
    assert shortcut.shape == (128, 28, 28)
    assert shortcut.params == 128 * 64 * 1 * 1  # 1x1, stride 2, no bias
    assert next(n for n in net.nodes if n.path == "b.shortcut_bn").params == 2 * 128


def test_identity_branch():
    net = archspec.loads(H + "add:\n    branch:\n        conv 3 3x3 pad=1\n    branch: identity\n")
    add = net.nodes[-1]
    assert add.inputs == (1, 0)  # the conv and the network's input itself
    assert net.params == (27 + 1) * 3


# ------------------------------------------------------------------------------ named tensors
UNET = """network UNet
input 1x64x64
enc1: conv 16 3x3 pad=1 relu
down1: maxpool 2
enc2: conv 32 3x3 pad=1 relu
up1: deconv 16 2x2 stride=2
cat1: concat(up1, enc1)
conv 16 3x3 pad=1 relu
out: conv 2 1x1
"""


def test_unet_named_tensors():
    net = archspec.loads(UNET)
    cat = next(n for n in net.nodes if n.path == "cat1")
    assert [net.nodes[i].path for i in cat.inputs] == ["up1", "enc1_relu"]  # `enc1` names the line's output
    assert cat.shape == (16 + 16, 64, 64)
    assert net.output_shape == (2, 64, 64)
    assert net.params == ((9 + 1) * 16 + (9 * 16 + 1) * 32 + (32 * 16 * 4 + 16) + (9 * 32 + 1) * 16 + (16 + 1) * 2)


def test_graph_is_a_networkx_digraph():
    net = archspec.loads(UNET)
    g = net.graph
    assert isinstance(g, nx.DiGraph)
    assert g.number_of_nodes() == len(net.nodes)
    assert set(g.nodes) == set(paths(net))
    assert nx.is_directed_acyclic_graph(g)
    assert g.edges["enc1_relu", "cat1"]["shape"] == (16, 64, 64)
    assert g.edges["up1", "cat1"]["shape"] == (16, 64, 64)
    assert g.edges["input", "enc1"]["shape"] == (1, 64, 64)
    assert sorted(g.predecessors("cat1")) == ["enc1_relu", "up1"]
    assert g.nodes["out"]["kind"] == "conv" and g.nodes["out"]["params"] == (16 + 1) * 2
    # edges: one per input of every operation
    assert g.number_of_edges() == sum(len(n.inputs) for n in net.nodes)


def test_graph_of_resnet50_has_one_node_per_operation():
    net = archspec.load(os.path.join(os.path.dirname(__file__), "..", "specs", "resnet50.arch"))
    g = net.graph
    assert g.number_of_nodes() == len(net.nodes)
    # 53 convolutions in torchvision's resnet50 (1 stem + 16 blocks x 3 + 4 downsample), one linear
    assert sum(1 for _, d in g.nodes(data=True) if d["kind"] == "conv") == 1 + 16 * 3 + 4
    assert sum(1 for _, d in g.nodes(data=True) if d["kind"] == "add") == 16
    assert sum(1 for _, d in g.nodes(data=True) if d["kind"] == "dense") == 1


# ------------------------------------------------------------------------------ imports
def test_import_is_relative_to_the_importing_file(tmp_path, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "blocks.arch").write_text("block unit(w):\n    conv w 1x1 relu\n")
    (tmp_path / "lib" / "more.arch").write_text('import "blocks.arch"\nblock pair(w):\n    unit(w)\n    unit(w)\n')
    (tmp_path / "models").mkdir()
    main = tmp_path / "models" / "net.arch"
    main.write_text('import "../lib/more.arch"\nnetwork T\ninput 3x8x8\npair(4)\nunit(2)\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working directory plays no part
    net = archspec.load(main)
    assert net.output_shape == (2, 8, 8)
    assert net.params == (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 2


def test_diamond_imports_are_not_a_cycle(tmp_path):
    (tmp_path / "base.arch").write_text("block u(w):\n    conv w 1x1\n")
    (tmp_path / "a.arch").write_text('import "base.arch"\nblock a(w):\n    u(w)\n')
    (tmp_path / "b.arch").write_text('import "base.arch"\nblock b(w):\n    u(w)\n')
    (tmp_path / "main.arch").write_text('import "a.arch"\nimport "b.arch"\nnetwork T\ninput 3x4x4\na(2)\nb(5)\n')
    assert archspec.load(tmp_path / "main.arch").output_shape == (5, 4, 4)


def test_a_file_of_blocks_only():
    net = archspec.load(os.path.join(os.path.dirname(__file__), "..", "specs", "blocks.arch"))
    assert net.nodes == ()
    assert set(net.blocks) >= {"basic", "bottleneck"}


# ------------------------------------------------------------------------------ expect
def test_expect_at_the_end_of_a_line_checks_that_line():
    net = archspec.loads(
        H + "c1: conv 8 3x3 relu expect 8x30x30 params=224 macs=194400 buffers=0\n"
        "c2: conv 4 1x1 bn expect params=44 buffers=9\n"
    )
    # c1: (3*9+1)*8 = 224 params, 8*30*30*27 = 194400 MACs; c2 (conv and its bn): (8+1)*4 + 2*4 = 44, 2*4+1 = 9
    assert net.output_shape == (4, 30, 30)


def test_expect_on_its_own_line_checks_the_whole_network():
    archspec.loads(H + "conv 8 3x3\nconv 4 1x1\nexpect 4x30x30 params=260 trainable=260 buffers=0\n")
    assert (27 + 1) * 8 + (8 + 1) * 4 == 260
    result = analyse(H + "conv 8 3x3\nconv 4 1x1\nexpect params=224\n")
    assert [d.message for d in result.diagnostics] == ["expected params 224, found 260"]


def test_expect_on_its_own_line_in_a_block_checks_the_instance():
    spec = "block b(w):\n    conv w 1x1\n    conv w 1x1\n    expect params=36\n" + H + "x: b(4)\n"
    # from 3 channels: (3+1)*4 + (4+1)*4 = 36
    archspec.loads(spec)
    # a second instance gets 4 channels: (4+1)*4 * 2 = 40; the block's expect checks each instance
    result = analyse(spec + "y: b(4)\n")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("expect-failed", 4)]
    assert result.diagnostics[0].message == "y: expected params 36, found 40"


def test_expect_suffix_precision():
    # dense 1276 -> 100,000 has 127,600,000 MACs: `128M` means 127.5M .. 128.5M
    ok = "network T\ninput {n}\ndense 100000 expect macs={m}\n"
    assert analyse(ok.format(n=1276, m="128M")).ok
    assert analyse(ok.format(n=1275, m="128M")).ok  # 127.5M: the lower end
    assert analyse(ok.format(n=1285, m="128M")).ok  # 128.5M: the upper end
    assert not analyse(ok.format(n=1286, m="128M")).ok  # 128.6M
    bad = analyse(ok.format(n=1276, m="126M"))
    assert [d.code for d in bad.diagnostics] == ["expect-failed"]
    assert "expected macs 126M, found 127,600,000" in bad.diagnostics[0].message  # a count is written whole


def test_expect_decimal_precision():
    # 0.57M means 0.565M .. 0.575M; dense n -> 1000 has n*1000 MACs
    spec = "network T\ninput {n}\ndense 1000 expect macs=0.57M\n"
    assert analyse(spec.format(n=570)).ok
    assert analyse(spec.format(n=575)).ok
    assert not analyse(spec.format(n=576)).ok
    assert not analyse(spec.format(n=564)).ok


def test_expect_integers_match_exactly():
    assert not analyse("network T\ninput 10\ndense 10 expect params=111\n").ok  # 110
    assert analyse("network T\ninput 10\ndense 10 expect params=110\n").ok
    assert analyse("network T\ninput 10\ndense 10 expect params=1_10\n").ok


def test_expect_memory():
    # input 1x1024x256: exactly 1 MiB of float32
    spec = "network T\ninput 1x1024x256\nrelu\nexpect input_mb=1.00 forward_backward_mb=2.00 params_mb=0 total_mb=3.0\n"
    assert analyse(spec).ok
    assert not analyse(spec.replace("input_mb=1.00", "input_mb=1.10")).ok


# ------------------------------------------------------------------------------ paths are unique
def test_windows_line_endings():
    net = archspec.loads(BLOCKS.replace("\n", "\r\n") + H.replace("\n", "\r\n") + "a: unit(8)\r\nflatten\r\n")
    assert net.output_shape == (8 * 32 * 32,)


def test_every_operation_has_its_own_path():
    net = archspec.load(os.path.join(os.path.dirname(__file__), "..", "specs", "resnet152.arch"))
    assert len({n.path for n in net.nodes}) == len(net.nodes)


def test_a_label_taken_by_a_generated_name_is_a_duplicate():
    result = analyse(H + "c1: conv 8 3x3 relu\nc1_relu: relu\n")  # `c1_relu` is the relu of line c1
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("duplicate-name", 4)]


def test_projection_shortcut_names_do_not_collide_with_labels():
    spec = H + "shortcut_bn: relu\nadd:\n    branch: conv 8 3x3 pad=1\n    shortcut: project\n"
    result = analyse(spec)
    if result.ok:  # either a duplicate-name error, or distinct paths and one graph node per operation
        net = result.network
        assert len({n.path for n in net.nodes}) == len(net.nodes)
        assert net.graph.number_of_nodes() == len(net.nodes)
    else:
        assert [d.code for d in result.diagnostics] == ["duplicate-name"]


def test_the_package_docstring_example_runs():
    import doctest

    assert doctest.testmod(archspec).failed == 0


def test_every_layer_kind_and_alias_is_documented():
    from archspec.layers import CATALOGUE

    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    missing = [word for word in CATALOGUE if f"`{word}`" not in doc]
    assert not missing, missing


def test_expect_takes_shape_equals_and_lowercase_suffixes():
    # conv 6 5x5 on 1x32x32: 6x28x28, (5*5*1 + 1) * 6 = 156 params, 6*28*28*25 = 117,600 MACs
    net = archspec.loads("network T\ninput 1x32x32\nconv 6 5x5 expect shape=6x28x28 params=0.156k macs=0.12m\n")
    assert net.params == 156
    result = analyse("network T\ninput 1x32x32\nconv 6 5x5 expect params=6x28x28\n")
    assert [d.code for d in result.diagnostics] == ["bad-expect"]


def test_a_failed_expect_keeps_the_numbers():
    # conv 6 5x5 on 1x32x32: (5*5*1 + 1) * 6 = 156 params, whatever the expect says
    spec = "network T\ninput 1x32x32\nconv 6 5x5 expect params=150\n"
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.loads(spec)
    assert info.value.network is not None and info.value.network.params == 156
    result = analyse(spec)
    assert not result.ok and result.complete
    # a shape error leaves no complete network
    broken = analyse("network T\ninput 1x4x4\nconv 6 5x5\n")
    assert not broken.complete


def test_adaptive_pooling_reads_to_as_well():
    net = archspec.loads("network T\ninput 3x9x9\nadaptive_avgpool to 4x4\n")
    assert net.output_shape == (3, 4, 4)


def test_expect_shape_equals_a_vector_size():
    net = archspec.loads("network T\ninput 3x8x8\nflatten\ndense 10\nexpect shape=10 output=10\n")
    assert net.output_shape == (10,)


def test_merging_generated_names_and_failing_an_expect_keeps_the_whole_network():
    # relu has no params, so `expect params=1` fails; the rest must still be analysed to the end:
    # conv 8 3x3 on 8 channels: 8*8*9 + 8 = 584; dense 10 on 8*8*8: 512*10 + 10 = 5130
    result = analyse(
        "network N\ninput 8x8x8\na: relu expect params=1\nconv 8 3x3 pad=1\nadd(a, conv_1)\nflatten\ndense 10\n"
    )
    assert [d.code for d in result.diagnostics] == ["expect-failed"]
    assert result.complete and result.network.params == 584 + 5130


def test_a_line_cannot_merge_its_own_sequence():
    result = analyse("network N\ninput 8x8x8\na: relu\nb: relu, add(a, b)\n")
    assert [(d.code, d.message) for d in result.diagnostics] == [("undefined-name", "`b` has no output here")]


def test_warnings_reach_python_callers():
    net = archspec.loads("network T\ninput 224x224x3\nrelu\n")
    assert [w.code for w in net.warnings] == ["input-layout"]


def test_in_at_the_network_level_is_the_lines_input_for_every_layer_of_the_chain():
    # docs/language.md: `in` is the tensor flowing into the current line (6 channels), not the
    # output of the chain's previous layer (2 channels)
    net = archspec.loads("network N\ninput 6x5x10x3\nconv 2 kernel=4x3x1 conv ((in.c%3)+1) 1\n")
    assert net.output_shape == ((6 % 3) + 1, 2, 8, 3)
    # in a block, `in` stays the block's input
    block = "block b():\n    conv 2 1 conv (in.c) 1\nnetwork N\ninput 6x4x4\nb()\n"
    assert archspec.loads(block).output_shape == (6, 4, 4)


NETWORK_PARAMS = """network Net(num_classes=1000, width=16)
input 3x32x32
conv1: conv width 3x3 pad=1 relu
conv2: conv (width*2) 3x3 pad=1 relu
gap
fc: dense num_classes
"""


def test_network_parameters_and_set():
    from archspec.analysis.load import analyse

    net = archspec.loads(NETWORK_PARAMS)
    assert net.settings == {"num_classes": 1000, "width": 16} and net.output_shape == (1000,)
    # by hand: conv1 (27 + 1) * 16, conv2 (16*9 + 1) * 32, fc (32 + 1) * classes
    assert net.params == 28 * 16 + 145 * 32 + 33 * 1000
    changed = analyse(NETWORK_PARAMS, "n.arch", settings=[("num_classes", "10"), ("width", "8")]).network
    assert changed.settings == {"num_classes": 10, "width": 8} and changed.params == 28 * 8 + 73 * 16 + 17 * 10
    wrong = analyse(NETWORK_PARAMS, "n.arch", settings=[("num_clases", "10")])
    (d,) = wrong.diagnostics
    assert (d.code, d.span.file, d.span.line, d.span.column, d.hint) == (
        "bad-argument",
        "<command line>",
        1,
        7,
        "did you mean `num_classes`?",
    )
    assert wrong.sources["<command line>"] == "--set num_clases=10\n"


def test_set_leaves_the_specs_expectations_unchecked_and_says_so():
    from archspec.analysis.load import analyse_file

    # resnet50.arch expects torchvision's 1000 classes; with 10 the head has 2048 * 10 + 10 weights
    result = analyse_file(str(SPECS / "resnet50.arch"), settings=[("num_classes", "10")])
    assert result.ok and result.network.output_shape == (10,)
    assert result.network.params == 25_557_032 - 2049 * 1000 + 2049 * 10
    (warning,) = result.diagnostics
    assert (warning.code, warning.severity) == ("expect-skipped", "warning")
    assert warning.message == "`expect` lines are not checked: --set changes `num_classes`"
    # a --set to the spec's own value changes nothing: the expectations hold and are checked
    same = analyse_file(str(SPECS / "resnet50.arch"), settings=[("num_classes", "1000")])
    assert same.ok and not same.diagnostics
    # a spec without `expect` lines: nothing to say
    plain = analyse(NETWORK_PARAMS, "n.arch", settings=[("num_classes", "10")])
    assert plain.ok and not plain.diagnostics


def test_a_set_value_of_the_wrong_kind_is_an_error_on_the_command_line():
    """`--set num_classes=abc` (or 2.5) for a parameter whose default is a whole number: the error
    points into the command line, not at the spec's `dense num_classes`, which is right."""
    for text in ("abc", "2.5"):
        (d,) = analyse(NETWORK_PARAMS, "n.arch", settings=[("width", "8"), ("num_classes", text)]).diagnostics
        assert (d.code, d.message, d.span.file, d.span.line, d.span.column, d.span.end_column) == (
            "bad-argument",
            f"`num_classes` must be a whole number, not `{text}`",
            "<command line>",
            2,
            19,
            19 + len(text),
        )
        assert d.hint == "as its default: `--set num_classes=1000`"
    # a value of the right kind that the spec's layers refuse: the error is the layer's, and says
    # where the value came from
    (d,) = analyse(NETWORK_PARAMS, "n.arch", settings=[("num_classes", "-3")]).diagnostics
    assert d.code == "bad-option" and d.span.file == "n.arch"
    assert d.notes == ("with the network's parameters as --set gives them: num_classes=-3",)


# ------------------------------------------------------------------------------ conditions, values, defaults
def _make_divisible(v, divisor, min_value=None):
    """torchvision.models._utils._make_divisible, transcribed."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


MAKE_DIVISIBLE = """
block sq(v, d=8):
    let n = max(d, int(v + d / 2) // d * d)
    let n = n + d if n < 0.9 * v else n
    conv n 1x1
"""


@pytest.mark.parametrize("v", [3, 8, 12, 18, 20, 30, 60, 72, 120, 240, 0.75 * 24, 1.25 * 40, 960 // 4])
def test_make_divisible_reads_as_torchvisions(v):
    net = archspec.loads(MAKE_DIVISIBLE + f"network T\ninput 3x4x4\nsq({v})\n")
    assert net.output_shape[0] == _make_divisible(v, 8)


def test_regnet_width_rule():
    """torchvision's BlockParams.from_init_params for regnet_y_400mf (w_0=48, w_a=27.89, w_m=2.09,
    depth 16): the per-block widths quantised to 8 give the stage widths 48, 104, 208, 440."""
    spec = """
block width(i, w0=48, wa=27.89, wm=2.09):
    let cap = round(log((i * wa + w0) / w0) / log(wm))
    conv (int(round(w0 * pow(wm, cap) / 8) * 8)) 1x1
network T
input 3x4x4
"""
    widths = [archspec.loads(spec + f"width({i})\n").output_shape[0] for i in range(16)]
    assert sorted(set(widths)) == [48, 104, 208, 440]
    assert [widths.count(w) for w in (48, 104, 208, 440)] == [1, 3, 6, 6]  # regnet_y_400mf's depths


IR = """
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
"""


def test_conditions_choose_what_a_block_makes():
    net = archspec.loads(IR + "network T\ninput 16x8x8\na: ir(16)\nb: ir(24, stride=2, expand=6, act=hardswish)\n")
    kinds = {p: n.kind_name for p, n in ((n.path, n) for n in net.nodes)}
    # a: no expand conv (expand=1), and the residual add (stride 1, 16 -> 16)
    assert [k for p, k in kinds.items() if p.startswith("a.")] == [
        "dwconv", "batchnorm", "relu", "conv", "batchnorm", "add",
    ]  # fmt: skip
    # b: the expand conv with hardswish, and no add (the merge has one branch left: it is that branch)
    assert [k for p, k in kinds.items() if p.startswith("b.")] == [
        "conv", "batchnorm", "hardswish", "dwconv", "batchnorm", "hardswish", "conv", "batchnorm",
    ]  # fmt: skip
    assert net.output_shape == (24, 4, 4)
    # b by hand: 16*96 + 2*96 + 96*9 + 2*96 + 96*24 + 2*24
    assert net.groups[1].name == "ir" and net.totals(net.groups[1].first, net.groups[1].last)[0] == 5136


def test_elif_and_else():
    spec = H + "let k = 5\nif k == 3:\n    conv 1 1x1\nelif k > 4:\n    conv 2 1x1\nelse:\n    conv 3 1x1\n"
    assert archspec.loads(spec).output_shape == (2, 32, 32)
    assert archspec.loads(spec.replace("k = 5", "k = 1")).output_shape == (3, 32, 32)
    assert archspec.loads(spec.replace("k = 5", "k = 3")).output_shape == (1, 32, 32)


def test_words_compare_and_true_false_are_conditions():
    spec = "block b(se=false, act=relu):\n    if se and act == hardswish:\n        conv 5 1x1\n    relu\n"
    net = archspec.loads(spec + H + "b()\nb(se=true, act=hardswish)\nb(se=true)\n")
    assert [n.kind_name for n in net.nodes[1:]] == ["relu", "conv", "relu", "relu"]


def test_defaults_hold_for_the_file_and_for_the_rest_of_a_body():
    spec = """defaults bn eps=0.001 momentum=0.01
block b():
    conv 8 1x1 bn
    defaults bn momentum=0.5
    bn
network T
input 3x8x8
b()
bn eps=0.1
"""
    net = archspec.loads(spec)
    bns = [n.options for n in net.nodes if n.kind_name == "batchnorm"]
    assert [(o["eps"], o["momentum"]) for o in bns] == [(0.001, 0.01), (0.001, 0.5), (0.1, 0.01)]


def test_a_defaults_line_in_a_branch_ends_with_the_branch():
    spec = H + "add:\n    branch:\n        defaults bn eps=0.5\n        bn\n    branch: bn\nbn\n"
    eps = [n.options["eps"] for n in archspec.loads(spec).nodes if n.kind_name == "batchnorm"]
    assert eps == [0.5, 1e-5, 1e-5]


def test_a_layer_kind_as_a_block_argument():
    spec = "block cba(c, act=relu):\n    conv c 3x3 pad=1  bn  act\n" + H + "x: cba(8, act=hardswish)\ny: cba(8)\n"
    net = archspec.loads(spec)
    assert [n.path for n in net.nodes[1:]] == [
        "x.conv_1", "x.batchnorm_1", "x.act_1", "y.conv_1", "y.batchnorm_1", "y.act_1",
    ]  # fmt: skip
    # named after the parameter, so one class names the layer the same for every kind it is given
    assert [n.kind_name for n in net.nodes if n.path.endswith("act_1")] == ["hardswish", "relu"]


def test_functions_in_layer_arguments():
    net = archspec.loads(H + "conv max(8, in.c * 2) 1x1\nconv (min(4, in.c)) 1x1\nconv (ceil(in.c / 3)) 1x1\n")
    assert [n.shape[0] for n in net.nodes[1:]] == [8, 4, 2]


def test_instantiate_one_block_on_an_input_shape():
    result = archspec.instantiate(SPECS / "blocks.arch", "bottleneck", {"width": 64, "stride": 2}, (256, 56, 56))
    assert result.ok and result.network.output_shape == (256, 28, 28)
    net = result.network
    assert net.name == "bottleneck" and net.nodes[1].path == "bottleneck.conv1"
    # by hand: 1x1 256->64, 3x3 64->64, 1x1 64->256, three batchnorms, and the projection 256->256 (stride 2) + bn
    assert net.params == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * (64 + 64 + 256) + 256 * 256 + 2 * 256
    bad = archspec.instantiate(SPECS / "blocks.arch", "bottleneck", {"widht": 64}, (256, 56, 56))
    (d,) = [d for d in bad.diagnostics if d.severity == "error"]
    assert d.code == "bad-argument" and "did you mean `width`" in d.hint
    assert (d.span.file, d.span.column) == ("<call>", 12) and bad.sources["<call>"] == "bottleneck(widht=64)"
    assert [d.code for d in archspec.instantiate(SPECS / "blocks.arch", "nope", {}, (3, 8, 8)).diagnostics] == [
        "unknown-block"
    ]


def test_a_parameter_default_reading_in_is_the_calls_own_input():
    """`block kp(c=in.c)`: the default is read where the block is, so `in` is the call's input (8
    channels after `kp(c=8)`), not the line's (4), in a sequence and inside a block alike."""
    blocks = "block kp(c=in.c):\n    conv c 1\nblock outer():\n    conv 6 1\n    kp()\n"
    net = archspec.loads(blocks + "network N\ninput 4x8x8\nn: kp(c=8), kp() x2\nouter()\n")
    convs = [(n.path, n.params) for n in net.nodes if n.kind_name == "conv"]
    # 4->8 (40 params), 8->8 twice (72 each), then outer's 8->6 (54) and its kp's 6->6 (42)
    assert convs == [
        ("n.0.conv_1", 40),
        ("n.1.conv_1", 72),
        ("n.2.conv_1", 72),
        ("outer_1.conv_1", 54),
        ("outer_1.kp_1.conv_1", 42),
    ]


def test_x1_written_out_is_a_sequence_of_one():
    spec = "block b(c):\n    conv c 1\nnetwork N\ninput 4x8x8\nstage1: b(8) x1\nstage2: conv 8 1 relu x1\nb(8)\n"
    net = archspec.loads(spec)
    assert [n.path for n in net.nodes if n.kind_name == "conv"] == ["stage1.0.conv_1", "stage2.0", "b_1.conv_1"]


SPLIT_THEN_IF = """network N
input 4x8x8
conv 8 1
a, b: chunk 2
if 1 == 1:
    from a, conv 4 1
else:
    from b, conv 6 1
relu
"""

IF_ENDING_IN_A_SPLIT = """network N
input 4x8x8
conv 8 1
if 1 == 1:
    a, b: chunk 2
else:
    a, b: split (2, 6)
concat(b, a)
"""


def test_an_if_after_a_split_whose_arms_start_from_a_part_is_no_ambiguity():
    net = archspec.loads(SPLIT_THEN_IF)
    assert [(n.path, n.shape) for n in net.nodes][-2:] == [("conv_2", (4, 8, 8)), ("relu_1", (4, 8, 8))]


def test_an_if_arm_ending_in_a_split_leaves_its_parts_to_the_lines_after():
    net = archspec.loads(IF_ENDING_IN_A_SPLIT)
    assert net.output_shape == (8, 8, 8)
    with pytest.raises(archspec.ArchspecError) as err:  # a line that takes "the" tensor after it: which part?
        archspec.loads(IF_ENDING_IN_A_SPLIT.replace("concat(b, a)", "relu"))
    assert [d.code for d in err.value.diagnostics] == ["ambiguous-input"]


def test_block_names_a_line_at_the_top_level_too():
    spec = "network N\ninput 4x8x8\nblock: conv 8 1, relu\nblock b(c):\n    conv c 1\nlast: b(4)\n"
    net = archspec.loads(spec)
    assert [n.path for n in net.nodes if n.kind_name == "conv"] == ["block.0", "last.conv_1"]


def test_a_negative_number_among_a_layers_arguments_is_an_argument():
    """`rescale -1`: ` -1` (a space before the `-`, a digit after it) is the next atom, where one may
    follow; inside parentheses and in `let` it stays a subtraction."""
    net = archspec.loads("network N\ninput 3x8x8\nlet a = 5 -1\nrescale -1 offset=1\nconv (a -1) 1 pad=0\n")
    scale, conv = [n for n in net.nodes if n.kind_name in ("rescale", "conv")]
    assert (scale.options["scale"], scale.options["offset"]) == (-1.0, 1.0)
    assert conv.shape == (3, 8, 8)  # 5 - 1 - 1 channels
