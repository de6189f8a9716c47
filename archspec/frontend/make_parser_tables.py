"""Write `archspec/parser_tables.py`: the LALR(1) tables and the lexer of `grammar.lark`, as lark
computes them, for `archspec.frontend.lalr` to parse with without importing lark.

    python -m archspec.frontend.make_parser_tables          # after every change to grammar.lark

The grammar stays the one source: this reads lark's own parser (built by `archspec.frontend.parse` with the
options it parses with) and writes down its parse table, its rules with the tree shaping lark
applies to each (which children are kept, which `_rule`s are inlined, where `[optional]` parts
put None, which `?rule`s pass a single child through), and its contextual lexer: each parser
state's terminals in lark's order, and the keywords lark finds through a name's pattern.
tests/test_parser_tables.py checks that the file is what this writes for the grammar as it is;
`archspec.frontend.lalr` falls back to lark when the grammar differs from the one the file was made for.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).with_name("parser_tables.py")


def _child_filter(chain) -> tuple | None:
    """lark's ChildFilter of a rule as ((index, inline, nones before), nones after), or None."""
    for wrapper in chain:
        name = getattr(getattr(wrapper, "func", None), "__name__", "")
        if name == "ChildFilterLALR":
            to_include, append_none = wrapper.args
            return tuple((i, bool(x), n) for i, x, n in to_include), append_none
        if name == "ChildFilterLALR_NoPlaceholders":
            (to_include,) = wrapper.args
            return tuple((i, bool(x), 0) for i, x in to_include), 0
        if name.startswith("ChildFilter"):
            raise SystemExit(f"unexpected child filter {name}")
    return None


def tables() -> dict:
    """Everything the fast parser needs, as plain Python values."""
    import re

    from lark.lexer import PatternStr, _create_unless
    from lark.parse_tree_builder import ExpandSingleChild, PropagatePositions
    from lark.parsers.lalr_analysis import Shift

    from archspec.frontend.parse import _ArchIndenter, _parser

    lark = _parser()
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    assert lark.options.propagate_positions is True and lark.options.maybe_placeholders is True
    table = lark.parser.parser._parse_table
    rules, index = [], {}
    for rule, chain in lark._parse_tree_builder.rule_builders:
        assert any(w is PropagatePositions for w in chain), rule
        expand1 = any(w is ExpandSingleChild for w in chain)
        name = rule.alias or rule.options.template_source or rule.origin.name
        index[rule] = len(rules)
        rules.append((rule.origin.name, len(rule.expansion), str(name), expand1, _child_filter(chain)))
    states = {}
    for state, actions in table.states.items():
        states[state] = {
            symbol: (arg if action is Shift else -1 - index[arg]) for symbol, (action, arg) in sorted(actions.items())
        }
    assert sorted(states) == list(range(len(states)))
    contextual = lark.parser.lexer.lexer
    root = contextual.root_lexer
    master = [t.name for t in root.scanner.terminals]
    assert len(root.scanner._mres) == 1
    patterns = {t.name: t.pattern.to_regexp() for t in lark.terminals}
    lexers, lexer_of = [], []
    seen: dict[int, int] = {}
    for state in range(len(states)):
        lexer = contextual.lexers[state]
        if id(lexer) not in seen:
            scanner = lexer.scanner
            assert len(scanner._mres) == 1 and not lexer.user_callbacks
            assert lexer.ignore_types == root.ignore_types and lexer.newline_types <= root.newline_types
            retype = {}
            for kind, callback in sorted(lexer.callback.items()):
                strings = callback.scanner.terminals
                assert all(isinstance(t.pattern, PatternStr) and not t.pattern.flags for t in strings), kind
                retype[kind] = {t.pattern.value: t.name for t in strings}
            seen[id(lexer)] = len(lexers)
            lexers.append(([t.name for t in scanner.terminals], retype))
        lexer_of.append(seen[id(lexer)])
    # The fast lexer matches one root pattern first: lark's root lexer's terminals without the rare
    # patterns (those of fewer than a tenth of the states' lexers: PATH, MEASURE, ...), which would
    # otherwise match first where a state has none of them (`conv` as a PATH, `64` as a MEASURE), and
    # with the keywords only they find. No terminal before the root's match in lark's order matches
    # but a rare one: sound when every keyword the root finds through a pattern comes after that
    # pattern in lark's order (then a match of the keyword is a match of the pattern first).
    count = {t.name: sum(t.name in names for names, _ in lexers) for t in root.terminals}
    regexps = [t for t in root.terminals if not isinstance(t.pattern, PatternStr)]
    rare = {t.name for t in regexps if count[t.name] * 10 < len(lexers)}
    common, _ = _create_unless([t for t in root.terminals if t.name not in rare], 0, re, False)
    order = {t.name: i for i, t in enumerate(root.terminals)}  # lark's order of all terminals
    for names, _ in lexers:
        assert [order[n] for n in names] == sorted(order[n] for n in names), names
    for kind, callback in root.callback.items():
        for t in callback.scanner.terminals:
            assert t.name in master or order[kind] < order[t.name], (kind, t.name)
    indenter = _ArchIndenter()
    return {
        "GRAMMAR": grammar,
        "START": table.start_states["start"],
        "END": table.end_states["start"],
        "PATTERNS": dict(sorted(patterns.items())),
        "ROOT": [t.name for t in common],
        "ORDER": [t.name for t in root.terminals],
        "IGNORE": sorted(root.ignore_types),
        "NEWLINE": sorted(root.newline_types),
        "INDENTER": {
            "NL": indenter.NL_type,
            "INDENT": indenter.INDENT_type,
            "DEDENT": indenter.DEDENT_type,
            "OPEN": sorted(indenter.OPEN_PAREN_types),
            "CLOSE": sorted(indenter.CLOSE_PAREN_types),
            "TAB": indenter.tab_len,
        },
        "RULES": rules,
        "STATES": [states[i] for i in range(len(states))],
        "LEXERS": lexers,
        "LEXER_OF": lexer_of,
    }


def render() -> str:
    """The text of parser_tables.py for the grammar as it is."""
    out = [
        '"""Generated by `python -m archspec.frontend.make_parser_tables` from grammar.lark: do not edit."""',
        "",
        "# fmt: off",
    ]
    for name, value in tables().items():
        if name in ("STATES", "RULES", "LEXERS"):
            out.append(f"{name} = [")
            out.extend(f"    {item!r}," for item in value)
            out.append("]")
        else:
            out.append(f"{name} = {value!r}")
    return "\n".join(out) + "\n"


def main() -> int:
    text = render()
    if OUT.exists() and OUT.read_text(encoding="utf-8") == text:
        print(f"{OUT} is up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
