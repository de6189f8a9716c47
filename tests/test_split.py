"""Tensors in parts: `x1, x2: chunk 2`, `a, b: split (d, in.c - d)`, `slice START END`, and lines that
start from a named tensor (`from x2, ...`). The analysis of each part and of the lines after it."""

from __future__ import annotations

import re
import shutil

import pytest

import archspec
from archspec.analysis.load import analyse
from archspec.analysis.receptive import receptive_fields
from archspec.views.diagram import dot_source, draw

SHUFFLE_UNIT = """block shuffle_unit(c):
    x1, x2: chunk 2
    branch2: from x2, conv (c/2) 1 bias=false, bn, relu, \\
        dwconv 3x3 pad=1 bias=false, bn, conv (c/2) 1 bias=false, bn, relu
    concat(x1, branch2)
    shuffle 2
"""


def by_path(net):
    return {n.path: n for n in net.nodes}


def test_chunk_makes_a_named_slice_per_part():
    net = archspec.loads("network T\ninput 116x28x28\nx1, x2: chunk 2\nconcat(x2, x1)\n")
    nodes = by_path(net)
    x1, x2 = nodes["x1"], nodes["x2"]
    assert (x1.kind.name, x1.shape, x1.inputs) == ("slice", (58, 28, 28), (0,))
    assert (x2.kind.name, x2.shape, x2.inputs) == ("slice", (58, 28, 28), (0,))
    assert (x1.options["start"], x1.options["end"], x2.options["start"], x2.options["end"]) == (0, 58, 58, 116)
    assert x1.notation == "slice 0:58 (chunk 1/2)" and x2.notation == "slice 58:116 (chunk 2/2)"
    assert net.params == 0 and net.macs == 0 and net.output_shape == (116, 28, 28)
    assert not x1.generated and not x2.generated
    # views: the memory estimates count the concatenation's output only, as torchsummary's hooks would
    assert net.memory.forward_backward_mb == 2 * 116 * 28 * 28 * 4 / 2**20


def test_split_sizes_are_expressions_over_the_block():
    spec = """block b(d):
    res, dense: split (d, in.c - d)
    concat(dense, res)
network T
input 40x8x8
b(24)
"""
    nodes = by_path(archspec.loads(spec))
    assert nodes["b_1.res"].shape == (24, 8, 8) and nodes["b_1.dense"].shape == (16, 8, 8)
    assert nodes["b_1.dense"].options["sizes"] == (24, 16) and nodes["b_1.dense"].notation.endswith("(split 2/2)")
    # written as separate arguments, the same split
    other = by_path(archspec.loads(spec.replace("split (d, in.c - d)", "split d (in.c - d)")))
    assert other["b_1.dense"].options == nodes["b_1.dense"].options


def test_a_slice_runs_to_the_end_where_its_end_is_left_out():
    net = archspec.loads("network T\ninput 10x4x4\na: slice 0 6\nb: slice 2\nconcat(a, b)\n")
    nodes = by_path(net)
    assert nodes["a"].shape == (6, 4, 4) and nodes["b"].shape == (4, 4, 4)  # 2 to the last of a's 6
    assert nodes["b"].notation == "slice 2:" and net.output_shape == (10, 4, 4)


def test_a_flat_tensor_splits_along_its_features():
    net = archspec.loads("network T\ninput 3x8x8\nflatten\nh: dense 16\nmu, logvar: chunk 2\nadd(mu, logvar)\n")
    assert by_path(net)["mu"].shape == (8,) and net.output_shape == (8,)


def test_a_line_starts_from_a_named_tensor():
    spec = """network T
input 8x6x6
a: conv 4 1x1
b: conv 6 3x3 pad=1
c: from a, conv 5 1x1 bn relu
d: from a, conv 6 1x1, conv (in.c) 1, relu
e: from c, slice 1 3
concat(b, c, d, e)
"""
    net = archspec.loads(spec)
    nodes = by_path(net)
    # a chain keeps its line's names; `from a` is no layer of it
    assert [n.path for n in net.nodes if n.path.startswith("c_") or n.path == "c"] == ["c", "c_bn", "c_relu"]
    assert nodes["c"].inputs == (nodes["a"].id,)
    # with commas, a sequence numbered from 0, as torchvision numbers an nn.Sequential
    assert [n.path for n in net.nodes if n.path.startswith("d.")] == ["d.0", "d.1", "d.2"]
    # at the network level `in` is the line's input: the tensor it starts from (a's 4 channels)
    assert nodes["d.1"].options["out"] == 4 and nodes["d.0"].inputs == (nodes["a"].id,)
    assert nodes["e"].shape == (2, 6, 6) and net.output_shape == (6 + 5 + 4 + 2, 6, 6)
    # a 8 -> 4 (1x1), b 4 -> 6 (3x3, after a), c 4 -> 5 and its batchnorm, d 4 -> 6 -> 4 (1x1 each)
    assert net.params == (8 * 4 + 4) + (4 * 9 * 6 + 6) + (4 * 5 + 5 + 2 * 5) + (4 * 6 + 6) + (6 * 4 + 4)


def test_the_names_of_a_shufflenet_unit_are_torchvisions():
    net = archspec.loads(SHUFFLE_UNIT + "network T\ninput 116x28x28\nunit: shuffle_unit(116)\n")
    paths = [n.path for n in net.nodes[1:]]
    assert paths[:2] == ["unit.x1", "unit.x2"]
    assert paths[2:10] == [f"unit.branch2.{i}" for i in range(8)]  # torchvision's branch2.0 ... branch2.7
    assert [n.kind.name for n in net.nodes[3:11]] == ["conv", "batchnorm", "relu", "dwconv", "batchnorm", "conv",
                                                      "batchnorm", "relu"]  # fmt: skip
    assert net.nodes[3].inputs == (by_path(net)["unit.x2"].id,)
    assert net.output_shape == (116, 28, 28)


def test_names_before_a_colon_are_one_word_and_a_sequence_is_not():
    # `relu, maxpool 2` is still a sequence of two layers; `x2` after `from` is a name, not a repeat
    net = archspec.loads(
        "network T\ninput 4x8x8\nrelu, maxpool 2\nx1 , x2 :chunk 2\nb: from x2, relu x2\nconcat(x1, b)\n"
    )
    assert [n.kind.name for n in net.nodes[1:3]] == ["relu", "maxpool"]
    assert [n.path for n in net.nodes if n.path.startswith("b.")] == ["b.0", "b.1"]  # `relu x2` repeated twice
    assert net.output_shape == (4, 4, 4)


def test_a_split_may_start_from_a_name():
    net = archspec.loads("network T\ninput 6x4x4\nh: conv 8 1\nconv 2 1\na, b: from h, chunk 2\nadd(a, b)\n")
    assert by_path(net)["a"].inputs == (by_path(net)["h"].id,) and net.output_shape == (4, 4, 4)


def test_a_slice_sees_what_its_input_saw():
    net = archspec.loads("network T\ninput 4x16x16\nc: conv 4 5x5 stride=2\nx1, x2: chunk 2\nb: from x2, conv 2 3x3\n"
                         "p: from x1, maxpool 3 stride=1\nconcat(p, b)\n")  # fmt: skip
    fields = receptive_fields(net)
    nodes = by_path(net)
    assert fields[nodes["x1"].id] == fields[nodes["c"].id] == fields[nodes["x2"].id]
    assert fields[nodes["b"].id].text() == "9x9"  # 5 + (3 - 1) * 2, the conv's jump being 2


def test_blocks_no_line_calls_are_checked_without_shapes():
    result = analyse("block u(c):\n    a, b, c: chunk 2\n    concat(a, b, c)\nnetwork T\ninput 4x4x4\nconv 4 1\n")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("split-names", 2)]
    # `from in` and `in` in a merge: the block's input, unknown without shapes, and no error
    ok = analyse("block u(c):\n    a, b: split (c, in.c - c)\n    y: from b, conv c 1\n    z: from in, conv c 1\n"
                 "    concat(a, y, z, in)\nnetwork T\ninput 4x4x4\nconv 4 1\n")  # fmt: skip
    assert ok.ok, ok.diagnostics


def test_a_failed_part_is_skipped_quietly_after_its_error():
    result = analyse("network T\ninput 6x4x4\na, b: chunk 4\nc: from a, conv 4 1\nconcat(c, b)\n")
    assert [d.code for d in result.diagnostics] == ["split-names"]


def test_check_json_and_tree_list_the_parts():
    from archspec.views.report import to_json
    from archspec.views.tree import lines

    spec = SHUFFLE_UNIT + "network T\ninput 116x28x28\nunit: shuffle_unit(116)\n"
    result = analyse(spec, "t.arch")
    layers = {row["path"]: row for row in to_json(result, "t.arch")["layers"]}
    assert layers["unit.x2"]["kind"] == "slice" and layers["unit.x2"]["output"] == [58, 28, 28]
    assert layers["unit.x2"]["rf"] == {"size": [1, 1], "jump": [1, 1], "start": [0, 0]}
    _, _, rows = lines(result.network, max_depth=1)
    assert any("x1" in text and "slice 0:58 (chunk 1/2)" in text for _, text in rows)


# ----------------------------------------------------------------------------- diagrams


def test_a_chunk_is_drawn_as_one_box_with_an_arrow_per_part():
    net = archspec.loads(SHUFFLE_UNIT + "network T\ninput 116x28x28\nunit: shuffle_unit(116)\n")
    nodes = by_path(net)
    x1, x2 = nodes["unit.x1"].id, nodes["unit.x2"].id
    conv, cat = nodes["unit.branch2.0"].id, nodes["unit.concat_1"].id
    dot = dot_source(net, None)
    declared = set(re.findall(r"^\s*(n\d+) \[", dot, re.M))
    assert f"n{x1}" in declared and f"n{x2}" not in declared  # the parts share the first one's box
    assert re.search(rf"n{x1} \[label=<<B>x1, x2</B><BR/>chunk 2<BR/>.*2 x 58x28x28", dot)
    edges = dict(re.findall(rf"^\s*n{x1} -> (n\d+) \[label=\" (\w+)\"\]", dot, re.M))
    assert edges == {f"n{conv}": "x2", f"n{cat}": "x1"}  # each arrow says which part it carries
    on_edges = dot_source(net, None, shapes="edges")
    assert f'n{x1} -> n{conv} [label=" x2 58x28x28"]' in on_edges
    # collapsed into its block's box, the chunk is drawn as part of it
    assert "chunk 2" not in dot_source(net, 0)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed")
def test_a_split_diagram_draws():
    spec = "network T\ninput 40x8x8\nh: conv 48 1\nres, dense: split (32, in.c - 32)\nb: from dense, relu\n"
    spec += "concat(res, b)\n"
    png = draw(dot_source(archspec.loads(spec), None, direction="LR", fold=True), "png")
    assert png.startswith(b"\x89PNG") and len(png) > 1000
    svg = draw(dot_source(archspec.loads(spec), None), "svg").decode()
    assert "split (32, 16)" in svg and "res, dense" in svg


# ----------------------------------------------------------------------------- quiz


def test_the_quiz_asks_nothing_about_slices():
    from archspec.teaching.quiz import candidates

    spec = SHUFFLE_UNIT + "network T\ninput 116x28x28\nunit: shuffle_unit(116)\nhalf: slice 0 58\n"
    net = archspec.loads(spec)
    asked = {q.layer for q in candidates(net)}
    # a slice's channels are written on its line, and it has neither parameters nor MACs
    assert not asked & {"unit.x1", "unit.x2", "half"}
    assert {"unit", "unit.branch2.0", "unit.branch2.3", "total"} <= asked


def test_the_examples_of_the_language_docs_check():
    from conftest import ROOT

    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    section = doc.split("## Several outputs")[1].split("\n## ")[0]
    shufflenet, dpn = re.findall(r"```\n(.*?)```", section, re.S)
    net = archspec.loads(shufflenet)  # its `expect 116x28x28` holds
    assert net.params == 30_192  # torchvision's stage2 (tests/data/torchvision_shufflenet_v2_x1_0_stage2.txt)
    # DPN-92's conv2_2: 256 + 3 x 16 channels in, 256 + 4 x 16 out
    net = archspec.loads(dpn + "network T\ninput 304x56x56\nconv2_2: dual_path(96, 96, 256, 16)\n")
    assert net.output_shape == (320, 56, 56)
