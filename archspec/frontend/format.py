"""`archspec fmt`: one layout for `.arch` text, comments kept.

The layout, decided by the tokens (`lexer.py`'s terminals) and the syntax tree's spans:

- indentation: 4 spaces per level (tabs and other widths are re-indented level by level); a line
  continued inside parentheses or after `\\` keeps its offset from the line it continues;
- one space between words; none after `(` and before `)`, `,` or `:`; none around `.`, nor
  around `=` in options (`stride=2`); one around `=` in `let` and around comparisons (`==`);
  arithmetic operators keep the author's choice of one space or none (`width*4`, `in.c / 16`);
- two spaces before a label inside a chain (`conv 64 3x3  bn1: bn`), and two spaces kept where the
  author wrote two or more before a layer of a chain (`bn  relu`);
- an `expect` after a line's layers starts at one column over a body's lines: two spaces after
  the longest (lines longer than EXPECT_CAP before it keep two spaces); trailing comments
  likewise, over each paragraph of a body (between blank lines);
- a comment on a line of its own takes the indentation of the level it was written at;
- no trailing spaces, at most one blank line in a row inside a body and two between top-level
  parts, none at the start, one newline at the end.

`format_text` raises ArchspecError (the parser's diagnostics) for text that does not parse, and
never returns text that parses to another tree: it checks, and raises AssertionError if so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass

from archspec.frontend import syntax as s
from archspec.frontend.lexer import _TOKEN, TAB
from archspec.frontend.parse import parse

INDENT = 4
EXPECT_CAP = 72  # lines longer than this before their `expect` do not push the column of the others
COMMENT_CAP = 88
# the lexer's pattern, but one newline at a time (the lexer's _NL swallows blank and comment lines)
_PHYSICAL = re.compile(_TOKEN.pattern.replace(r"(?P<_NL>(\r?\n[\t ]*(\#[^\n]*)?)+)", r"(?P<_NL>\r?\n)"), re.VERBOSE)
_OPEN = ("LPAR", "CALL_OPEN")
_ARITHMETIC = ("PLUS", "MINUS", "STAR", "SLASH", "DOUBLESLASH", "PERCENT")


@dataclass
class _Tok:
    kind: str
    text: str
    line: int
    column: int
    space_before: str  # the whitespace (or `\` continuation) written before it on its line


@dataclass
class _Physical:
    indent: str  # the leading whitespace as written
    tokens: list[_Tok] = field(default_factory=list)  # comments included, whitespace not
    backslash: bool = False  # ends in a `\\` that continues the line


@dataclass
class _Logical:
    lines: list[_Physical]
    level: int = 0

    @property
    def comment_only(self) -> bool:
        return all(t.kind == "COMMENT" for line in self.lines for t in line.tokens)

    @property
    def blank(self) -> bool:
        return not any(line.tokens for line in self.lines)


def _physical_lines(text: str) -> list[tuple[_Physical, bool]]:
    """Each physical line and whether it continues the logical line before it (inside
    parentheses, or after a `\\`)."""
    out: list[tuple[_Physical, bool]] = []
    pos, line, line_start, paren, continued = 0, 1, 0, 0, False
    current = _Physical("")
    space = ""
    at_start = True
    while pos < len(text):
        m = _PHYSICAL.match(text, pos)
        if m is None:  # the text parsed, so this cannot happen; keep the rest as it is
            raise AssertionError(f"no token at {line}:{pos - line_start + 1}")
        kind, value = m.lastgroup, m.group()
        column = pos - line_start + 1
        pos = m.end()
        if kind == "WS_INLINE":
            if at_start:
                current.indent = value
            else:
                space += value
            continue
        if kind in ("_NL", "LINE_CONT"):
            current.backslash = kind == "LINE_CONT"
            out.append((current, continued))
            continued = paren > 0 or kind == "LINE_CONT"
            line, line_start = line + 1, pos
            current, space, at_start = _Physical(""), "", True
            continue
        current.tokens.append(_Tok(kind, value, line, column, space))
        space, at_start = "", False
        if kind in _OPEN:
            paren += 1
        elif kind == "RPAR":
            paren = max(0, paren - 1)
    if current.tokens or current.indent:
        out.append((current, continued))
    if out:
        out[0][0].indent = ""  # the lexer counts indentation after a newline only: the first line's is no level
    return out


def _logical_lines(text: str) -> list[_Logical]:
    logical: list[_Logical] = []
    for physical, continued in _physical_lines(text):
        if continued and logical:
            logical[-1].lines.append(physical)
        else:
            logical.append(_Logical([physical]))
    return logical


def _width(indent: str) -> int:
    return len(indent.expandtabs(TAB))


def _levels(logical: list[_Logical]) -> None:
    """Each line's level, as the parser's indentation stack gives it; a comment line's is the
    deepest level open there (or opened by the next code line) not deeper than the comment."""
    stack = [0]
    stacks: list[list[int]] = []
    for ln in logical:
        if not ln.blank and not ln.comment_only:
            width = _width(ln.lines[0].indent)
            if width > stack[-1]:
                stack.append(width)
            else:
                while width < stack[-1]:
                    stack.pop()
            ln.level = len(stack) - 1
        stacks.append(list(stack))
    next_width = 0
    for i in range(len(logical) - 1, -1, -1):
        ln = logical[i]
        if ln.blank:
            continue
        if not ln.comment_only:
            next_width = _width(ln.lines[0].indent)
            continue
        widths = stacks[i] + ([next_width] if next_width > stacks[i][-1] else [])
        width = _width(ln.lines[0].indent)
        ln.level = max(k for k, w in enumerate(widths) if w <= width)


def _marks(tree: s.SpecFile) -> tuple[set[tuple[int, int]], set[tuple[int, int]], set[tuple[int, int]]]:
    """Where (line, column) inline `expect`s, labels inside chains and later atoms of chains start."""
    expects, labels, atoms = set(), set(), set()

    def body(stmts) -> None:
        for stmt in s.statements(stmts):
            elems = ()
            if isinstance(stmt, s.Line):
                elems = stmt.elems
                if stmt.expect is not None and (stmt.elems or stmt.label is not None):
                    expects.add((stmt.expect.span.line, stmt.expect.span.column))
            elif isinstance(stmt, s.SplitLine):
                elems = stmt.elems
            for elem in elems:
                for k, atom in enumerate(elem.atoms):
                    where = (atom.span.line, atom.span.column)
                    if isinstance(atom, s.Label):
                        labels.add(where)
                    elif k > 0 and isinstance(atom, (s.Name, s.Call)):
                        atoms.add(where)

    body(tree.body)
    for block in tree.blocks:
        body(block.body)
    return expects, labels, atoms


_WORDS = ("NAME", "NUMBER", "DIMS", "REPEAT")


def _gap(prev: _Tok, tok: _Tok, first: _Tok, marks, first_equal: bool) -> str:
    """The space between two tokens of a line. A space is added only where it cannot change how
    the line is read (after `,` `:` `=` `)`, around comparisons): `1.5K` and `features.2` stay whole."""
    _, labels, atoms = marks
    where = (tok.line, tok.column)
    written = tok.space_before
    if where in labels and prev.kind != "COMMA":
        return "  "
    if where in atoms and len(written) >= 2:
        return "  "
    if prev.kind in _OPEN or tok.kind in ("RPAR", "COMMA", "COLON"):
        return ""
    spaced_equal = first_equal and first.text == "let"
    if not written:
        if prev.kind in ("COMMA", "COLON") or "COMPARE" in (prev.kind, tok.kind):
            return " "
        if spaced_equal and "EQUAL" in (prev.kind, tok.kind):
            return " "
        if prev.kind == "RPAR" and tok.kind in _WORDS:
            return " "
        return ""
    if "EQUAL" in (prev.kind, tok.kind):
        return " " if spaced_equal else ""
    return " "


def _join(tokens: list[_Tok], marks, head: _Tok | None) -> list[tuple[str, _Tok]]:
    """The tokens of one physical line with the space canonical before each (the first: "")."""
    out: list[tuple[str, _Tok]] = []
    seen_equal = False
    for k, tok in enumerate(tokens):
        if k == 0:
            out.append(("", tok))
            continue
        prev = tokens[k - 1]
        first_equal = False
        if tok.kind == "EQUAL" or prev.kind == "EQUAL":
            first_equal = not seen_equal or prev.kind == "EQUAL"
            if tok.kind == "EQUAL":
                seen_equal = True
        out.append((_gap(prev, tok, head or tokens[0], marks, first_equal), tok))
    return out


def _render(parts: list[tuple[str, _Tok]]) -> str:
    return "".join(gap + tok.text for gap, tok in parts)


def format_text(text: str, file: str = "<string>") -> str:
    """`text` in archspec's layout (see the module's docstring). Raises ArchspecError where the
    text does not parse."""
    tree = parse(text, file)
    if not text.endswith("\n"):  # as the parser reads it
        text += "\n"
    text = text.replace("\r\n", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    marks = _marks(tree)
    logical = _logical_lines(text)
    _levels(logical)

    # each logical line: (indent, code text, expect text or "", comment text or "", continuation lines or None)
    rendered: list[dict | None] = []
    for ln in logical:
        if ln.blank:
            rendered.append(None)
            continue
        indent = " " * (INDENT * ln.level)
        first = ln.lines[0]
        head = first.tokens[0]
        if len(ln.lines) == 1:
            tokens = first.tokens
            comment = tokens[-1].text.rstrip() if tokens[-1].kind == "COMMENT" else ""
            if comment:
                tokens = tokens[:-1]
            parts = _join(tokens, marks, head)
            split = next((k for k, (_, t) in enumerate(parts) if k > 0 and (t.line, t.column) in marks[0]), len(parts))
            code = _render(parts[:split])
            expect = _render([("", parts[split][1]), *parts[split + 1 :]]) if split < len(parts) else ""
            rendered.append(
                {"level": ln.level, "indent": indent, "code": code, "expect": expect, "comment": comment, "more": None}
            )
            continue
        base = _width(first.indent)
        lines = []
        for k, physical in enumerate(ln.lines):
            if not physical.tokens:
                lines.append("")
                continue
            comment = physical.tokens[-1].text.rstrip() if physical.tokens[-1].kind == "COMMENT" else ""
            tokens = physical.tokens[:-1] if comment else physical.tokens
            body = _render(_join(tokens, marks, head if k == 0 else None))
            if k == 0:
                pad = indent
            else:
                offset = _width(physical.indent) - base
                pad = indent + " " * (offset if offset > 0 else INDENT)
            cont = " \\" if physical.backslash else ""
            line = pad + body + cont
            if comment:
                line = (line + "  " + comment) if body else pad + comment
            lines.append(line)
        rendered.append({"level": ln.level, "lines": lines})

    _align(rendered, "expect", lambda r: r["indent"] + r["code"], EXPECT_CAP)
    _align(rendered, "comment", _before_comment, COMMENT_CAP, paragraphs=True)

    out: list[str] = []
    blanks = 0
    for r in rendered:
        if r is None:
            blanks += 1
            continue
        if out and blanks:
            limit = 2 if r["level"] == 0 else 1
            out.extend([""] * min(blanks, limit))
        blanks = 0
        if "lines" in r:
            out.extend(line.rstrip() for line in r["lines"])
            continue
        line = r["indent"] + r["code"]
        if r["expect"]:
            line += r.get("expect_gap", "  ") + r["expect"]
        if r["comment"]:
            line = (
                (line + r.get("comment_gap", "  ") + r["comment"])
                if (r["code"] or r["expect"])
                else line + r["comment"]
            )
        out.append(line.rstrip())
    result = "\n".join(out) + "\n" if out else ""
    _check_same(tree, result, file)
    return result


def _before_comment(r: dict) -> str:
    return r["indent"] + r["code"] + r.get("expect_gap", "  ") + r["expect"]


def _align(rendered: list, key: str, before, cap: int, paragraphs: bool = False) -> None:
    """Pad `key` (an inline `expect`, a trailing comment) to one column over the one-line logical
    lines of each body (of each paragraph of it, between blank lines, with `paragraphs`) that
    have one: two spaces after the longest text before it, leaving out lines whose text before it
    is longer than `cap` (they keep two spaces)."""
    runs: dict[int, list[dict]] = {}

    def flush(level: int) -> None:
        run = runs.pop(level, [])
        having = [r for r in run if r[key] and (r["code"] or (key == "comment" and r["expect"]))]
        if not having:
            return
        widths = [len(before(r)) for r in having if len(before(r)) <= cap]
        column = max(widths) + 2 if widths else 0
        for r in having:
            r[f"{key}_gap"] = " " * max(2, column - len(before(r)))

    for r in rendered:
        if r is None:
            if paragraphs:
                for level in list(runs):
                    flush(level)
            continue
        for level in [lv for lv in runs if lv > r["level"]]:
            flush(level)  # the bodies deeper than this line have ended
        if "lines" not in r:
            runs.setdefault(r["level"], []).append(r)
    for level in list(runs):
        flush(level)


def _check_same(tree: s.SpecFile, result: str, file: str) -> None:
    again = parse(result, file)
    if without_spans(again) != without_spans(tree):
        raise AssertionError(f"{file}: formatting would change what the spec says; it is left as it is")


def without_spans(node):
    """A syntax tree with every span dropped: what the text says, not where."""
    if isinstance(node, s.Span):
        return None
    if isinstance(node, tuple):
        return tuple(without_spans(n) for n in node)
    if isinstance(node, list):
        return [without_spans(n) for n in node]
    if is_dataclass(node) and not isinstance(node, type):
        return (type(node).__name__,) + tuple(
            (f.name, without_spans(getattr(node, f.name)))
            for f in fields(node)
            if not (f.name == "span" or f.name.endswith("_span"))
        )
    return node
