"""The pass after expansion: the `freeze` lines applied and the `expect` lines checked, in the
order the spec writes them (an `expect` counts the layers frozen before it, as Keras's
`trainable` does), against the nodes expansion made.

Expansion records each `expect` and `freeze` it meets as a mark (`Expectation`, `Freezing`): the
nodes made so far and, for a `freeze`, the ones its paths name. Naming the paths, and the errors of
a path that names nothing, stay with expansion, which knows what each body has made."""

from __future__ import annotations

from dataclasses import dataclass, replace

from archspec.analysis.graph import Node, memory_of
from archspec.diagnostics import Diagnostic, did_you_mean
from archspec.frontend import syntax as s
from archspec.layers import fmt_shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


@dataclass(frozen=True)
class Expectation:
    """An `expect` line as expansion met it: the tensor it describes (`out`), the nodes it counts
    (`first` up to `end`, not included), its path (`where`) and where its block instance was called."""

    expect: s.Expect
    out: int
    first: int
    end: int
    where: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Freezing:
    """A `freeze` (or `unfreeze`) as expansion met it: the ranges of nodes (first, last) it names."""

    ranges: tuple[tuple[int, int], ...]
    frozen: bool


def check_marks(
    nodes: list[Node], marks: list[Expectation | Freezing], report: Callable[[Diagnostic], None]
) -> list[Node]:
    """The nodes with the freezing applied, each `expect` checked at its place in the spec (its
    problems given to `report`)."""
    nodes = list(nodes)
    for mark in marks:
        if isinstance(mark, Freezing):
            for first, last in mark.ranges:
                for i in range(first, last + 1):
                    if nodes[i].frozen != mark.frozen:
                        nodes[i] = replace(nodes[i], frozen=mark.frozen)
            continue
        for diagnostic in check_expectations(mark.expect, figures(nodes, mark), mark.where):
            report(replace(diagnostic, notes=mark.notes) if mark.notes else diagnostic)
    return nodes


def figures(nodes: list[Node], mark: Expectation) -> dict[str, Any]:
    """What an `expect` can name, computed for the tensor and the nodes of its mark."""
    part = nodes[mark.first : mark.end]
    params = sum(n.params for n in part)
    trainable = sum(n.trainable for n in part)
    mem = memory_of(part, nodes[0].shape, params)  # nodes[0]: the network's input
    return {
        "shape": nodes[mark.out].shape,
        "params": params,
        "trainable": trainable,
        "non_trainable": params - trainable,
        "buffers": sum(n.buffers for n in part),
        "macs": sum(n.macs for n in part),
        "input_mb": mem.input_mb,
        "forward_backward_mb": mem.forward_backward_mb,
        "params_mb": mem.params_mb,
        "total_mb": mem.total_mb,
    }


def check_expectations(expect: s.Expect, actual: dict[str, Any], where: str) -> list[Diagnostic]:
    """A diagnostic for each item of `expect` that does not hold for `actual` (the keys it may
    name: `shape`, `params`, ... , with their computed values), or that is malformed."""
    diagnostics = []
    for item in expect.items:
        problem = _expect_problem(item, actual)
        if problem is not None:
            diagnostics.append(problem)
            continue
        got = actual[item.key]
        if item.key == "shape":
            want = item.value if isinstance(item.value, tuple) else (item.value,)  # `shape=10`
            ok = tuple(got) == want
            shown = fmt_shape(got)
        else:
            ok = abs(got - item.value) <= item.precision + 1e-9 * max(1.0, abs(item.value))
            shown = _show_number(got, item.text)
        if not ok:
            prefix = f"{where}: " if where else ""
            key = "output shape" if item.key == "shape" else item.key
            diagnostics.append(
                Diagnostic(
                    "expect-failed", f"{prefix}expected {key} {item.text}, found {shown}", item.span, f"found {shown}"
                )
            )
    return diagnostics


def _expect_problem(item: s.ExpectItem, actual: dict[str, Any]) -> Diagnostic | None:
    """What is wrong with an expectation itself (an unknown key, a shape for a number), if anything."""
    if item.key not in actual:
        hint = did_you_mean(item.key, actual) or "expect a shape or " + ", ".join(k for k in actual if k != "shape")
        if item.key.lower() == "flops":
            hint = (
                "archspec counts `macs`, which torchvision's GFLOPS and the papers' FLOPs are; "
                "torch.utils.flop_counter counts 2 FLOPs per MAC"
            )
        return Diagnostic("unknown-expect", f"cannot expect `{item.key}`", item.span, "unknown", hint)
    is_shape = isinstance(item.value, tuple)
    if item.key != "shape" and is_shape:
        return Diagnostic(
            "bad-expect",
            f"`{item.key}` is a number, not a shape like `{item.text}`",
            item.span,
            "a shape",
            "write the shape alone: `expect 6x28x28`",
        )
    if item.key == "shape" and not is_shape and (item.precision or not isinstance(item.value, int)):
        return Diagnostic("bad-expect", f"a shape is whole sizes, not `{item.text}`", item.span, "not a shape")
    return None


def _show_number(value: float, written: str) -> str:
    """`value` as a message shows it: a count whole, with thousands separators (`127,604,736`,
    whatever the expectation's form: `128M`, `127_000_000`; a Korean message writes it in 만 and 억),
    a size in MB with enough digits to see that it misses: `0.57` -> `0.57503`."""
    suffix = written[-1].upper() if written[-1].upper() in s.SI_SUFFIXES else ""
    scale = s.SI_SUFFIXES.get(suffix, 1)
    if isinstance(value, int):
        return f"{value:,}"
    decimals = len(written.rstrip("KMGkmg").split(".")[1]) + 3 if "." in written else 2
    return f"{value / scale:.{decimals}f}{suffix}"
