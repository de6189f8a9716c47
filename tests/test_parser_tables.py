"""The parser without lark (archspec.frontend.lalr, on lark's tables in archspec/frontend/parser_tables.py): the tables
are those of the grammar as it is, and on any text it gives exactly what lark's parser and the
syntax builder give, or leaves the text to lark."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, SPECS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import ALPHABET, WORDS, mutated_spec

from archspec.diagnostics import ArchspecError
from archspec.frontend import lalr
from archspec.frontend.make_parser_tables import OUT, render
from archspec.frontend.parse import _parse_with_lark, _ToSyntax, parse

FAILED = object()


def test_the_tables_are_the_grammars():
    """After a change to grammar.lark: python -m archspec.frontend.make_parser_tables."""
    assert OUT.read_text(encoding="utf-8") == render(), "run: python -m archspec.frontend.make_parser_tables"
    assert lalr.available()


def both(text: str, file: str = "t.arch"):
    """(the fast parse or FAILED and why, lark's parse or FAILED)."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        fast, why = lalr.parse(text, _ToSyntax(file)), None
    except lalr.Fallback as reason:
        fast, why = FAILED, str(reason)
    except Exception as err:  # noqa: BLE001 (a builder method's error: lark's parse raises it too)
        fast, why = FAILED, repr(err)
    try:
        slow = _parse_with_lark(text, file)
    except (ArchspecError, RecursionError):
        slow = FAILED
    return fast, why, slow


def agree(text: str) -> None:
    fast, why, slow = both(text)
    if fast is FAILED:
        assert slow is FAILED or why == "too deep", why
    else:
        assert fast == slow


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.arch")), ids=lambda p: p.name)
def test_every_spec_parses_as_lark_parses_it(path):
    fast, why, slow = both(path.read_text(encoding="utf-8"), str(path))
    assert fast is not FAILED, why
    assert fast == slow  # the syntax trees, every span included


EDGES = {
    "empty": "",
    "comments only": "# a\n   # b\n\n",
    "no final newline": "network T\ninput 3x8x8\nrelu",
    "windows line ends": "network T\r\ninput 3x8x8\r\nconv 8 3x3 # c\r\nrelu\r\n",
    "tabs": "block b(w):\n\tadd:\n\t\tbranch: conv w 1x1\n\t\tshortcut: identity\n\trelu\n",
    "tab after spaces": "block b():\n    add:\n  \t  branch: relu\n  \t  shortcut: identity\n",
    "continued line": "network T\ninput 3x8x8\nconv 8 \\\n   3x3 pad=1\n",
    "parentheses over lines": "network T(n=(1 +\n   2))\ninput 3x8x8\ndense (n *\n  2)\n",
    "nested parentheses": "network T\ninput 3x8x8\nconv ((((8)))) 3x3\n",
    "operators": "network T(a=2)\ninput 3x8x8\nconv a * 4 // 2 + 1 - -1 % 3 / 1 3x3\n",
    "conditional": "block b(s=1):\n    if s == 1 and not s != 2 or s >= 3:\n        relu\n    elif s < 2:\n"
    "        tanh\n    else:\n        sigmoid\n",
    "if expression": "network T(a=2)\ninput 3x8x8\nconv (8 if a > 1 else 4) 3x3\n",
    "multiplication sign": "network T\ninput 3×8×8\nconv 8 3×3 x2\nrelu ×2\n",
    "keywords inside names": "network networks\ninput 3x8x8\nblocky: conv 8 3x3\nfromage: relu\nif_1: tanh\n",
    "split and from": "network T\ninput 4x8x8\na, b: chunk 2\nc: from a, conv 2 1x1\nd: concat(b, c)\n",
    "freeze paths": "network T\ninput 3x8x8\nf: conv 8 3x3\ng: relu\nfreeze f* g\nunfreeze f\n",
    "expect forms": "network T\ninput 3x8x8\nconv 8 3x3 expect 8x6x6 params=224 macs=7.8K shape=8x6x6\n",
    "defaults let init": "network T\ninput 3x8x8\ndefaults bn eps=0.001\nlet w = 4 * 2\ninit conv=kaiming_normal\n"
    "conv w 3x3 bn\n",
    "chain labels": "network T\ninput 3x8x8\nc1: conv 8 3x3 bn1: bn relu1: relu, maxpool 2\n",
    "tuples": "network T\ninput 4x8x8\na, b: split (1, in.c - 1)\n",
    "imports and calls": 'import "blocks.arch"\nnetwork T\ninput 64x8x8\nbottleneck(16, stride=2) x2\n',
    "comment lines in a body": "block b():\n    relu\n# out\n        # deeper\n    tanh\n",
    "trailing indentation": "block b():\n    relu\n    ",
    "deep expression": "network T\ninput 3x8x8\ndense " + " + ".join(["1"] * 150) + "\n",
}


@pytest.mark.parametrize("text", list(EDGES.values()), ids=list(EDGES))
def test_edge_texts_parse_as_lark_parses_them(text):
    fast, why, slow = both(text)
    assert slow is not FAILED
    if why == "too deep":  # left to lark, which goes deeper
        assert text.count("+") >= 100
        return
    assert fast is not FAILED, why
    assert fast == slow


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(ALPHABET, max_size=300))
def test_random_spec_like_text(text):
    agree(text)


@FUZZ
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_random_sequences_of_spec_words(text):
    agree(text)


@FUZZ
@given(mutated_spec())
def test_mutated_zoo_specs(case):
    agree(case[1])


def test_syntax_errors_are_lark_s():
    """A text with errors goes to lark: the diagnostics are lark's, as before."""
    text = "network T\ninput 3x8x8\nconv 8 3x3 [1]\nrelu +\n"
    fast, why, slow = both(text)
    assert fast is FAILED and slow is FAILED
    with pytest.raises(ArchspecError) as err:
        parse(text, "t.arch")
    assert [(d.span.line, d.span.column, d.message) for d in err.value.diagnostics] == [
        (3, 12, "unexpected character `[`"),
        (4, 7, "unexpected end of line"),
    ]


def test_checking_the_zoo_never_imports_lark():
    code = (
        "import sys\n"
        "from archspec.analysis.load import analyse_file\n"
        f"for name in {sorted(p.name for p in SPECS.glob('*.arch'))!r}:\n"
        f"    assert analyse_file({str(SPECS)!r} + '/' + name).network is not None, name\n"
        "print(sorted(m for m in ('lark', 'rich', 'networkx', 'torch') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stdout.strip() == "[]"
