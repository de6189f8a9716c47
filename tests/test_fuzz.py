"""Property tests: whatever the text, `analyse` returns diagnostics and never raises, and `loads`
raises nothing but ArchspecError. Inputs: random text, and mutations of the zoo's specs."""

from __future__ import annotations

import re

import pytest
from conftest import SPECS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archspec
from archspec.analysis.load import analyse

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_NODES = 5_000  # keep expansions small: the node limit itself is tested in test_errors.py

ZOO = {p.name: p.read_text(encoding="utf-8") for p in sorted(SPECS.glob("*.arch"))}
NAMES = sorted(ZOO)

# characters that matter to the lexer and parser, plus some that do not belong
ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz_ABCXYZ0123456789 x×:()=,.#\"\n\n\n\t    -+*/%[]{}\\'한국어\r\x0c")
)
WORDS = st.sampled_from(
    [
        "network T\n",
        "input 3x32x32\n",
        "input ",
        "conv",
        "dense",
        "maxpool",
        "avgpool to",
        "flatten",
        "relu",
        "bn",
        "block b(w):\n",
        "    ",
        "add:\n",
        "concat:\n",
        "mul:\n",
        "branch:",
        "shortcut: project",
        "identity",
        "expect",
        "params=",
        "macs=",
        "x3",
        "in.c",
        "//",
        "b(",
        ")",
        "8",
        "3x3",
        "0",
        "1e400",
        "-1",
        "stride=",
        "pad=same",
        "\n",
        'import "blocks.arch"\n',
        "concat(a, b)",
        "a:",
        "b:",
        "# 주석\n",
    ]
)


def check(text: str, file: str = "<string>") -> None:
    """The property: analyse never raises and returns diagnostics; loads raises only ArchspecError."""
    result = analyse(text, file, max_nodes=MAX_NODES)
    assert isinstance(result.diagnostics, list)
    for d in result.diagnostics:
        assert d.code and d.message
        assert d.severity in ("error", "warning")
    if result.ok:
        assert result.network is not None


def check_loads(text: str) -> None:
    try:
        archspec.loads(text)
    except archspec.ArchspecError as err:
        assert err.diagnostics


@FUZZ
@given(st.text(max_size=200))
def test_random_unicode_text(text):
    check(text)


@FUZZ
@given(st.text(ALPHABET, max_size=300))
def test_random_spec_like_text(text):
    check(text)


@FUZZ
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_random_sequences_of_spec_words(text):
    check(text)
    if "x3" not in text:  # loads has no node limit: keep it to small networks
        check_loads(text)


# ------------------------------------------------------------------------------ mutations of the zoo
@st.composite
def mutated_spec(draw):
    name = draw(st.sampled_from(NAMES))
    text = ZOO[name]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(
                ["delete", "insert", "duplicate", "swap_lines", "number", "delete_line", "dedent", "indent"]
            )
        )
        if op in ("delete", "insert", "duplicate") and text:
            i = draw(st.integers(0, len(text) - 1))
            j = min(len(text), i + draw(st.integers(1, 8)))
            if op == "delete":
                text = text[:i] + text[j:]
            elif op == "duplicate":
                text = text[:j] + text[i:j] + text[j:]
            else:
                text = text[:i] + draw(st.text(ALPHABET, min_size=1, max_size=6)) + text[i:]
        elif op in ("swap_lines", "delete_line", "dedent", "indent"):
            lines = text.splitlines(keepends=True)
            if len(lines) >= 2:
                a = draw(st.integers(0, len(lines) - 1))
                b = draw(st.integers(0, len(lines) - 1))
                if op == "swap_lines":
                    lines[a], lines[b] = lines[b], lines[a]
                elif op == "delete_line":
                    del lines[a]
                elif op == "dedent":
                    lines[a] = lines[a].lstrip(" \t")
                else:
                    lines[a] = draw(st.sampled_from(["  ", "    ", "\t", "        "])) + lines[a]
                text = "".join(lines)
        elif op == "number":
            numbers = list(re.finditer(r"\d+", text))
            if numbers:
                m = draw(st.sampled_from(numbers))
                new = draw(st.sampled_from(["0", "1", "2", "3", "7", "13", "64", "999", "00", "1.5", "-1", "1e400"]))
                text = text[: m.start()] + new + text[m.end() :]
    return name, text


@FUZZ
@given(mutated_spec())
def test_mutated_zoo_specs(case):
    name, text = case
    check(text, str(SPECS / name))  # the real path: imports of blocks.arch resolve


@settings(max_examples=100, deadline=None)
@given(mutated_spec())
def test_mutated_zoo_specs_loads(case):
    name, text = case
    if "import" in text or re.search(r"[x×]\d{3}", text):  # loads: no imports from the cwd, no huge repeats
        return
    check_loads(text)


# ------------------------------------------------------------------------------ found by hand / by the fuzzer
def must_not_raise(text: str) -> None:
    """Bad input gives diagnostics: analyse returns them, loads raises ArchspecError with them."""
    result = analyse(text)
    assert result.diagnostics
    with pytest.raises(archspec.ArchspecError):
        archspec.loads(text)


@pytest.mark.parametrize("value", ["1e400", "1e309", "5e999M"])
def test_expect_with_a_huge_exponent(value):
    must_not_raise(f"network T\ninput 3x8x8\nconv 8 3x3 expect params={value}\n")


@pytest.mark.parametrize("expr", ["1e400/255", "1e400", "2*1e999"])
def test_a_number_too_large_in_an_expression(expr):
    result = analyse(f"network T\ninput 3x8x8\nrescale {expr}\n")
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("bad-expression", f"`{expr.split('/')[0].split('*')[-1]}` is too large a number")
    ]


@pytest.mark.parametrize(
    "text",
    ["\x1e", "a\rb\n", "network T\ninput 3x8x8\nconv 8 3x3 \x0c pad=1 ]\n", "network T\ninput 3x8x8\nrelu\u2028 ]\n"],
    ids=["record-separator", "bare-cr", "form-feed", "line-separator"],
)
def test_syntax_error_after_a_splitlines_only_line_break(text):
    must_not_raise(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "#",
        "network",
        "network T\n",
        "input 3\n",
        "\t\n  \n",
        "\ufeff",
        "network T\ninput 3x8x8\nupsample 1e308\n",
        "a:b:c:\n",
        "x3\n",
        "((((((\n",
        "network T\ninput 3x8x8\nconv 8 " + "(" * 3000 + "1" + ")" * 3000 + " 3x3\n",
    ],
    ids=lambda t: repr(t)[:24],
)
def test_edge_texts(text):
    check(text)
    check_loads(text)
