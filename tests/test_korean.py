"""Korean output: diagnostics rendered in full (caret alignment in terminal cells), particles chosen
by the final sound of the word before them, counts in 만 and 억, the catalogue's coverage of every
message the error cases make, and docs/errors.md against the codes the sources emit."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from test_cli import archspec as run_cli
from test_errors import CASES, H

import archspec
from archspec.analysis.load import analyse
from archspec.diagnostics import Diagnostic, render
from archspec.i18n import KO as I18N_KO
from archspec.i18n import Message, count, particle, particles, translator
from archspec.messages import CODES, PHRASES, TEMPLATES, translate, translated

ROOT = Path(__file__).resolve().parent.parent


def korean(spec: str) -> str:
    result = analyse(spec, "spec.arch")
    assert len(result.diagnostics) == 1, result.diagnostics
    return render(result.diagnostics[0], result.sources, "ko")


# ---------------------------------------------------------------------- golden diagnostics, by hand
def test_unknown_layer_with_did_you_mean():
    assert korean(H + "conv 8 3x3\nmaxpol 2\n") == (
        "오류[unknown-layer]: 알 수 없는 층 종류 `maxpol`\n"
        "  --> spec.arch:4:1\n"
        "  |\n"
        "4 | maxpol 2\n"
        "  | ^^^^^^ 층 종류가 아님\n"
        "  |\n"
        "도움말: 혹시 `maxpool`?"
    )


def test_shape_mismatch():
    assert korean(H + "add:\n    branch: conv 3 3x3\n    branch: identity\n") == (
        "오류[shape-mismatch]: `add`에는 같은 형태가 필요함: 가지 1은 3x30x30, 가지 2는 3x32x32\n"
        "  --> spec.arch:4:13\n"
        "  |\n"
        "4 |     branch: conv 3 3x3\n"
        "  |             ^^^^^^^^^^ 출력 3x30x30\n"
        "  |\n"
        "도움말: 크기가 다름 (30x30과 32x32): `pad=`가 빠지지 않았는지?"
    )


def test_kernel_too_large_after_korean_comment_on_its_line():
    text = korean(H + "# 합성곱 층\nc1: conv 8 33x33   # 커널이 너무 큼\n")
    assert text == (
        "오류[kernel-too-large]: 커널 33x33이 입력 32x32보다 큼\n"
        "  --> spec.arch:4:12\n"
        "  |\n"
        "4 | c1: conv 8 33x33   # 커널이 너무 큼\n"
        "  |            ^^^^^ 입력 3x32x32\n"
        "  |\n"
        "도움말: 입력에 패딩을 더하거나, 더 작은 커널을 쓰거나, 이 층 앞의 풀링층을 하나 없앨 것"
    )


def test_caret_under_a_culprit_after_korean_text_counts_cells():
    # the culprit follows a Korean path: two cells a character, as the terminal draws them
    text = korean('import "모델.arch" x\n' + H + "relu\n")
    rows = text.splitlines()
    src, caret = rows[3][len("1 | ") :], rows[4][len("  | ") :]
    assert caret.index("^") == cell_len(src[: src.rindex("x")]) == src.rindex("x") + 2
    assert caret.endswith("^ 여기")


def test_expect_failed():
    assert korean(H + "c1: conv 8 3x3 expect 8x31x31\n") == (
        "오류[expect-failed]: `c1`의 출력 형태: 기대한 값 8x31x31, 실제 값 8x30x30\n"
        "  --> spec.arch:3:23\n"
        "  |\n"
        "3 | c1: conv 8 3x3 expect 8x31x31\n"
        "  |                       ^^^^^^^ 실제 값 8x30x30\n"
        "  |"
    )


def test_undefined_name():
    assert korean(H + "a: relu\nadd(a, c)\n") == (
        "오류[undefined-name]: `c`는 이 줄 앞에서 정의되지 않음\n"
        "  --> spec.arch:4:8\n"
        "  |\n"
        "4 | add(a, c)\n"
        "  |        ^ 텐서 없음\n"
        "  |\n"
        "도움말: 줄의 출력을 가리키려면 `NAME: ...`로 이름을 붙일 것"
    )


def test_duplicate_name():
    assert korean(H + "a: relu\na: relu\n") == (
        "오류[duplicate-name]: `a`는 이 본문에서 이미 정의됨\n"
        "  --> spec.arch:4:1\n"
        "  |\n"
        "4 | a: relu\n"
        "  | ^ 두 번째 정의\n"
        "  |\n"
        "도움말: 이름 붙인 줄마다 다른 이름을 붙일 것"
    )


def test_unknown_option():
    assert korean(H + "conv 8 3x3 strid=2\n") == (
        "오류[unknown-option]: `conv`에는 `strid` 옵션이 없음\n"
        "  --> spec.arch:3:12\n"
        "  |\n"
        "3 | conv 8 3x3 strid=2\n"
        "  |            ^^^^^ 알 수 없는 옵션\n"
        "  |\n"
        "도움말: 혹시 `stride`?"
    )


def test_a_note_inside_a_block_instance():
    spec = "block blk(c):\n    conv c 3x3 relu\nnetwork N\ninput 3x12x12\nb1: blk(8) x3\nb2: blk(8) x3\n"
    text = korean(spec)
    assert text.startswith("오류[kernel-too-large]: 커널 3x3이 입력 2x2보다 큼\n")
    assert "\n참고: `b2.2` 안 (spec.arch:6:5에서 호출한 `blk`)\n" in text


def test_json_under_korean_keeps_code_and_severity():
    (d,) = analyse(H + "maxpol 2\n", "spec.arch").diagnostics
    got = d.to_json("ko")
    assert (got["code"], got["severity"], got["message"]) == ("unknown-layer", "error", "알 수 없는 층 종류 `maxpol`")
    assert d.to_json()["message"] == "unknown layer kind `maxpol`"  # English unless asked


def test_an_unknown_message_stays_english():
    d = Diagnostic("shape-error", "a message no catalogue has heard of", None, "odd label", "odd hint")
    assert render(d, {}, "ko") == "오류[shape-error]: a message no catalogue has heard of\n도움말: odd hint"
    assert translate("a message no catalogue has heard of") == "a message no catalogue has heard of"


# ---------------------------------------------------------------------- every error case, in Korean
ALLOWED = {
    "PyTorch",
    "archspec",
    "Keras",
    "torchvision",
    "ResNet",
    "TOML",
    "MACs",
    "FLOPs",
    "GFLOPS",
    "ASCII",
    "Graphviz",
}


def english_left(text: str) -> list[str]:
    """ASCII words of 4 letters or more outside code (backticks), file names and known names."""
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\S+\.(arch|md)(:\d+)*", "", text)
    return [w for w in re.findall(r"[A-Za-z]{4,}", text) if w not in ALLOWED]


@pytest.mark.parametrize("spec", [pytest.param(c[1], id=c[0]) for c in CASES])
def test_every_error_case_is_korean(spec):
    result = analyse(spec, "spec.arch")
    assert result.diagnostics
    for d in result.diagnostics:
        for part in (d.message, d.label, d.hint, *d.notes):
            if part:
                assert translated(part), part
                assert not english_left(translate(part)), (part, translate(part))


def test_the_catalogue_has_both_languages():
    hangul = re.compile("[\uac00-\ud7a3]")
    for code, (english, ko) in CODES.items():
        assert english and hangul.search(ko), code
    for english, ko in [*PHRASES.items(), *TEMPLATES]:
        assert english and ko, english
        if re.search(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`|\{[^}]*\}", "", english)):  # prose, not code alone
            assert hangul.search(ko), english
    assert len(TEMPLATES) + len(PHRASES) > 300


def test_every_emitted_code_is_in_the_catalogue_and_the_docs():
    source = "\n".join(p.read_text() for p in (ROOT / "archspec").rglob("*.py"))
    emitted = set(re.findall(r'(?:fail\(|Diagnostic\(|(?<![a-z])_error\(|code=)\s*"([a-z-]+)"', source))
    emitted.add("shape-error")  # ShapeError's default code
    assert "shape-error" in emitted and "kernel-too-large" in emitted
    assert emitted <= set(CODES), sorted(emitted - set(CODES))
    docs = (ROOT / "docs" / "errors.md").read_text()
    first_cells = re.findall(r"^\| ((?:`[a-z-]+`(?:, )?)+)", docs, re.MULTILINE)  # the tables' code column
    documented = {code for cell in first_cells for code in re.findall(r"`([a-z-]+)`", cell)}
    assert set(CODES) <= documented, sorted(set(CODES) - documented)
    for code, (_, ko) in CODES.items():
        assert ko in docs, code  # the Korean name beside each code


# ---------------------------------------------------------------------- particles (조사)
@pytest.mark.parametrize(
    "word, pair, form",
    [
        ("채널 마지막 (H x W x C)", "으로/로", "으로"),  # the parentheses are skipped: 마지막
        ("채널 처음 (C x H x W)", "으로/로", "으로"),
        ("채널", "으로/로", "로"),
        ("서울", "으로/로", "로"),  # ㄹ takes 로
        ("서울", "은/는", "은"),
        ("`3x3`", "을/를", "을"),  # 삼 곱하기 삼
        ("2", "을/를", "를"),  # 이
        ("6", "이/가", "이"),  # 육
        ("7", "으로/로", "로"),  # 칠: ㄹ
        ("1", "으로/로", "로"),  # 일: ㄹ
        ("10", "은/는", "은"),  # 십
        ("1,000", "이/가", "이"),  # 천
        ("0.5", "을/를", "를"),  # 영 점 오
        ("`C`", "은/는", "는"),  # 씨
        ("`L`", "으로/로", "로"),  # 엘
        ("RGB", "이/가", "가"),  # 알지비
        ("`maxpool`", "은/는", "은"),  # 맥스풀
        ("`conv`", "을/를", "를"),  # 콘브
        ("`same`", "을/를", "을"),  # 세임
        ("`init`", "은/는", "은"),  # 이닛
        ("`stride`", "이/가", "가"),  # 스트라이드
        ("archspec", "이/가", "이"),  # 아크스펙
        ("`shortcut: project`", "이나/나", "나"),  # 프로젝트
        ("`avgpool to 1x1`", "으로/로", "로"),  # 일
        ("`add(a, b)`", "을/를", "를"),  # 애드
        ("합성곱층", "과/와", "과"),
        ("버퍼", "과/와", "와"),
    ],
)
def test_particle(word, pair, form):
    assert particle(word, pair) == form


def test_particles_in_text():
    assert particles("채널 마지막 (H x W x C)으로/로는 맞음") == "채널 마지막 (H x W x C)으로는 맞음"
    assert particles("`a`은/는 `b`과/와 `6x28x28`을/를 줌") == "`a`는 `b`와 `6x28x28`을 줌"
    assert particles("확대/축소") == "확대/축소"  # a slash that is no particle


def test_the_quiz_strings_take_the_right_particles():
    t = translator("ko")
    right = t("right as {0}, but the sheet says {1}", t("channels-last"), t("channels-first"))
    assert right == "채널 마지막 (H x W x C)으로는 맞지만 답안지는 채널 처음 (C x H x W)임"
    ambiguous = t(
        "ambiguous: `{0}` is right as {1} but not as {2}; write `layout = ...` in the sheet",
        "6x28x28",
        t("channels-first"),
        t("channels-last"),
    )
    assert ambiguous.startswith("모호함: `6x28x28`은 채널 처음 (C x H x W)으로 읽으면 맞고 채널 마지막 (H x W x C)으로")
    assert ambiguous.endswith("`layout = ...` 줄을 적을 것")
    assert t("Answer each question for the network in {0}.", "lenet5.arch").startswith("lenet5.arch의 신경망")
    assert translator("en")("{0}: MACs?", "c1") == "c1: MACs?"  # English untouched


# ---------------------------------------------------------------------- counts in 만 and 억
@pytest.mark.parametrize(
    "n, ko",
    [
        (163_840_000, "1억 6384만"),
        (62_006, "6만 2006"),
        (1_000, "1,000"),
        (9_999, "9,999"),
        (10_000, "1만"),
        (100_000_000, "1억"),
        (138_357_544, "1억 3835만 7544"),
        (1_200_000, "120만"),
        (0, "0"),
    ],
)
def test_count_in_korean_units(n, ko):
    assert count(n, "ko") == ko
    assert count(n, "en") == f"{n:,}"


# ---------------------------------------------------------------------- the command line
LENET = ROOT / "specs" / "lenet5.arch"


def test_check_in_korean(tmp_path):
    bad = tmp_path / "bad.arch"
    bad.write_text(H + "conv 8 3x3\nmaxpol 2\n")
    run = run_cli("check", str(bad), "--lang", "ko")
    assert run.returncode == 1
    assert "오류[unknown-layer]: 알 수 없는 층 종류 `maxpol`" in run.stderr
    assert run.stderr.rstrip().endswith(f"{bad}: 오류 1개")
    by_env = run_cli("check", str(bad), env={"LANG": "ko_KR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert by_env.stderr == run.stderr
    english = run_cli("check", str(bad), "--lang", "en", env={"LC_ALL": "ko_KR.UTF-8"})
    assert "unknown layer kind `maxpol`" in english.stderr


def test_check_table_and_totals_in_korean():
    run = run_cli("check", str(LENET), "--lang", "ko")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[1].split(" │ ")[0].strip() == "층"
    widths = {cell_len(line) for line in lines[1:-12]}  # the header, the rule and the rows: one width
    assert len(widths) == 1, lines[1:4]
    assert "총 파라미터 수: 6만 1706" in lines  # LeNet-5's 61,706, as the notes write counts
    assert not english_left("\n".join([lines[1], *lines[-11:]]))  # the header and the totals
    plain = run_cli("check", str(LENET), "--lang", "ko", "--units", "en")
    assert "총 파라미터 수: 61,706" in plain.stdout.splitlines()


def test_a_sequence_s_title_in_the_table_is_korean():
    """`3 x bottleneck` and `sequence of 2`, the Kind column's titles of repeats and comma
    sequences, are translated; a block call's arguments and the layers' notation are not."""
    run = run_cli("check", str(ROOT / "specs" / "convnext_tiny.arch"), "--lang", "ko", "--depth", "2")
    assert run.returncode == 0, run.stderr
    rows = [[cell.strip() for cell in line.split(" │ ")[:2]] for line in run.stdout.splitlines()[3:10]]
    assert rows[1:6] == [
        ["stem", "2개로 된 시퀀스"],
        ["0", "conv 96, 4x4 /4"],
        ["1", "layernorm2d"],
        ["stage1", "cnblock 3개"],
        ["0", "cnblock(scale=1e-06, stochastic_depth_prob=0)"],
    ]
    assert rows[6] == ["block", "7개로 된 시퀀스"]  # nested in stage1's first cnblock
    widths = {cell_len(line) for line in run.stdout.splitlines()[1:12]}
    assert len(widths) == 1  # still aligned in terminal cells
    english = run_cli("check", str(ROOT / "specs" / "convnext_tiny.arch"), "--depth", "1")
    assert "3 x cnblock" in english.stdout and "sequence of 2" in english.stdout


def test_compile_and_tree_say_the_error_count_in_korean(tmp_path):
    bad = tmp_path / "bad.arch"
    bad.write_text(H + "conv 8 33x33\n")
    run = run_cli("compile", str(bad), "--lang", "ko")
    assert run.returncode == 1 and run.stderr.rstrip().endswith("오류 1개: 아무것도 쓰지 않음")
    tree = run_cli("tree", str(bad), "--lang", "ko")
    assert "커널 33x33이 입력 32x32보다 큼" in tree.stderr


def test_calc_shape_error_in_korean():
    run = run_cli("calc", "lrn", "--input", "10", "--lang", "ko")
    assert run.returncode == 1
    assert "오류[shape-error]: `lrn`에는 채널과 하나 이상의 공간 차원이 필요하지만 10이 들어옴" in run.stderr


def test_the_library_stays_english_under_a_korean_lang(monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.loads(H + "maxpol 2\n")
    assert "unknown layer kind" in render(info.value.diagnostics[0], {})


def test_calc_totals_in_korean_units():
    run = run_cli("calc", "conv 32 5x5", "--input", "200x32x32", "--lang", "ko")
    assert run.returncode == 0, run.stderr
    assert "총 파라미터 수: 16만 32" in run.stdout.splitlines()
    assert "곱셈 수 (MACs): 1억 2544만 (125.44M)" in run.stdout.splitlines()
    english = run_cli("calc", "conv 32 5x5", "--input", "200x32x32", "--lang", "en")
    assert "Total params: 160,032" in english.stdout.splitlines()


# ---------------------------------------------------------------------- tree, render, train, argparse
KO = {"LANG": "ko_KR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def test_tree_title_and_header_in_korean():
    run = run_cli("tree", str(LENET), env=KO)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"LeNet5  1x32x32 -> 10, 파라미터 수 6만 1706, 곱셈 수 41만 6520  ({LENET})"
    assert lines[1] == "    층           종류                출력  파라미터 수"
    assert lines[2] == "├── c1           conv 6, 5x5      6x28x28          156"
    assert not english_left(lines[1]) and not english_left(lines[0].replace("LeNet5", ""))
    # the header's columns end where the rows' do, in terminal cells
    assert cell_len(lines[1]) == cell_len(lines[2])
    plain = run_cli("tree", str(LENET), "--lang", "ko", "--units", "en")
    assert plain.stdout.splitlines()[0].startswith("LeNet5  1x32x32 -> 10, 파라미터 수 61,706, 곱셈 수 416,520")


RESNET50 = str(ROOT / "specs" / "resnet50.arch")
USAGE = "`archspec render FILE --block NAME --input SHAPE [ARG=VALUE ...]`"


@pytest.mark.parametrize(
    "args, korean",
    [
        (
            [RESNET50, "--only", "layer9", "-o", "-"],
            "ResNet50에 블록이나 반복 묶음 `layer9`가 없음: 맨 바깥의 것: `layer1`, `layer2`, `layer3`, `layer4`",
        ),
        (
            [str(LENET), "--only", "x", "-o", "-"],
            "LeNet5에 블록이나 반복 묶음 `x`가 없음: 블록도 반복 묶음도 없음",
        ),
        (
            [RESNET50, "--format", "svg", "--dpi", "100"],
            "`--dpi`는 PNG의 해상도를 정함: svg는 포인트 단위로 그려서 크기에 제한이 없음",
        ),
        ([RESNET50, "--input", "3x3"], f"`--input`은 `--block NAME` 옵션과 함께 씀: {USAGE}"),
        ([RESNET50, "width=3"], f"`width=3`은 `--block NAME` 옵션과 함께 씀: {USAGE}"),
        (
            [RESNET50, "--block", "nope"],
            f"{RESNET50}에 블록 `nope`가 없음: 정의된 블록: `basic`, `bottleneck`, `bottleneck_grouped`",
        ),
        (
            [RESNET50, "--block", "bottleneck"],
            "`--block bottleneck`에는 블록이 받는 입력 형태가 필요함: `--input SHAPE` (예: `--input 256x56x56`)",
        ),
        (
            [RESNET50, "--block", "bottleneck", "--input", "256x56x56", "width"],
            "`width`는 인자가 아님: `ARG=VALUE`처럼 적을 것. 예: `width=64`",
        ),
        (
            [RESNET50, "--block", "bottleneck", "--input", "256x56x56", "bogus=3"],
            "256x56x56에 `bottleneck(bogus=3)`을 호출할 수 없음: 위를 볼 것",
        ),
    ],
    ids=["only", "only-none", "dpi", "input", "arg", "no-block", "no-input", "not-arg", "cannot-call"],
)
def test_render_errors_in_korean(args, korean):
    run = run_cli("render", *args, env=KO)
    assert run.returncode == 2, run.stderr
    last = run.stderr.rstrip().splitlines()[-1]
    assert last == f"archspec render: 오류: {korean}"
    assert not english_left(korean.replace("ResNet50", "").replace("LeNet5", "").replace(USAGE, ""))


def test_render_without_graphviz_in_korean(tmp_path):
    run = run_cli("render", str(LENET), "-o", str(tmp_path / "x.svg"), env={**KO, "PATH": str(tmp_path)})
    assert run.returncode == 1
    assert run.stderr == (
        "archspec render: 오류: Graphviz의 `dot` 프로그램이 설치되어 있지 않음: Graphviz를 설치하거나 "
        "(`apt-get install graphviz` 또는 `brew install graphviz`) `--format dot`을 쓸 것\n"
    )
    assert not english_left(run.stderr.split(": ", 1)[1])  # after the command's name


def test_train_lines_in_korean(tmp_path):
    pytest.importorskip("torch")
    ckpt = tmp_path / "ck.pt"
    args = ["train", str(LENET), "--data", "synthetic", "--synthetic-size", "32", "--epochs", "1", "--seed", "1"]
    first = run_cli(*args, "--save", str(ckpt), env=KO)
    assert first.returncode == 0, first.stderr
    header, parameters, columns, epoch, saved = first.stdout.splitlines()
    assert header == (
        f"LeNet5 ({LENET}) 학습: 합성 데이터, 클래스 10개, 학습 이미지 26장과 검증 이미지 6장: "
        "`cpu`, 배치 64, `adamw` 학습률 0.001"
    )
    assert parameters == "학습할 파라미터 6만 1706개, 고정된 파라미터 없음"  # 61,706 in 만
    assert columns.split() == [
        "에포크",
        "학습",
        "손실",
        "학습",
        "정확도",
        "검증",
        "손실",
        "검증",
        "정확도",
        "img/s",
        "초",
    ]
    assert re.fullmatch(r" +1/1 +\d\.\d{4} +\d+\.\d% +\d\.\d{4} +\d+\.\d% +[\d,]+ +\d+\.\d", epoch), epoch
    # every row's cells end where the header's do, in terminal cells (a Korean character takes two)
    assert cell_len(columns) == cell_len(epoch)
    assert saved == f"체크포인트를 {ckpt}에 씀 (에포크 1)"
    for line in (header.replace("LeNet5", ""), parameters, columns, saved.replace(str(ckpt), "")):
        assert not english_left(line), line
    second = run_cli(*args, "--weights", str(ckpt), "--lang", "ko")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0] == f"{ckpt}에서 텐서 10개를 신경망에 읽어 들임"
    english = run_cli(*args, "--lang", "en")
    assert english.stdout.startswith(f"training LeNet5 ({LENET}) on synthetic data: 10 classes,")


@pytest.mark.parametrize(
    "args, korean",
    [
        (["--data", "/nx"], "`--data /nx`: 그런 폴더가 없음"),
        (
            ["--data", "synthetic", "--resume"],
            "`--resume`에는 `--save CKPT`가 필요함: 이어서 학습하고 계속 쓸 체크포인트",
        ),
        (
            ["--data", "synthetic", "--save", "/nx/ck.pt"],
            "`--save /nx/ck.pt`: 폴더 /nx가 없음",
        ),
    ],
    ids=["data", "resume", "save"],
)
def test_train_errors_in_korean(args, korean):
    run = run_cli("train", str(LENET), *args, env=KO)
    assert run.returncode == 2, run.stderr
    assert run.stderr == f"archspec train: 오류: {korean}\n"
    assert not english_left(korean)


def test_train_option_errors_in_korean(tmp_path):
    pytest.importorskip("PIL")
    from PIL import Image

    for name in ("cat", "dog"):
        (tmp_path / name).mkdir()
        Image.new("L", (8, 8)).save(tmp_path / name / "0.png")
    resnet = run_cli("train", str(ROOT / "specs" / "resnet18.arch"), "--data", str(tmp_path), env=KO)
    assert resnet.returncode == 1, resnet.stderr
    assert resnet.stderr == (
        f"archspec train: 오류: {ROOT / 'specs' / 'resnet18.arch'}: 신경망이 내는 클래스 점수는 1000개인데 "
        f"{tmp_path}에는 클래스 폴더가 2개 있음 (cat, dog): `--set num_classes=2`를 덧붙일 것\n"
    )
    lenet = run_cli("train", str(LENET), "--data", str(tmp_path), env=KO)
    assert lenet.stderr.endswith("(cat, dog): 신경망을 `dense 2`로 끝낼 것\n"), lenet.stderr
    freeze = run_cli("train", str(LENET), "--data", str(tmp_path), "--freeze", "c9", env=KO)
    assert freeze.returncode == 2
    last = freeze.stderr.rstrip().splitlines()[-1]
    assert last == "archspec train: 오류: 명령줄의 옵션에 오류 1개가 있음 (위를 볼 것): `--freeze c9`"
    texts = [resnet.stderr, lenet.stderr, last]
    if importlib.util.find_spec("torch") is not None:  # without torch, train says first that it needs it
        weights = run_cli("train", str(LENET), "--data", "synthetic", "--weights", "nothere.pt", env=KO)
        assert weights.stderr == "archspec train: 오류: 가중치 `--weights nothere.pt`: 그런 파일이 없음\n"
        texts.append(weights.stderr)
    for text in texts:
        words = text.split(": ", 1)[1].replace(str(tmp_path), "").replace(str(ROOT / "specs" / "resnet18.arch"), "")
        assert not english_left(words), text


# every one-line error of `train`, `evaluate` and `predict`, as the code writes it (paths, numbers and
# the spec's names filled in)
TRAINING_ERRORS = [
    "--data /d: not a folder (give a folder with one sub-folder of images per class)",
    "--data /d: cannot be read (Permission denied)",
    "--data /d: no class folders (move the images into one sub-folder per class, e.g. /d/cat/1.png, /d/dog/2.png)",
    "--data /d: no class folders (put each class's images in a sub-folder, e.g. /d/cat/1.png, /d/dog/2.png)",
    "--data /d: the class folder `cats` has no images (.png, .jpg, .jpeg, .bmp, ...)",
    "--data /d: one class folder (cats); a classifier needs two or more",
    "x.arch: the network's output is 10x4x4; training a classifier needs one score per class, a vector such as "
    "`10` (end with `flatten` and `dense K`, or `dense 1 sigmoid` for two classes)",
    "x.arch: the network ends in a softmax over its one output, which is always 1 and cannot learn; end it with "
    "`dense 1 sigmoid` (two classes) or `dense K softmax` (K classes)",
    "x.arch: the input 784 is not an image; an image folder needs an input of 1xHxW (grayscale) or 3xHxW (RGB)",
    "--resume ck.pt: is a folder, not a checkpoint",
    "--resume ck.pt: cannot be read (Permission denied)",
    "--resume ck.pt: not a checkpoint written by `archspec train --save`",
    "--resume ck.pt: the checkpoint is of `Other` (o.arch), whose layers differ from x.arch; resume with the spec "
    "it was saved from, or start afresh without --resume",
    "--resume ck.pt: the checkpoint is of an earlier version of `Net` (x.arch), whose layers differ from x.arch; "
    "resume with the spec it was saved from, or start afresh without --resume",
    "--resume ck.pt: the checkpoint was trained on the classes cat, dog, not cat, fox",
    "--resume ck.pt: the checkpoint was trained with --optimizer sgd; pass the same optimizer to resume",
    "--resume ck.pt: the checkpoint has trained 3 epochs already; ask for more with --epochs 4 or more",
    "--resume ck.pt: the checkpoint has trained 1 epoch already; ask for more with --epochs 2 or more",
    "--resume ck.pt: does not fit the module built from x.arch (size mismatch for fc.weight)",
    "--save ck.pt: cannot write the checkpoint (No space left on device); the previous one is intact",
    "the training loss became nan in epoch 3: training diverged; try a smaller --lr",
    "--device cuda: no CUDA device (this PyTorch is built for the CPU only); use --device cpu or --device auto",
    "--device cuda: no CUDA device (none is visible); use --device cpu or --device auto",
    "--amp-dtype fp16 needs a CUDA device; on the CPU use bf16",
    "--amp-dtype bf16: this GPU has no bfloat16; use fp16",
    "--channels-last needs an image input (CxHxW or CxDxHxW), not 784",
    "process 1 on this machine has no GPU of its own (1 visible): start at most 1 processes per machine",
    "cannot start 2 processes with gloo (connection refused); launch with torchrun",
    "x.arch: the network has no parameters to train",
    "process 1: d/a.png: cannot be read as an image (cannot identify image file)",
    "interrupted in epoch 4; ck.pt holds epoch 3",
    "interrupted in epoch 1; no checkpoint was saved",
    "--weights w.pt: does not fit the network: 1 missing from the file (stem.weight); 1 not in the network "
    "(extra.weight); to load into a part only, write PART=FILE (e.g. --weights features=vgg16.pth)",
    "--weights body=w.pt: does not fit `body`: 2 not in `body` (a, b); is the file a whole network's? its keys "
    "would start with `body.`",
    "--weights bodyy=w.pt: the network has no part `bodyy`; did you mean `body`?",
    "--weights x=w.pt: the network has no part `x`; the top-level parts are stem, body, fc",
    "--weights w.pt: cannot be read (Permission denied)",
    "--weights ck.pt: the checkpoint was trained with --set num_classes=2; give the same",
    "--weights ck.pt: the checkpoint is of `Other`, whose layers differ from x.arch; give the spec it was saved "
    "from (o.arch)",
    "--data /d: zebra: not among the classes ck.pt was trained on (cat, dog)",
    "--plot cm.jpg: the plot is a PNG; give a name that ends in .png",
    "--plot cm.png: the folder /no does not exist",
    "--plot cm.png: cannot be written (Permission denied)",
    "photo.png: no such file",
    "photos: is a folder, not an image",
    "photo.png: cannot be read as an image (cannot identify image file)",
    "--weights w.pt: is a folder, not a weight file",
    "the confusion matrix of 40 classes is too wide to show; --json has it, --plot draws it",
]


@pytest.mark.parametrize("english", TRAINING_ERRORS)
def test_every_training_error_is_korean(english):
    korean = translate(f"archspec train: error: {english}")
    assert korean.startswith("archspec train: 오류: "), korean
    # what stays as it is: paths, file names, class and layer names, system errors, code in backticks
    rest = korean.split(": ", 2)[2]
    for kept in ("Permission denied", "No space left on device", "connection refused", "cannot identify image file",
                 "size mismatch for fc.weight", "stem.weight", "extra.weight",
                 "zebra", "photos", "photo.png", "torchrun", "gloo", "Other", "stem, body, fc", "cats", "jpeg",
                 "CxDxHxW", "CxHxW", "1xHxW", "3xHxW", "CUDA", "bfloat16"):  # fmt: skip
        rest = rest.replace(kept, "")
    assert not english_left(rest), korean


@pytest.mark.parametrize(
    "args, korean",
    [
        (["check", str(LENET), "--bogus"], "archspec check: 오류: 알 수 없는 인자: `--bogus`"),
        (["train", str(LENET)], "archspec train: 오류: 다음 인자가 필요함: `--data`"),
        (["check", "--depth"], "archspec check: 오류: 인자 `--depth`: 값이 하나 필요함"),
        (
            ["train", str(LENET), "--data", "synthetic", "--epochs", "0"],
            "archspec train: 오류: 인자 `--epochs`: 1 이상의 정수여야 함: '0'은 안 됨",
        ),
    ],
    ids=["unrecognized", "required", "one-argument", "type"],
)
def test_argparse_errors_in_korean(args, korean):
    run = run_cli(*args, env=KO)
    assert run.returncode == 2
    assert run.stderr.startswith("usage: archspec")  # argparse's usage line stays English
    last = run.stderr.rstrip().splitlines()[-1]
    assert last == korean
    assert not english_left(last.split(": ", 1)[1])
    by_option = run_cli(*args, "--lang", "ko")
    assert by_option.stderr.rstrip().splitlines()[-1] == korean
    english = run_cli(*args)
    assert "error: " in english.stderr.rstrip().splitlines()[-1]


def test_explain_reads_counts_in_man_and_eok_after_the_formula():
    # VGG-16's first dense layer: (25088 + 1) * 4096 = 102,764,544 = 1억 276만 4544
    spec = str(Path(archspec.__file__).parent.parent / "specs" / "vgg16.arch")
    ko = run_cli("explain", spec, "classifier.0", "--lang", "ko")
    assert ko.returncode == 0, ko.stderr
    assert "= (25088 + 1) * 4096 = 102,764,544 (1억 276만 4544)" in ko.stdout
    en = run_cli("explain", spec, "classifier.0")
    assert "= 102,764,544\n" in en.stdout and "억" not in en.stdout


# ----------------------------------------------------------------------------- diagrams under Korean

SPECS = ROOT / "specs"


def _diagram_words(dot: str) -> str:
    """The text of a diagram's HTML-like labels (`label=<...>`), a line per piece of text."""
    import html

    words = []
    for start in [m.end() for m in re.finditer(r"label=<", dot)]:
        depth, i = 1, start
        while depth:
            depth += {"<": 1, ">": -1}.get(dot[i], 0)
            i += 1
        for piece in re.split(r"<[^>]+>", dot[start : i - 1]):
            text = html.unescape(piece).strip()
            if text:
                words.append(text)
    return "\n".join(words)


@pytest.mark.parametrize("spec, expand", [("resnet18.arch", False), ("alexnet.arch", True), ("googlenet.arch", False)])
def test_a_diagram_under_korean_has_no_english_left(spec, expand):
    from archspec.views.diagram import dot_source

    net = archspec.load(SPECS / spec)
    dot = dot_source(net, None if expand else 0, lang="ko")
    shown = _diagram_words(dot)
    english = dot_source(net, None if expand else 0)
    assert "params" in english and "MACs" in english and "input" in english
    code = {n.path for n in net.nodes} | {n.notation for n in net.nodes} | {g.path for g in net.groups} | {net.name}
    kept = [
        line
        for line in shown.splitlines()
        if line not in code and "(" not in line and not re.fullmatch(r"[0-9x, ]+", line)
    ]
    for word in ("params", "trainable", "frozen", "sequence of", "shortcut", "block", "input", "output"):
        assert word not in "\n".join(kept), (word, kept)
    leftover = re.sub(r"\(MACs\)|\+ add|[a-z_]+: 네모|[A-Za-z]\w*\(", "", "\n".join(kept))
    assert not english_left(leftover), english_left(leftover)


def test_the_diagram_title_counts_in_man_and_eok():
    from archspec.views.diagram import dot_source

    dot = dot_source(archspec.load(SPECS / "resnet18.arch"), lang="ko")
    assert "입력 3x224x224, 출력 1000, 파라미터 수 1168만 9512, 곱셈 수 (MACs) 18억 1407만 3344" in dot
    assert "합성곱층" in dot and "숏컷" not in dot  # collapsed blocks: no shortcut drawn at depth 0
    alex = dot_source(archspec.load(SPECS / "alexnet.arch"), None, lang="ko")
    assert "13개로 된 시퀀스" in alex and "sequence of" not in alex
    english = dot_source(archspec.load(SPECS / "resnet18.arch"), lang="en", unit="en")
    assert "input 3x224x224, output 1000, 11,689,512 params, 1,814,073,344 MACs" in english


def test_render_speaks_korean_from_the_command_line(tmp_path):
    out = tmp_path / "d.dot"
    result = run_cli(
        "render", str(SPECS / "resnet50.arch"), "--format", "dot", "-o", str(out), "--lang", "ko", "--expand"
    )
    assert result.returncode == 0, result.stderr
    dot = out.read_text(encoding="utf-8")
    assert "숏컷" in dot and "블록" not in dot and "파라미터 수 2555만 7032" in dot


# ----------------------------------------------------------------------------- quiz, calc, TOML reader in Korean


@pytest.mark.parametrize(
    "sheet, korean",
    [
        ("[c1]\nparams = \n", "답안지가 올바른 TOML이 아님: 잘못된 값: 수가 아니면 따옴표로 감쌀 것"),
        ("[c1]\nparams = 1\n[c1]\nparams = 2\n", "답안지가 올바른 TOML이 아님: [c1] 표를 두 번 선언할 수 없음"),
        ("[c1\nparams = 1\n", "답안지가 올바른 TOML이 아님: 표 머리의 끝에 `]`가 와야 함"),
        ("[c1]\nparams 1\n", "답안지가 올바른 TOML이 아님: 키 다음에 `=`가 와야 함 (`키 = 값`)"),
        ('[c1]\noutput = "6x28x28\n', "답안지가 올바른 TOML이 아님: 쓸 수 없는 문자 `\\n`"),
        ("[c1]\nparams = 1 2\n",
         "답안지가 올바른 TOML이 아님: 한 줄에는 하나만 적을 것: 값 다음에 줄이 바뀌거나 파일이 끝나야 함"),
    ],
    ids=["value", "twice", "header", "equals", "string", "newline"],
)  # fmt: skip
def test_the_toml_reader_s_messages_in_korean(tmp_path, sheet, korean):
    path = tmp_path / "s.toml"
    path.write_text(sheet, encoding="utf-8")
    run = run_cli("quiz", str(LENET), "--answers", str(path), "--lang", "ko")
    assert run.returncode == 1
    first = run.stderr.splitlines()[0]
    assert first == f"오류[sheet-syntax]: {korean}", first
    assert run.stderr.splitlines()[-1] == f"{path}: 오류 1개"  # the summary line


def test_every_toml_reader_message_is_korean():
    import inspect

    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    source = inspect.getsource(tomllib._parser)
    found = re.findall(r'suffixed_err\(\s*src,\s*[^,]+,\s*"([^"{]*)"', source)
    plain = [ast.literal_eval(f'"{m}"') for m in found]
    assert len(plain) > 10
    for message in plain:
        text = message[0].lower() + message[1:]
        korean = translate(Message("sheet.not-toml", error=text))
        assert not english_left(korean.replace("TOML", "")), korean


@pytest.mark.parametrize(
    "args, korean",
    [
        (["quiz", str(LENET), "--answers", "nope.toml"], "archspec quiz: 오류: 답안지 nope.toml을 읽을 수 없음: "),
        (["calc", "conv 6 5x5", "--input", "abc"],
         "archspec calc: 오류: `--input`은 3x32x32 같은 형태 (채널 x 높이 x 너비)여야 함: 'abc'은 안 됨"),
        (["calc", " ", "--input", "1x32x32"], 'archspec calc: 오류: 연산을 하나 이상 줄 것. 예: "conv 64 3x3"'),
        (["explain", str(LENET), "conv1"],
         f"archspec explain: 오류: {LENET}에 층 `conv1`이 없음: 명세에 있는 이름: `c1`, "),
    ],
    ids=["sheet", "calc-input", "calc-empty", "explain"],
)  # fmt: skip
def test_teaching_command_errors_in_korean(args, korean):
    run = run_cli(*args, "--lang", "ko")
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1].startswith(korean), run.stderr


def test_an_empty_sheet_is_said_in_korean(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("", encoding="utf-8")
    run = run_cli("quiz", str(LENET), "--answers", str(path), "--lang", "ko")
    assert run.stderr.strip() == f"{path}: 답안지에 답한 문항이 없음: `archspec quiz --make`를 볼 것"


def test_a_quiz_cell_s_messages_in_korean():
    from archspec.views import web

    text = LENET.read_text(encoding="utf-8")
    out = web.grade(text, "conv1", "params", "2", "ko", "lenet5.arch")
    assert out["message"] == "lenet5.arch에 층 `conv1`이 없음" and out["hint"].startswith("명세의 층: `c1`")
    out = web.grade(text, "c1", "params", "lots", "ko", "lenet5.arch")
    assert not english_left(out["message"]) and not english_left(out["hint"])
    assert web.explain(text, "conv1", "ko", "lenet5.arch")["error"].startswith("층 `conv1`이 없음: 명세에 있는 이름: ")
    assert (
        web.diagram("network N\ninput 3\nzz", "x.arch", lang="ko")["error"]
        == "명세가 검사를 통과하지 못함: 그릴 것이 없음"
    )


def test_one_word_for_the_colon_and_hints_that_read_as_sentences():
    every = "\n".join([*PHRASES.values(), *(ko for _, ko in TEMPLATES), *I18N_KO.values()])
    assert "콜론" not in every and "쌍점(`:`)" in every
    assert "와야 할 것" not in every
    assert particles("`:`이/가 와야 함") == "`:`이 와야 함"  # 쌍점이
    assert particles("`)` 또는 `=`이/가 와야 함") == "`)` 또는 `=`가 와야 함"  # 등호가
    assert translate("did you forget the `:` after `add`?") == "`add` 뒤에 쌍점(`:`)이 빠지지 않았는지?"
    assert translate("expected `)` or `,`") == "`)` 또는 `,`가 와야 함"
    assert translate("expected end of line") == "줄 끝이 와야 함"
