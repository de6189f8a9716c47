"""Merges of several tensors: concatenation along channels, sum, and broadcast product."""

from __future__ import annotations

from archspec.layers.base import LayerKind, ShapeError, Step, fmt_shape, stride_between


def _listing(shapes, names) -> str:
    return ", ".join(f"{n} gives {fmt_shape(s)}" for n, s in zip(names, shapes))


class Concat(LayerKind):
    name = "concat"
    keras = "Concatenate"
    aliases = ("cat",)
    foreign = ("Concatenate",)
    family = "merge"
    merge = True
    functional = True
    inplace_safe = True
    title = "concatenation"

    def output_shape(self, o, ins):
        first = ins[0]
        for shape in ins[1:]:
            if len(shape) != len(first) or shape[1:] != first[1:]:
                raise ShapeError(
                    "concat needs the same sizes apart from channels: " + _listing(ins, o["_names"]),
                    hint="pad or pool the branches to the same spatial size",
                    code="shape-mismatch",
                )
        return (sum(s[0] for s in ins), *first[1:])

    def formulas(self, o, ins, out):
        return [
            Step(
                "channels",
                "C",
                " + ".join(f"C_{i + 1}" for i in range(len(ins))),
                " + ".join(str(s[0]) for s in ins),
                out[0],
                "the inputs are stacked along the channels; the other sizes must agree",
            ),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        return None

    def torch_merge(self, o, inputs):
        return f"torch.cat([{', '.join(inputs)}], dim=1)"


class Add(LayerKind):
    name = "add"
    keras = "Add"
    residual = True
    inplace_safe = True
    aliases = ("sum",)
    family = "merge"
    merge = True
    functional = True
    symbol = "+"
    title = "elementwise addition"

    def output_shape(self, o, ins):
        if any(s != ins[0] for s in ins[1:]):
            odd = next(s for s in ins[1:] if s != ins[0])
            a, b = ins[0][1:], odd[1:]
            if len(a) == len(b) and a != b:
                strided = all(stride_between(max(x, y), min(x, y)) for x, y in zip(a, b))
                hint = (
                    f"one branch strides ({fmt_shape(a)} and {fmt_shape(b)}): "
                    "`shortcut: project` strides the shortcut too"
                    if strided
                    else f"the sizes differ ({fmt_shape(a)} and {fmt_shape(b)}): is a `pad=` missing?"
                )
            else:
                hint = "make the branches end with the same channels, or use `shortcut: project`"
            raise ShapeError("add needs equal shapes: " + _listing(ins, o["_names"]), hint=hint, code="shape-mismatch")
        return ins[0]

    def formulas(self, o, ins, out):
        return [
            Step(
                "shape",
                "shape",
                "the inputs' common shape",
                ", ".join(fmt_shape(s) for s in ins),
                out,
                "elementwise sum: every input has the same shape",
            )
        ]

    def torch_module(self, o, in_shape, inplace=False):
        return None

    def torch_merge(self, o, inputs):
        return " + ".join(inputs)

    def torch_merge_inplace(self, o, inputs):
        return f"{inputs[0]} += " + " + ".join(inputs[1:])


class Mul(LayerKind):
    """Elementwise product of tensors of one rank, broadcasting sizes of 1 (`C x H x W` times `C x 1 x 1`)."""

    name = "mul"
    keras = "Multiply"
    aliases = ("multiply",)
    family = "merge"
    merge = True
    functional = True
    symbol = "×"
    broadcasts = True
    title = "elementwise multiplication"

    def output_shape(self, o, ins):
        if len({len(s) for s in ins}) > 1:
            # with the batch dimension in front, PyTorch cannot line up tensors of different ranks
            raise ShapeError(
                "mul needs tensors of one rank: " + _listing(ins, o["_names"]),
                hint="pool to `C x 1 x 1` with `avgpool to 1x1` (not `global_avgpool`, which gives `C`)",
                code="shape-mismatch",
            )
        out = []
        for sizes in zip(*ins):
            big = set(sizes) - {1}
            if len(big) > 1:
                raise ShapeError(
                    "mul cannot broadcast: " + _listing(ins, o["_names"]),
                    hint="sizes must be equal or 1 in each dimension (e.g. 64x56x56 times 64x1x1)",
                    code="shape-mismatch",
                )
            out.append(big.pop() if big else 1)
        return tuple(out)

    def formulas(self, o, ins, out):
        return [
            Step(
                "shape",
                "shape",
                "max of the inputs' sizes per dimension (sizes of 1 broadcast)",
                ", ".join(fmt_shape(s) for s in ins),
                out,
            )
        ]

    def torch_module(self, o, in_shape, inplace=False):
        return None

    def torch_merge(self, o, inputs):
        return " * ".join(inputs)


KINDS = [Concat(), Add(), Mul()]
