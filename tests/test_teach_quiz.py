"""`archspec quiz`: grading answer sheets (the forms students write, layouts, rounding, errors in
the sheet) and making question sheets whose keys grade as all right."""

from __future__ import annotations

import json
import os
import re
from fractions import Fraction

import pytest
from conftest import SPECS
from test_cli import archspec as run_cli

import archspec
from archspec.i18n import translator
from archspec.teaching.quiz import grade, make, parse_field, parse_number, parse_shape, to_json

LENET = str(SPECS / "lenet5.arch")

# A student's sheet for LeNet-5. The right values come from the lecture notes (seed 003: C1 6 maps of
# 28x28 with (5*5*1 + 1) * 6 = 156 weights, S2 6x14x14, C3 16 maps of 10x10 with (5*5*6 + 1) * 16 =
# 2,416, F6 84 units with (120 + 1) * 84 = 10,164) and LeCun et al. 1998 (61,706 parameters).
SHEET = """# a student's answers for LeNet-5
[c1]
output = "28x28x6"
params = 156
macs = "117.6K"
rf = "5x5"

[s2]
output = "14x14x6"
params = 0

[c3]
output = "(10, 10, 16)"
params = 2400     # forgot the biases
rf = 13

[f6]
output = 84
params = "10.2K"

[total]
params = "61.7K"
"""

EXPECTED = {
    ("c1", "output"): "right",
    ("c1", "params"): "right",
    ("c1", "macs"): "right",  # 28*28*6 * 5*5*1 = 117,600
    ("c1", "rf"): "right",  # one 5x5 conv sees 5x5
    ("s2", "output"): "right",
    ("s2", "params"): "right",
    ("c3", "output"): "right",
    ("c3", "params"): "wrong",
    ("c3", "rf"): "wrong",  # 5x5 conv over 2x2 pooled 5x5 fields: 6 + 4*2 = 14
    ("f6", "output"): "right",
    ("f6", "params"): "right",
    ("total", "params"): "right",
}


def write(tmp_path, text: str, name: str = "sheet.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_sheet_with_right_and_wrong_answers(tmp_path):
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, SHEET), "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert {(m["layer"], m["question"]): m["result"] for m in out["marks"]} == EXPECTED
    assert out["score"] == 10 and out["questions"] == 12 and out["layout"] == "channels-last"
    wrong = {m["layer"] + "." + m["question"]: m for m in out["marks"] if m["result"] == "wrong"}
    assert wrong["c3.params"]["correct"] == "2,416"
    assert wrong["c3.params"]["formula"] == ["params = (K_h*K_w*C_in + 1) * C_out = (5*5*6 + 1) * 16 = 2,416"]
    assert (wrong["c3.params"]["line"], wrong["c3.params"]["column"]) == (14, 10)
    assert wrong["c3.rf"]["correct"] == "14x14"


def test_the_table_shows_the_correct_value_the_formula_and_the_score(tmp_path):
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, SHEET))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.startswith("c3") and "parameters" in line)
    assert [c.strip() for c in row.split("│")] == ["c3", "parameters", "2400", "2,416", "wrong"]
    assert "  formula: params = (K_h*K_w*C_in + 1) * C_out = (5*5*6 + 1) * 16 = 2,416" in lines
    assert lines[-1] == "Score: 10 / 12"


def test_an_all_right_sheet_exits_0(tmp_path):
    sheet = '[c1]\noutput = "6x28x28"\nparams = "156"\n[c5]\noutput = "120x1x1"\nrf = 32\n[total]\nparams = 61706\n'
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, sheet))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "Score: 5 / 5"


INCEPTION = "network N\ninput 200x32x32\nn: conv 32 5x5 pad=2\n"  # seed 002 sec. 5.5.3: 163,840,000


@pytest.mark.parametrize(
    "answer, right",
    [
        ('"163.8M"', True),  # 163,840,000 rounds to 163.8M
        ('"164M"', True),
        ('"0.16G"', True),
        ('"163,840,000"', True),
        ("163840000", True),
        ('"163.9M"', False),
        ('"163M"', False),  # written to the million, 163,840,000 is 164M
        ("163840001", False),
    ],
)
def test_rounded_answers_are_right_at_the_precision_written(answer, right):
    net = archspec.loads(INCEPTION)
    grading = grade(net, f"[n]\nmacs = {answer}\n", "sheet.toml")
    assert not grading.diagnostics
    assert grading.marks[0].right is right


@pytest.mark.parametrize(
    "text, shape",
    [
        ("6x28x28", (6, 28, 28)),
        ("28 x 28 x 6", (28, 28, 6)),
        ("(6, 28, 28)", (6, 28, 28)),
        ("6×28×28", (6, 28, 28)),
        ("(None, 28, 28, 6)", (28, 28, 6)),
        ([6, 28, 28], (6, 28, 28)),
        (84, (84,)),
        ("6x28x", None),
        ("six", None),
    ],
)
def test_shapes_as_students_write_them(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize(
    "text, value, tolerance",
    [(156, 156, 0), ("8,320", 8320, 0), ("1.5K", 1500, 50), ("163.8M", 163.8e6, 0.05e6), ("2e3", 2000, 500)],
)
def test_numbers_as_students_write_them(text, value, tolerance):
    got, tol = parse_number(text)
    assert got == pytest.approx(value) and tol == pytest.approx(tolerance)


@pytest.mark.parametrize(
    "text, size",
    [("5x5", (5, 5)), (5, (5,)), ("[5, 5]", (5, 5)), (32.0, (32,)), ("156.5", (Fraction(313, 2),)), ("abc", None)],
)
def test_receptive_fields_as_students_write_them(text, size):
    assert parse_field(text) == size


def test_a_fractional_receptive_field_can_be_answered(tmp_path):
    # adaptive pooling from 10 to 4 positions puts its outputs 2.5 input pixels apart, so a 2-wide conv after it
    # sees 3 + (2 - 1) * 2.5 = 5.5 pixels (the largest window of 10 -> 4 is 3: [floor(10i/4), ceil(10(i+1)/4)))
    spec = tmp_path / "n.arch"
    spec.write_text("network N\ninput 1x10\na: adaptive_avgpool 4\nc: conv 1 2\n")
    right = run_cli("quiz", str(spec), "--answers", write(tmp_path, '[c]\nrf = "5.5"\n'))
    assert right.returncode == 0, right.stderr
    wrong = run_cli("quiz", str(spec), "--answers", write(tmp_path, "[c]\nrf = 5\n"))
    assert wrong.returncode == 1 and "wrong" in wrong.stdout and wrong.stderr == ""


def marks_of(sheet: str):
    grading = grade(archspec.load(LENET), sheet, "sheet.toml")
    assert not grading.diagnostics, grading.diagnostics
    return {m.layer: m for m in grading.marks}, grading


def test_a_stated_layout_is_the_one_graded():
    marks, _ = marks_of('layout = "channels_last"\n[c1]\noutput = "6x28x28"\n[s2]\noutput = "14x14x6"\n')
    assert marks["c1"].status == "wrong" and marks["c1"].correct == "28x28x6"
    assert marks["c1"].note.startswith("right as {0}, but the sheet says {1}")
    assert marks["s2"].status == "right"


def test_the_layout_is_inferred_from_the_sheet():
    marks, grading = marks_of('[c1]\noutput = "28x28x6"\n[c3]\noutput = "10x10x16"\n')
    assert grading.layout == "channels-last" and all(m.right and not m.note for m in marks.values())


def test_a_sheet_mixing_layouts_is_told_so():
    marks, grading = marks_of('[c1]\noutput = "6x28x28"\n[s2]\noutput = "14x14x6"\n[c3]\noutput = "16x10x10"\n')
    assert grading.layout == "channels-first"
    assert marks["s2"].right and "the rest of the sheet is channels-first" in marks["s2"].note


def test_one_answer_alone_is_ambiguous():
    # `28x28x6` is C=6 read channels-last, C=28 read channels-first: nothing else in the sheet says which
    marks, grading = marks_of('[c1]\noutput = "28x28x6"\n')
    assert grading.layout == "" and marks["c1"].right
    assert marks["c1"].note.startswith("ambiguous:")
    assert translator("en")(marks["c1"].note, *marks["c1"].args).startswith(
        "ambiguous: `28x28x6` is right as channels-last but not as channels-first"
    )


def test_a_cube_reads_the_same_either_way():
    net = archspec.loads("network N\ninput 3x8x8\nc: conv 6 3x3\n")  # 6x6x6
    grading = grade(net, '[c]\noutput = "6x6x6"\n', "s.toml")
    assert grading.marks[0].right and not grading.marks[0].note


def test_a_piped_report_has_no_trailing_spaces(tmp_path):
    sheet = write(tmp_path, '[c1]\noutput = "6x28x28"\nparams = 150\n')
    result = run_cli("quiz", LENET, "--answers", sheet)
    assert result.returncode == 1 and "Score: 1 / 2" in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
    # a note longer than 120 cells (Korean takes two a character) is one line, not wrapped
    sheet = write(tmp_path, '[c1]\noutput = "28x28x6"\n')
    korean = run_cli("quiz", LENET, "--answers", sheet, "--lang", "ko").stdout.splitlines()
    note = [line for line in korean if line.startswith("  모호함:")]
    assert len(note) == 1 and note[0].endswith("답안지에 `layout = ...` 줄을 적을 것")


def test_a_table_answered_twice_is_named_as_the_sheet_writes_it(tmp_path):
    sheet = write(tmp_path, '[c1]\noutput = "6x28x28"\n[c1]\nparams = 156\n')
    result = run_cli("quiz", LENET, "--answers", sheet)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "error[sheet-syntax]: the answer sheet is not valid TOML: cannot declare [c1] twice",
        f"  --> {sheet}:3:4",
    ]


def test_missing_answers_are_not_right(tmp_path):
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, '[c1]\nparams = ""\n'), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["marks"][0]["result"] == "missing"


def test_errors_in_the_sheet_point_into_it(tmp_path):
    bad = write(tmp_path, '[c1]\noutput = "6x28x28\nparams = 156\n')
    result = run_cli("quiz", LENET, "--answers", bad)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:5] == [
        "error[sheet-syntax]: the answer sheet is not valid TOML: illegal character '\\n'",
        f"  --> {bad}:2:18",
        "  |",
        '2 | output = "6x28x28',
        "  |                  ^ here",
    ]
    sheet = write(tmp_path, '[c1]\noutput = "6x28x28"\n\n[c33]\nparams = 1\n\n[f6]\nparam = 3\nmacs = "lots"\n')
    result = run_cli("quiz", LENET, "--answers", sheet)
    assert result.returncode == 1
    err = result.stderr
    assert "error[unknown-layer]: no layer `c33`" in err and f"--> {sheet}:4:2" in err and "did you mean `c3`?" in err
    assert "error[unknown-field]: `f6` has no `param` to answer" in err and f"--> {sheet}:8:1" in err
    assert "did you mean `params`?" in err
    assert "error[bad-answer]: `f6.macs`: cannot read `lots`" in err and f"--> {sheet}:9:8" in err
    assert "Traceback" not in err
    far = run_cli("quiz", LENET, "--answers", write(tmp_path, "[c6]\nparams = 1\n"))  # close to none
    assert "help: the spec's layers are `c1`, `s2`, `c3`, `s4`, `c5`, `f6`, `out`" in far.stderr


def test_unknown_settings_and_layouts(tmp_path):
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, 'layot = "channels_last"\n'))
    assert result.returncode == 1 and "did you mean `layout`?" in result.stderr
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, 'layout = "sideways"\n[c1]\noutput = "6x28x28"\n'))
    assert result.returncode == 1 and "`layout` must be" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["quiz", LENET],
        ["quiz", LENET, "--make", "--answers", "x.toml"],
        ["quiz", LENET, "--answers", "/nonexistent/sheet.toml"],
        ["quiz", LENET, "--make", "--count", "0"],
        ["quiz", "/nonexistent.arch", "--make"],
    ],
)
def test_usage_errors(args):
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_make_into_a_missing_folder_writes_nothing(tmp_path):
    key = tmp_path / "key.toml"
    result = run_cli("quiz", LENET, "--make", "-o", str(tmp_path / "no" / "q.toml"), "--answers-out", str(key))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot write {tmp_path / 'no' / 'q.toml'}: No such file or directory" in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither the key nor a temporary file


def test_made_files_are_readable_by_others(tmp_path):
    run_cli("quiz", LENET, "--make", "-o", str(tmp_path / "q.toml"), "--answers-out", str(tmp_path / "k.toml"))
    umask = os.umask(0)
    os.umask(umask)
    # as `open` would make them, not mkstemp's private 0600
    assert {path.stat().st_mode & 0o777 for path in tmp_path.iterdir()} == {0o666 & ~umask}


@pytest.mark.parametrize("command", [["quiz", "--make"], ["explain"], ["explain", "--json"]])
def test_a_file_without_a_network(tmp_path, command):
    empty = tmp_path / "empty.arch"
    empty.write_text("")
    for spec, defines in [(empty, "nothing"), (SPECS / "blocks.arch", "basic, bottleneck, bottleneck_grouped")]:
        result = run_cli(command[0], str(spec), *command[1:])
        assert result.returncode == 1
        assert result.stdout == ('{\n  "ok": false,\n  "diagnostics": []\n}\n' if "--json" in command else "")
        assert result.stderr == f"{spec}: no network to teach from; the file defines {defines}\n"


def test_help():
    result = run_cli("quiz", "--help")
    assert result.returncode == 0 and "--answers" in result.stdout and "--make" in result.stdout


def test_make_is_reproducible_by_seed(tmp_path):
    net = archspec.load(SPECS / "resnet50.arch")
    t = translator("en")
    assert make(net, "resnet50.arch", 8, 7, t) == make(net, "resnet50.arch", 8, 7, t)
    sheets = {make(net, "resnet50.arch", 8, seed, t)[0] for seed in range(5)}
    assert len(sheets) > 1
    args = ("quiz", str(SPECS / "resnet50.arch"), "--make", "--seed", "7", "--count", "8")
    first, second = run_cli(*args, cwd=tmp_path), run_cli(*args, cwd=tmp_path)
    assert first.returncode == 0 and first.stdout == second.stdout


@pytest.mark.parametrize("spec", ["lenet5", "googlenet", "resnet50", "vgg16", "alexnet"])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_key_grades_as_all_right_and_the_blank_sheet_as_missing(tmp_path, spec, seed):
    sheet, key = tmp_path / "q.toml", tmp_path / "key.toml"
    made = run_cli(
        "quiz", str(SPECS / f"{spec}.arch"), "--make", "--count", "12", "--seed", str(seed),
        "-o", str(sheet), "--answers-out", str(key),
    )  # fmt: skip
    assert made.returncode == 0 and made.stdout == ""
    graded = run_cli("quiz", str(SPECS / f"{spec}.arch"), "--answers", str(key), "--json")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    out = json.loads(graded.stdout)
    assert out["all_right"] and out["questions"] == 12
    blank = json.loads(run_cli("quiz", str(SPECS / f"{spec}.arch"), "--answers", str(sheet), "--json").stdout)
    assert {m["result"] for m in blank["marks"]} == {"missing"} and blank["questions"] == 12


def test_korean_quiz_table_is_aligned(tmp_path):
    from rich.cells import cell_len

    result = run_cli("quiz", LENET, "--answers", write(tmp_path, SHEET), "--lang", "ko")
    lines = result.stdout.splitlines()
    assert lines[0].split("┃")[0].strip() == "층" and "파라미터 수" in result.stdout
    rows = [line for line in lines if "│" in line]
    assert len({cell_len(line.rstrip()) for line in rows}) == 1  # every row as wide as the others
    bars = {tuple(cell_len(line[:i]) for i, ch in enumerate(line) if ch == "│") for line in rows}
    assert len(bars) == 1  # the column rules line up in terminal cells
    assert lines[0].split("┃")[3].strip() == "정답"  # the correct value's column
    assert (
        "틀림" in result.stdout and "정답 │" not in result.stdout
    )  # a result is 맞음 or 틀림, never the column's name
    assert lines[-1] == "점수: 10 / 12"
    assert "  공식: params = (K_h*K_w*C_in + 1) * C_out = (5*5*6 + 1) * 16 = 2,416" in lines


def test_a_korean_question_sheet():
    net = archspec.load(LENET)
    sheet, key = make(net, "lenet5.arch", 3, 0, translator("ko"))
    assert "# 아래 신경망 LeNet5에 대해 각 문항에 답하시오.\n" in sheet
    assert "#    8  c5: conv 120 5x5 tanh\n" in sheet and "c5 (8번 줄): 출력 크기는?" in sheet
    assert any(line.endswith("는?") for line in sheet.splitlines())
    assert grade(net, key, "key.toml").all_right


def test_dotted_names_blocks_and_inline_tables():
    # GoogLeNet's inception (3a): 128M ops in Szegedy et al. 2014, table 1 (seed 002)
    net = archspec.load(SPECS / "googlenet.arch")
    sheet = 'student = "Kim"\n[inc3a]\nmacs = "128M"\n\n[inc3a.conv_1]\noutput = "64x28x28"\n'
    grading = grade(net, sheet, "s.toml")
    assert not grading.diagnostics, grading.diagnostics
    assert [(m.layer, m.field, m.status) for m in grading.marks] == [
        ("inc3a", "macs", "right"),
        ("inc3a.conv_1", "output", "right"),
    ]
    inline = grade(archspec.load(LENET), 'c1 = { output = "6x28x28", params = 150 }\n', "s.toml")
    assert [(m.field, m.status) for m in inline.marks] == [("output", "right"), ("params", "wrong")]
    assert (inline.marks[1].span.line, inline.marks[1].span.column) == (1, 37)  # under `150`


def test_json_for_a_sheet_with_errors(tmp_path):
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, "[c1]\nparam = 3\n"), "--json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["ok"] is False
    assert [(d["code"], d["line"], d["column"]) for d in out["diagnostics"]] == [("unknown-field", 2, 1)]


def test_an_answer_outside_its_layers_table(tmp_path):
    result = run_cli("quiz", LENET, "--answers", write(tmp_path, "c1 = 156\n[c3]\noutput = true\n"))
    assert result.returncode == 1
    assert "help: answers go under a `[c1]` header" in result.stderr  # not "did you mean `c1`?"
    assert "cannot read `true` as a shape" in result.stderr  # TOML's word, not Python's True


def test_an_empty_sheet(tmp_path):
    sheet = write(tmp_path, "# nothing answered yet\n")
    result = run_cli("quiz", LENET, "--answers", sheet)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"{sheet}: the sheet answers no question; see `archspec quiz --make`\n"


# ----------------------------------------------------------------------------- naming the mistake

MISTAKEN = """[c1]
output = "6x27x27"
params = 162
[c3]
params = "2,400"
macs = 241600
[f6]
params = 10080
macs = "10,164"
[total]
params = 61470
"""


@pytest.mark.parametrize(
    "lang, notes",
    [
        ("en", ["", "the bias is counted twice", "the bias is left out", "the bias is counted as MACs",
                "the bias is left out", "the bias is counted as MACs", "the bias is left out"]),
        ("ko", ["", "편향(바이어스)을 두 번 셈", "편향(바이어스)이 빠짐", "편향 덧셈까지 곱셈 수 (MACs)로 셈",
                "편향(바이어스)이 빠짐", "편향 덧셈까지 곱셈 수 (MACs)로 셈", "편향(바이어스)이 빠짐"]),
    ],
)  # fmt: skip
def test_a_wrong_answer_a_typical_mistake_gives_is_told_which(lang, notes):
    net = archspec.load(LENET)
    graded = grade(net, MISTAKEN, "s.toml")
    out = to_json(graded, translator(lang))
    assert [m["result"] for m in out["marks"]] == ["wrong"] * 7
    got = [m["note"] or "" for m in out["marks"]]
    assert [g.split(":")[0] for g in got] == notes


def test_a_shape_mistake_is_named_in_either_layout(tmp_path):
    spec = tmp_path / "n.arch"
    spec.write_text(
        "network N\ninput 3x32x32\nc1: conv 8 3x3 stride=2 pad=1\np1: maxpool 3x3 stride=2 ceil_mode=true\n"
    )
    net = archspec.load(spec)
    graded = grade(net, '[c1]\noutput = "15x15x8"\n[p1]\noutput = "8x7x7"\n', "s.toml")
    assert [m.note.split(":")[0] for m in graded.marks] == ["the padding is left out", "rounded down"]


def test_the_cli_prints_the_mistake_above_the_formula(tmp_path):
    sheet = tmp_path / "s.toml"
    sheet.write_text("[c3]\nparams = 2400\n")
    result = run_cli("quiz", LENET, "--answers", str(sheet), "--lang", "ko")
    lines = result.stdout.splitlines()
    at = lines.index("  편향(바이어스)이 빠짐: 필터(또는 유닛)마다 가중치 말고도 편향이 하나씩 있음")
    assert lines[at + 1].startswith("  공식: params = (K_h*K_w*C_in + 1) * C_out")


# ----------------------------------------------------------------------------- Korean numbers


@pytest.mark.parametrize(
    "written, value, tolerance",
    [
        ("11만 7600", 117_600, 0),
        ("6만1706", 61_706, 0),
        ("6만 1,706", 61_706, 0),
        ("1억 2만", 100_020_000, 5_000),
        ("1억 6384만", 163_840_000, 5_000),
        ("1.5만", 15_000, 500),
        ("62만", 620_000, 5_000),
        ("2조 1", 2_000_000_000_001, 0),
    ],
)
def test_korean_numbers_are_read(written, value, tolerance):
    assert parse_number(written) == (value, tolerance)


@pytest.mark.parametrize("written", ["만", "1만2억", "1만 10000", "1만 7600.5", "1억억", "만 7600", "1만x"])
def test_what_is_no_korean_number(written):
    assert parse_number(written) is None


def test_korean_answers_grade_as_their_value_and_the_key_is_shown_in_man():
    net = archspec.load(LENET)
    sheet = '[c1]\nmacs = "11만 7600"\n[c3]\nmacs = "24만"\n[total]\nparams = "6만1706"\nmacs = "6만"\n'
    graded = grade(net, sheet, "s.toml")
    assert [m.status for m in graded.marks] == ["right", "right", "right", "wrong"]
    assert graded.marks[3].note == "`{0}` has one significant digit: write at least two"  # 6만 for 41만 6520
    out = to_json(graded, translator("ko"), "ko")
    assert [m["correct"] for m in out["marks"]] == ["11만 7600", "24만", "6만 1706", "41만 6520"]
    assert to_json(graded, translator("en"))["marks"][0]["correct"] == "117,600"


def test_a_quiz_cell_reads_korean_numbers():
    from archspec.views import web

    text = (SPECS / "lenet5.arch").read_text(encoding="utf-8")
    out = web.grade(text, "c1", "macs", "11만 7600", "ko", "lenet5.arch")
    assert out["result"] == "right" and out["correct"] == "11만 7600"
    assert web.grade(text, "total", "params", "6만 1706", "en", "lenet5.arch")["result"] == "right"


def test_a_failed_expect_writes_its_count_as_the_language_does(tmp_path):
    spec = tmp_path / "e.arch"
    spec.write_text("network N\ninput 3x64x64\nc1: conv 64 3x3 expect macs=1.2M\nexpect params=657000\n")
    english = run_cli("check", str(spec), "-q")
    assert "expected macs 1.2M, found 6,642,432" in english.stderr and "found 1,792" in english.stderr
    korean = run_cli("check", str(spec), "-q", "--lang", "ko")
    assert "기대한 값 1.2M, 실제 값 664만 2432" in korean.stderr and "실제 값 1,792" in korean.stderr
    for text in (english.stderr, korean.stderr):
        assert not re.search(r"[0-9]_[0-9]|[0-9]\.[0-9]+M", text.replace("1.2M", ""))
