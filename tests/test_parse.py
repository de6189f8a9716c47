"""The parser (archspec.frontend.parse, recursive descent) against the grammar's definition: lark's
LALR parser of archspec/frontend/grammar.lark, through the same builder. On every spec, every text
of the error tests, edge cases and fuzzed text, both give the same syntax tree, every position
included, or both refuse the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SPECS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError
from lark.indenter import DedentError, Indenter
from test_errors import CASES, MISSING
from test_fuzz import ALPHABET, WORDS, mutated_spec

import archspec.frontend.parse as P
from archspec.diagnostics import ArchspecError, SpecError
from archspec.frontend import syntax as s
from archspec.frontend.parse import SyntaxBuilder, parse

GRAMMAR = Path(P.__file__).with_name("grammar.lark").read_text(encoding="utf-8")


class ArchIndenter(Indenter):
    """lark's Indenter with tab stops every 8 columns, as the language measures indentation."""

    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "CALL_OPEN"]
    CLOSE_PAREN_types = ["RPAR"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def handle_NL(self, token):
        if self.paren_level > 0:
            return
        yield token
        indent_str = token.rsplit("\n", 1)[1]
        indent = len(indent_str.expandtabs(self.tab_len))
        if indent > self.indent_level[-1]:
            self.indent_level.append(indent)
            yield Token.new_borrow_pos(self.INDENT_type, indent_str, token)
        else:
            while indent < self.indent_level[-1]:
                self.indent_level.pop()
                yield Token.new_borrow_pos(self.DEDENT_type, indent_str, token)
            if indent != self.indent_level[-1]:
                raise DedentError(f"unexpected dedent to column {indent}")


LARK = Lark(GRAMMAR, parser="lalr", postlex=ArchIndenter(), propagate_positions=True, maybe_placeholders=True)


def _lark_builder(file: str) -> Transformer:
    """SyntaxBuilder as a lark Transformer: each method takes lark's Meta and the children."""
    builder = SyntaxBuilder(file)

    def adapter(method):
        return v_args(meta=True)(lambda self, meta, c: method(meta, c))

    methods = {
        name: adapter(getattr(builder, name))
        for name, value in vars(SyntaxBuilder).items()
        if callable(value) and not name.startswith("_")
    }
    return type("LarkBuilder", (Transformer,), methods)()


REFUSED = "refused"
# lark's LALR tables merge the states that end a statement in a body and at the top level, so its
# contextual lexer reads `input`, `network`, `block` (and in a few other merged states `else`,
# `expect`, ...) as keywords where the grammar has no such keyword, and refuses the line: a body's
# second line `block: ...` is refused where its first is a line named `block` (specs/convnext_tiny.arch).
# The parser reads a word as a keyword only where the grammar has that keyword; on these texts the
# two may differ, and only there.
AT_A_KEYWORD = "lark refused a keyword"
KEYWORDS = {"IMPORT", "NETWORK", "INPUT", "BLOCK", "IF", "ELIF", "ELSE", "LET", "DEFAULTS", "FREEZE", "UNFREEZE"}
KEYWORDS |= {"INIT", "FROM", "EXPECT", "AND", "OR", "NOT"}
# the same for ` -1` after an operand: the merged states read it as `_SPACED_MINUS`, the start of the
# next atom, where the grammar has none (`let a = 4 -1`, `conv (w -1) 1`); the parser reads a subtraction
KEYWORDS |= {"_SPACED_MINUS"}


def by_lark(text: str):
    """lark's tree through the builder; REFUSED for a syntax error; ("error", code) for the builder's."""
    try:
        tree = LARK.parse(text)
    except UnexpectedToken as err:
        return AT_A_KEYWORD if err.token.type in KEYWORDS else REFUSED
    except (UnexpectedInput, DedentError):
        return REFUSED
    try:
        return _lark_builder("t.arch").transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, SpecError):
            return ("error", err.orig_exc.diagnostic.code)
        if isinstance(err.orig_exc, ValueError):  # int() of a number of thousands of digits
            return ("error", "bad-expression")
        raise


def by_archspec(text: str):
    """As `parse` decides: a syntax error anywhere comes before the builder's errors."""
    refused = (P.UnexpectedToken, P.UnexpectedCharacter, P.DedentError)
    try:
        return P.Parser(text, SyntaxBuilder("t.arch")).start()
    except refused:
        return REFUSED
    except SpecError as err:
        try:
            P.Parser(text, P.NoTree()).start()
        except refused:
            return REFUSED
        return ("error", err.diagnostic.code)


def agree(text: str) -> None:
    if not text.endswith("\n"):
        text += "\n"
    try:
        expected = by_lark(text)
    except RecursionError:  # lark's transformer recurses once a level of the tree
        return
    got = by_archspec(text)
    if expected is AT_A_KEYWORD:
        return
    assert got == expected, text


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.arch")), ids=lambda p: p.name)
def test_every_spec_parses_as_the_grammar_says(path):
    text = path.read_text(encoding="utf-8")
    tree = by_archspec(text)
    assert isinstance(tree, s.SpecFile)
    assert tree == by_lark(text)  # every node and every span


TEXTS = [c[1] for c in CASES] + [f"network T\ninput 3x32x32\n{m[0]}\n" for m in MISSING]


def test_every_text_of_the_error_tests():
    for text in TEXTS:
        agree(text)


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
def test_edge_texts(text):
    agree(text)
    assert isinstance(parse(text, "t.arch"), s.SpecFile)


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


def test_positions_are_lark_s():
    """Lines and columns start at 1, end columns are exclusive; a tab counts one column."""
    (line,) = parse("network T\ninput 3x8x8\nc1:\tconv 8 3x3\n", "t.arch").body
    (elem,) = line.elems
    spans = [line.label_span, elem.span, *(a.span for a in elem.atoms)]
    assert [(x.line, x.column, x.end_line, x.end_column) for x in spans] == [
        (3, 1, 3, 3),
        (3, 5, 3, 15),
        (3, 5, 3, 9),
        (3, 10, 3, 11),
        (3, 12, 3, 15),
    ]


def test_syntax_errors_are_collected():
    """After an error in a plain line, parsing goes on and finds the next."""
    text = "network T\ninput 3x8x8\nconv 8 3x3 [1]\nrelu +\n"
    with pytest.raises(ArchspecError) as err:
        parse(text, "t.arch")
    assert [(d.span.line, d.span.column, d.message) for d in err.value.diagnostics] == [
        (3, 12, "unexpected character `[`"),
        (4, 7, "unexpected end of line"),
    ]


def test_a_word_is_a_keyword_only_where_the_grammar_has_it():
    """In a body `block:` and `input:` name lines (lark's merged LALR states refuse the second one);
    at the start of a line, `if:` is the keyword and an error."""
    tree = parse("block b():\n    block: relu\n    input: tanh\n    network: sigmoid\n", "t.arch")
    (block,) = tree.blocks
    assert [line.label for line in block.body] == ["block", "input", "network"]
    assert by_lark("block b():\n    block: relu\n    input: tanh\n") is AT_A_KEYWORD
    with pytest.raises(ArchspecError) as err:
        parse("network T\ninput 3x8x8\nif: relu\n", "t.arch")
    assert err.value.diagnostics[0].message == "`if` is a word of the language: it cannot name a line"
