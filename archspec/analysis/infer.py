"""Inference: what one layer gives for its input shapes (its output shape, parameters, buffers and
MACs), from its layer kind's rules in `archspec.layers`, and the checks every output gets.

Expansion calls it for each node as it makes it, rather than in a pass of its own afterwards: the
language reads shapes while it instantiates (`in.c`, an `if` over `in.*`, a `shortcut: project`
that exists only where the shapes differ), so a node's shape must be known before the next line is
instantiated. The `expect` and `freeze` lines, which need nothing but the finished nodes, are a
pass after expansion (`archspec.analysis.expect`)."""

from __future__ import annotations

from archspec.layers import LayerKind, ShapeError, fmt_shape
from archspec.layers.base import MAX_SIZE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from archspec.layers.base import Shape


def infer(kind: LayerKind, options: dict, ins: list[Shape]) -> tuple[Shape, int, int, int]:
    """(output shape, params, buffers, MACs) of a `kind` layer with `options` on inputs of shapes
    `ins`. Raises ShapeError where the layer cannot take them or gives an empty output, and
    OverflowError (or ValueError) where the sizes are beyond MAX_SIZE."""
    out = kind.output_shape(options, ins)
    if out and min(out) <= 0:
        raise ShapeError(
            f"{kind.name} gives an empty output {fmt_shape(out)} for the {fmt_shape(ins[0])} input",
            hint="the input is too small here: remove a pooling layer or a stride",
            code="empty-output",
        )
    if out and max(out) > MAX_SIZE:
        raise OverflowError()
    params, buffers = kind.params(options, ins, out)
    return out, params, buffers, kind.macs(options, ins, out)
