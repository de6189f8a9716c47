"""The layer catalogue: every operation archspec knows, looked up by name or alias."""

from __future__ import annotations

from . import basic, conv, merge, pool
from .base import LayerKind, Opt, OptionError, Shape, ShapeError, fmt_shape

ALL: list[LayerKind] = [*conv.KINDS, *pool.KINDS, *basic.KINDS, *merge.KINDS]

CATALOGUE: dict[str, LayerKind] = {}
for _kind in ALL:
    for _word in (_kind.name, *_kind.aliases):
        assert _word not in CATALOGUE, _word
        CATALOGUE[_word] = _kind


def lookup(word: str) -> LayerKind | None:
    return CATALOGUE.get(word)


__all__ = ["ALL", "CATALOGUE", "LayerKind", "Opt", "OptionError", "Shape", "ShapeError", "fmt_shape", "lookup"]
