"""`archspec fmt`: one layout, idempotent, comments kept, the same syntax tree (so the same
numbers), and files that do not parse left alone with their diagnostics."""

from __future__ import annotations

import re

import pytest
from conftest import SPECS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import archspec
from test_fuzz import ALPHABET, WORDS, ZOO, mutated_spec

from archspec.analysis.load import analyse
from archspec.diagnostics import ArchspecError
from archspec.frontend.format import format_text, without_spans
from archspec.frontend.parse import parse

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPEC_PATHS = sorted(SPECS.glob("*.arch"))


def comments(text: str) -> list[str]:
    """The comments of a text, in order (a `#` outside an import's quoted path starts one)."""
    out = []
    for line in text.splitlines():
        code = re.sub(r'"[^"\n]*"', lambda m: "_" * len(m.group()), line)
        if "#" in code:
            out.append(line[code.index("#") :].rstrip())
    return out


def scrambled(text: str, seed: int) -> str:
    """The same spec laid out badly: levels indented by tabs or 2 or 3 spaces, runs of spaces
    made one, spaces around `=`, after `(` and before `,` added, trailing spaces."""
    import random

    rng = random.Random(seed)
    unit = rng.choice(["\t", "  ", "   ", "      "])
    out, stack = [], [0]
    paren = 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        width = len(line) - len(stripped)
        code, hash_, comment = stripped.partition("#")
        if not stripped or stripped.startswith("#") or paren > 0 or (out and out[-1].endswith("\\")):
            out.append(line)
        else:
            if width > stack[-1]:
                stack.append(width)
            while width < stack[-1]:
                stack.pop()
            code = re.sub(r"  +", " ", code)
            if rng.random() < 0.5:
                code = re.sub(r"(?<=[a-z_])=(?=[a-z0-9])", " = ", code)
            if rng.random() < 0.5:
                code = code.replace(", ", " , ")
            out.append(unit * (len(stack) - 1) + code + hash_ + comment + " " * rng.randint(0, 2))
        paren += line.count("(") - line.count(")")
    return "\n".join(out) + "\n" * rng.randint(1, 3)


@pytest.mark.parametrize("path", SPEC_PATHS, ids=lambda p: p.name)
def test_every_spec_is_formatted(path):
    text = path.read_text(encoding="utf-8")
    assert format_text(text, str(path)) == text


def test_fmt_check_passes_on_the_specs():
    result = archspec("fmt", "--check", *(str(p) for p in SPEC_PATHS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == result.stderr == ""


def _numbers(text: str, path) -> list:
    result = analyse(text, str(path))
    assert result.ok, [d.message for d in result.diagnostics]
    net = result.network
    rows = [(n.path, n.kind_name, n.shape, n.params, n.buffers, n.macs) for n in net.nodes]
    return [net.params, net.macs, net.output_shape if net.nodes else None, rows, list(net.blocks)]


@pytest.mark.parametrize("path", SPEC_PATHS, ids=lambda p: p.name)
def test_a_badly_laid_out_spec_formats_back_and_checks_to_the_same_numbers(path):
    text = path.read_text(encoding="utf-8")
    bad = scrambled(text, hash(path.name) % 1000)
    assert without_spans(parse(bad, str(path))) == without_spans(parse(text, str(path)))
    formatted = format_text(bad, str(path))
    assert format_text(formatted, str(path)) == formatted
    assert comments(formatted) == comments(text)
    assert _numbers(formatted, path) == _numbers(text, path)


def _property(text: str, file: str = "<string>") -> None:
    try:
        tree = parse(text, file)
    except ArchspecError:
        with pytest.raises(ArchspecError):
            format_text(text, file)
        return
    once = format_text(text, file)
    assert format_text(once, file) == once
    assert without_spans(parse(once, file)) == without_spans(tree)
    assert comments(once) == comments(text.replace("\r\n", "\n").lstrip("\ufeff"))


@FUZZ
@given(mutated_spec())
def test_mutated_specs(case):
    name, text = case
    _property(text, str(SPECS / name))


@FUZZ
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_random_sequences_of_spec_words(text):
    _property(text)


@FUZZ
@given(st.text(ALPHABET, max_size=200))
def test_random_spec_like_text(text):
    _property(text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(ZOO)), st.integers(0, 10_000))
def test_scrambled_layouts(name, seed):
    _property(scrambled(ZOO[name], seed), str(SPECS / name))


@pytest.mark.parametrize(
    ("text", "formatted"),
    [
        ("network N\ninput 3x8x8\nconv   4  3x3 ,relu\n", "network N\ninput 3x8x8\nconv 4 3x3, relu\n"),
        ("block b( w ,s = 1 ):\n  conv w 3x3 stride = s\n", "block b(w, s=1):\n    conv w 3x3 stride=s\n"),
        ("block b(w):\n\tlet h=w*2\n\tconv h 1x1\n", "block b(w):\n    let h = w*2\n    conv h 1x1\n"),
        ("network N\ninput 8\nc: dense 4 bn1: bn relu\n", "network N\ninput 8\nc: dense 4  bn1: bn relu\n"),
        ("network N\ninput 3x8x8\nconv 4 3x3  relu   # r\n", "network N\ninput 3x8x8\nconv 4 3x3  relu  # r\n"),
        (
            "network N\ninput 8\ndense 4 expect 4\ndense 16 relu expect 16 params=80\n",
            "network N\ninput 8\ndense 4        expect 4\ndense 16 relu  expect 16 params=80\n",
        ),
        ("\n\n# c\nnetwork N\r\ninput 8\r\n\n\n\n\ndense 4\n\n", "# c\nnetwork N\ninput 8\n\n\ndense 4\n"),
        ("block b():\n    conv 4 3x3\n\n\n\n    relu\n", "block b():\n    conv 4 3x3\n\n    relu\n"),
        ("network N\ninput 8\nexpect params=1.5K\n", "network N\ninput 8\nexpect params=1.5K\n"),
        ("network N\ninput 3x8x8\nfreeze a.b.2*\n", "network N\ninput 3x8x8\nfreeze a.b.2*\n"),
        (
            "block b():\n    add:\n        branch: conv 4 3x3\n      # between\n        shortcut: project\n",
            "block b():\n    add:\n        branch: conv 4 3x3\n    # between\n        shortcut: project\n",
        ),
        (
            "network N\ninput 3x8x8\nf: conv 4 3x3, \\\n   relu\n",
            "network N\ninput 3x8x8\nf: conv 4 3x3, \\\n   relu\n",
        ),
    ],
)
def test_layout(text, formatted):
    assert format_text(text) == formatted
    assert format_text(formatted) == formatted


def test_cli_rewrites_and_checks(tmp_path):
    messy = tmp_path / "a.arch"
    messy.write_text("network N\ninput 8\ndense  4\n")
    tidy = tmp_path / "b.arch"
    tidy.write_text("network N\ninput 8\ndense 4\n")
    result = archspec("fmt", "--check", str(messy), str(tidy))
    assert (result.returncode, result.stdout) == (1, f"would reformat {messy}\n")
    assert result.stderr == "1 file would be reformatted\n"
    assert messy.read_text() == "network N\ninput 8\ndense  4\n"
    result = archspec("fmt", "--diff", str(messy))
    assert result.returncode == 0 and "-dense  4\n+dense 4\n" in result.stdout
    result = archspec("fmt", str(messy), str(tidy))
    assert (result.returncode, result.stdout, result.stderr) == (0, f"reformatted {messy}\n", "")
    assert messy.read_text() == tidy.read_text()
    assert archspec("fmt", "--check", str(messy)).returncode == 0


def test_cli_standard_input():
    import subprocess
    import sys

    from test_cli import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "archspec", "fmt", "-"],
        input="network N\ninput 8\ndense  4   # x\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (result.returncode, result.stdout) == (0, "network N\ninput 8\ndense 4  # x\n")


def test_a_syntax_error_is_shown_and_the_file_left_alone(tmp_path):
    bad = tmp_path / "bad.arch"
    bad.write_text("network  N\ninput 3x8x8\nconv 4 3x3 (\n")
    result = archspec("fmt", str(bad))
    assert result.returncode == 1 and result.stdout == ""
    assert "error[syntax-error]" in result.stderr and result.stderr.endswith(f"{bad}: 1 error; not reformatted\n")
    assert bad.read_text() == "network  N\ninput 3x8x8\nconv 4 3x3 (\n"
    result = archspec("fmt", str(bad), "--lang", "ko")
    assert "오류[syntax-error]" in result.stderr and result.stderr.endswith(f"{bad}: 오류 1개: 정리하지 않음\n")


@pytest.mark.parametrize("what", ["missing", "folder", "binary"])
def test_unreadable_files(tmp_path, what):
    path = tmp_path / "x.arch"
    if what == "folder":
        path.mkdir()
    elif what == "binary":
        path.write_bytes(b"network N\n\xff\xfe\x00")
    result = archspec("fmt", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    code = "bad-file" if what == "binary" else "file-not-found"
    assert f"error[{code}]" in result.stderr


def test_korean_messages(tmp_path):
    messy = tmp_path / "a.arch"
    messy.write_text("network N\ninput 8\ndense  4\n")
    result = archspec("fmt", "--check", str(messy), "--lang", "ko")
    assert result.stdout == f"{messy}: 정리할 곳이 있음\n" and result.stderr == "정리할 곳이 있는 파일 1개\n"
    result = archspec("fmt", str(messy), "--lang", "ko")
    assert result.stdout == f"{messy}를 정리함\n"  # the particle as archspec.i18n reads `.arch`
