"""`archspec explain`: each layer's output size, parameters, MACs and receptive field, written out
as the lecture notes derive them, with the layer's numbers put in.

The formulas come from the layer catalogue (`LayerKind.formulas`, `LayerKind.window`); this module
only selects layers, adds the receptive-field steps and renders text or JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from archspec.analysis.graph import Network, Node
from archspec.analysis.receptive import Field, apply, number, receptive_fields, show, union
from archspec.diagnostics import did_you_mean, listing
from archspec.i18n import Message, count
from archspec.layers.base import Step, dim_names, fmt_shape

LABELS = {
    "channels": "channels",
    "size": "output size",
    "shape": "output shape",
    "features": "output size",
    "params": "parameters",
    "buffers": "buffers",
    "macs": "MACs",
    "rf": "receptive field",
    "jump": "jump",
    "start": "start",
}


@dataclass(frozen=True)
class Explanation:
    node: Node
    inputs: tuple[tuple[int, ...], ...]
    steps: tuple[Step, ...]
    field: Field
    rf_steps: tuple[Step, ...]
    notes: tuple[tuple[str, tuple], ...] = ()  # (English text, args), after the steps


class UnknownLayer(Exception):
    def __init__(self, name: str, hint: str):
        super().__init__(name)
        self.name, self.hint = name, hint


def select(net: Network, names: list[str]) -> list[Node]:
    """The nodes named (a block's or a sequence's name stands for every node inside it), in
    execution order; every node but the input where no name is given. Raises UnknownLayer."""
    if not names:
        return [n for n in net.nodes if n.kind is not None]
    by_path = {n.path: n for n in net.nodes}
    groups = {g.path: g for g in net.groups}
    chosen: set[int] = set()
    for name in names:
        if name in by_path:
            chosen.add(by_path[name].id)
        elif name in groups:
            chosen.update(range(groups[name].first, groups[name].last + 1))
        else:
            written = [n.path for n in net.nodes[1:] if not n.generated] + [g.path for g in net.groups if g.depth == 0]
            hint = did_you_mean(name, [*by_path, *groups]) or Message("explain.spec-names", names=listing(written))
            raise UnknownLayer(name, hint)
    return [n for n in net.nodes if n.id in chosen and n.kind is not None]


def explain(net: Network, nodes: list[Node]) -> list[Explanation]:
    fields = receptive_fields(net)
    out = []
    for node in nodes:
        shapes = [net.nodes[i].shape for i in node.inputs]
        steps = node.kind.formulas(node.options, shapes, node.shape)
        ins = [fields[i] for i in node.inputs]
        image = tuple(net.input_shape[1:]) if net.input_shape and len(net.input_shape) > 1 else ()
        notes = tuple(field_notes(fields[node.id], image)) if image else ()
        out.append(
            Explanation(node, tuple(shapes), tuple(steps), fields[node.id], tuple(rf_steps(node, shapes, ins)), notes)
        )
    return out


def rf_steps(node: Node, shapes: list[tuple[int, ...]], ins: list[Field]) -> list[Step]:
    """The receptive-field recurrence with the numbers of this layer (Araujo et al., Distill 2019)."""
    window = node.kind.window(node.options, shapes, node.shape)
    if len(ins) > 1:
        after = [apply(window, f) for f in ins]
        result = apply(window, ins[0]) if len(set(after)) == 1 else None
        if result is None:
            field = union(after)
            return [
                Step(
                    "rf",
                    "r",
                    "union of the inputs' receptive fields",
                    ", ".join(f.text() for f in after),
                    tuple(int(x) if x.denominator == 1 else float(x) for x in field.size),
                )
            ]
    field = ins[0]
    if not field.size:
        return []
    if len(window.kernel) != len(field.size):  # a flat input: its entries already see their whole field
        return [Step("rf", "r", "r_in", field.text(), field.size, "{0} of the input", (field.text(),))]
    names = dim_names(len(field.size))
    after = apply(window, field)
    rows = list(zip(field.size, field.jump, field.start, window.kernel, window.stride, window.offset))
    alike = len(set(rows)) == 1  # every dimension alike: say it once
    steps = []
    for d, (r, j, st, k, s, c) in enumerate(rows[:1] if alike else rows):
        sub = "" if alike else f"_{names[d]}"
        if (k, s, c) == (1, 1, 0):  # the layer keeps every position where it is: say so, not `9 + (1 - 1)*2`
            steps += [
                Step("rf", f"r{sub}", "r_in", exact(r), after.size[d], *_of_the_input(alike, after)),
                Step("jump", f"j{sub}", "j_in", exact(j), after.jump[d]),
                Step("start", f"start{sub}", "start_in", exact(st), after.start[d]),
            ]
            continue
        steps += [
            Step(
                "rf",
                f"r{sub}",
                "r_in + (K - 1) * j_in",
                f"{exact(r)} + ({k} - 1)*{exact(j)}",
                after.size[d],
                "{0} of the input" if alike else "",
                (after.text(),) if alike else (),
            ),
            Step("jump", f"j{sub}", "j_in * S", f"{exact(j)}*{exact(s)}", after.jump[d]),
            Step(
                "start",
                f"start{sub}",
                "start_in + offset * j_in",
                f"{exact(st)} + {exact(c)}*{exact(j)}",
                after.start[d],
                START_NOTE if d == 0 else "",
            ),
        ]
    return steps


# what `offset` and `start` are, said after the first layer's `start` line
START_NOTE = (
    "offset: the centre of this layer's first window, in positions of its input; start: the centre of the "
    "first output's field, in input pixels (negative: in the padding)"
)


def field_notes(field: Field, image: tuple[int, ...]) -> list[tuple[str, tuple]]:
    """A note where the receptive field is larger than the image (`image`: its spatial sizes): why
    (the padding) and which input pixels the first output's field holds, as (English text, args)."""
    if not field.size or len(field.size) != len(image) or all(r <= n for r, n in zip(field.size, image)):
        return []
    spans = []
    for r, st, n in zip(field.size, field.start, image):
        low, high = st - (r - 1) / 2, st + (r - 1) / 2
        first, last = max(math.ceil(low), 0), min(math.floor(high), n - 1)
        spans.append((show(low), show(high), first, last, max(last - first + 1, 0)))
    size = "x".join(str(n) for n in image)
    alike = len(set(spans)) == 1
    low, high, first, last, real = spans[0]
    if alike:
        where = f"{low}..{high}"
        pixels = f"{first}..{last}"
        count = "x".join([str(real)] * len(image))
    else:
        where = ", ".join(f"{s[0]}..{s[1]}" for s in spans)
        pixels = ", ".join(f"{s[2]}..{s[3]}" for s in spans)
        count = "x".join(str(s[4]) for s in spans)
    return [
        (
            "the field ({0}) is larger than the {1} image because the padding adds zeros around the image and "
            "the field counts them as positions. The first output's field spans positions {2}: pixels {3} of "
            "it ({4}) are real, the rest padding; outputs near the middle see the whole image.",
            (field.text(), size, where, pixels, count),
        )
    ]


def _of_the_input(alike: bool, field: Field) -> tuple[str, tuple[str, ...]]:
    """The note after a receptive field's size: `(5x5 of the input)`, once for all dimensions."""
    return ("{0} of the input", (field.text(),)) if alike else ("", ())


def exact(x) -> str:
    """A number as a formula writes it: `2`, `0.5`, `(13/6)`, `(-0.5)`."""
    if x.denominator == 1:
        text = str(x.numerator)
    elif 10**6 % x.denominator == 0:  # a short decimal
        text = show(x)
    else:
        return f"({x.numerator}/{x.denominator})"
    return f"({text})" if x < 0 else text


def show_result(value) -> str:
    """`2,048` for a number; a shape as shapes are written everywhere else, `1024x1x1`."""
    if isinstance(value, tuple):
        return "x".join(str(v) if isinstance(v, int) else show(v) for v in value)
    if isinstance(value, int):
        return f"{value:,}"
    return show(value)  # a Fraction


COUNTS = ("params", "buffers", "macs")  # quantities the notes read in 만 and 억 in Korean


def step_line(step: Step, t: Callable[..., str], unit: str = "en") -> str:
    """`H = floor((H_in + 2*P - K) / S) + 1 = floor((32 + 2*0 - 5) / 1) + 1 = 28`. With `unit`
    "ko" a count of 10,000 or more is also read in 만 and 억 after it: `= 102,764,544 (1억 276만 4544)`
    (the formula keeps its digits, so that it can still be checked by hand)."""
    parts = [step.symbol, t(step.formula)]
    result = show_result(step.result)
    # `9216` is the result `9,216` again, only without the thousands' commas: say it once
    if step.numbers and step.numbers.replace(",", "") not in (step.formula, result.replace(",", ""), str(step.result)):
        parts.append(step.numbers)
    if parts[-1] != result:
        parts.append(result)
    text = " = ".join(parts)
    if unit == "ko" and step.quantity in COUNTS and type(step.result) is int and step.result >= 10_000:
        text += f" ({count(step.result, 'ko')})"
    if step.note:
        text += f"  ({t(step.note, *step.args)})"
    return text


def heading(e: Explanation, t: Callable[..., str]) -> str:
    kind = e.node.kind
    title = t(kind.title) if kind.title else kind.name
    return f"{e.node.path}: {e.node.notation}  [{title}]"


def layer_lines(e: Explanation, t: Callable[..., str], unit: str = "en", said: set | None = None) -> list[str]:
    """The layer's explanation, a line each step. `said`: the notes already printed for the layers
    before it (what `offset` and `start` are), left out here; the ones printed here are added."""
    from dataclasses import replace

    from rich.cells import cell_len

    ins = ", ".join(fmt_shape(s) for s in e.inputs)
    lines = [heading(e, t), "  " + t("{0} -> {1}", t("input {0}", ins), fmt_shape(e.node.shape))]
    steps = list(e.steps)
    if not any(s.quantity == "params" for s in steps):
        steps.append(Step("params", "params", "0", "0", e.node.params))
    steps += e.rf_steps
    labels = [t(LABELS[s.quantity]) for s in steps]
    width = max(cell_len(label) for label in labels)
    previous = None
    for label, step in zip(labels, steps):
        shown = label if label != previous else ""
        previous = label
        if said is not None and step.note == START_NOTE:
            step = replace(step, note="") if START_NOTE in said else step
            said.add(START_NOTE)
        lines.append("  " + shown + " " * (width - cell_len(shown)) + "  " + step_line(step, t, unit))
    lines += ["  " + t("note: {0}", t(text, *args)) for text, args in e.notes]
    return lines


def render_text(explanations: list[Explanation], t: Callable[..., str], unit: str = "en") -> str:
    said: set[str] = set()  # what `offset` and `start` are: said at the first layer only
    return "\n\n".join("\n".join(layer_lines(e, t, unit, said)) for e in explanations) + "\n"


def plain(value):
    """A step's result as JSON writes it: a list for a shape, a float for a fractional field."""
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, int):
        return value
    return number(value)


def step_json(step: Step, t: Callable[..., str]) -> dict:
    result = plain(step.result)
    return {
        "quantity": step.quantity,
        "symbol": step.symbol,
        "formula": t(step.formula),
        "numbers": step.numbers,
        "result": result,
        "note": t(step.note, *step.args) if step.note else None,
    }


def to_json(e: Explanation, t: Callable[..., str]) -> dict:
    kind = e.node.kind
    return {
        "path": e.node.path,
        "kind": kind.name,
        "title": t(kind.title) if kind.title else kind.name,
        "describe": e.node.notation,
        "inputs": [list(s) for s in e.inputs],
        "output": list(e.node.shape),
        "params": e.node.params,
        "buffers": e.node.buffers,
        "macs": e.node.macs,
        "rf": e.field.to_json(),
        "steps": [step_json(s, t) for s in e.steps],
        "rf_steps": [step_json(s, t) for s in e.rf_steps],
        "notes": [t(text, *args) for text, args in e.notes],
    }
