"""Receptive fields: for every layer, which part of the network's input one output position sees.

Per spatial dimension, as in Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional
Neural Networks" (Distill, 2019), in input pixels:

- `size` r: how many input positions one output position depends on;
- `jump` j: how far apart, in input positions, two neighbouring output positions are (the product
  of the strides so far);
- `start`: the centre of the first output position's field (0 is the first input pixel; negative
  values lie in the padding).

Each layer's `Window` (kernel k, stride s, offset c, from the layer catalogue) updates them:
r = r_in + (k - 1) * j_in, j = j_in * s, start = start_in + c * j_in. A merge sees the union of its
inputs' fields (its first output's; for aligned inputs, the largest of them). Flatten, dense layers
and global pooling see their whole input.

Convolutions and windowed pooling are exact: every output position sees a field of the same size,
`jump` apart (tests/test_teach_receptive_torch.py checks this against torch's gradients). Adaptive
pooling, transposed convolutions and upsampling give outputs that do not all see as many inputs
(a transposed conv of kernel K and stride S reads ceil(K/S) or floor(K/S) of them): there the
size is the largest field of that layer and `start` is its first output's, carried on by the same
recurrence, so a later layer spanning several such outputs may see up to one step of the coarser
grid more. Their jump is a fraction of an input pixel (1/S), and sizes may be fractional until a
later stride brings them back to whole pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from archspec.analysis.graph import Network, Node
from archspec.layers.base import Window


@dataclass(frozen=True)
class Field:
    """The receptive field of a layer's output, one entry per spatial dimension of the input."""

    size: tuple[Fraction, ...]
    jump: tuple[Fraction, ...]
    start: tuple[Fraction, ...]

    def to_json(self) -> dict:
        return {"size": [number(x) for x in self.size], "jump": [number(x) for x in self.jump],
                "start": [number(x) for x in self.start]}  # fmt: skip

    def text(self) -> str:
        """`5x5`, as the lecture notes write a receptive field."""
        return "x".join(show(x) for x in self.size) if self.size else "-"


def number(x: Fraction) -> int | float:
    """A Fraction as JSON writes it: whole numbers as ints."""
    return int(x) if x.denominator == 1 else round(float(x), 4)


def show(x: Fraction) -> str:
    return str(number(x))


def initial(rank: int) -> Field:
    """The input sees itself: one pixel, one pixel apart, starting at pixel 0."""
    return Field((Fraction(1),) * rank, (Fraction(1),) * rank, (Fraction(0),) * rank)


def apply(window: Window, field: Field) -> Field:
    """The field after one layer with `window`. A window of another rank (a flat input) leaves
    the field as it is: a vector's entries already see everything their source saw."""
    if len(window.kernel) != len(field.size):
        return field
    return Field(
        tuple(r + (k - 1) * j for r, k, j in zip(field.size, window.kernel, field.jump)),
        tuple(j * s for j, s in zip(field.jump, window.stride)),
        tuple(st + c * j for st, c, j in zip(field.start, window.offset, field.jump)),
    )


def union(fields: list[Field], broadcast: list[tuple[bool, ...]] | None = None) -> Field:
    """The field of a merge's first output position: the union of its inputs' fields. Aligned
    inputs (equal starts) give the largest size; the jump is the largest of the inputs' that are not
    broadcast along that dimension (`broadcast[i][d]`: input i has one position there and the output
    more, as squeeze-and-excitation's `C x 1 x 1`): the output's positions follow the other inputs."""
    if len(fields) == 1:
        return fields[0]
    size, jump, start = [], [], []
    for d in range(len(fields[0].size)):
        lefts = [f.start[d] - (f.size[d] - 1) / 2 for f in fields]
        rights = [f.start[d] + (f.size[d] - 1) / 2 for f in fields]
        left, right = min(lefts), max(rights)
        size.append(right - left + 1)
        start.append((left + right) / 2)
        spread = [f.jump[d] for i, f in enumerate(fields) if not (broadcast and broadcast[i][d])]
        jump.append(max(spread or [f.jump[d] for f in fields]))
    return Field(tuple(size), tuple(jump), tuple(start))


def node_field(node: Node, inputs: list[Field], shapes: list[tuple[int, ...]]) -> Field:
    """One node's field from its inputs' fields."""
    window = node.kind.window(node.options, shapes, node.shape)
    fields = [apply(window, f) for f in inputs]
    out = node.shape[1:]
    broadcast = [tuple(len(s) == len(node.shape) and s[1 + d] == 1 < out[d] for d in range(len(out))) for s in shapes]
    return union(fields, broadcast if all(len(f.size) == len(out) for f in fields) else None)


def receptive_fields(net: Network) -> list[Field]:
    """The receptive field of every node's output, in the order of `net.nodes`."""
    fields: list[Field] = []
    rank = len(net.input_shape) - 1 if net.input_shape else 0
    for node in net.nodes:
        if node.kind is None:
            fields.append(initial(rank))
            continue
        shapes = [net.nodes[i].shape for i in node.inputs]
        fields.append(node_field(node, [fields[i] for i in node.inputs], shapes))
    return fields
