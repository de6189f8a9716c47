"""`archspec explain` and `archspec calc`: the formulas with the numbers put in, checked against the
lecture notes' derivations and against the analyzer (itself checked against torch); calc answers the
seed's quiz questions."""

from __future__ import annotations

import json
import math

import pytest
from conftest import SPECS
from test_cli import archspec as run_cli

import archspec
from archspec.i18n import KO, translator
from archspec.layers import ALL
from archspec.teaching.explain import explain, render_text, select

EN, KO_T = translator("en"), translator("ko")

# one layer of every kind: (input, the layer's lines), the layer named `x`
KIND_CASES = {
    "conv": ("1x32x32", "x: conv 6 5x5"),
    "grouped conv": ("8x16x16", "x: conv 8 3x3 pad=1 groups=4"),
    "dilated conv": ("3x16x16", "x: conv 4 3x3 dilation=2"),
    "conv same": ("3x32x32", "x: conv 64 3x3 pad=same bias=false"),
    "dwconv": ("8x16x16", "x: dwconv 3x3 pad=1 multiplier=2"),
    "sepconv": ("8x16x16", "x: sepconv 16 3x3 pad=1"),
    "deconv": ("8x7x7", "x: deconv 4 3x3 stride=2 pad=1 output_padding=1"),
    "maxpool": ("4x5x5", "x: maxpool 2x2 stride=2 pad=1 ceil_mode=true"),
    "avgpool": ("6x28x28", "x: avgpool 2x2 stride=2"),
    "avgpool to": ("6x13x13", "x: avgpool to 6x6"),
    "adaptive_avgpool": ("256x13x13", "x: adaptive_avgpool 6x6"),
    "adaptive_maxpool": ("16x10x10", "x: adaptive_maxpool 3"),
    "global_avgpool": ("64x7x7", "x: global_avgpool"),
    "global_maxpool": ("64x7x7", "x: global_maxpool"),
    "dense": ("400", "x: dense 120"),
    "flatten": ("16x5x5", "x: flatten"),
    "identity": ("3x8x8", "x: identity"),
    "dropout": ("100", "x: dropout 0.5"),
    "batchnorm": ("64x8x8", "x: batchnorm"),
    "layernorm": ("4x8x8", "x: layernorm"),
    "lrn": ("96x55x55", "x: lrn 5"),
    "groupnorm": ("64x8x8", "x: groupnorm 32"),
    "layernorm2d": ("96x8x8", "x: layernorm2d eps=1e-6"),
    "layer_scale": ("96x8x8", "x: layer_scale 1e-6"),
    "stochastic_depth": ("96x8x8", "x: stochastic_depth 0.1"),
    "relu": ("3x8x8", "x: relu"),
    "softmax": ("10", "x: softmax"),
    "shuffle": ("8x4x4", "x: shuffle 2"),
    "slice": ("8x4x4", "x: slice 2 6"),
    "slice to the end": ("8x4x4", "x: slice 5"),
    "chunk": ("8x4x4", "a, x: chunk 2\nconcat(a, x)"),
    "split": ("8x4x4", "x, b: split (3, 5)\nconcat(x, b)"),
    "upsample": ("3x8x8", "x: upsample 2"),
    "rescale": ("3x8x8", "x: rescale 0.5"),
    "random_flip": ("3x8x8", "x: random_flip horizontal"),
    "random_rotation": ("3x8x8", "x: random_rotation 0.1"),
    "random_zoom": ("3x8x8", "x: random_zoom 0.2"),
    "preprocess": ("3x8x8", "x: preprocess caffe"),
    "concat": (
        "192x28x28",
        "x: concat:\n    branch: conv 64 1x1\n    branch:\n        conv 96 1x1\n        conv 128 3x3 pad=1",
    ),
    "add": ("64x8x8", "x: add:\n    branch: conv 64 3x3 pad=1\n    branch: identity"),
    "mul": ("64x8x8", "x: mul:\n    branch: identity\n    branch: avgpool to 1x1"),
}


def load_case(case: str):
    shape, lines = KIND_CASES[case]
    return archspec.loads(f"network K\ninput {shape}\n{lines}\n")


def the_layer(net):
    (e,) = explain(net, select(net, ["x"]))[-1:]  # a merge: the merge node is the last of its block
    return e


def test_every_kind_has_a_case():
    names = {kind.name for kind in ALL}
    covered = {load_case(c).nodes[-1].kind.name for c in KIND_CASES}
    assert names <= covered | {
        "relu6",
        "leaky_relu",
        "elu",
        "tanh",
        "sigmoid",
        "gelu",
        "silu",
        "hardswish",
        "hardsigmoid",
    }


def evaluate(numbers: str) -> float:
    return eval(numbers, {"__builtins__": {}}, {"floor": math.floor, "ceil": math.ceil, "min": min, "max": max})


def check_steps(net, node_explanation):
    """Every step's numbers evaluate to its result, and the results are the analyzer's."""
    e = node_explanation
    node = e.node
    quantities = {}
    for step in e.steps:
        if isinstance(step.result, int) and step.quantity != "shape":
            assert evaluate(step.numbers) == step.result, step
        quantities.setdefault(step.quantity, []).append(step.result)
    assert quantities.get("params", [0]) == [node.params]
    assert quantities.get("buffers", [0]) == [node.buffers]
    assert quantities.get("macs", [0]) == [node.macs]
    if "size" in quantities:
        assert tuple(quantities["size"]) == node.shape[1:]
    if "channels" in quantities:
        assert quantities["channels"] == [node.shape[0]]
    if "features" in quantities:
        assert quantities["features"] == [node.shape[0]] and len(node.shape) == 1
    if "shape" in quantities:
        assert quantities["shape"] == [node.shape]
    for step in e.rf_steps:
        if step.quantity in ("rf", "jump", "start") and not isinstance(step.result, tuple):
            assert evaluate(step.numbers) == pytest.approx(float(step.result)), step


@pytest.mark.parametrize("case", KIND_CASES)
def test_each_kind_explains_itself_with_the_analyzers_numbers(case):
    net = load_case(case)
    check_steps(net, the_layer(net))


@pytest.mark.parametrize("spec", ["lenet5", "alexnet", "googlenet", "resnet50", "vgg11_lrn", "alexnet_paper"])
def test_zoo_explanations_agree_with_the_analyzer(spec):
    net = archspec.load(SPECS / f"{spec}.arch")
    for e in explain(net, select(net, [])):
        check_steps(net, e)


def test_lenet_c1_as_the_lecture_derives_it():
    # seed 000 sec. 6 (output size formula (W - F + 2P)/S + 1) and 003 (C1: 6 maps of 28x28, 156 weights)
    net = archspec.load(SPECS / "lenet5.arch")
    text = render_text(explain(net, select(net, ["c1"])), EN)
    assert "H = floor((H_in + 2*P - K) / S) + 1 = floor((32 + 2*0 - 5) / 1) + 1 = 28" in text
    assert "params = (K_h*K_w*C_in + 1) * C_out = (5*5*1 + 1) * 6 = 156" in text
    assert "= (28*28*6) * (5*5*1) = 117,600" in text
    assert "r = r_in + (K - 1) * j_in = 1 + (5 - 1)*1 = 5" in text


def test_alexnet_conv1_as_the_lecture_derives_it():
    # seed 002 sec. 5.3: (227 - 11) / 4 + 1 = 55
    result = run_cli("calc", "conv 96 11x11 stride=4", "--input", "3x227x227")
    assert result.returncode == 0, result.stderr
    assert "floor((227 + 2*0 - 11) / 4) + 1 = 55" in result.stdout


def calc_json(ops: str, shape: str) -> dict:
    result = run_cli("calc", ops, "--input", shape, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_quiz_64_channels_into_128_1x1_filters():
    # seed 004 quiz: output depth and parameter count
    out = calc_json("conv 128 1x1", "64x32x32")
    assert out["output"][0] == 128
    assert out["params"] == 8320  # (1*1*64 + 1) * 128


def test_quiz_10_channels_6_filters_of_5x5():
    # seed 004 quiz: the total number of weights (without the 6 biases)
    assert calc_json("conv 6 5x5 bias=false", "10x32x32")["params"] == 1500


@pytest.mark.parametrize("ops, output", [("conv 64 3x3", [64, 30, 30]), ("conv 64 3x3 pad=same", [64, 32, 32])])
def test_quiz_3_to_64_channels_3x3_on_32x32(ops, output):
    # seed 004 quiz: parameters and output size (valid or same padding)
    out = calc_json(ops, "3x32x32")
    assert out["params"] == 1792  # (3*3*3 + 1) * 64
    assert out["output"] == output


def test_inception_cost_with_and_without_the_1x1_reduction():
    # seed 002 sec. 5.5.3: (32x32x200)x(5x5x32) = 163,840,000 multiplications ("about 163 million");
    # with a 1x1 reduction to 16 first: (32x32x200)x(1x1x16) + (32x32x16)x(5x5x32) = 3,276,800 + 13,107,200
    naive = calc_json("conv 32 5x5 pad=2", "200x32x32")
    assert naive["macs"] == 163_840_000
    reduced = calc_json("conv 16 1x1; conv 32 5x5 pad=same", "200x32x32")
    assert [layer["macs"] for layer in reduced["layers"]] == [3_276_800, 13_107_200]
    assert reduced["macs"] == 16_384_000
    text = run_cli("calc", "conv 32 5x5 pad=2", "--input", "200x32x32").stdout
    assert "163,840,000" in text


def test_calc_totals_of_a_small_layer():
    # LeNet-5's output layer (seed 003): 84 inputs, 10 units, 84*10 weights + 10 biases; a number under
    # a thousand has no rounded form beside it
    text = run_cli("calc", "dense 10", "--input", "84").stdout.splitlines()
    assert text[-3:] == ["Total params: 850", "MACs: 840", "Output shape: 10"]


def test_calc_errors_point_into_the_command_line():
    result = run_cli("calc", "conv 16 1x1;  conv 32 50x50", "--input", "200x32x32")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:5] == [
        "error[kernel-too-large]: kernel 50x50 does not fit the 32x32 input",
        "  --> <command line>:1:23",
        "  |",
        "1 | conv 16 1x1;  conv 32 50x50",
        "  |                       ^^^^^ input 16x32x32",
    ]
    result = run_cli("calc", "conv 16 1x1; cnv 3x3", "--input", "3x8x8")
    assert result.returncode == 1 and "did you mean `conv`?" in result.stderr
    assert "^^^" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["conv 3 3x3", "--input", "3xx8"], [" ; ", "--input", "3x8x8"], ["conv 3 3x3"]])
def test_calc_usage_errors(args):
    result = run_cli("calc", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_explain_cli_selects_layers_and_suggests_names():
    result = run_cli("explain", str(SPECS / "alexnet.arch"), "features.3", "avgpool")
    assert result.returncode == 0
    assert [line.split(":")[0] for line in result.stdout.splitlines() if line and not line[0].isspace()] == [
        "features.3",
        "avgpool",
    ]
    wrong = run_cli("explain", str(SPECS / "alexnet.arch"), "avgpol")
    assert wrong.returncode == 2
    assert "no layer `avgpol`" in wrong.stderr and "did you mean `avgpool`?" in wrong.stderr
    far = run_cli("explain", str(SPECS / "lenet5.arch"), "c9")  # close to none: the names to choose from
    assert far.returncode == 2
    assert "no layer `c9` in" in far.stderr and "the spec names `c1`, `s2`, `c3`, `s4`, `c5`, `f6`, `out`" in far.stderr
    block = run_cli("explain", str(SPECS / "resnet50.arch"), "layer1.0", "--json")
    paths = [layer["path"] for layer in json.loads(block.stdout)]
    assert paths[0] == "layer1.0.conv1" and all(p.startswith("layer1.0.") for p in paths)
    assert run_cli("explain", "--help").returncode == 0
    ten = run_cli("explain", str(SPECS / "resnet18.arch"), "fc", "--set", "num_classes=10")
    assert ten.returncode == 0 and ten.stdout.startswith("fc: dense 10  [fully connected layer]\n")
    assert "(512 + 1) * 10 = 5,130" in ten.stdout
    assert run_cli("explain", "missing.arch").returncode == 2


@pytest.mark.parametrize("case", KIND_CASES)
def test_korean_output_for_each_kind(case):
    net = load_case(case)
    e = the_layer(net)
    text = render_text([e], KO_T)
    assert KO[e.node.kind.title] in text
    assert "파라미터 수" in text
    for step in e.steps:
        if step.note:
            assert KO_T(step.note, *step.args) != step.note.format(*step.args), step.note  # translated
        assert step.formula == KO_T(step.formula) or step.formula in KO  # words are translated
    if e.rf_steps:
        assert "수용 영역" in text


def test_korean_labels_align_in_terminal_cells():
    from rich.cells import cell_len

    net = load_case("conv")
    lines = render_text([the_layer(net)], KO_T).splitlines()[2:]
    columns = {cell_len(line.split(" = ")[0].rsplit(" ", 1)[0]) for line in lines}
    assert len(columns) == 1, lines  # every formula starts in the same terminal column


def test_every_kind_title_is_translated():
    assert all(kind.title and kind.title in KO for kind in ALL)


def test_lang_from_the_environment():
    korean = run_cli("calc", "conv 6 5x5", "--input", "1x32x32", env={"LANG": "ko_KR.UTF-8", "LC_ALL": ""})
    assert "합성곱층" in korean.stdout and "출력 크기" in korean.stdout
    english = run_cli("calc", "conv 6 5x5", "--input", "1x32x32", env={"LANG": "C.UTF-8", "LC_ALL": ""})
    assert "convolutional layer" in english.stdout
    forced = run_cli("calc", "conv 6 5x5", "--input", "1x32x32", "--lang", "en", env={"LC_ALL": "ko_KR.UTF-8"})
    assert "convolutional layer" in forced.stdout


def test_calc_help():
    result = run_cli("calc", "--help")
    assert result.returncode == 0 and "--input" in result.stdout and "--lang" in result.stdout


def test_calc_json_with_an_error():
    result = run_cli("calc", "conv 3 9x9", "--input", "3x8x8", "--json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["ok"] is False and out["diagnostics"][0]["code"] == "kernel-too-large"
    assert (out["diagnostics"][0]["file"], out["diagnostics"][0]["column"]) == ("<command line>", 8)


def test_every_message_the_teaching_commands_translate_has_korean():
    import re
    from pathlib import Path

    root = Path(archspec.__file__).parent / "teaching"
    source = "\n".join((root / name).read_text() for name in ("explain.py", "teach.py", "quiz.py"))
    messages = set(re.findall(r'\bt\(\s*"([^"]+)"', source))
    from archspec.teaching.explain import LABELS
    from archspec.teaching.quiz import LABELS as QUIZ_LABELS
    from archspec.teaching.quiz import QUESTIONS

    messages |= {*LABELS.values(), *QUIZ_LABELS.values(), *QUESTIONS.values(), "right", "wrong", "missing"}
    messages |= {"Layer", "Question", "Answer", "Correct", "Result", "channels-first", "channels-last"}
    quiz_source = (root / "quiz.py").read_text()
    messages |= set(re.findall(r'"([^"{\n]*\{0\}[^"\n]*)"', quiz_source))  # the notes on answers
    assert len(messages) > 20
    assert sorted(m for m in messages if m not in KO) == []


def test_calc_checks_an_answer_written_as_expect():
    # seed 004 quiz: 3 -> 64 channels, 3x3 on 32x32 without padding gives 30x30, not 32x32
    wrong = run_cli("calc", "conv 64 3x3 expect 64x32x32", "--input", "3x32x32", "--json")
    assert wrong.returncode == 1
    out = json.loads(wrong.stdout)
    assert out["ok"] is False and [d["code"] for d in out["diagnostics"]] == ["expect-failed"]
    assert out["output"] == [64, 30, 30]  # the numbers are still given
    right = run_cli("calc", "conv 64 3x3 expect 64x30x30 params=1792", "--input", "3x32x32")
    assert right.returncode == 0 and right.stderr == ""


def test_explain_json_of_a_spec_with_errors(tmp_path):
    # as calc --json and quiz --json: an object with ok=false and the diagnostics, not an empty stdout
    spec = tmp_path / "bad.arch"
    spec.write_text("network N\ninput 3x8x8\nc: conv 4 9x9\n")
    result = run_cli("explain", str(spec), "--json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["ok"] is False and [(d["code"], d["line"]) for d in out["diagnostics"]] == [("kernel-too-large", 3)]


def test_explain_a_network_of_its_input_alone(tmp_path):
    spec = tmp_path / "in.arch"
    spec.write_text("network N\ninput 3x8x8\n")
    result = run_cli("explain", str(spec))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"{spec}: no layer to explain: the network is its input alone\n"


def test_a_layer_that_keeps_positions_keeps_the_field():
    # tanh acts on each value alone: C1's 5x5 field (seed 003) passes through it unchanged, written as such
    net = archspec.load(SPECS / "lenet5.arch")
    text = render_text(explain(net, select(net, ["c1_tanh"])), EN)
    assert "r = r_in = 5  (5x5 of the input)" in text and "j = j_in = 1" in text and "start = start_in = 2" in text
    assert "(1 - 1)" not in text


def test_calc_warns_about_a_channels_last_input_in_its_own_terms():
    # Keras writes a 32x32 RGB image 32x32x3; in calc the fix is the --input option, not an `input` line
    result = run_cli("calc", "conv 16 3x3", "--input", "32x32x3")
    assert result.returncode == 0
    assert "help: write `--input 3x32x32`" in result.stderr


def test_what_offset_and_start_are_is_said_once():
    result = run_cli("explain", str(SPECS / "lenet5.arch"), "c1", "s2", "c3")
    starts = [line for line in result.stdout.splitlines() if line.lstrip().startswith("start ")]
    assert len(starts) == 3 and "(offset: the centre of this layer's first window" in starts[0]
    assert starts[1].endswith("= 2.5") and "offset:" not in starts[1] + starts[2]
