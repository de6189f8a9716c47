"""Variants of a spec for `archspec quiz --variants N`: the same network with other channel counts,
kernels and strides, each checked again by archspec's own analyser.

Only the network's own lines are changed (the blocks it defines or imports keep their bodies; the
arguments of its block calls change): the number of filters or units of each conv and dense layer
(scaled by 1/2 .. 2), a conv's kernel (3, 5 or 7) and the stride written on a conv or pooling layer
(1 or 2). `expect` clauses and comments are dropped: they describe the original numbers. Variant N
of `network LeNet5` is `network LeNet5_vN`, so that each names its own network.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass

from archspec.analysis.graph import Network
from archspec.frontend import syntax as s
from archspec.layers import lookup
from archspec.teaching.listing import renamed

CHANNELS = (0.5, 0.75, 1.25, 1.5, 2.0)
KERNELS = (3, 5, 7)
STRIDES = (1, 2)
WIDENED = ("conv", "dwconv", "sepconv", "deconv", "dense")  # the kinds whose first number is a count
TRIES = 40  # attempts per variant before giving up (a variant must check and differ from the others)


@dataclass(frozen=True)
class Variant:
    text: str  # the variant spec, as analysed (imports relative to the original file)
    network: Network


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _edits(spec: s.SpecFile, rng: random.Random) -> list[tuple[s.Span, str]]:
    edits: list[tuple[s.Span, str]] = []

    def scale(n: int) -> str:
        return str(max(1, round(n * rng.choice(CHANNELS))))

    def chain(atoms) -> None:
        kind, counted, sized = None, False, False
        for atom in atoms:
            if isinstance(atom, s.Name) and lookup(atom.name):
                kind, counted, sized = atom.name, False, False
            elif isinstance(atom, s.Number) and isinstance(atom.value, int) and kind in WIDENED and not counted:
                counted = True
                edits.append((atom.span, scale(atom.value)))
            elif isinstance(atom, s.Dims) and kind == "conv" and counted and not sized:
                sized = True
                if len(set(atom.sizes)) == 1 and atom.sizes[0] in KERNELS:
                    edits.append((atom.span, "x".join([str(rng.choice(KERNELS))] * len(atom.sizes))))
            elif isinstance(atom, s.Option) and atom.key == "stride" and isinstance(atom.value, s.Number):
                if kind in ("conv", "maxpool", "avgpool") and atom.value.value in STRIDES:
                    edits.append((atom.value.span, str(rng.choice(STRIDES))))
            elif isinstance(atom, s.Call):
                for arg in atom.args:
                    if isinstance(arg, s.Number) and isinstance(arg.value, int) and arg.value > 2:
                        edits.append((arg.span, scale(arg.value)))

    def body(stmts) -> None:
        for stmt in stmts:
            if isinstance(stmt, s.Line):
                for elem in stmt.elems:
                    chain(elem.atoms)
                if stmt.expect is not None:
                    edits.append((stmt.expect.span, ""))
            elif isinstance(stmt, s.Compound):
                body(stmt.body)
            elif isinstance(stmt, s.Expect):
                edits.append((stmt.span, ""))

    body(spec.body)
    return edits


def _apply(text: str, edits: list[tuple[s.Span, str]]) -> str:
    lines = text.split("\n")
    for span, new in sorted(edits, key=lambda e: (e[0].line, e[0].column), reverse=True):
        start, end = _offset(lines, span.line, span.column), _offset(lines, span.end_line, span.end_column)
        text = text[:start] + new + text[end:]
    return text


def _strip_comments(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if not line.lstrip().startswith("import"):
            line = line.split("#")[0]
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def variants(text: str, file: str, count: int, seed: int, keep=None) -> list[Variant]:
    """Up to `count` variants of the spec `text` (read from `file`), each different from the others
    and from the original, each checking clean; the same for the same `seed`. `keep(network)` may
    refuse a variant (one that cannot ask the same questions)."""
    from archspec.analysis.load import analyse
    from archspec.frontend.parse import parse

    spec = parse(text, file)
    seen = {_strip_comments(_apply(text, [(sp, "") for sp, new in _edits(spec, random.Random(0)) if new == ""]))}
    found: list[Variant] = []
    for number in range(1, count + 1):
        rng = random.Random(f"archspec-variant-{seed}-{number}")
        for _ in range(TRIES):
            candidate = _strip_comments(_apply(text, _edits(spec, rng)))
            if candidate in seen:
                continue
            named = renamed(candidate, f"{spec.network}_v{number}") if spec.network else candidate
            result = analyse(named, file)
            net = result.network
            if not result.ok or not result.complete or net is None or (keep and not keep(net)):
                continue
            seen.add(candidate)
            found.append(Variant(named, net))
            break
    return found


def relocated(text: str, file: str, target: str) -> str:
    """The variant `text` (imports relative to `file`) with its imports relative to `target`, where
    it is written."""
    base, there = os.path.dirname(os.path.abspath(file)), os.path.dirname(os.path.abspath(target))

    def move(m: re.Match) -> str:
        path = os.path.relpath(os.path.normpath(os.path.join(base, m.group(2))), there)
        return f"{m.group(1)}{path.replace(os.sep, '/')}{m.group(3)}"

    return re.sub(r'^(\s*import\s+")([^"]+)(")', move, text, flags=re.M)


__all__ = ["Variant", "relocated", "variants"]
