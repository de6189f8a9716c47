"""The layer catalogue: every operation archspec knows, looked up by name or alias."""

from __future__ import annotations

from archspec.layers import augment, basic, conv, merge, pool, residual, slices
from archspec.layers.base import LayerKind, Opt, OptionError, Shape, ShapeError, fmt_shape, stride_between

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ALL: list[LayerKind] = [
    *conv.KINDS, *pool.KINDS, *basic.KINDS, *residual.KINDS, *augment.KINDS, *slices.KINDS, *merge.KINDS,
]  # fmt: skip

CATALOGUE: dict[str, LayerKind] = {}
for _kind in ALL:
    for _word in (_kind.name, *_kind.aliases):
        assert _word not in CATALOGUE, _word
        CATALOGUE[_word] = _kind


# the merges, as the spec writes them: `concat`, `add`, `mul`
MERGE_NAMES: tuple[str, ...] = tuple(kind.name for kind in ALL if kind.merge)

# `MaxPooling2D` -> maxpool: what users bring from PyTorch and Keras, matched without case
FOREIGN: dict[str, LayerKind] = {
    name.lower(): kind for kind in ALL for name in (kind.name, *kind.aliases, *kind.foreign)
}


def lookup(word: str) -> LayerKind | None:
    return CATALOGUE.get(word)


def suggest(word: str) -> str:
    """A hint for an unknown layer word that PyTorch or Keras would know: "write `maxpool`"."""
    kind = FOREIGN.get(word.lower())
    if kind is None or word in CATALOGUE:
        return ""
    return f"archspec writes `{word}` as `{kind.name}`"


def suggest_kind(word: str) -> LayerKind | None:
    """The kind a PyTorch or Keras name stands for, if any."""
    return FOREIGN.get(word.lower()) if word not in CATALOGUE else None


def projection(source: Shape, target: Shape) -> list[tuple[str, LayerKind, dict]]:
    """The layers of a residual block's projection shortcut from `source` to `target`, each with
    the suffix of its name: a 1x1 conv without bias (with the stride that makes the sizes meet)
    and a batchnorm (`_bn`), as torchvision's `downsample`. Raises ShapeError where no such conv
    exists."""
    if len(source) != len(target) or len(source) < 2:
        raise ShapeError(
            f"the shortcut cannot project {fmt_shape(source)} to {fmt_shape(target)}",
            hint="the branch must keep the input's rank",
            code="shape-mismatch",
        )
    strides = []
    for size, want in zip(source[1:], target[1:]):
        stride = stride_between(size, want)
        if stride is None:
            raise ShapeError(
                f"the shortcut cannot project {fmt_shape(source)} to {fmt_shape(target)}: "
                f"no stride of a 1x1 conv takes {size} to {want}",
                hint="the branch's output size must be its input's divided by a stride; "
                "is a `pad=` missing in the branch?",
                code="shape-mismatch",
            )
        strides.append(stride)
    stride = strides[0] if len(set(strides)) == 1 else tuple(strides)
    return [(suffix, kind, kind.resolve(options)) for suffix, kind, options in projection_layers(target[0], stride)]


def projection_layers(out: Any, stride: Any) -> list[tuple[str, LayerKind, dict]]:
    """The layers of a projection shortcut to `out` channels with `stride`, their options as
    written (not yet resolved): a 1x1 conv without bias, then a batchnorm (`_bn`)."""
    conv, bn = CATALOGUE["conv"], CATALOGUE["batchnorm"]
    return [("", conv, {"out": out, "kernel": 1, "stride": stride, "bias": False}), ("bn", bn, {})]


__all__ = [
    "ALL",
    "CATALOGUE",
    "MERGE_NAMES",
    "LayerKind",
    "Opt",
    "OptionError",
    "Shape",
    "ShapeError",
    "fmt_shape",
    "lookup",
    "projection",
    "suggest",
    "suggest_kind",
]
