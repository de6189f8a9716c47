"""Text -> tokens, for the parser in `parse.py`. The terminals are those of `grammar.lark`, matched
as lark's contextual lexer matches them (with the grammar's priorities, in lark's order of
terminals), lines and columns counted as lark counts them, and indentation made into `_INDENT` and
`_DEDENT` tokens as lark's Indenter makes them (tab stops of 8, nothing inside parentheses).

One pattern reads the next token without knowing where the parser is; the few terminals that
depend on the place are the parser's to ask for: a keyword is a NAME the parser takes as one, a
repeat `x3` is a NAME where a repeat may stand, and `relex` reads the same place again as a
MEASURE (`7.8K` after `params=`), a PATH (after `freeze`), a NUMBER where a size `3x3` may not
stand, or a NAME where a block call `b(` may not.
"""

from __future__ import annotations

import re

# What the parser reads: the grammar's terminals, in lark's order where two could match at one place.
# MEASURE, PATH and NAMES are read only where the parser asks for them (`relex`, `names_here`).
_TOKEN = re.compile(
    r"""(?P<REPEAT>×[0-9]+\b)
    |(?P<DIMS>[0-9]+([x×][0-9]+)+)
    |(?P<CALL_OPEN>[A-Za-z_][A-Za-z0-9_]*\()
    |(?P<NUMBER>[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?)
    |(?P<NAME>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<_NL>(\r?\n[\t ]*(\#[^\n]*)?)+)
    |(?P<LINE_CONT>\\[\t \f]*\r?\n)
    |(?P<STRING>"[^"\n]*")
    |(?P<COMMENT>\#[^\n]*)
    |(?P<WS_INLINE>[\t \f]+)
    |(?P<COMPARE>==|!=|<=|>=|<|>)
    |(?P<DOUBLESLASH>//)
    |(?P<COLON>:)|(?P<COMMA>,)|(?P<DOT>\.)|(?P<EQUAL>=)|(?P<LPAR>\()|(?P<RPAR>\))
    |(?P<MINUS>-)|(?P<PERCENT>%)|(?P<PLUS>\+)|(?P<SLASH>/)|(?P<STAR>\*)""",
    re.VERBOSE,
)
_ONE = {
    "MEASURE": re.compile(r"[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?[KMGkmg]?"),
    "PATH": re.compile(r"[A-Za-z_*][A-Za-z0-9_*]*(\.[A-Za-z0-9_*]+)*"),
    "NUMBER": re.compile(r"[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?"),
    "NAME": re.compile(r"[A-Za-z_][A-Za-z0-9_]*"),
}
_NAMES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*([\t ]*,[\t ]*[A-Za-z_][A-Za-z0-9_]*)+[\t ]*:")
_REPEAT = re.compile(r"x[0-9]+")
_IGNORED = frozenset(("COMMENT", "WS_INLINE", "LINE_CONT"))
TAB = 8


class Token(str):
    """A token: its text, its terminal, where it is (lines and columns from 1, the end exclusive)
    and where it starts in the text (`pos`)."""

    __slots__ = ("type", "line", "column", "end_line", "end_column", "pos")

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


def token(kind: str, text: str, line, column, end_line, end_column, pos: int = -1) -> Token:
    tok = str.__new__(Token, text)
    tok.type, tok.line, tok.column, tok.end_line, tok.end_column, tok.pos = (
        kind,
        line,
        column,
        end_line,
        end_column,
        pos,
    )
    return tok


class UnexpectedCharacter(Exception):
    """No terminal matches at (line, column)."""

    def __init__(self, line: int, column: int):
        super().__init__(f"unexpected character at {line}:{column}")
        self.line, self.column = line, column


class DedentError(Exception):
    """A line's indentation matches no enclosing level."""


class Lexer:
    """The tokens of `text`, one at a time: `peek` the next, `take` it, `relex` it as another terminal."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0  # where the next token not yet read starts
        self.line, self.line_start = 1, 0
        self.paren = 0
        self.indents = [0]
        self.queue: list[Token] = []  # tokens read, not yet taken
        self.indents_before = [0]  # the indentation levels before the first of them was read
        self.last: Token | None = None  # the last token read (for the end of the input's positions)

    def _read(self) -> None:
        """Read the next token (and the _INDENT or _DEDENTs a newline makes) into the queue."""
        text, n = self.text, len(self.text)
        if not self.queue:
            self.indents_before = list(self.indents)
        while self.pos < n:
            m = _TOKEN.match(text, self.pos)
            if m is None:
                raise UnexpectedCharacter(self.line, self.pos - self.line_start + 1)
            kind, value = m.lastgroup, m.group()
            tok = self._make(kind, value)
            if kind in _IGNORED:
                continue
            if kind == "_NL":
                if self.paren > 0:
                    continue
                self.queue.append(tok)
                indent_str = value.rsplit("\n", 1)[1]
                indent = len(indent_str.expandtabs(TAB))
                place = (tok.line, tok.column, tok.end_line, tok.end_column)
                if indent > self.indents[-1]:
                    self.indents.append(indent)
                    self.queue.append(token("_INDENT", indent_str, *place))
                else:
                    while indent < self.indents[-1]:
                        self.indents.pop()
                        self.queue.append(token("_DEDENT", indent_str, *place))
                    if indent != self.indents[-1]:
                        raise DedentError(f"unexpected dedent to column {indent}")
                return
            self.queue.append(tok)
            return
        # the end: the open bodies close where the last token is, then $END
        last = self.last
        place = (last.line, last.column, last.end_line, last.end_column) if last is not None else (0, 0, 0, 0)
        while len(self.indents) > 1:
            self.indents.pop()
            self.queue.append(token("_DEDENT", "", *place))
        end = (last.line, last.column, last.end_line, last.end_column) if last is not None else (1, 1, None, None)
        self.queue.append(token("$END", "", *end, pos=n))

    def _make(self, kind: str, value: str) -> Token:
        """The token of `value` at the current place, the place moved past it (as lark counts lines)."""
        start, line, column = self.pos, self.line, self.pos - self.line_start + 1
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = start + value.rindex("\n") + 1
        self.pos = start + len(value)
        tok = token(kind, value, line, column, self.line, self.pos - self.line_start + 1, start)
        if kind not in _IGNORED:
            self.last = tok
        return tok

    def peek(self, ahead: int = 0) -> Token:
        if len(self.queue) > ahead:
            return self.queue[ahead]
        while len(self.queue) <= ahead:
            if self.queue and self.queue[-1].type == "$END":
                return self.queue[-1]
            self._read()
        return self.queue[ahead]

    def take(self) -> Token:
        tok = self.peek()
        if tok.type != "$END":
            self.queue.pop(0)
        if tok.type in ("LPAR", "CALL_OPEN"):
            self.paren += 1
        elif tok.type == "RPAR":
            self.paren = max(0, self.paren - 1)
        return tok

    def relex(self, kind: str) -> Token | None:
        """The next token read again as `kind` (MEASURE, PATH, NUMBER or NAME) from where it starts;
        None, and nothing changed, where `kind` does not match there."""
        tok = self.peek()
        if tok.pos < 0:  # an _INDENT or _DEDENT the lexer made (no pattern matches a newline or the end)
            return None
        m = _ONE[kind].match(self.text, tok.pos)
        return None if m is None else self._reread(tok, kind, m.group())

    def names_here(self) -> Token | None:
        """`x1, x2:` as one NAMES token where the next token starts, if it is one."""
        tok = self.peek()
        if tok.type != "NAME":
            return None
        m = _NAMES.match(self.text, tok.pos)
        return None if m is None else self._reread(tok, "NAMES", m.group())

    def _reread(self, tok: Token, kind: str, value: str) -> Token:
        """The next token replaced by `value` as `kind`; what was read after it is read again."""
        self.queue.clear()
        self.indents = list(self.indents_before)
        self.pos, self.line = tok.pos, tok.line
        self.line_start = tok.pos - tok.column + 1
        new = self._make(kind, value)
        self.queue.append(new)
        return new


def is_repeat(tok: Token) -> bool:
    """A NAME that is a repeat `x3` where a repeat may stand (REPEAT comes before NAME in lark's order)."""
    return tok.type == "REPEAT" or (tok.type == "NAME" and _REPEAT.fullmatch(tok) is not None)
