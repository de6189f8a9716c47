"""`archspec render` and the diagrams: every spec drawn by the real `dot`, boxes counted in the SVG
against counts made by hand from the spec texts, shortcuts, merges, the command line, and drawing
without Graphviz."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, SPECS

import archspec
from archspec.layers import fmt_shape
from archspec.views.diagram import DrawError, dot_source, draw, shortcut_edges, split_parts

SVG = "{http://www.w3.org/2000/svg}"
ZOO = sorted(p for p in SPECS.glob("*.arch") if p.stem != "blocks")
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's `dot` is not installed (.ci/run installs it)")


def archspec_cli(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "archspec", *args], capture_output=True, cwd=cwd or ROOT, env=environ, timeout=120
    )


def svg_of(spec: str, depth: int | None = 0, **options) -> ET.Element:
    return ET.fromstring(draw(dot_source(archspec.load(SPECS / spec), depth, **options), "svg"))


def groups(svg: ET.Element, cls: str) -> list[ET.Element]:
    """The SVG groups of one class: `node` (a box; not the frames' captions, `node caption`),
    `edge`, `cluster`."""
    return [g for g in svg.iter(f"{SVG}g") if g.get("class") == cls]


def texts(svg: ET.Element) -> list[str]:
    return [(t.text or "").strip() for t in svg.iter(f"{SVG}text")]


def box_with(svg: ET.Element, text: str) -> ET.Element:
    return next(g for g in groups(svg, "node") if text in texts(g))


def dashed_edges(svg: ET.Element) -> int:
    return sum(1 for g in groups(svg, "edge") if any(p.get("stroke-dasharray") for p in g.iter(f"{SVG}path")))


def shared_parts(net, top_level: bool = False) -> int:
    """The parts of the `chunk`s and `split`s (of the top level only, with top_level) that have no
    box of their own: all of them but the first, in whose box the split is drawn."""
    return sum(len(p) - 1 for p in split_parts(net).values() if not top_level or net.nodes[p[0]].depth == 0)


def collapsed_count(net) -> int:
    """Boxes of a diagram with every top-level block as one box: the layers outside blocks (the
    input included; a chunk or split one box), the top-level blocks and sequences, and the output
    marker."""
    top_groups = [g for g in net.groups if g.depth == 0 and g.last >= g.first]
    return sum(1 for n in net.nodes if n.depth == 0) - shared_parts(net, True) + len(top_groups) + 1


# ---------------------------------------------------------------------------- the whole zoo, drawn


@needs_dot
@pytest.mark.parametrize("spec", ZOO, ids=lambda p: p.stem)
def test_every_spec_draws_expanded_and_collapsed(spec):
    net = archspec.load(spec)
    expanded = ET.fromstring(draw(dot_source(net, None), "svg"))
    # one box per operation (the input among them; a chunk or split one box for its parts) and the output marker
    assert len(groups(expanded, "node")) == len(net.nodes) - shared_parts(net) + 1
    # every output shape is written (a split's box lists its parts' shapes: `512x28x28, 32x28x28`)
    words = {word for text in texts(expanded) for word in (text, *text.split(", "))}
    assert {fmt_shape(n.shape) for n in net.nodes} <= words
    assert {"input", "output"} <= words
    collapsed = ET.fromstring(draw(dot_source(net), "svg"))
    assert len(groups(collapsed, "node")) == collapsed_count(net)
    assert groups(collapsed, "cluster") == []


@needs_dot
@pytest.mark.parametrize(
    ("spec", "expanded", "collapsed"),
    [
        # LeNet-5: input, c1 + tanh, s2, c3 + tanh, s4, c5 + tanh, flatten, f6 + tanh, out + softmax: 14 boxes
        # and the output marker; no blocks, so collapsing changes nothing
        ("lenet5.arch", 15, 15),
        # ResNet-50: input, conv1 + bn + relu, maxpool, avgpool, fc (7); 16 bottlenecks of 3 convs with a
        # batchnorm each, 2 relus inside, the add and the relu after it (10), and a projection (conv + bn)
        # in the first block of each of the 4 layers: 7 + 160 + 8 = 175 and the output marker.
        # Collapsed: the 7, the 4 layers, the output marker.
        ("resnet50.arch", 176, 12),
        # GoogLeNet: 9 inception modules of 4 branches (conv + relu; conv + relu twice; twice again;
        # maxpool, conv + relu) and a concat: 14 each; outside them input, conv1 + relu, pool1, norm1,
        # conv2 (2 convs + 2 relus), norm2, pool2, pool3, pool4, avgpool, dropout, flatten, linear, softmax:
        # 18. 18 + 126 + output = 145. Collapsed: 18 + 9 modules + output = 28.
        ("googlenet.arch", 145, 28),
    ],
)
def test_box_counts_counted_by_hand(spec, expanded, collapsed):
    assert len(groups(svg_of(spec, None), "node")) == expanded
    assert len(groups(svg_of(spec, 0), "node")) == collapsed


@needs_dot
def test_depth_opens_sequences_then_blocks():
    # ResNet-50 layers 1-4 hold 3, 4, 6 and 3 bottlenecks
    one = svg_of("resnet50.arch", 1)
    assert len(groups(one, "cluster")) == 4
    assert len(groups(one, "node")) == 7 + 16 + 1
    two = svg_of("resnet50.arch", 2)
    assert len(groups(two, "cluster")) == 4 + 16
    # every layer but the 4 downsample sequences' 2 layers each, which stay one box each at depth 2
    assert len(groups(two, "node")) == 176 - 4 * 2 + 4
    assert "layer2.0" in texts(two) and "bottleneck(width=128," in texts(two)


@needs_dot
def test_one_inception_module_alone():
    net = archspec.load(SPECS / "googlenet.arch")
    svg = ET.fromstring(draw(dot_source(net, None, only="inc3a"), "svg"))
    # the module's 14 layers (4 branches of 2, 4, 4 and 3 and the concat), an input marker for pool2's output
    # and the output marker
    assert len(groups(svg, "node")) == 14 + 2
    assert texts(box_with(svg, "input")) == ["input", "pool2", "192x28x28"]
    assert len(groups(svg, "edge")) == 4 + 9 + 4 + 1  # into the branches, along them, into the concat, out
    words = texts(svg)
    # by hand: weights 192*64 + 192*96 + 96*128*9 + 192*16 + 16*32*25 + 192*32 = 163,328, and 368 biases;
    # MACs 163,328 * 28*28 = 128,049,152 (GoogLeNet's table: 128M ops)
    assert "input 192x28x28, output 256x28x28, 163,696 params, 128,049,152 MACs" in words
    for conv in ("conv 64, 1x1", "conv 96, 1x1", "conv 128, 3x3", "conv 16, 1x1", "conv 32, 5x5", "conv 32, 1x1"):
        assert conv in words


@needs_dot
def test_a_named_merge_circle_carries_its_name():
    spec = """network SE
input 16x8x8
stem: conv 16 3x3 pad=1 relu
se: mul:
    branch: identity
    branch:
        avgpool to 1x1
        conv 16 1x1 sigmoid
add:
    branch: conv 16 3x3 pad=1
    shortcut: identity
"""
    svg = ET.fromstring(draw(dot_source(archspec.loads(spec), None), "svg"))
    circles = [g for g in groups(svg, "node") if any(e.tag == f"{SVG}ellipse" for e in g) and "×" in texts(g)]
    assert len(circles) == 1 and "se" in texts(circles[0])  # the name beside the ×
    plus = next(g for g in groups(svg, "node") if "+" in texts(g))
    assert texts(plus) == ["+"]  # a merge the spec did not name: the operator alone


@needs_dot
def test_inception_branches_stand_in_the_spec_order():
    # left to right as in the GoogLeNet paper's figure: 1x1, 3x3 (its 1x1 reduce first), 5x5, pool
    net = archspec.load(SPECS / "googlenet.arch")
    svg = ET.fromstring(draw(dot_source(net, None, only="inc3a"), "svg"))
    heads = ("conv 64, 1x1", "conv 96, 1x1", "conv 16, 1x1", "maxpool 3x3")
    xs = [float(next(box_with(svg, h).iter(f"{SVG}text")).get("x")) for h in heads]
    assert xs == sorted(xs) and len(set(xs)) == 4


@needs_dot
def test_one_bottleneck_alone_and_a_sequence_at_a_depth():
    net = archspec.load(SPECS / "resnet50.arch")
    svg = ET.fromstring(draw(dot_source(net, None, only="layer2.0"), "svg"))
    assert len(groups(svg, "node")) == 12 + 2  # 10 layers, the projection's conv and bn, input and output
    assert dashed_edges(svg) == 3
    assert texts(box_with(svg, "conv 512, 1x1 /2")) == ["0", "conv 512, 1x1 /2", "512x28x28"]  # downsample.0
    # what comes in goes by the block that made it, not by that block's last layer (relu_1)
    assert texts(box_with(svg, "input")) == ["input", "layer1.2", "256x56x56"]
    # layer2 with its 4 bottlenecks as boxes
    svg = ET.fromstring(draw(dot_source(net, 0, only="layer2"), "svg"))
    assert len(groups(svg, "node")) == 4 + 2
    assert len(groups(svg, "cluster")) == 1


def test_only_names_a_block_that_exists():
    run = archspec_cli("render", str(SPECS / "resnet50.arch"), "--only", "layer9", "--format", "dot", "-o", "-")
    assert run.returncode == 2
    assert run.stderr.decode().strip() == (
        "archspec render: error: ResNet50 has no block or sequence `layer9`; "
        "the top-level ones are layer1, layer2, layer3, layer4"
    )


@needs_dot
def test_collapsed_block_box_says_name_call_shape_and_params():
    svg = svg_of("resnet50.arch")
    layer1 = box_with(svg, "layer1")
    assert "bottleneck(width=64, stride=1) x3" in texts(layer1)
    # torchvision's resnet50.layer1 has 215,808 parameters (torchinfo's summary row)
    assert "256x56x56, 215,808 params" in texts(layer1)
    layer2 = box_with(svg, "layer2")
    assert texts(layer2)[1:3] == ["bottleneck(width=128, stride=2)", "bottleneck(width=128, stride=1) x3"]


@needs_dot
def test_lenet_boxes_in_lecture_notation():
    svg = svg_of("lenet5.arch", shapes="both")
    assert texts(box_with(svg, "c1")) == ["c1", "conv 6, 5x5", "6x28x28"]
    assert texts(box_with(svg, "s2")) == ["s2", "avgpool 2x2 /2", "6x14x14"]
    assert texts(box_with(svg, "f6")) == ["f6", "dense 84", "84"]
    # layers archspec named after their word (c1_tanh) show the word once
    assert ["tanh", "6x28x28"] in [texts(g) for g in groups(svg, "node")]
    # every edge is labelled with the shape it carries: 14 layer outputs into 14 boxes
    labels = [texts(g) for g in groups(svg, "edge")]
    assert len(labels) == 14
    assert ["6x28x28"] in labels and ["16x5x5"] in labels and ["120"] in labels


@needs_dot
def test_shortcuts_are_dashed_edges():
    # ResNet-18: 8 basic blocks; the first of layers 2-4 projects (1x1 conv + bn: 3 dashed edges), the other
    # 5 add their input itself (1 dashed edge): 9 + 5
    assert dashed_edges(svg_of("resnet18.arch", None)) == 14
    # ResNet-50: 16 bottlenecks, 4 projected (layer1.0 too: 64 -> 256 channels): 12 + 12
    assert dashed_edges(svg_of("resnet50.arch", None)) == 24
    # collapsed, the shortcuts are inside the boxes
    assert dashed_edges(svg_of("resnet50.arch", 0)) == 0
    # inception branches are no shortcuts
    assert dashed_edges(svg_of("googlenet.arch", None)) == 0


@needs_dot
def test_add_is_a_circle_and_concat_a_box():
    add = box_with(svg_of("resnet18.arch", None), "+")
    assert add.find(f"{SVG}ellipse") is not None and add.find(f"{SVG}polygon") is None
    concat = box_with(svg_of("googlenet.arch", 1), "concat")
    assert concat.find(f"{SVG}polygon") is not None
    assert "256x28x28" in texts(concat)  # inception (3a): 64 + 128 + 32 + 32 channels


@needs_dot
def test_legend_names_the_families_drawn():
    words = texts(svg_of("lenet5.arch"))
    assert {"conv", "pool", "dense", "activation", "reshape"} <= set(words)
    assert "norm" not in words and "block" not in words and "shortcut" not in words
    words = texts(svg_of("resnet50.arch", None))
    assert {"norm", "merge", "+ add", "shortcut"} <= set(words)


# ---------------------------------------------------------------------------- shortcuts, found in the graph


def _edges(text: str) -> set[tuple[str, str]]:
    net = archspec.loads(text)
    return {(net.nodes[a].path, net.nodes[b].path) for a, b in shortcut_edges(net.nodes)}


def test_identity_shortcut_is_the_edge_from_the_fork():
    text = "network R\ninput 8x8x8\nstem: conv 8 3x3 pad=1\nadd:\n    branch:\n        a: conv 8 3x3 pad=1\n"
    text += "        b: conv 8 3x3 pad=1\n    branch: identity\n"
    assert _edges(text) == {("stem", "add_1")}


def test_projection_shortcut_is_the_shorter_path():
    text = "network R\ninput 8x8x8\nstem: conv 8 3x3 pad=1\nadd:\n    branch:\n        a: conv 16 3x3 pad=1 bn relu\n"
    text += "        b: conv 16 3x3 pad=1 bn\n    shortcut: project\n"
    assert _edges(text) == {("stem", "shortcut"), ("shortcut", "shortcut_bn"), ("shortcut_bn", "add_1")}
    # a branch as short as the projection (conv, conv against conv, bn): neither is drawn as the shortcut
    text = text.replace(" bn relu\n", "\n").replace("pad=1 bn\n", "pad=1\n")
    assert _edges(text) == set()


def test_concat_of_equal_branches_has_no_shortcut_but_a_skip_connection_is_one():
    text = "network C\ninput 8x8x8\nconcat:\n    branch: conv 4 1x1\n    branch: conv 4 3x3 pad=1\n"
    assert _edges(text) == set()
    unet = "network U\ninput 8x16x16\nenc: conv 8 3x3 pad=1\nmaxpool 2x2 stride=2\nconv 8 3x3 pad=1\n"
    unet += "up: upsample 2\ncat: concat(up, enc)\n"
    assert _edges(unet) == {("enc", "cat")}


# ---------------------------------------------------------------------------- the command line


@needs_dot
def test_default_output_is_the_spec_name_in_the_current_directory(tmp_path):
    run = archspec_cli("render", str(SPECS / "lenet5.arch"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().strip() == "wrote lenet5.svg"
    svg = ET.parse(tmp_path / "lenet5.svg").getroot()
    assert len(groups(svg, "node")) == 15
    assert sorted(os.listdir(tmp_path)) == ["lenet5.svg"]  # no temporary file left behind


@needs_dot
def test_format_from_suffix_or_option(tmp_path):
    spec = str(SPECS / "resnet50.arch")
    assert archspec_cli("render", spec, "-o", str(tmp_path / "r.png")).returncode == 0
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG\r\n")
    assert archspec_cli("render", spec, "--format", "pdf", "-o", str(tmp_path / "r.out")).returncode == 0
    assert (tmp_path / "r.out").read_bytes().startswith(b"%PDF")
    run = archspec_cli("render", spec, "--format", "pdf", "--depth", "1", cwd=tmp_path)
    assert run.returncode == 0 and (tmp_path / "resnet50.pdf").exists()


@needs_dot
def test_output_to_stdout_and_left_to_right():
    run = archspec_cli("render", str(SPECS / "lenet5.arch"), "--direction", "LR", "-o", "-")
    assert run.returncode == 0
    svg = ET.fromstring(run.stdout)
    width, height = (float(svg.get(k).removesuffix("pt")) for k in ("width", "height"))
    assert width > 3 * height  # LeNet's strip lies on its side
    assert (
        b"rankdir=LR"
        in archspec_cli("render", str(SPECS / "lenet5.arch"), "--format", "dot", "--direction", "LR", "-o", "-").stdout
    )


def test_usage_errors(tmp_path):
    spec = str(SPECS / "lenet5.arch")
    run = archspec_cli("render", spec, "-o", str(tmp_path / "x.png"), "--format", "svg")
    assert run.returncode == 2 and b"-o" in run.stderr and not (tmp_path / "x.png").exists()
    run = archspec_cli("render", spec, "--expand", "--depth", "2")
    assert run.returncode == 2 and b"not allowed with" in run.stderr
    assert archspec_cli("render", spec, "--depth", "-1").returncode == 2
    assert archspec_cli("render", spec, "--format", "jpeg").returncode == 2
    run = archspec_cli("render", str(tmp_path / "missing.arch"))
    assert run.returncode == 2 and b"not found" in run.stderr
    run = archspec_cli("render", spec, "-o", str(tmp_path / "no" / "such" / "dir.svg"))
    assert run.returncode == 2 and b"cannot write" in run.stderr and b"Traceback" not in run.stderr


def test_bad_spec_prints_diagnostics_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.arch"
    bad.write_text("network B\ninput 1x28x28\nconv 8 30x30\n")
    out = tmp_path / "bad.dot"
    out.write_text("an older diagram")
    run = archspec_cli("render", str(bad), "-o", str(out), "--format", "dot")
    assert run.returncode == 1
    stderr = run.stderr.decode()
    assert "error[kernel-too-large]" in stderr and "bad.arch:3:8" in stderr and "Traceback" not in stderr
    assert out.read_text() == "an older diagram"
    assert sorted(os.listdir(tmp_path)) == ["bad.arch", "bad.dot"]


def test_a_file_of_blocks_only_has_nothing_to_draw(tmp_path):
    run = archspec_cli("render", str(SPECS / "blocks.arch"), "--format", "dot", cwd=tmp_path)
    assert run.returncode == 1
    assert b"no network to show; the file defines basic, bottleneck, bottleneck_grouped" in run.stderr
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------- without Graphviz


def test_dot_format_needs_no_graphviz(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()  # a PATH without `dot`
    run = archspec_cli("render", str(SPECS / "lenet5.arch"), "--format", "dot", cwd=tmp_path, env={"PATH": str(empty)})
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "lenet5.dot").read_text()
    assert text.startswith("digraph LeNet5 {")
    for box in ("n0", "n1", "n13", "output"):  # the input, c1, out_softmax and the output marker
        assert f"\t{box} [" in text
    assert "avgpool 2x2 /2" in text and "n13 -> output" in text


def test_missing_graphviz_is_one_line_with_a_hint_and_no_file(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    for fmt in ("svg", "png", "pdf"):
        run = archspec_cli(
            "render", str(SPECS / "lenet5.arch"), "--format", fmt, cwd=tmp_path, env={"PATH": str(empty)}
        )
        assert run.returncode == 1
        lines = run.stderr.decode().strip().splitlines()
        assert len(lines) == 1
        assert "`dot` program is not installed" in lines[0]
        assert "apt-get install graphviz" in lines[0] and "brew install graphviz" in lines[0]
        assert "--format dot" in lines[0]
    assert sorted(os.listdir(tmp_path)) == ["bin"]


def test_failing_dot_is_reported_and_writes_nothing(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    dot = fake / "dot"
    dot.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    dot.chmod(0o755)
    run = archspec_cli("render", str(SPECS / "lenet5.arch"), cwd=tmp_path, env={"PATH": str(fake)})
    assert run.returncode == 1
    assert (
        run.stderr.decode().strip() == "archspec render: error: Graphviz's `dot` failed: Error: syntax error in line 1"
    )
    assert sorted(os.listdir(tmp_path)) == ["bin"]


def test_draw_raises_draw_error_without_dot(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    source = dot_source(archspec.load(SPECS / "lenet5.arch"))
    assert draw(source, "dot") == source.encode()
    with pytest.raises(DrawError, match="apt-get install graphviz"):
        draw(source, "svg")


# ---------------------------------------------------------------------------- notebooks


@needs_dot
def test_notebook_svg_and_html():
    net = archspec.load(SPECS / "resnet50.arch")
    svg = ET.fromstring(net._repr_svg_())
    assert len(groups(svg, "node")) == 12  # collapsed, as counted by hand above
    html = net._repr_html_()
    assert "<svg" in html and "<?xml" not in html
    assert "25,557,032 params" in html and "4,089,184,256 MACs" in html  # torchvision's figures
    assert html.count("<tr>") == len(net.layers) + 1  # the header and every layer and block
    assert "<td>layer1</td><td>3 x bottleneck</td>" in html


def test_notebook_without_graphviz_keeps_the_table(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    net = archspec.load(SPECS / "lenet5.arch")
    assert net._repr_svg_() is None
    html = net._repr_html_()
    assert "<svg" not in html and "not installed" in html
    assert "<td>c1</td><td>conv 6, 5x5</td>" in html and "61,706 params" in html


def test_notebook_without_the_graphviz_package_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # `import graphviz` raises ImportError
    net = archspec.load(SPECS / "lenet5.arch")
    assert net._repr_svg_() is None
    html = net._repr_html_()
    assert "No diagram: the graphviz Python package is not installed (pip install graphviz)" in html
    assert "<td>c1</td><td>conv 6, 5x5</td>" in html


def test_notebook_file_of_blocks_only():
    net = archspec.load(SPECS / "blocks.arch")
    assert net._repr_svg_() is None
    assert "no network; defines basic, bottleneck, bottleneck_grouped" in net._repr_html_()


def test_render_and_tree_never_import_torch(tmp_path):
    # a stand-in `torch` package that leaves a mark when imported (as in test_cli)
    fake = tmp_path / "fake" / "torch"
    fake.mkdir(parents=True)
    mark = tmp_path / "imported"
    (fake / "__init__.py").write_text(f"open({str(mark)!r}, 'w').close()\n")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(ROOT)])}
    for args in (
        ("render", "specs/resnet50.arch", "--expand", "-o", str(tmp_path / "r.dot")),
        ("tree", "specs/resnet50.arch"),
    ):
        run = archspec_cli(*args, env=env)
        assert run.returncode == 0, run.stderr
    assert not mark.exists()
    probe = subprocess.run([sys.executable, "-c", "import torch"], env={**os.environ, **env}, timeout=60)
    assert probe.returncode == 0 and mark.exists()  # the stand-in does work


def test_missing_graphviz_python_package_is_one_line(tmp_path):
    # a stand-in `graphviz` package that fails to import, as if it were not installed
    fake = tmp_path / "fake" / "graphviz"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named graphviz')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(ROOT)])}
    run = archspec_cli("render", "specs/lenet5.arch", "--format", "dot", "-o", str(tmp_path / "x.dot"), env=env)
    assert run.returncode == 1
    assert run.stderr.decode().strip().splitlines() == [
        "archspec render: error: the `graphviz` Python package is missing: pip install graphviz"
    ]
    assert not (tmp_path / "x.dot").exists()


@needs_dot
def test_a_network_of_its_input_alone_draws():
    # nothing to key: the diagram is the input and output markers (Graphviz rejects an empty key row)
    net = archspec.loads("network Only\ninput 3x8x8\n")
    svg = ET.fromstring(draw(dot_source(net, 0), "svg"))
    assert [texts(g) for g in groups(svg, "node")] == [["input", "3x8x8"], ["output"]]


@needs_dot
def test_frozen_parts_are_marked():
    net = archspec.load(SPECS / "cats_vs_dogs_vgg16_finetune.arch")
    collapsed = ET.fromstring(draw(dot_source(net, 0), "svg"))
    assert "512x5x5, 14,714,688 params, 7,079,424 trainable" in texts(box_with(collapsed, "features"))
    assert any("17,992,001 params (10,356,737 trainable)" in t for t in texts(collapsed))
    expanded = ET.fromstring(draw(dot_source(net, None, only="features"), "svg"))
    frozen = [box for box in groups(expanded, "node") if "frozen" in texts(box)]
    assert len(frozen) == 10  # the 13 convolutions but the last three; ReLUs and poolings have no weights


@needs_dot
def test_every_written_name_shows_even_the_kinds_word():
    # `fc: dense 1000` and `maxpool: maxpool 3x3 ...` are names the spec wrote; `c1_tanh` archspec made up
    svg = svg_of("resnet50.arch")
    assert texts(box_with(svg, "fc")) == ["fc", "dense 1000", "1000"]
    assert texts(box_with(svg, "maxpool"))[:2] == ["maxpool", "maxpool 3x3 /2"]
    assert ["relu", "64x112x112"] in [texts(g) for g in groups(svg, "node")]  # conv1's relu: unnamed
    # Keras's layer names, written in the spec though they look made up
    svg = svg_of("mnist_keras.arch")
    assert texts(box_with(svg, "dense_1"))[:2] == ["dense_1", "dense 10"]
    assert texts(box_with(svg, "conv2d_3"))[0] == "conv2d_3"


# ---------------------------------------------------------------------------- --fold: a lecture table's rows


def edge_labels(svg: ET.Element) -> list[list[str]]:
    return [texts(g) for g in groups(svg, "edge") if texts(g)]


@needs_dot
@pytest.mark.parametrize(
    ("spec", "depth", "boxes"),
    [
        # LeNet-5's spec, a box per line: input; c1 (conv 6 5x5 tanh); s2; c3 (conv + tanh); s4; c5 (conv + tanh);
        # flatten; f6 (dense 84 tanh); out (dense 10 softmax); and the output marker: 10 (15 unfolded)
        ("lenet5.arch", None, 10),
        # ResNet-50 collapsed: input, conv1 (conv + bn1 + relu), maxpool, layer1..4, avgpool, fc, output: 10
        ("resnet50.arch", 0, 10),
        # ResNet-50 expanded: a bottleneck is conv1 + bn1 + relu, conv2 + bn2 + relu, conv3 + bn3, the add and
        # the relu after it: 5 boxes; the first of each layer has its projection (downsample: conv + bn) as a 6th.
        # 16 * 5 + 4 = 84, and input, conv1, maxpool, avgpool, fc, output: 90
        ("resnet50.arch", None, 90),
        # GoogLeNet expanded: an inception module is 4 branches (conv + relu; conv + relu twice; twice again;
        # maxpool, conv + relu) and the concat: 1 + 2 + 2 + 2 + 1 = 8, 9 modules 72. Outside: input, conv1 + relu,
        # pool1, norm1, conv2's two convs with their relus (2), norm2, pool2, pool3, pool4, avgpool, dropout,
        # flatten, linear + softmax: 14. 14 + 72 + output = 87. Collapsed: 14 + 9 + 1 = 24.
        ("googlenet.arch", None, 87),
        ("googlenet.arch", 0, 24),
    ],
)
def test_folded_box_counts_counted_by_hand(spec, depth, boxes):
    assert len(groups(svg_of(spec, depth, fold=True), "node")) == boxes


@needs_dot
def test_folded_boxes_read_as_the_lecture_tables_rows():
    svg = svg_of("lenet5.arch", fold=True)
    assert texts(box_with(svg, "c1")) == ["c1", "conv 6, 5x5, tanh", "6x28x28"]
    assert texts(box_with(svg, "f6")) == ["f6", "dense 84, tanh", "84"]
    assert texts(box_with(svg, "out")) == ["out", "dense 10, softmax", "10"]
    assert texts(box_with(svg, "s2")) == ["s2", "avgpool 2x2 /2", "6x14x14"]  # nothing to fold
    assert "activation" not in texts(svg)  # no activation is drawn: none in the key
    svg = svg_of("resnet50.arch", fold=True)
    assert texts(box_with(svg, "conv1")) == ["conv1", "conv 64, 7x7 /2, bn, relu", "64x112x112"]
    # edges stay right: LeNet's 9 arrows between 10 boxes carry the folded boxes' last shapes
    labels = edge_labels(svg_of("lenet5.arch", None, fold=True, shapes="edges"))
    assert labels == [
        ["1x32x32"],
        ["6x28x28"],
        ["6x14x14"],
        ["16x10x10"],
        ["16x5x5"],
        ["120x1x1"],
        ["120"],
        ["84"],
        ["10"],
    ]


@needs_dot
def test_folded_residual_blocks_keep_shortcuts_and_the_add():
    svg = svg_of("resnet50.arch", None, fold=True)
    # 12 identity shortcuts (1 dashed edge each) and 4 projections, folded to one box: into it and out of it
    assert dashed_edges(svg) == 12 + 4 * 2
    assert add_circles(svg) == 16
    net = archspec.load(SPECS / "resnet50.arch")
    one = ET.fromstring(draw(dot_source(net, None, only="layer2.0", fold=True), "svg"))
    # conv1, conv2, conv3 (each with its bn and relu but the last), downsample, +, relu, input, output
    assert len(groups(one, "node")) == 8
    # the projection's sequence of conv and bn is one box named after it, with no frame of its own
    assert texts(box_with(one, "downsample")) == ["downsample", "conv 512, 1x1 /2, bn", "512x28x28"]
    assert len(groups(one, "cluster")) == 1
    assert texts(box_with(one, "conv2")) == ["conv2", "conv 128, 3x3 /2, bn, relu", "128x28x28"]
    assert dashed_edges(one) == 2


def add_circles(svg: ET.Element) -> int:
    return sum(1 for g in groups(svg, "node") if texts(g) == ["+"] and g.find(f"{SVG}ellipse") is not None)


@needs_dot
def test_folded_inception_branches():
    net = archspec.load(SPECS / "googlenet.arch")
    svg = ET.fromstring(draw(dot_source(net, None, only="inc3a", fold=True), "svg"))
    assert len(groups(svg, "node")) == 8 + 2  # the module's 8 boxes, input and output markers
    words = texts(svg)
    for row in ("conv 64, 1x1, relu", "conv 128, 3x3, relu", "conv 32, 5x5, relu", "maxpool 3x3", "conv 32, 1x1, relu"):
        assert row in words
    assert len(groups(svg, "edge")) == 4 + 3 + 4 + 1  # into the branches, along them, into the concat, out


def test_fold_stays_inside_a_block_and_a_chain():
    # the relu after a block is not the block's; a conv whose output two layers take folds nothing
    text = """network F
block b(c):
    conv c 3x3 pad=1
input 4x8x8
x: b(4)
relu
y: conv 4 1x1
a: relu
add(y, x)
"""
    from archspec.views.diagram import fold_chains

    net = archspec.loads(text)
    assert fold_chains(net) == {}
    net = archspec.loads("network G\ninput 4x8x8\nconv 4 3x3 bn relu dropout 0.5 relu\n")
    assert fold_chains(net) == {1: (2, 3)}  # conv, bn, relu; the dropout stops it


# ---------------------------------------------------------------------------- --shapes


@needs_dot
def test_shapes_on_boxes_edges_or_both():
    # LeNet-5 unfolded: 14 layer boxes, 14 arrows between its 15 boxes (the input and output markers among them)
    boxes = svg_of("lenet5.arch", shapes="boxes")
    assert edge_labels(boxes) == []
    assert texts(box_with(boxes, "c1")) == ["c1", "conv 6, 5x5", "6x28x28"]
    assert texts(box_with(boxes, "output")) == ["output"]  # the last box says it
    edges = svg_of("lenet5.arch", shapes="edges")
    assert len(edge_labels(edges)) == 14
    assert texts(box_with(edges, "c1")) == ["c1", "conv 6, 5x5"]
    assert texts(box_with(edges, "input")) == ["input"]  # the arrow out of it says it
    both = svg_of("lenet5.arch", shapes="both")
    assert len(edge_labels(both)) == 14
    assert texts(box_with(both, "c1")) == ["c1", "conv 6, 5x5", "6x28x28"]
    assert texts(box_with(both, "output")) == ["output", "10"]
    # a collapsed block keeps its parameters, without the shape, on edges
    layer1 = box_with(svg_of("resnet50.arch", shapes="edges"), "layer1")
    assert texts(layer1)[-1] == "215,808 params"
    with pytest.raises(ValueError, match="shapes must be one of boxes, edges, both"):
        dot_source(archspec.load(SPECS / "lenet5.arch"), shapes="arrows")


# ---------------------------------------------------------------------------- --dpi


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk: 4 bytes each, big-endian, after the 8-byte signature
    and the chunk's length and type."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@needs_dot
def test_png_size_follows_dpi(tmp_path):
    spec = str(SPECS / "lenet5.arch")
    sizes = {}
    for dpi in (72, 144, None):
        out = tmp_path / f"{dpi}.png"
        run = archspec_cli("render", spec, "-o", str(out), *(["--dpi", str(dpi)] if dpi else []))
        assert run.returncode == 0, run.stderr
        sizes[dpi] = png_size(out.read_bytes())
    (w72, h72), (w144, h144), (w, h) = sizes[72], sizes[144], sizes[None]
    assert abs(w144 - 2 * w72) <= 2 and abs(h144 - 2 * h72) <= 2
    assert abs(w - w72 * 150 / 72) <= 3 and abs(h - h72 * 150 / 72) <= 3  # the default: 150 dpi
    dot = archspec_cli("render", spec, "--format", "dot", "--dpi", "300", "-o", "-").stdout.decode()
    assert "dpi=300" in dot
    assert "dpi" not in archspec_cli("render", spec, "--format", "dot", "-o", "-").stdout.decode()


def test_dpi_is_for_png():
    spec = str(SPECS / "lenet5.arch")
    run = archspec_cli("render", spec, "--format", "svg", "--dpi", "300", "-o", "-")
    assert run.returncode == 2 and b"--dpi sets a PNG's resolution; svg is drawn in points" in run.stderr
    run = archspec_cli("render", spec, "--dpi", "0", "-o", "x.png")
    assert run.returncode == 2 and b"expected a whole number above 0" in run.stderr


# ---------------------------------------------------------------------------- --block


def block_svg(*args: str) -> ET.Element:
    run = archspec_cli("render", str(SPECS / "blocks.arch"), "--block", "bottleneck", *args, "-o", "-")
    assert run.returncode == 0, run.stderr
    return ET.fromstring(run.stdout)


@needs_dot
def test_one_block_of_a_blocks_file():
    # bottleneck(64) on 256x56x56: conv1 bn1 relu, conv2 bn2 relu, conv3 bn3, add, relu: 10 layers; the shortcut
    # is the input itself (256 channels in and out, stride 1): one dashed edge. Input and output markers: 12.
    svg = block_svg("--input", "256x56x56", "width=64")
    assert len(groups(svg, "node")) == 10 + 2
    assert dashed_edges(svg) == 1
    assert "bottleneck(width=64, stride=1)" in texts(svg)  # the title is the call
    assert texts(box_with(svg, "input")) == ["input", "256x56x56"]
    # stride=2: the shapes differ, so the shortcut projects: downsample.0 (conv 256 1x1 /2) and .1 (bn), on the
    # dashed path: into the conv, into the bn, into the add. 12 + 2 = 14.
    svg = block_svg("--input", "256x56x56", "width=64", "stride=2")
    assert len(groups(svg, "node")) == 14
    assert dashed_edges(svg) == 3
    assert texts(box_with(svg, "conv 256, 1x1 /2")) == ["0", "conv 256, 1x1 /2", "256x28x28"]
    assert "input 256x56x56, output 256x28x28, 136,448 params, 144,506,880 MACs" in texts(svg)
    # folded: conv1, conv2, conv3, downsample, +, relu and the markers
    svg = block_svg("--input", "256x56x56", "width=64", "stride=2", "--fold")
    assert len(groups(svg, "node")) == 8
    assert texts(box_with(svg, "downsample")) == ["downsample", "conv 256, 1x1 /2, bn", "256x28x28"]


def test_block_errors_are_usage_errors(tmp_path):
    blocks = str(SPECS / "blocks.arch")

    def render(*args: str) -> tuple[int, str]:
        run = archspec_cli("render", blocks, *args, "--format", "dot", cwd=tmp_path)
        return run.returncode, run.stderr.decode()

    code, err = render("--block", "bottleneek", "--input", "256x56x56")
    assert (
        code == 2
        and f"error: {blocks} has no block `bottleneek`; it defines basic, bottleneck, bottleneck_grouped" in err
    )
    code, err = render("--block", "bottleneck", "width=64")
    assert code == 2 and "--block bottleneck needs the shape it takes: --input SHAPE" in err
    code, err = render("--block", "bottleneck", "--input", "256by56", "width=64")
    assert code == 2 and "`input` must be a shape like '256x56x56', not '256by56'" in err
    code, err = render("--block", "bottleneck", "--input", "256x56x56", "width")
    assert code == 2 and "`width` is not an argument: write ARG=VALUE" in err
    code, err = render("--block", "bottleneck", "--input", "256x56x56", "width=64", "depth=3")
    assert code == 2 and "depth" in err and "cannot call bottleneck(width=64, depth=3) on 256x56x56" in err
    code, err = render("--block", "bottleneck", "--input", "256x56x56")  # width has no default
    assert code == 2 and "width" in err and "Traceback" not in err
    code, err = render("--input", "256x56x56")
    assert code == 2 and "--input is for --block NAME" in err
    assert os.listdir(tmp_path) == []


def test_a_block_draws_to_its_own_name(tmp_path):
    run = archspec_cli(
        "render", str(SPECS / "blocks.arch"), "--block", "basic", "--input", "64x56x56", "width=64", "--format", "dot",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert os.listdir(tmp_path) == ["basic.dot"]


# ---------------------------------------------------------------------------- every spec in every mode


@needs_dot
@pytest.mark.parametrize("spec", ZOO, ids=lambda p: p.stem)
def test_every_spec_draws_in_every_mode(spec):
    from archspec.views.diagram import fold_chains

    net = archspec.load(spec)
    folded = sum(len(chain) for chain in fold_chains(net).values())
    for depth, shapes in ((None, "edges"), (0, "both"), (1, "boxes")):
        svg = ET.fromstring(draw(dot_source(net, depth, fold=True, shapes=shapes), "svg"))
        if depth is None:  # every layer a box, less those folded into the box before them and shared parts
            assert len(groups(svg, "node")) == len(net.nodes) + 1 - folded - shared_parts(net)
        assert {"input", "output"} <= set(texts(svg))
    svg = ET.fromstring(draw(dot_source(net, None, direction="LR", shapes="edges"), "svg"))
    assert len(groups(svg, "node")) == len(net.nodes) - shared_parts(net) + 1
