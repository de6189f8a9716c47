"""Text -> syntax tree: a recursive-descent parser of the grammar in `grammar.lark`, the language's
definition. `lexer.py` reads the tokens; `Parser` has a method for each rule of the grammar and
hands each rule's children, as lark would give them, to `SyntaxBuilder`, which makes the frozen
dataclasses of `syntax.py`; a syntax error becomes a diagnostic. tests/test_parse.py parses every
spec and a fuzzed corpus with lark on `grammar.lark` as well, through the same builder, and
compares the trees, positions included."""

from __future__ import annotations

import re
from dataclasses import replace

from archspec.diagnostics import ArchspecError, Diagnostic, SpecError, fail
from archspec.frontend import syntax as s
from archspec.frontend.lexer import DedentError, Lexer, Token, UnexpectedCharacter, is_repeat, token
from archspec.layers import MERGE_NAMES


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


class SyntaxBuilder:
    """A rule's children -> `syntax` dataclasses. Method names are the grammar's rule names; each
    takes the node's positions (`meta`: line, column, end_line, end_column, as lark's
    `propagate_positions` gives them) and the list of the rule's children as lark gives them
    (tokens, None for an absent `[optional]` part, and the values of its rules)."""

    def __init__(self, file: str):
        self.file = file

    def _sp(self, meta) -> s.Span:
        return _span(self.file, meta)

    def _tok(self, tok: Token) -> s.Span:
        return s.Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    # -- expressions
    def number(self, meta, c):
        value = _number(str(c[0]))
        if value == float("inf"):  # `1e400`: Python reads it as infinity
            raise fail("bad-expression", f"`{c[0]}` is too large a number", self._sp(meta), "too large")
        return s.Number(value, self._sp(meta))

    def name(self, meta, c):
        return s.Name(str(c[0]), self._sp(meta))

    def attr(self, meta, c):
        return s.Attr(str(c[0]), str(c[1]), self._sp(meta))

    def _bin(op):
        def method(self, meta, c):
            return s.BinOp(op, c[0], c[1], self._sp(meta))

        return method

    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    div = _bin("/")
    floordiv = _bin("//")
    mod = _bin("%")

    def compare(self, meta, c):
        return s.Compare(str(c[1]), c[0], c[2], self._sp(meta))

    def and_(self, meta, c):
        return s.BoolOp("and", c[0], c[1], self._sp(meta))

    def or_(self, meta, c):
        return s.BoolOp("or", c[0], c[1], self._sp(meta))

    def not_(self, meta, c):
        return s.BoolOp("not", c[0], None, self._sp(meta))

    def ifexpr(self, meta, c):
        return s.IfExpr(c[0], c[1], c[2], self._sp(meta))

    def neg(self, meta, c):
        return s.Neg(c[0], self._sp(meta))

    def dims(self, meta, c):
        return s.Dims(_dims(str(c[0])), self._sp(meta))

    def tuple(self, meta, c):
        return s.Tuple(tuple(c), self._sp(meta))

    def shape(self, meta, c):
        if c[0].type == "DIMS":
            return _dims(str(c[0])), self._sp(meta)
        value = _number(str(c[0]))
        if not isinstance(value, int):
            raise fail("bad-input", f"a size is a whole number, not `{c[0]}`", self._sp(meta), "not whole")
        return (value,), self._sp(meta)

    # -- lines
    def option(self, meta, c):
        return s.Option(str(c[0]), c[1], self._sp(meta), self._tok(c[0]))

    def call(self, meta, c):
        head: Token = c[0]
        name_span = s.Span(self.file, head.line, head.column, head.line, head.end_column - 1)
        rest = [a for a in c[1:] if a is not None]
        args = tuple(a for a in rest if not isinstance(a, s.Option))
        opts = tuple(a for a in rest if isinstance(a, s.Option))
        return s.Call(str(head)[:-1], args, opts, self._sp(meta), name_span)

    def chain_label(self, meta, c):
        return s.Label(str(c[0]), self._tok(c[0]))

    def elem(self, meta, c):
        *atoms, rep = c
        count, rep_span = 1, None
        if rep is not None:
            count, rep_span = int(str(rep)[1:]), self._tok(rep)
        return s.Elem(tuple(atoms), count, self._sp(meta), rep_span)

    def from_elem(self, meta, c):
        # `from x2`: an element of the words `from` and the name, which the expander reads (`from_name`)
        span = self._sp(meta)
        keyword = s.Span(self.file, span.line, span.column, span.line, span.column + 4)
        return s.Elem((s.Name("from", keyword), s.Name(str(c[0]), self._tok(c[0]))), 1, span, None)

    def expect_shape(self, meta, c):
        dims, span = c[0]
        return s.ExpectItem("shape", dims, "x".join(map(str, dims)), 0.0, span)

    def expect_keyed_shape(self, meta, c):
        dims = _dims(str(c[1]))  # `shape=6x28x28`; any other key is reported by the expectation check
        return s.ExpectItem(_expect_key(str(c[0])), dims, "x".join(map(str, dims)), 0.0, self._sp(meta))

    def expect_value(self, meta, c):
        try:
            value, precision = _measure(str(c[1]))
        except OverflowError:
            raise fail("bad-expression", f"`{c[1]}` is too large a number", self._sp(meta), "too large") from None
        return s.ExpectItem(_expect_key(str(c[0])), value, str(c[1]), precision, self._sp(meta))

    def expect_clause(self, meta, c):
        return s.Expect(tuple(c), self._sp(meta))

    def expect_stmt(self, meta, c):
        return c[0]

    def _freeze(self, meta, c, frozen: bool) -> s.Freeze:
        return s.Freeze(frozen, tuple((str(t), self._tok(t)) for t in c), self._sp(meta))

    def freeze(self, meta, c):
        return self._freeze(meta, c, True)

    def unfreeze(self, meta, c):
        return self._freeze(meta, c, False)

    def init_stmt(self, meta, c):
        return s.Init(tuple(c), self._sp(meta))

    def block_label(self, meta, c):
        """`block:` naming a line (lark drops the keyword's token: it is made again from its place)."""
        return token("NAME", "block", meta.line, meta.column, meta.end_line, meta.end_column)

    def line(self, meta, c):
        label, *elems, expect = c
        return s.Line(
            str(label) if label is not None else None,
            tuple(elems),
            expect,
            self._sp(meta),
            self._tok(label) if label is not None else None,
        )

    def split_line(self, meta, c):
        head: Token = c[0]  # `x1, x2:` as one token: each name's span is found in its text
        names = []
        for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", str(head)):
            column = head.column + m.start()
            names.append((m.group(), s.Span(self.file, head.line, column, head.line, column + len(m.group()))))
        return s.SplitLine(tuple(names), tuple(c[1:]), self._sp(meta))

    def compound(self, meta, c):
        label, head, *body = c
        return s.Compound(
            str(label) if label is not None else None, str(head), tuple(body), self._sp(meta), self._tok(head)
        )

    def if_stmt(self, meta, c):
        cond, *rest = c
        body = tuple(x for x in rest if not isinstance(x, tuple) and x is not None)
        arms = [(cond, body), *(x for x in rest if isinstance(x, tuple))]
        return s.If(tuple(arms), self._sp(meta))

    def elif_clause(self, meta, c):
        return (c[0], tuple(c[1:]))

    def else_clause(self, meta, c):
        return (None, tuple(c))

    def let_stmt(self, meta, c):
        return s.Let(str(c[0]), c[1], self._sp(meta), self._tok(c[0]))

    def defaults_stmt(self, meta, c):
        return s.Defaults(str(c[0]), tuple(c[1:]), self._sp(meta), self._tok(c[0]))

    # -- top level
    def param(self, meta, c):
        return s.Param(str(c[0]), c[1], self._sp(meta))

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

    def import_stmt(self, meta, c):
        return s.Import(str(c[0])[1:-1], self._sp(meta))

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

    def input_decl(self, meta, c):
        dims, span = c[0]
        return ("input", dims, span)

    def start(self, meta, c):
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


class Meta:
    """A node's positions, as lark's `propagate_positions` gives them: from the start of its first
    token to the end of its last (punctuation, keywords and newlines included)."""

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, first: Token, last: Token):
        self.line, self.column = first.line, first.column
        self.end_line, self.end_column = last.end_line, last.end_column


class UnexpectedToken(Exception):
    """`token` where the parser could take only the terminals of `accepts`."""

    def __init__(self, token: Token, accepts: set[str]):
        super().__init__(f"unexpected {token.type} {str(token)!r}")
        self.token, self.accepts = token, accepts


class NoTree:
    """A builder that builds nothing: for finding every syntax error before building anything."""

    def __getattr__(self, name: str):
        return lambda meta, c: None


# what may start an atom and a statement (for the hint that lists what may come, with the keywords
# as the grammar's upper-case terminals; after an expression the hint names what the rule needs
# next, not the operators that could extend the expression)
_ATOM = {"NAME", "NUMBER", "DIMS", "CALL_OPEN", "LPAR", "MINUS", "NOT"}
_STMT = _ATOM | {"NAMES", "FROM", "EXPECT", "FREEZE", "UNFREEZE", "INIT", "IF", "LET", "DEFAULTS"}
_TOP = _STMT | {"IMPORT", "NETWORK", "INPUT", "BLOCK", "_NL", "$END"}
_PRODUCT = {"STAR": "mul", "SLASH": "div", "DOUBLESLASH": "floordiv", "PERCENT": "mod"}
_SUM = {"PLUS": "add", "MINUS": "sub"}


class Parser:
    """One method per rule of `grammar.lark`, each reading its tokens and handing the rule's children
    to the builder. A word is a keyword where the grammar has that keyword, and a name elsewhere
    (`block: dwconv 7x7` names a line in a body)."""

    def __init__(self, text: str, builder):
        self.lexer = Lexer(text)
        self.peek = self.lexer.peek  # peek(ahead=0): the next token (or the one after, ahead=1)
        self.b = builder
        self.last: Token | None = None  # the last token taken
        # reading a layer's atoms, outside parentheses: an atom may follow, so ` -1` (a space before the
        # `-`, a digit after it) starts one (`rescale -1`), as grammar.lark's _SPACED_MINUS does
        self.in_atoms = False

    # -- tokens
    def take(self) -> Token:
        self.last = self.lexer.take()
        return self.last

    def at(self, word: str) -> bool:
        """The next token is the keyword `word`."""
        tok = self.peek()
        return tok.type == "NAME" and tok == word

    def keyword(self, word: str) -> Token:
        tok = self.take()
        tok.type = word.upper()
        return tok

    def fail(self, accepts: set[str]):
        raise UnexpectedToken(self.peek(), accepts)

    def expect(self, kind: str, accepts: set[str] | None = None) -> Token:
        if self.peek().type != kind:
            self.fail(accepts or {kind})
        return self.take()

    def name(self) -> Token:
        """A NAME where nothing else may stand (a block call's `b(` is read as `b` and `(`)."""
        if self.peek().type == "CALL_OPEN":
            self.lexer.relex("NAME")
        return self.expect("NAME")

    def node(self, rule: str, first: Token, children: list):
        meta = Meta(first, self.last)
        try:
            return getattr(self.b, rule)(meta, children)
        except ValueError:  # int() of a number of thousands of digits
            span = s.Span(self.b.file, meta.line, meta.column, meta.line, meta.column + 1)
            raise fail("bad-expression", "a number too long to read", span, "here") from None

    # -- the file
    def start(self):
        items = []
        while True:
            tok = self.peek()
            if tok.type == "$END":
                return self.b.start(None, items)
            if tok.type == "_NL":
                self.take()
            elif tok.type == "NAME" and tok in ("import", "network", "input", "block") and not self.labels_a_line(tok):
                items.append(getattr(self, f"{tok}_stmt")())
            else:
                items.append(self.stmt(_TOP))

    def labels_a_line(self, tok: Token) -> bool:
        """`block: ...` at the top level: a line named `block`, not a block's definition."""
        return tok == "block" and self.peek(1).type == "COLON"

    def import_stmt(self):
        first = self.keyword("import")
        path = self.expect("STRING")
        self.expect("_NL")
        return self.node("import_stmt", first, [path])

    def network_stmt(self):
        first = self.keyword("network")
        header = self.header()
        self.expect("_NL")
        return self.node("network_decl", first, header)

    def input_stmt(self):
        first = self.keyword("input")
        shape = self.shape()
        self.expect("_NL")
        return self.node("input_decl", first, [shape])

    def block_stmt(self):
        first = self.keyword("block")
        header = self.header()
        self.expect("COLON")
        return self.node("block_def", first, [*header, *self.body()])

    def header(self) -> list:
        """A network's or a block's `NAME`, or `CALL_OPEN [param ("," param)*] ")"`."""
        if self.peek().type == "CALL_OPEN":
            return [self.take(), *self.params()]
        return [self.expect("NAME", {"NAME", "CALL_OPEN"})]

    def params(self) -> list:
        """`[param ("," param)*] ")"` after a `name(`."""
        if self.peek().type == "RPAR":
            self.take()
            return [None]
        params = []
        while True:
            first = self.name()
            has_default = self.peek().type == "EQUAL"
            default = None
            if has_default:
                self.take()
                default = self.expr()
            params.append(self.node("param", first, [first, default]))
            if self.peek().type != "COMMA":
                break
            self.take()
        self.expect("RPAR", {"RPAR", "COMMA"} if has_default else {"RPAR", "COMMA", "EQUAL"})
        return params

    def body(self) -> list:
        """`_NL _INDENT _stmt+ _DEDENT`."""
        self.expect("_NL")
        self.expect("_INDENT")
        stmts = [self.stmt(_STMT)]
        while self.peek().type != "_DEDENT":
            stmts.append(self.stmt(_STMT))
        self.take()
        return stmts

    # -- statements
    def stmt(self, accepts: set[str]):
        tok = self.peek()
        if tok.type == "NAME":
            word = str(tok)
            if word in ("freeze", "unfreeze"):
                return self.freeze_stmt(word)
            if word in ("expect", "init", "if", "let", "defaults"):
                return getattr(self, f"{word}_stmt")()
            if word in ("from", "not"):
                return self.line(tok, None)
            if self.lexer.names_here() is not None:
                return self.split_line()
            if self.peek(1).type == "COLON":
                label = self.take()
                self.take()
                after = self.peek()
                if after.type == "_NL":  # `add:`
                    return self.compound(tok, None, label)
                if after.type == "NAME" and after not in ("from", "not") and self.peek(1).type == "COLON":
                    head = self.take()  # `out: concat:`
                    self.take()
                    return self.compound(tok, label, head)
                return self.line(tok, label)
        elif tok.type not in _ATOM:
            self.fail(accepts)
        return self.line(tok, None)

    def compound(self, first: Token, label, head):
        return self.node("compound", first, [label, head, *self.body()])

    def line(self, first: Token, label):
        elems = self.elems()
        expect = self.expect_clause() if self.at("expect") else None
        ends = {"COMMA", "EXPECT", "_NL"}  # after a repeat `x3`, only these
        self.expect("_NL", ends if expect is not None or self.last.type == "REPEAT" else _ATOM | ends | {"REPEAT"})
        return self.node("line", first, [label, *elems, expect])

    def split_line(self):
        first = self.take()  # NAMES
        elems = self.elems()
        ends = {"COMMA", "_NL"}
        self.expect("_NL", ends if self.last.type == "REPEAT" else _ATOM | ends | {"REPEAT"})
        return self.node("split_line", first, [first, *elems])

    def expect_stmt(self):
        first = self.peek()
        clause = self.expect_clause()
        self.expect("_NL", {"_NL", "NAME", "NUMBER", "DIMS"})
        return self.node("expect_stmt", first, [clause])

    def freeze_stmt(self, word: str):
        first = self.keyword(word)
        paths = []
        while True:
            if self.lexer.relex("PATH") is None:
                if paths and self.peek().type == "_NL":
                    break
                self.fail({"PATH", "_NL"} if paths else {"PATH"})
            paths.append(self.take())
        self.take()
        return self.node(word, first, paths)

    def init_stmt(self):
        first = self.keyword("init")
        return self.node("init_stmt", first, self.options())

    def if_stmt(self):
        first = self.keyword("if")
        children = [self.expr()]
        self.expect("COLON")
        children += self.body()
        while self.at("elif"):
            clause_first = self.keyword("elif")
            cond = self.expr()
            self.expect("COLON")
            children.append(self.node("elif_clause", clause_first, [cond, *self.body()]))
        if self.at("else"):
            clause_first = self.keyword("else")
            self.expect("COLON")
            children.append(self.node("else_clause", clause_first, self.body()))
        else:
            children.append(None)
        return self.node("if_stmt", first, children)

    def let_stmt(self):
        first = self.keyword("let")
        name = self.name()
        self.expect("EQUAL")
        value = self.value()
        self.expect("_NL")
        return self.node("let_stmt", first, [name, value])

    def defaults_stmt(self):
        first = self.keyword("defaults")
        kind = self.name()
        return self.node("defaults_stmt", first, [kind, *self.options()])

    def options(self) -> list:
        """`option+ _NL`."""
        options = [self.option()]
        while self.peek().type != "_NL":
            if self.peek().type != "NAME":
                self.fail({"NAME", "_NL"})
            options.append(self.option())
        self.take()
        return options

    # -- a line's elements
    def elems(self) -> list:
        """`elem ("," elem)*`."""
        elems = [self.elem()]
        while self.peek().type == "COMMA":
            self.take()
            elems.append(self.elem())
        return elems

    def elem(self):
        first = self.peek()
        if self.at("from"):
            self.keyword("from")
            return self.node("from_elem", first, [self.name()])
        outer, self.in_atoms = self.in_atoms, True
        try:
            return self.node("elem", first, self.atoms())
        finally:
            self.in_atoms = outer

    def atoms(self) -> list:
        atoms = [self.atom()]
        while True:
            tok = self.peek()
            if is_repeat(tok):
                tok.type = "REPEAT"
                atoms.append(self.take())
                break
            if tok.type == "NAME" and tok == "expect":
                atoms.append(None)
                break
            if tok.type == "NAME" and tok != "not" and self.peek(1).type == "COLON":
                label_first = self.take()
                self.take()
                atoms.append(self.node("chain_label", label_first, [label_first]))
            elif tok.type in _ATOM:
                atoms.append(self.atom())
            else:
                atoms.append(None)
                break
        return atoms

    def atom(self):
        """`expr | option | DIMS | tuple`: an option, or what an option's value may be."""
        tok = self.peek()
        if tok.type == "NAME" and tok != "not" and self.peek(1).type == "EQUAL":
            return self.option()
        return self.value()

    def option(self):
        first = self.expect("NAME")
        self.expect("EQUAL")
        return self.node("option", first, [first, self.value()])

    def value(self):
        tok = self.peek()
        if tok.type == "DIMS":
            return self.node("dims", self.take(), [tok])
        if tok.type == "LPAR":
            return self.tuple_or_expr()
        return self.expr()

    def tuple_or_expr(self):
        """`"(" expr ("," expr)+ ")"`, or an expression that starts with `"(" expr ")"`."""
        first = self.take()
        items = self.nested(self.parenthesised)
        if len(items) > 1:
            return self.node("tuple", first, items)
        return self.expr((first, items[0]))

    def parenthesised(self) -> list:
        """The expressions inside `( ... )`, to the `)`."""
        items = [self.expr()]
        while self.peek().type == "COMMA":
            self.take()
            items.append(self.expr())
        self.expect("RPAR", {"RPAR", "COMMA"})
        return items

    # -- expressions; `head`: (first token, value) of a parenthesised primary already read
    def expr(self, head=None):
        first = head[0] if head else self.peek()
        value = self.test(head)
        if self.at("if"):
            self.keyword("if")
            cond = self.test()
            if not self.at("else"):
                self.fail({"ELSE", "OR", "AND", "COMPARE", "PLUS", "MINUS", "STAR", "SLASH"})
            self.keyword("else")
            value = self.node("ifexpr", first, [value, cond, self.expr()])
        return value

    def test(self, head=None):
        return self.chain(head, self.and_test, {"or": "or_"})

    def and_test(self, head=None):
        return self.chain(head, self.not_test, {"and": "and_"})

    def not_test(self, head=None):
        if head is None and self.at("not"):
            first = self.keyword("not")
            return self.node("not_", first, [self.not_test()])
        return self.comparison(head)

    def comparison(self, head=None):
        first = head[0] if head else self.peek()
        value = self.sum(head)
        if self.peek().type == "COMPARE":
            op = self.take()
            value = self.node("compare", first, [value, op, self.sum()])
        return value

    def sum(self, head=None):
        return self.chain(head, self.product, _SUM)

    def product(self, head=None):
        return self.chain(head, self.unary, _PRODUCT)

    def chain(self, head, operand, rules: dict[str, str]):
        """`operand (OP operand)*`, joined from the left: `rules` names the rule of each operator (a
        token's type, or a keyword's word)."""
        first = head[0] if head else self.peek()
        value = operand(head)
        while True:
            tok = self.peek()
            rule = rules.get(str(tok) if tok.type == "NAME" else tok.type)
            if rule is None or (rule == "sub" and self.starts_an_atom(tok)):
                return value
            if tok.type == "NAME":
                self.keyword(str(tok))
            else:
                self.take()
            value = self.node(rule, first, [value, operand()])

    def starts_an_atom(self, tok: Token) -> bool:
        """` -1` among a layer's atoms: a negative number, the next atom, not a subtraction."""
        text = self.lexer.text
        after = tok.pos + 1
        return self.in_atoms and text[tok.pos - 1] in " \t" and after < len(text) and text[after].isdigit()

    def nested(self, read):
        """`read()` inside parentheses, where no atom can follow an operand."""
        outer, self.in_atoms = self.in_atoms, False
        try:
            return read()
        finally:
            self.in_atoms = outer

    def unary(self, head=None):
        if head is not None:
            return head[1]
        if self.peek().type == "MINUS":
            first = self.take()
            return self.node("neg", first, [self.unary()])
        return self.primary()

    def primary(self):
        tok = self.peek()
        if tok.type == "DIMS":  # a size cannot stand here: `3x3` is the number 3 and a repeat or a name
            tok = self.lexer.relex("NUMBER")
        if tok.type == "NUMBER":
            return self.node("number", self.take(), [tok])
        if tok.type == "CALL_OPEN":
            return self.call()
        if tok.type == "LPAR":
            self.take()
            inner = self.nested(self.expr)
            self.expect("RPAR", {"RPAR"})
            return inner  # its parents' positions start at the `(` (`first`) and end at the `)`
        if tok.type == "NAME":
            self.take()
            if self.peek().type == "DOT":
                self.take()
                return self.node("attr", tok, [tok, self.name()])
            return self.node("name", tok, [tok])
        self.fail({"NUMBER", "NAME", "CALL_OPEN", "LPAR", "MINUS"})

    def call(self):
        return self.nested(self.call_inside)

    def call_inside(self):
        head = self.take()
        if self.peek().type == "RPAR":
            self.take()
            return self.node("call", head, [head, None])
        args = [self.arg()]
        while self.peek().type == "COMMA":
            self.take()
            args.append(self.arg())
        self.expect("RPAR", {"RPAR", "COMMA"})
        return self.node("call", head, [head, *args])

    def arg(self):
        tok = self.peek()
        if tok.type == "DIMS":
            return self.node("dims", self.take(), [tok])
        if tok.type == "NAME" and tok != "not" and self.peek(1).type == "EQUAL":
            return self.option()
        return self.expr()

    # -- expect
    def expect_clause(self):
        first = self.keyword("expect")
        items = [self.expect_item()]
        while self.peek().type in ("DIMS", "NUMBER", "NAME", "CALL_OPEN"):
            items.append(self.expect_item())
        return self.node("expect_clause", first, items)

    def expect_item(self):
        tok = self.peek()
        if tok.type in ("DIMS", "NUMBER"):
            shape = self.shape()
            return self.node("expect_shape", tok, [shape])
        if tok.type not in ("NAME", "CALL_OPEN"):
            self.fail({"DIMS", "NUMBER", "NAME"})
        key = self.name()
        self.expect("EQUAL")
        if self.peek().type == "DIMS":
            return self.node("expect_keyed_shape", key, [key, self.take()])
        if self.lexer.relex("MEASURE") is None:
            self.fail({"MEASURE", "DIMS"})
        return self.node("expect_value", key, [key, self.take()])

    def shape(self):
        tok = self.peek()
        if tok.type not in ("DIMS", "NUMBER"):
            self.fail({"DIMS", "NUMBER"})
        return self.node("shape", self.take(), [tok])


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
    "DOUBLESLASH": "`//`",
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


def _syntax_diagnostic(exc: UnexpectedCharacter | UnexpectedToken, file: str, text: str) -> Diagnostic:
    lines = text.split("\n")  # as the lexer counts lines: by \n alone, not str.splitlines' other breaks
    if isinstance(exc, UnexpectedCharacter):
        line, col = exc.line, exc.column
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
    accepts = exc.accepts
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
    plain line, that line is replaced by a neutral one and parsing starts over. Only a file without
    syntax errors is built (its errors then are the builder's: a duplicate `network`, ...)."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        return Parser(text, SyntaxBuilder(file)).start()
    except (UnexpectedToken, UnexpectedCharacter, DedentError, SpecError):
        pass
    diagnostics: list[Diagnostic] = []
    attempt = text
    while True:
        try:
            Parser(attempt, NoTree()).start()
            break
        except (UnexpectedToken, UnexpectedCharacter, DedentError) as exc:
            diagnostics.append(_parse_error(exc, file, attempt))
            attempt = _neutralise(attempt, diagnostics)
            if attempt is None or len(diagnostics) >= MAX_SYNTAX_ERRORS:
                raise ArchspecError(diagnostics) from None
    if diagnostics:
        raise ArchspecError(diagnostics)
    try:
        return Parser(text, SyntaxBuilder(file)).start()
    except SpecError as exc:
        raise ArchspecError([exc.diagnostic]) from None


def _parse_error(exc: UnexpectedToken | UnexpectedCharacter | DedentError, file: str, text: str) -> Diagnostic:
    if not isinstance(exc, DedentError):
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
    """A DedentError carries no position: find the first line whose indent matches no level."""
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
