"""`archspec quiz --make`: which questions a sheet asks, the key always written, variants, the
Moodle and printable exports; and the grading policy (`--exact`, `--tolerance`)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import SPECS
from test_cli import archspec as run_cli

import archspec
from archspec.analysis.load import analyse_file
from archspec.i18n import translator
from archspec.teaching.moodle import to_moodle, to_print
from archspec.teaching.quiz import LABELS, Policy, build, candidates, grade

CIFAR = str(SPECS / "cifar10_net.arch")
GENERATED = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*_[0-9]+")  # conv_4, flatten_1, conv1_relu_1


def generated_names(net) -> set[str]:
    return {n.path for n in net.nodes if n.generated} | {g.path for g in net.groups if g.generated}


@pytest.mark.parametrize("spec", ["googlenet", "lenet5", "resnet50", "cifar10_net"])
def test_questions_are_about_what_the_spec_names_and_not_fixed_by_the_kind(spec):
    net = archspec.load(SPECS / f"{spec}.arch")
    nodes = {n.path: n for n in net.nodes}
    made = generated_names(net)
    pool = candidates(net)
    assert pool and len({(q.layer, q.field) for q in pool}) == len(pool)
    for q in pool:
        assert q.layer not in made and not any(q.layer.startswith(p + ".") for p in made), q
        assert not GENERATED.fullmatch(q.layer.rsplit(".", 1)[-1]), q
        node = nodes.get(q.layer)
        if node is None:
            continue  # a block, a sequence or the total
        family = node.kind.family
        assert family not in ("activation", "regularization"), q
        if q.field == "params":
            assert family not in ("pool", "reshape", "merge"), q  # always 0
        if q.field == "rf":  # flatten, dense and global pooling see the whole input
            assert family in ("conv", "pool") and not node.kind.name.startswith("global_"), q
        for option in ("stride", "pad", "dilation", "groups", "ceil_mode"):  # every option stated
            if option in node.options:
                assert f"{option}=" in q.statement, q


def test_cifar10_asks_23_questions():
    # by hand: conv1 and conv2 output, params, MACs, rf (8); pool1 and pool2 output, rf (4);
    # fc1..fc3 output, params, MACs (9); total params and MACs (2). No flatten, no pool params.
    pool = candidates(archspec.load(CIFAR))
    assert len(pool) == 23
    assert [(q.layer, q.field) for q in pool if q.layer == "pool1"] == [("pool1", "output"), ("pool1", "rf")]
    assert (
        next(q for q in pool if q.layer == "pool1").statement == "maxpool 2x2 stride=2 pad=0 ceil_mode=false dilation=1"
    )


def test_googlenet_asks_about_its_inception_rows_not_their_generated_layers():
    net = archspec.load(SPECS / "googlenet.arch")
    pool = candidates(net)
    layers = {q.layer for q in pool}
    assert not any(layer.startswith("inc") and "." in layer for layer in layers)  # inc4b.conv_4, inc3a.maxpool_1
    assert {"inc3a", "inc4e", "inc5b"} <= layers
    inc3a = {q.field: q for q in pool if q.layer == "inc3a"}
    assert inc3a["output"].statement == "inception(n1=64, r3=96, n3=128, r5=16, n5=32, pp=32)"
    made = build(net, "googlenet.arch", 100, 0)
    assert made.answers[("inc3a", "output")] == "256x28x28"  # seed 002's table: 28x28x256
    # `conv2: conv 64 1x1 relu conv 192 3x3`: the label reads as the whole line, so it is not asked
    assert "conv2" not in layers
    pool1 = next(q for q in pool if q.layer == "pool1")
    assert "stride=2" in pool1.statement and "ceil_mode=true" in pool1.statement


def test_more_questions_than_the_spec_gives_are_said_so_and_the_key_is_written(tmp_path):
    result = run_cli("quiz", CIFAR, "--make", "--count", "40", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"asked for 40 questions; {CIFAR} gives 23: one per quantity of a layer or block it names that the kind "
        "does not fix",
        "wrote the answer key to cifar10_net-quiz-key.toml",
    ]
    key = tmp_path / "cifar10_net-quiz-key.toml"
    assert grade(archspec.load(CIFAR), key.read_text(), "key.toml").all_right
    sheet = tmp_path / "q.toml"
    beside = run_cli("quiz", CIFAR, "--make", "--count", "5", "-o", str(sheet), cwd=tmp_path)
    assert beside.stderr == f"wrote the answer key to {tmp_path / 'q-key.toml'}\n"
    assert (tmp_path / "q-key.toml").exists()


# ----------------------------------------------------------------------------- grading policy


@pytest.mark.parametrize(
    "policy, answer, right",
    [
        ([], '"0.1M"', False),  # one significant digit
        ([], '"62K"', True),
        ([], '"0.062M"', True),
        ([], '"61K"', False),  # 62,006 rounds to 62K
        ([], '"62,006"', True),
        ([], "62000", False),  # a whole number is read as exact
        (["--exact"], '"62K"', False),
        (["--exact"], '"62,006"', True),
        (["--exact"], '"62.006K"', True),
        (["--tolerance", "0.05"], '"60K"', True),  # 3.2% off
        (["--tolerance", "0.05"], '"66K"', False),  # 6.4% off
        (["--tolerance", "0.05"], '"0.1M"', False),
    ],
)
def test_grading_policy_for_params(tmp_path, policy, answer, right):
    # 62,006: the PyTorch tutorial's CIFAR-10 net (seed 004): (5*5*3+1)*6 + (5*5*6+1)*16 + 401*120 + 121*84 + 85*10
    sheet = tmp_path / "s.toml"
    sheet.write_text(f"[total]\nparams = {answer}\n")
    result = run_cli("quiz", CIFAR, "--answers", str(sheet), "--json", *policy)
    out = json.loads(result.stdout)
    assert out["marks"][0]["result"] == ("right" if right else "wrong"), out
    assert out["policy"]["name"] == {0: "rounded", 1: "exact", 2: "tolerance"}[len(policy)]


@pytest.mark.parametrize(
    "answer, right", [("1M", False), ("650K", False), ("652K", True), ("0.65M", True), ("651.7K", True)]
)
def test_rounded_macs(answer, right):
    # 651,720 MACs by hand: conv1 28*28*6*75 = 352,800; conv2 10*10*16*150 = 240,000; fc 48,000 + 10,080 + 840
    net = archspec.load(CIFAR)
    assert net.macs == 651_720
    grading = grade(net, f'[total]\nmacs = "{answer}"\n', "s.toml")
    assert grading.marks[0].right is right


def test_the_report_names_the_policy(tmp_path):
    sheet = tmp_path / "s.toml"
    sheet.write_text('[total]\nparams = "0.1M"\n')
    text = run_cli("quiz", CIFAR, "--answers", str(sheet))
    assert "Graded rounded: exact, or the true value rounded to at least two significant digits" in text.stdout
    assert "`0.1M` has one significant digit: write at least two" in text.stdout
    exact = run_cli("quiz", CIFAR, "--answers", str(sheet), "--exact", "--json")
    assert json.loads(exact.stdout)["policy"] == {
        "name": "exact",
        "tolerance": None,
        "text": "exact: every digit of parameters and MACs",
    }
    tol = run_cli("quiz", CIFAR, "--answers", str(sheet), "--tolerance", "0.05", "--lang", "ko")
    assert "채점 기준: 허용 오차" in tol.stdout
    assert run_cli("quiz", CIFAR, "--answers", str(sheet), "--exact", "--tolerance", "0.1").returncode == 2
    assert run_cli("quiz", CIFAR, "--answers", str(sheet), "--tolerance", "lots").returncode == 2


# ----------------------------------------------------------------------------- variants


def test_variants_are_distinct_check_and_pair_with_their_keys(tmp_path):
    args = ["quiz", str(SPECS / "lenet5.arch"), "--make", "--count", "8", "--variants", "3", "--seed", "4"]
    (tmp_path / "a").mkdir()
    first = run_cli(*args, "-o", "quiz.toml", cwd=tmp_path / "a")
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [f"quiz-v{i}{end}" for i in (1, 2, 3) for end in ("-key.toml", ".arch", ".toml")]
    sheets, specs = set(), set()
    for i in (1, 2, 3):
        spec = tmp_path / "a" / f"quiz-v{i}.arch"
        result = analyse_file(str(spec))
        assert result.ok and result.complete, result.diagnostics
        specs.add(spec.read_text())
        sheets.add((tmp_path / "a" / f"quiz-v{i}.toml").read_text().split("\n", 1)[1])
        graded = run_cli("quiz", str(spec), "--answers", str(tmp_path / "a" / f"quiz-v{i}-key.toml"), "--json")
        out = json.loads(graded.stdout)
        assert graded.returncode == 0 and out["all_right"] and out["questions"] == 8
    assert len(specs) == 3 and len(sheets) == 3
    assert (SPECS / "lenet5.arch").read_text() not in specs
    (tmp_path / "b").mkdir()
    assert run_cli(*args, "-o", "quiz.toml", cwd=tmp_path / "b").returncode == 0
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_variants_of_a_spec_that_imports(tmp_path):
    result = run_cli("quiz", str(SPECS / "resnet50.arch"), "--make", "--count", "6", "--variants", "2",
                     "-o", str(tmp_path / "r.toml"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    for i in (1, 2):
        graded = run_cli("quiz", str(tmp_path / f"r-v{i}.arch"), "--answers", str(tmp_path / f"r-v{i}-key.toml"))
        assert graded.returncode == 0, graded.stdout + graded.stderr


# ----------------------------------------------------------------------------- exports


def parse_moodle(text: str):
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "quiz"
    category, *questions = root.findall("question")
    assert category.get("type") == "category" and category.find("category/text").text.startswith("$course$/")
    return questions


# Moodle's question types and the elements their import reads (docs.moodle.org, "Moodle XML format")
MOODLE_ELEMENTS = {
    "numerical": {"name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "answer", "units",
                  "unitgradingtype", "unitpenalty", "showunits", "unitsleft"},
    "shortanswer": {"name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "usecase",
                    "answer"},
}  # fmt: skip
MOODLE_FRACTIONS = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                    12.5, 11.11111, 10, 5, 0}  # the grades Moodle's answer editor offers  # fmt: skip


def validate_moodle(question) -> None:
    """The question as Moodle's XML import reads it: known elements, answers with a grade Moodle
    offers, text, feedback, and for a numerical answer a number and a tolerance."""
    kind = question.get("type")
    assert kind in MOODLE_ELEMENTS
    assert {child.tag for child in question} <= MOODLE_ELEMENTS[kind]
    assert question.find("name/text").text and question.find("questiontext/text").text
    assert question.find("questiontext").get("format") == "html"
    assert question.findall("answer")
    for answer in question.findall("answer"):
        assert float(answer.get("fraction")) in MOODLE_FRACTIONS
        assert answer.find("text").text and answer.find("feedback") is not None
        assert answer.find("feedback/text") is not None
        if kind == "numerical":
            float(answer.find("text").text)
            assert float(answer.find("tolerance").text) >= 0
    assert any(float(a.get("fraction")) == 100 for a in question.findall("answer"))


def moodle_grade(question, response: str) -> tuple[float, str]:
    """(fraction, feedback) as Moodle grades `response`: the answers are tried in order and the first
    that matches decides; none matching is 0 (qtype_numerical_question::get_matching_answer, with
    qtype_numerical_answer::within_tolerance's nominal interval, ends included; a short answer
    matches its text, case aside where `usecase` is 0)."""
    for answer in question.findall("answer"):
        text = answer.find("text").text
        if question.get("type") == "numerical":
            value, tolerance = float(text), float(answer.find("tolerance").text)
            slack = tolerance + 1e-12 * max(tolerance, abs(value), 1e-12)
            hit = value - slack <= float(response) <= value + slack
        else:
            hit = response.strip().lower() == text.strip().lower()
        if hit:
            return float(answer.get("fraction")) / 100, answer.find("feedback/text").text or ""
    return 0.0, ""


@pytest.mark.parametrize("policy", [Policy(), Policy("exact"), Policy("tolerance", 0.05)])
def test_moodle_xml_has_the_documented_structure_and_grades_the_key_right(policy):
    net = archspec.load(CIFAR)
    made = build(net, "cifar10_net.arch", 23, 0)
    questions = parse_moodle(to_moodle(made, translator("en"), policy))
    assert len(questions) == len(made.questions) == 23
    for element, q in zip(questions, made.questions):
        validate_moodle(element)
        assert (
            element.find("name/text").text
            == f"{made.name} {made.questions.index(q) + 1:02d} {q.layer}: {LABELS[q.field]}"
        )
        value = made.answers[(q.layer, q.field)]
        first = element.find("answer")
        assert first.get("fraction") == "100"
        if element.get("type") == "numerical":
            assert first.find("tolerance").text == "0"
            number = value if isinstance(value, int) else int(str(value).split("x")[0])
            assert int(first.find("text").text) == number
            assert moodle_grade(element, str(number)) == (1.0, "")
            if q.field in ("params", "macs"):
                band = {"exact": 0, "tolerance": 0.05 * value}.get(policy.name)
                if band is None:  # rounded: half a unit of the second significant digit
                    band = 10 ** (len(str(value)) - 2) / 2 if value >= 100 else (0.5 if value >= 10 else 0)
                tolerances = [float(a.find("tolerance").text) for a in element.findall("answer")]
                assert tolerances[-1] == pytest.approx(band)
        else:
            assert element.get("type") == "shortanswer" and q.field == "output"
            assert moodle_grade(element, value) == (1.0, "")
            assert moodle_grade(element, value.replace("x", " x ")) == (1.0, "")
    params = next(e for e, q in zip(questions, made.questions) if (q.layer, q.field) == ("total", "params"))
    band = {"rounded": "500", "exact": "0", "tolerance": "3100.3"}[policy.name]
    assert params.findall("answer/tolerance")[-1].text == band


LENET_MISTAKES = [  # (layer, question, answer, what Moodle gives it, the mistake its feedback names)
    ("c1", "params", "156", 1.0, ""),
    ("c1", "params", "150", 0.0, "the bias is left out"),
    ("c1", "params", "162", 0.0, "the bias is counted twice"),
    ("c1", "params", "160", 1.0, ""),  # in the rounding band (156 to two digits), no mistake
    ("c3", "params", "2416", 1.0, ""),
    ("c3", "params", "2400", 0.0, "the bias is left out"),
    ("c3", "params", "2432", 0.0, "the bias is counted twice"),
    ("c3", "params", "416", 0.0, "the input channels are left out"),
    ("c3", "params", "2420", 1.0, ""),
    ("c3", "macs", "240000", 1.0, ""),
    ("c3", "macs", "241600", 0.0, "the bias is counted as MACs"),
    ("c3", "macs", "40000", 0.0, "the input channels are left out"),
    ("c5", "params", "48120", 1.0, ""),
    ("c5", "params", "48000", 0.0, "the bias is left out"),
    ("f6", "params", "10164", 1.0, ""),
    ("f6", "params", "10080", 0.0, "the bias is left out"),
    ("f6", "params", "10200", 1.0, ""),
    ("f6", "macs", "10164", 0.0, "the bias is counted as MACs"),
    ("out", "params", "840", 0.0, "the bias is left out"),
    ("total", "params", "61706", 1.0, ""),
    ("total", "params", "61470", 0.0, "the bias is left out"),
    ("total", "params", "62000", 1.0, ""),
    ("total", "macs", "416520", 1.0, ""),
    ("total", "macs", "423038", 0.0, "the bias is counted as MACs"),
]


def test_moodle_grades_lenet5_s_typical_mistakes_wrong_and_names_them():
    net = archspec.load(SPECS / "lenet5.arch")
    made = build(net, "lenet5.arch", 100, 0)
    questions = {
        (q.layer, q.field): e for q, e in zip(made.questions, parse_moodle(to_moodle(made, translator("en"), Policy())))
    }
    for layer, field, answer, fraction, named in LENET_MISTAKES:
        got, feedback = moodle_grade(questions[(layer, field)], answer)
        assert got == fraction, (layer, field, answer)
        assert feedback.startswith(named) if named else feedback == "", (layer, field, answer, feedback)
    ko = {
        (q.layer, q.field): e for q, e in zip(made.questions, parse_moodle(to_moodle(made, translator("ko"), Policy())))
    }
    assert moodle_grade(ko[("c3", "params")], "2400") == (
        0.0,
        "편향(바이어스)이 빠짐: 필터(또는 유닛)마다 가중치 말고도 편향이 하나씩 있음",
    )


def test_moodle_shapes_name_the_padding_and_the_rounding(tmp_path):
    spec = tmp_path / "n.arch"
    spec.write_text(
        "network N\ninput 3x32x32\nc1: conv 8 3x3 stride=2 pad=1\np1: maxpool 3x3 stride=2 ceil_mode=true\n"
    )
    net = archspec.load(spec)
    made = build(net, "n.arch", 100, 0)
    questions = {
        (q.layer, q.field): e for q, e in zip(made.questions, parse_moodle(to_moodle(made, translator("en"), Policy())))
    }
    c1, p1 = questions[("c1", "output")], questions[("p1", "output")]
    validate_moodle(c1)
    assert moodle_grade(c1, "8x16x16") == (1.0, "")
    assert moodle_grade(c1, "8 x 15 x 15")[1].startswith("the padding is left out")  # floor((32 - 3) / 2) + 1
    assert moodle_grade(p1, "8x8x8") == (1.0, "")  # ceil((16 - 3) / 2) + 1
    assert moodle_grade(p1, "(8, 7, 7)") == (0.0, moodle_grade(p1, "8x7x7")[1])
    assert moodle_grade(p1, "8x7x7")[1].startswith("rounded down: with ceil_mode=true")


def test_a_wrong_answer_equal_to_the_right_one_is_left_out():
    net = archspec.load(SPECS / "lenet5.arch")  # c1 sees one channel: forgetting the input channels changes nothing
    made = build(net, "lenet5.arch", 100, 0)
    c1 = next(e for q, e in zip(made.questions, parse_moodle(to_moodle(made, translator("en"), Policy())))
              if (q.layer, q.field) == ("c1", "params"))  # fmt: skip
    texts = [a.find("text").text for a in c1.findall("answer")]
    assert texts == ["156", "150", "162", "156"]


def test_moodle_escapes_and_keeps_korean(tmp_path):
    spec = tmp_path / "a<b&c.arch"
    spec.write_text("network N\ninput 3x32x32\nc1: conv 6 5x5\npool: maxpool 2x2\n")
    out = tmp_path / "q.xml"
    result = run_cli("quiz", str(spec), "--make", "--format", "moodle", "-o", str(out), "--lang", "ko", "--count", "9")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "a<b&c" not in text and str(tmp_path) not in text  # the sheet names no file: the network is in it
    assert "&lt;pre&gt;1  network N\n2  input 3x32x32" in text  # HTML in XML: escaped by the XML writer
    questions = parse_moodle(text)
    html = questions[0].find("questiontext/text").text
    assert html.startswith("<p>아래 신경망 N에 대해 각 문항에 답하시오.</p><pre>")
    assert any("파라미터 수는?" in q.find("questiontext/text").text for q in questions)
    assert (tmp_path / "q-key.toml").exists()


def test_a_printable_sheet_and_its_key():
    made = build(archspec.load(SPECS / "lenet5.arch"), "lenet5.arch", 5, 1)
    sheet, key = to_print(made, translator("en"))
    assert sheet.startswith("# archspec quiz: LeNet5 (lenet5.arch), seed 1, 5 questions\n")
    assert sheet.count("   ______________________________") == 5
    for q in made.questions:
        assert made.answer_text(q) in key
    assert "**" not in sheet


# ----------------------------------------------------------------------------- sheets answered on their own

LENET_LISTING = [
    "network LeNet5",
    "input 1x32x32",
    "",
    "c1: conv 6 5x5 tanh",
    "s2: avgpool 2x2 stride=2",
    "c3: conv 16 5x5 tanh",
    "s4: avgpool 2x2 stride=2",
    "c5: conv 120 5x5 tanh",
    "flatten",
    "f6: dense 84 tanh",
    "out: dense 10 softmax",
]


@pytest.mark.parametrize("fmt", ["toml", "moodle", "print"])
def test_every_format_heads_with_the_numbered_network_and_names_no_folder(tmp_path, fmt):
    spec = SPECS / "lenet5.arch"
    out = tmp_path / ("sheet." + {"toml": "toml", "moodle": "xml", "print": "md"}[fmt])
    result = run_cli("quiz", str(spec), "--make", "--count", "30", "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "moodle":  # each question carries the network: Moodle shows them one by one
        texts = [q.find("questiontext/text").text for q in parse_moodle(text)]
        assert all("<pre>" in t for t in texts)
        text = "\n".join(texts)
    for number, line in enumerate(LENET_LISTING, 1):
        assert f"{number:>2}  {line}".rstrip() in text
    assert "expect" not in text and "params=" not in text and "LeNet-5" not in text  # no answers given away
    assert str(SPECS) not in text and "/" + "work" not in text
    assert re.search(r"c3`? \(line 6\): parameters\?", text)


def test_a_layer_in_a_block_points_at_its_line_and_the_call():
    net = archspec.load(SPECS / "resnet50.arch")
    made = build(net, "resnet50.arch", 60, 2)
    shown = "\n".join(made.listing)
    assert "block bottleneck(width, stride=1):" in shown and "import" not in shown  # the imported block, written out
    t = translator("en")
    conv2 = next(q for q in made.questions if q.layer.startswith("layer3.") and q.layer.endswith(".conv2"))
    assert made.listing[conv2.line - 1].split(None, 1)[1].startswith("conv2: conv width 3x3")
    assert made.listing[conv2.call - 1].split(None, 1)[1].startswith("layer3: bottleneck(256, stride=2)")
    assert conv2.where(t) == f"{conv2.layer} (line {conv2.line}, called on line {conv2.call})"


def test_each_variant_names_its_own_network_in_its_own_category(tmp_path):
    args = ["quiz", str(SPECS / "lenet5.arch"), "--make", "--count", "5", "--variants", "2", "--format", "moodle"]
    assert run_cli(*args, "-o", "q.xml", cwd=tmp_path).returncode == 0
    names = set()
    for i in (1, 2):
        root = ET.fromstring((tmp_path / f"q-v{i}.xml").read_bytes())
        category, *questions = root.findall("question")
        assert category.find("category/text").text == f"$course$/archspec/LeNet5_v{i}"
        assert f"network LeNet5_v{i}" in questions[0].find("questiontext/text").text
        assert "q-v" not in questions[0].find("questiontext/text").text
        names |= {q.find("name/text").text for q in questions}
        assert (tmp_path / f"q-v{i}.arch").read_text().startswith(f"network LeNet5_v{i}\n")
    assert len(names) == 10  # no two questions of the two variants share a name


@pytest.mark.parametrize(
    "spec", ["lenet5.arch", "alexnet.arch", "googlenet.arch", "mobilenet_v2.arch", "resnet18.arch", "cifar10_net.arch"]
)
def test_every_typical_mistake_gets_nothing_in_moodle_and_is_named_when_graded(spec):
    """For every question of a spec: Moodle's first-match rule gives the key 100% and each typical
    wrong answer 0% with its mistake's feedback, and `quiz --answers` names the same mistake."""
    from archspec.teaching.quiz import to_json

    net = archspec.load(SPECS / spec)
    made = build(net, spec, 10_000, 0)
    questions = parse_moodle(to_moodle(made, translator("en"), Policy()))
    checked = 0
    for element, q in zip(questions, made.questions):
        validate_moodle(element)
        value = made.answers[(q.layer, q.field)]
        number = value if isinstance(value, int) else None
        right = str(number) if number is not None else str(value)
        if element.get("type") == "numerical" and number is None:
            right = element.find("answer/text").text
        assert moodle_grade(element, right) == (1.0, ""), (spec, q)
        for mistake, wrong in made.mistakes[(q.layer, q.field)]:
            if isinstance(wrong, tuple):
                if element.get("type") == "numerical":
                    continue  # a vector's length: no typical wrong shape of it is listed
                written = "x".join(map(str, wrong))
            else:
                written = str(wrong)
            assert moodle_grade(element, written) == (0.0, mistake.feedback), (spec, q, mistake.name)
            sheet = (
                f'["{q.layer}"]\n{q.field} = "{written}"\n'
                if q.layer != "total"
                else f'[total]\n{q.field} = "{written}"\n'
            )
            graded = to_json(grade(net, sheet, "s.toml"), translator("en"))["marks"][0]
            assert graded["result"] == "wrong" and graded["note"] == mistake.feedback, (spec, q, mistake.name)
            checked += 1
    assert checked >= 5, spec
