"""The .arch grammar's LALR(1) parser without lark: lark's own tables (`parser_tables.py`, written by
`python -m archspec.make_parser_tables`) driven here, calling the syntax builder's methods as each
rule is reduced instead of building a parse tree and transforming it afterwards.

It gives what lark's parser followed by lark's Transformer give, or raises `Fallback`: on any
syntax error, any error raised by a builder method, a tree deeper than lark's transformer goes, a
rule the builder has no method for, or tables made for another grammar. `archspec.frontend.parse` then
parses with lark, which reports the error as it always has. Only a spec that parses cleanly
takes this path, at a fraction of lark's time (and without importing lark at all).

What it reproduces of lark (1.x, `parser="lalr"`, `propagate_positions=True`,
`maybe_placeholders=True`, the contextual lexer and the indenter as `archspec.frontend.parse` sets them):

- the contextual lexer: in each parser state, the first of that state's terminals (in lark's
  order) that matches, keywords found through a name's pattern and retyped; lines and columns as
  lark counts them;
- the indenter: _NL, _INDENT, _DEDENT as `archspec.frontend.parse._ArchIndenter` makes them (tab stops of
  8), none inside parentheses;
- the tree shaping: filtered tokens, inlined `_rules`, None for an absent `[optional]`, a `?rule`
  with one child passing it through;
- positions: a node starts where its first child's container starts and ends where its last
  child's ends, a passed-through child's container widening to its parent's (the parentheses of
  `(expr)`), as lark's PropagatePositions does.
"""

from __future__ import annotations

import os
import re

# lark's transformer recurses once per level of the tree (two frames a level): past this depth,
# lark's parse decides what happens (a RecursionError is reported as "too deep")
MAX_DEPTH = 100


class Fallback(Exception):
    """This text is for lark to parse."""


class Token(str):
    """A token as lark's Token gives it to the syntax builder: its text, its terminal and where it is."""

    __slots__ = ("type", "line", "column", "end_line", "end_column")

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


def _token(kind: str, text: str, line: int, column: int, end_line: int, end_column: int) -> Token:
    tok = str.__new__(Token, text)
    tok.type, tok.line, tok.column, tok.end_line, tok.end_column = kind, line, column, end_line, end_column
    return tok


class Node:
    """A reduced rule: the builder's value, the positions lark's Meta would have (`line` None while
    empty), its container's (which a passed-through child's parent widens), and its depth in the tree.
    For an inlined `_rule`, `children`: what it splices into its parent."""

    __slots__ = ("value", "children", "line", "column", "end_line", "end_column")
    __slots__ += ("cline", "ccol", "cend", "cendcol", "depth")


class _Lexer:
    """One state's terminals (lark's order), those of them it can match, and its keywords."""

    __slots__ = ("names", "retype", "terminals", "fast", "outside", "candidates")

    def __init__(self, terminals: list[str], retype: dict[str, dict[str, str]], root: frozenset, rank: dict):
        self.terminals = terminals
        self.names = frozenset(terminals)
        self.retype = retype
        self.outside = frozenset(t for t in terminals if t not in root)  # its rare patterns
        first_outside = min((rank[t] for t in self.outside), default=len(rank))
        # a root match the state takes as it is: one of its terminals, and none of its rare ones before
        self.fast = frozenset(t for t in terminals if t in root and rank[t] < first_outside)
        self.candidates: dict[str | None, list[str]] = {}

    def fallback(self, m, text: str, pos: int):
        """This state's match where it does not simply take the root pattern's match `m` (None:
        nothing). No terminal of the root before m's in lark's order matches, so the state's match
        is the first that matches of its rare terminals before it, m's terminal (if the state has
        it) and its terminals after it: each is tried on its own, m's taken as it is."""
        root_match = m.lastgroup if m is not None else None
        candidates = self.candidates.get(root_match)
        if candidates is None:
            rank = _TABLES.rank
            before = rank[root_match] if root_match is not None else len(rank)
            candidates = self.candidates[root_match] = [
                t for t in self.terminals if rank[t] >= before or (t in self.outside and rank[t] < before)
            ]
        for name in candidates:
            if name == root_match:
                return name, m.group()
            found = _TABLES.pattern(name).match(text, pos)
            if found is not None:
                return name, found.group()
        return None


class _Tables:
    """parser_tables.py as the parser uses it."""

    def __init__(self, T):
        self.T = T
        self.root = re.compile("|".join(f"(?P<{n}>{T.PATTERNS[n]})" for n in T.ROOT))
        self.rank = {name: i for i, name in enumerate(T.ORDER)}
        root = frozenset(T.ROOT)
        lexers = [_Lexer(names, retype, root, self.rank) for names, retype in T.LEXERS]
        self.lexer_of = [lexers[i] for i in T.LEXER_OF]
        self.rules = []
        for origin, size, name, expand1, child_filter in T.RULES:
            # a `?rule` of one kept, not inlined symbol only passes its child on: positions unchanged
            unit = expand1 and size == 1 and child_filter is None
            self.rules.append((origin, size, name, expand1, child_filter, unit))
        self.patterns: dict[str, re.Pattern] = {}
        self.units: dict[tuple[int, int, str], int] = {}

    def pattern(self, name: str) -> re.Pattern:
        """One terminal's pattern on its own."""
        pattern = self.patterns.get(name)
        if pattern is None:
            pattern = self.patterns[name] = re.compile(self.T.PATTERNS[name])
        return pattern


_TABLES: _Tables | None = None
_LOADED = False


def _load() -> _Tables | None:
    """The tables (loaded once), or None where there are none for the grammar as it is."""
    global _TABLES, _LOADED
    if not _LOADED:
        _LOADED = True
        try:
            from archspec.frontend import parser_tables as T

            with open(os.path.join(os.path.dirname(__file__), "grammar.lark"), encoding="utf-8") as f:
                grammar = f.read()
            if grammar == T.GRAMMAR:
                _TABLES = _Tables(T)
        except (ImportError, AttributeError, ValueError, TypeError):  # none, or written by another version
            _TABLES = None
    return _TABLES


def available() -> bool:
    return _load() is not None


def _reducer(builder, name: str, expand1: bool, child_filter):
    """The reduction of one rule: lark's ChildFilter, ExpandSingleChild and PropagatePositions, and
    the builder's method where lark's Transformer would call it."""
    inline = name.startswith("_")
    method = None if inline else getattr(type(builder), name, None)
    with_meta = getattr(method, "with_meta", False)
    if method is not None:
        method = getattr(builder, name)
    include, append_none = child_filter if child_filter is not None else ((), 0)

    def reduce(raw: list):
        if child_filter is None:
            children = raw
        else:
            children = []
            for i, expand, nones in include:
                if nones:
                    children += [None] * nones
                if expand:
                    if children:
                        children += raw[i].children
                    else:  # as lark does: a left-recursive `_rule` (`x*`) grows its one list
                        children = raw[i].children
                else:
                    children.append(raw[i])
            if append_none:
                children += [None] * append_none
        # lark's PropagatePositions: the first and the last child (before filtering) with a position
        line = column = end_line = end_column = None
        for c in raw:
            if type(c) is Token:
                line, column = c.line, c.column
                break
            if type(c) is Node and c.line is not None:
                line, column = c.cline, c.ccol
                break
        if line is not None:
            for c in reversed(raw):
                if type(c) is Token:
                    end_line, end_column = c.end_line, c.end_column
                    break
                if type(c) is Node and c.line is not None:
                    end_line, end_column = c.cend, c.cendcol
                    break
        if expand1 and len(children) == 1:  # passed through: its container widens to this rule's
            res = children[0]
            if type(res) is Node and line is not None:
                if res.line is None:
                    res.line, res.column, res.end_line, res.end_column = line, column, end_line, end_column
                res.cline, res.ccol, res.cend, res.cendcol = line, column, end_line, end_column
            return res
        node = Node()
        node.line, node.column, node.end_line, node.end_column = line, column, end_line, end_column
        node.cline, node.ccol, node.cend, node.cendcol = line, column, end_line, end_column
        if inline:
            node.children = children
            node.depth = 0
            return node
        if method is None:
            raise Fallback(name)  # lark would make a Tree the builder does not expect
        if with_meta and line is None:
            raise Fallback(name)  # positions lark would only set later
        depth = 1
        args = []
        for c in children:
            if type(c) is Node:
                if c.depth >= depth:
                    depth = c.depth + 1
                c = c.value
            args.append(c)
        if depth > MAX_DEPTH:
            raise Fallback("too deep")
        node.depth = depth
        node.value = method(node, args) if with_meta else method(args)
        return node

    return reduce


def parse(text: str, builder):
    """The builder's value for the start rule of `text`. Raises Fallback where lark must decide."""
    tables = _load()
    if tables is None:
        raise Fallback("no tables for this grammar")
    T, lexer_of, rules, root_match = tables.T, tables.lexer_of, tables.rules, tables.root.match
    for name in vars(type(builder)):
        if name in T.PATTERNS:  # lark's transformer would call it on every such token
            raise Fallback(name)
    reducers = [
        None if unit else _reducer(builder, name, expand1, child_filter)
        for _, _, name, expand1, child_filter, unit in rules
    ]
    origins = [r[0] for r in rules]
    sizes = [r[1] for r in rules]
    states = T.STATES
    end_state = T.END
    state_stack = [T.START]
    value_stack: list = []
    units = tables.units

    def feed(tok: Token, is_end: bool = False):
        kind = tok.type
        while True:
            top = state_stack[-1]
            action = states[top].get(kind)
            if action is None:
                raise Fallback("syntax error")
            if action >= 0:
                state_stack.append(action)
                value_stack.append(tok)
                return None
            r = -1 - action
            reducer = reducers[r]
            if reducer is None:
                # a unit rule (`?sum: product`): the child stays, the state moves on, through as many
                # unit rules as follow (remembered by the state below, the state and the token)
                below = state_stack[-2]
                key = (below, top, kind)
                new = units.get(key)
                if new is None or is_end:
                    new = states[below][origins[r]]
                    if not is_end:
                        while True:
                            follow = states[new].get(kind)
                            if follow is None or follow >= 0 or reducers[-1 - follow] is not None:
                                break
                            new = states[below][origins[-1 - follow]]
                        units[key] = new
                state_stack[-1] = new
            else:
                size = sizes[r]
                if size:
                    raw = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    raw = []
                value_stack.append(reducer(raw))
                state_stack.append(states[state_stack[-1]][origins[r]])
            if is_end and state_stack[-1] == end_state:
                return value_stack[-1]

    ignore = frozenset(T.IGNORE)
    newline = frozenset(T.NEWLINE)
    ind = T.INDENTER
    nl_type, indent_type, dedent_type, tab = ind["NL"], ind["INDENT"], ind["DEDENT"], ind["TAB"]
    opening, closing = frozenset(ind["OPEN"]), frozenset(ind["CLOSE"])
    pos, line, line_start, n = 0, 1, 0, len(text)
    paren = 0
    indents = [0]
    last = None
    while pos < n:
        lexer = lexer_of[state_stack[-1]]
        m = root_match(text, pos)
        if m is not None and m.lastgroup in lexer.fast:
            kind = m.lastgroup
            value = m.group()
        else:
            found = lexer.fallback(m, text, pos)
            if found is None:
                raise Fallback("unexpected character")
            kind, value = found
        column = pos - line_start + 1
        start_line = line
        if kind in newline:
            count = value.count("\n")
            if count:
                line += count
                line_start = pos + value.rindex("\n") + 1
        pos += len(value)
        if kind in ignore:
            continue
        retype = lexer.retype.get(kind)
        if retype is not None:
            kind = retype.get(value, kind)
        tok = _token(kind, value, start_line, column, line, pos - line_start + 1)
        last = tok
        if kind == nl_type:
            if paren == 0:
                feed(tok)
                indent_str = value.rsplit("\n", 1)[1]
                indent = len(indent_str.expandtabs(tab))
                if indent > indents[-1]:
                    indents.append(indent)
                    feed(_token(indent_type, indent_str, tok.line, tok.column, tok.end_line, tok.end_column))
                else:
                    while indent < indents[-1]:
                        indents.pop()
                        feed(_token(dedent_type, indent_str, tok.line, tok.column, tok.end_line, tok.end_column))
                    if indent != indents[-1]:
                        raise Fallback("bad indentation")
        else:
            feed(tok)
        if kind in opening:
            paren += 1
        elif kind in closing:
            paren -= 1
            if paren < 0:
                raise Fallback("unbalanced parentheses")
    while len(indents) > 1:
        indents.pop()
        if last is not None:
            feed(_token(dedent_type, "", last.line, last.column, last.end_line, last.end_column))
        else:
            feed(_token(dedent_type, "", 0, 0, 0, 0))
    if last is not None:
        end = _token("$END", "", last.line, last.column, last.end_line, last.end_column)
    else:
        end = _token("$END", "", 1, 1, None, None)
    result = feed(end, True)
    return result.value if type(result) is Node else result
