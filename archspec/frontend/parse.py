"""Text -> syntax tree. The grammar lives in `grammar.lark`; lark parses it (LALR, positions kept),
this module turns lark's tree into frozen dataclasses and lark's syntax errors into diagnostics.

lark works out the grammar's LALR tables on the first run, and the parser is saved in the per-user
cache folder (`Lark.save`, `cache_file`): later runs load it (`Lark.load`) instead of building it again."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sys
from dataclasses import replace

import lark
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.indenter import DedentError, Indenter

from archspec.diagnostics import ArchspecError, Diagnostic, SpecError, fail
from archspec.frontend import syntax as s
from archspec.layers import MERGE_NAMES

GRAMMAR = os.path.join(os.path.dirname(__file__), "grammar.lark")


class ArchIndenter(Indenter):
    """lark's Indenter, measuring indentation with tab stops every 8 columns (as Python and editors
    do) rather than counting a tab as 8 spaces wherever it stands."""

    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "CALL_OPEN"]
    CLOSE_PAREN_types = ["RPAR"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def handle_NL(self, token: Token):
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


def cache_folder() -> str:
    """The per-user cache folder: $XDG_CACHE_HOME or ~/.cache (%LOCALAPPDATA% on Windows), archspec/."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = os.environ["LOCALAPPDATA"]
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "archspec")


# lark's options (with ArchIndenter as the postlexer): the parse tree keeps positions, and an absent
# `[optional]` part is a None child
OPTIONS = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": True}


def cache_file(grammar: str) -> str:
    """Where the parser for this grammar is kept: a file for each grammar, set of options, lark
    version and Python version (what lark's tables and its saved parser depend on), so that a file
    once written holds for as long as its name is asked for."""
    key = "\n".join([grammar, repr(sorted(OPTIONS.items())), lark.__version__, repr(sys.version_info[:2])])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return os.path.join(cache_folder(), f"grammar-{digest}.lark")


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    """lark's parser of the grammar: loaded from the cache (`Lark.load`), or built and saved there
    (`Lark.save`) for the next run. A new file is written under another name and renamed into place,
    so that a process starting meanwhile never reads half of it; a file that cannot be read is
    built again and written over; where the folder cannot be written, the tables are built every time."""
    with open(GRAMMAR, encoding="utf-8") as f:
        grammar = f.read()
    path = cache_file(grammar)
    try:
        with open(path, "rb") as f:
            return Lark.load(f)
    except Exception:  # no file yet, or a broken one (whatever unpickling it raised): built again
        pass
    parser = Lark(grammar, postlex=ArchIndenter(), **OPTIONS)
    partial = f"{path}.{os.getpid()}.partial"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(partial, "wb") as f:
            parser.save(f)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(partial)
    return parser


def _span(file: str, meta) -> s.Span:
    return s.Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


def _dims(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.split("[x×]", text))


def _expect_key(key: str) -> str:
    return "shape" if key == "output" else key


def _number(text: str) -> int | float:
    text = text.replace("_", "")
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    return float(text)


def _measure(text: str) -> tuple[float | int, float]:
    """`128M` -> (128e6, 0.5e6): the value and half a unit of its last written digit."""
    raw = text.replace("_", "")
    scale = 1.0
    if raw[-1].upper() in s.SI_SUFFIXES:
        scale = s.SI_SUFFIXES[raw[-1].upper()]
        raw = raw[:-1]
    value = _number(raw)
    if scale == 1.0 and isinstance(value, int):
        return value, 0.0
    mantissa = raw.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(raw.lower().split("e")[1]) if "e" in raw.lower() else 0
    half_unit = 0.5 * 10.0 ** (exponent - decimals) * scale
    return value * scale, half_unit


class _ToSyntax(Transformer):
    """lark's tree -> `syntax` dataclasses. Method names are the grammar's rule names; each takes the
    list of the rule's children (tokens, None for an absent optional part, and the values of its
    rules), after the node's positions where marked `@v_args(meta=True)`."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def _sp(self, meta) -> s.Span:
        return _span(self.file, meta)

    def _tok(self, tok: Token) -> s.Span:
        return s.Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    # -- expressions
    @v_args(meta=True)
    def number(self, meta, c):
        value = _number(str(c[0]))
        if value == float("inf"):  # `1e400`: Python reads it as infinity
            raise fail("bad-expression", f"`{c[0]}` is too large a number", self._sp(meta), "too large")
        return s.Number(value, self._sp(meta))

    @v_args(meta=True)
    def name(self, meta, c):
        return s.Name(str(c[0]), self._sp(meta))

    @v_args(meta=True)
    def attr(self, meta, c):
        return s.Attr(str(c[0]), str(c[1]), self._sp(meta))

    def _bin(op):
        @v_args(meta=True)
        def method(self, meta, c):
            return s.BinOp(op, c[0], c[1], self._sp(meta))

        return method

    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    div = _bin("/")
    floordiv = _bin("//")
    mod = _bin("%")

    @v_args(meta=True)
    def compare(self, meta, c):
        return s.Compare(str(c[1]), c[0], c[2], self._sp(meta))

    @v_args(meta=True)
    def and_(self, meta, c):
        return s.BoolOp("and", c[0], c[1], self._sp(meta))

    @v_args(meta=True)
    def or_(self, meta, c):
        return s.BoolOp("or", c[0], c[1], self._sp(meta))

    @v_args(meta=True)
    def not_(self, meta, c):
        return s.BoolOp("not", c[0], None, self._sp(meta))

    @v_args(meta=True)
    def ifexpr(self, meta, c):
        return s.IfExpr(c[0], c[1], c[2], self._sp(meta))

    @v_args(meta=True)
    def neg(self, meta, c):
        return s.Neg(c[0], self._sp(meta))

    @v_args(meta=True)
    def dims(self, meta, c):
        return s.Dims(_dims(str(c[0])), self._sp(meta))

    @v_args(meta=True)
    def tuple(self, meta, c):
        return s.Tuple(tuple(c), self._sp(meta))

    @v_args(meta=True)
    def shape(self, meta, c):
        if c[0].type == "DIMS":
            return _dims(str(c[0])), self._sp(meta)
        value = _number(str(c[0]))
        if not isinstance(value, int):
            raise fail("bad-input", f"a size is a whole number, not `{c[0]}`", self._sp(meta), "not whole")
        return (value,), self._sp(meta)

    # -- lines
    @v_args(meta=True)
    def option(self, meta, c):
        return s.Option(str(c[0]), c[1], self._sp(meta), self._tok(c[0]))

    @v_args(meta=True)
    def call(self, meta, c):
        head: Token = c[0]
        name_span = s.Span(self.file, head.line, head.column, head.line, head.end_column - 1)
        rest = [a for a in c[1:] if a is not None]
        args = tuple(a for a in rest if not isinstance(a, s.Option))
        opts = tuple(a for a in rest if isinstance(a, s.Option))
        return s.Call(str(head)[:-1], args, opts, self._sp(meta), name_span)

    def chain_label(self, c):
        return s.Label(str(c[0]), self._tok(c[0]))

    @v_args(meta=True)
    def elem(self, meta, c):
        *atoms, rep = c
        count, rep_span = 1, None
        if rep is not None:
            count, rep_span = int(str(rep)[1:]), self._tok(rep)
        return s.Elem(tuple(atoms), count, self._sp(meta), rep_span)

    @v_args(meta=True)
    def from_elem(self, meta, c):
        # `from x2`: an element of the words `from` and the name, which the expander reads (`from_name`)
        span = self._sp(meta)
        keyword = s.Span(self.file, span.line, span.column, span.line, span.column + 4)
        return s.Elem((s.Name("from", keyword), s.Name(str(c[0]), self._tok(c[0]))), 1, span, None)

    @v_args(meta=True)
    def expect_shape(self, meta, c):
        dims, span = c[0]
        return s.ExpectItem("shape", dims, "x".join(map(str, dims)), 0.0, span)

    @v_args(meta=True)
    def expect_keyed_shape(self, meta, c):
        dims = _dims(str(c[1]))  # `shape=6x28x28`; any other key is reported by the expectation check
        return s.ExpectItem(_expect_key(str(c[0])), dims, "x".join(map(str, dims)), 0.0, self._sp(meta))

    @v_args(meta=True)
    def expect_value(self, meta, c):
        try:
            value, precision = _measure(str(c[1]))
        except OverflowError:
            raise fail("bad-expression", f"`{c[1]}` is too large a number", self._sp(meta), "too large") from None
        return s.ExpectItem(_expect_key(str(c[0])), value, str(c[1]), precision, self._sp(meta))

    @v_args(meta=True)
    def expect_clause(self, meta, c):
        return s.Expect(tuple(c), self._sp(meta))

    def expect_stmt(self, c):
        return c[0]

    def _freeze(self, meta, c, frozen: bool) -> s.Freeze:
        return s.Freeze(frozen, tuple((str(t), self._tok(t)) for t in c), self._sp(meta))

    @v_args(meta=True)
    def freeze(self, meta, c):
        return self._freeze(meta, c, True)

    @v_args(meta=True)
    def unfreeze(self, meta, c):
        return self._freeze(meta, c, False)

    @v_args(meta=True)
    def init_stmt(self, meta, c):
        return s.Init(tuple(c), self._sp(meta))

    @v_args(meta=True)
    def line(self, meta, c):
        label, *elems, expect = c
        return s.Line(
            str(label) if label is not None else None,
            tuple(elems),
            expect,
            self._sp(meta),
            self._tok(label) if label is not None else None,
        )

    @v_args(meta=True)
    def split_line(self, meta, c):
        head: Token = c[0]  # `x1, x2:` as one token: each name's span is found in its text
        names = []
        for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", str(head)):
            column = head.column + m.start()
            names.append((m.group(), s.Span(self.file, head.line, column, head.line, column + len(m.group()))))
        return s.SplitLine(tuple(names), tuple(c[1:]), self._sp(meta))

    @v_args(meta=True)
    def compound(self, meta, c):
        label, head, *body = c
        return s.Compound(
            str(label) if label is not None else None, str(head), tuple(body), self._sp(meta), self._tok(head)
        )

    @v_args(meta=True)
    def if_stmt(self, meta, c):
        cond, *rest = c
        body = tuple(x for x in rest if not isinstance(x, tuple) and x is not None)
        arms = [(cond, body), *(x for x in rest if isinstance(x, tuple))]
        return s.If(tuple(arms), self._sp(meta))

    def elif_clause(self, c):
        return (c[0], tuple(c[1:]))

    def else_clause(self, c):
        return (None, tuple(c))

    @v_args(meta=True)
    def let_stmt(self, meta, c):
        return s.Let(str(c[0]), c[1], self._sp(meta), self._tok(c[0]))

    @v_args(meta=True)
    def defaults_stmt(self, meta, c):
        return s.Defaults(str(c[0]), tuple(c[1:]), self._sp(meta), self._tok(c[0]))

    # -- top level
    @v_args(meta=True)
    def param(self, meta, c):
        return s.Param(str(c[0]), c[1], self._sp(meta))

    @v_args(meta=True)
    def block_def(self, meta, c):
        head: Token = c[0]
        name = str(head).rstrip("(")
        name_span = s.Span(self.file, head.line, head.column, head.line, head.column + len(name))
        params = tuple(p for p in c[1:] if isinstance(p, s.Param))
        body = tuple(b for b in c[1:] if b is not None and not isinstance(b, s.Param))
        for i, p in enumerate(params):
            if p.name in (q.name for q in params[:i]):
                raise fail("duplicate-name", f"`{name}` has two parameters named `{p.name}`", p.span, "second one")
        return s.BlockDef(name, params, body, self._sp(meta), name_span)

    @v_args(meta=True)
    def import_stmt(self, meta, c):
        return s.Import(str(c[0])[1:-1], self._sp(meta))

    @v_args(meta=True)
    def network_decl(self, meta, c):
        # `network ResNet50(num_classes=1000)`: parameters the body reads and `--set` changes
        head: Token = c[0]
        name = str(head).rstrip("(")
        params = tuple(p for p in c[1:] if isinstance(p, s.Param))
        for i, p in enumerate(params):
            if p.name in (q.name for q in params[:i]):
                raise fail("duplicate-name", f"`{name}` has two parameters named `{p.name}`", p.span, "second one")
            if p.default is None:
                raise fail(
                    "bad-argument",
                    f"the network's parameter `{p.name}` needs a default",
                    p.span,
                    "no default",
                    f"write `{p.name}=VALUE`; `--set {p.name}=VALUE` changes it",
                )
        return ("network", name, self._sp(meta), params)

    @v_args(meta=True)
    def input_decl(self, meta, c):
        dims, span = c[0]
        return ("input", dims, span)

    def start(self, c):
        imports, blocks, body = [], [], []
        network = network_span = input_shape = input_span = None
        network_params: tuple[s.Param, ...] = ()
        for item in c:
            if isinstance(item, s.Import):
                imports.append(item)
            elif isinstance(item, s.BlockDef):
                blocks.append(item)
            elif isinstance(item, tuple) and item[0] == "network":
                if network is not None:
                    raise fail("duplicate-network", "a file describes one network", item[2], "second `network`")
                network, network_span, network_params = item[1], item[2], item[3]
            elif isinstance(item, tuple) and item[0] == "input":
                if input_shape is not None:
                    raise fail("duplicate-input", "the network already has an input", item[2], "second `input`")
                input_shape, input_span = item[1], item[2]
            else:
                body.append(item)
        defaults = tuple(item for item in body if isinstance(item, s.Defaults))
        if defaults:  # the file's `defaults` hold for its blocks, wherever they stand, as for its network
            blocks = [replace(b, defaults=defaults) for b in blocks]
        return s.SpecFile(
            self.file,
            tuple(imports),
            tuple(blocks),
            network,
            network_span,
            input_shape,
            input_span,
            tuple(body),
            network_params,
        )


_EXPECTED_WORDS = {
    "_NL": "end of line",
    "_INDENT": "an indented body",
    "_DEDENT": "end of the indented body",
    "NAME": "a name",
    "NUMBER": "a number",
    "DIMS": "a size like 3x3",
    "MEASURE": "a number",
    "COLON": "`:`",
    "RPAR": "`)`",
    "LPAR": "`(`",
    "EQUAL": "`=`",
    "COMMA": "`,`",
    "STRING": 'a quoted path like "blocks.arch"',
    "PATH": "the path of a layer or block, like `layer4.2.conv3`",
    "CALL_OPEN": "a block call like `name(`",
    "NAMES": "names like `x1, x2:`",
    "REPEAT": "a repeat like x3",
    "MINUS": "`-`",
    "PLUS": "`+`",
    "STAR": "`*`",
    "SLASH": "`/`",
    "DOT": "`.`",
    "PERCENT": "`%`",
}


def _describe_token(tok: Token) -> str:
    if tok.type == "_NL":
        return "end of line"
    if tok.type == "_INDENT":
        return "an indented line"
    if tok.type == "_DEDENT":
        return "end of the indented body"
    if tok.type == "$END":
        return "end of file"
    return f"`{tok}`"


def _parser_accepts(exc: UnexpectedToken) -> set[str]:
    """The terminals the parser could take. When the contextual lexer raises, `exc.expected`
    holds only what the lexer could match there (not `_INDENT`, which the indenter makes)."""
    parser = getattr(exc, "interactive_parser", None)
    if parser is None:
        return set(exc.expected)
    return {name for name in parser.choices() if name.isupper() or name.startswith("_")}  # terminals, not rules


def _syntax_diagnostic(exc: UnexpectedInput, file: str, text: str) -> Diagnostic:
    line, col = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
    lines = text.split("\n")  # as lark counts lines: by \n alone, not str.splitlines' other breaks
    if isinstance(exc, UnexpectedCharacters):
        src = lines[line - 1] if line - 1 < len(lines) else ""
        ch = src[col - 1] if 0 < col <= len(src) else "?"
        span = s.Span(file, line, col, line, col + 1)
        hint = ""
        if ch in "[]{}":
            hint = "sizes are written like `3x3`, pairs like `(1, 2)`"
        elif ch == "'":
            hint = "words are written without quotes: `pad=same`"
        elif not ch.isascii() and ch.isalpha():
            hint = "names are ASCII letters, digits and `_`; other text belongs in `#` comments"
        shown = ch if ch.isprintable() else repr(ch)[1:-1]
        return Diagnostic("syntax-error", f"unexpected character `{shown}`", span, "not allowed here", hint)
    if isinstance(exc, UnexpectedEOF):
        span = _end_span(file, lines)
        return Diagnostic("syntax-error", "unexpected end of file", span, "the spec stops here")
    assert isinstance(exc, UnexpectedToken)
    tok = exc.token
    if tok.type == "$END" or not tok.line:
        span = _end_span(file, lines)
    elif tok.type in ("_NL", "_DEDENT", "_INDENT"):
        # newline tokens start at the end of the line: point at the line's end, or at the
        # indentation of the next line for an unexpected indent
        if tok.type == "_INDENT":
            line = tok.end_line or tok.line  # the _NL token it borrows its position from ends there
            src = lines[line - 1] if line - 1 < len(lines) else " "
            indent = len(src) - len(src.lstrip())
            span = s.Span(file, line, 1, line, indent + 1)
        else:
            src = lines[tok.line - 1] if tok.line - 1 < len(lines) else ""
            end = len(src.rstrip()) + 1
            span = s.Span(file, tok.line, end, tok.line, end + 1)
    else:
        span = s.Span(file, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)
    accepts = _parser_accepts(exc)
    expected = sorted(_EXPECTED_WORDS.get(t, f"`{t.lower()}`") for t in accepts if not t.startswith("__"))
    hint = ""
    if tok.type == "_INDENT":
        message = "unexpected indentation"
        merges = ", ".join(f"`{name}:`" for name in MERGE_NAMES)
        hint = f"only the body of `block`, {merges}, `branch:` and `shortcut:` is indented"
        above = [x.split("#", 1)[0].rstrip() for x in lines[: span.line - 1]]
        above = [x for x in above if x]
        if above and not above[-1].endswith(":") and above[-1].split()[-1] in (*MERGE_NAMES, "branch", "shortcut"):
            hint = f"did you forget the `:` after `{above[-1].split()[-1]}`?"
    elif "_INDENT" in accepts:
        message = "expected an indented body after the colon"
        hint = "indent the lines that belong to it"
    else:
        message = f"unexpected {_describe_token(tok)}"
        if expected and len(expected) <= 4:
            hint = "expected " + " or ".join(dict.fromkeys(expected))
    if (tok.type == "_NL" and "RPAR" in accepts) or (tok.type == "$END" and text.count("(") > text.count(")")):
        hint = "a `(` is not closed"
    if tok.type == "STRING":
        hint = "only `import` takes a quoted path; other words are written without quotes: `pad=same`"
    src = lines[tok.line - 1] if tok.line and tok.line - 1 < len(lines) else ""
    keyword = re.match(r"\s*(freeze|unfreeze|init|let|defaults|if|elif|else|and|or|not)\s*:", src)
    if tok.type == "COLON" and keyword:
        word = keyword.group(1)
        message = f"`{word}` is a word of the language: it cannot name a line"
        hint = f"rename the line, e.g. `{word}_1:`"
    if tok.type == "EQUAL" and re.match(r"\s*(if|elif)\b", src):
        hint = "compare with `==`: `if stride == 1:`"
    if tok.type == "COMMA" and re.search(r"[0-9],[0-9]{3}", lines[tok.line - 1] if tok.line - 1 < len(lines) else ""):
        hint = "write numbers without thousands separators (`61706`, or `61_706`)"
    return Diagnostic("syntax-error", message, span, "here", hint)


def _end_span(file: str, lines: list[str]) -> s.Span:
    last = len(lines) - 1 if len(lines) > 1 and lines[-1] == "" else len(lines)
    return s.Span(file, last, len(lines[last - 1]) + 1, last, len(lines[last - 1]) + 2)


MAX_SYNTAX_ERRORS = 20


def parse(text: str, file: str = "<string>") -> s.SpecFile:
    """Parse one file. Raises ArchspecError with every syntax error found: after an error in a
    plain line, that line is replaced by a neutral one and parsing starts over."""
    if not text.endswith("\n"):
        text += "\n"
    diagnostics: list[Diagnostic] = []
    attempt = text
    while True:
        try:
            tree = _parser().parse(attempt)
            break
        except (UnexpectedInput, DedentError) as exc:
            diagnostics.append(_parse_error(exc, file, attempt))
            attempt = _neutralise(attempt, diagnostics)
            if attempt is None or len(diagnostics) >= MAX_SYNTAX_ERRORS:
                raise ArchspecError(diagnostics) from None
    if diagnostics:
        raise ArchspecError(diagnostics)
    try:
        return _ToSyntax(file).transform(tree)
    except VisitError as exc:  # lark wraps exceptions raised in Transformer callbacks
        if isinstance(exc.orig_exc, SpecError):
            raise ArchspecError([exc.orig_exc.diagnostic]) from None
        if isinstance(exc.orig_exc, ValueError):  # int() of a number of thousands of digits
            meta = getattr(exc.obj, "meta", None)
            line = getattr(meta, "line", 1) or 1
            span = s.Span(file, line, getattr(meta, "column", 1) or 1, line, getattr(meta, "end_column", 2) or 2)
            raise ArchspecError([Diagnostic("bad-expression", "a number too long to read", span, "here")]) from None
        raise exc.orig_exc from None  # RecursionError: analyse reports it


def _parse_error(exc: UnexpectedInput | DedentError, file: str, text: str) -> Diagnostic:
    if isinstance(exc, UnexpectedInput):
        return _syntax_diagnostic(exc, file, text)
    line = _dedent_line(text)
    src = text.split("\n")[line - 1]
    indent = len(src) - len(src.lstrip())
    return Diagnostic(
        "bad-indentation",
        "this line's indentation matches no enclosing level",
        s.Span(file, line, 1, line, max(2, indent + 1)),
        "dedented to here",
        "indent it exactly as far as the line that opened the body, or as its siblings",
    )


def _neutralise(text: str, diagnostics: list[Diagnostic]) -> str | None:
    """`text` with the line of the last error replaced by `identity` at the same indentation, so
    that parsing can go on and find the next error; None where that would only make up errors
    (a body's header, an indentation error, an open parenthesis, no progress)."""
    last = diagnostics[-1]
    if last.code != "syntax-error" or last.span is None or not last.message.startswith("unexpected "):
        return None
    if last.message in ("unexpected indentation", "unexpected end of file"):
        return None
    if len(diagnostics) > 1 and diagnostics[-2].span and diagnostics[-2].span.line >= last.span.line:
        return None
    lines = text.split("\n")
    src = lines[last.span.line - 1]
    code = src.split("#", 1)[0].rstrip()
    if code.endswith((":", "\\")) or code.count("(") != code.count(")"):
        return None
    following = next((x for x in lines[last.span.line :] if x.split("#", 1)[0].strip()), "")
    if _indent(following) > _indent(src):  # a header that lost its colon: its body would be misread
        return None
    lines[last.span.line - 1] = src[: len(src) - len(src.lstrip())] + "identity"
    return "\n".join(lines)


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _dedent_line(text: str) -> int:
    """lark's DedentError carries no position: find the first line whose indent matches no level."""
    levels = [0]
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = _indent(raw)
        if indent > levels[-1]:
            levels.append(indent)
        else:
            while indent < levels[-1]:
                levels.pop()
            if indent != levels[-1]:
                return number
    return 1
