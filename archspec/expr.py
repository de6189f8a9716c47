"""Evaluation of expressions in a spec: block parameters, arithmetic, and `in.c`-style shape access."""

from __future__ import annotations

from . import syntax as s
from .diagnostics import did_you_mean, fail
from .layers.base import fmt_shape, show_value

Value = object

# which position of the `in` shape each attribute names, by the shape's rank (batch excluded)
_ATTRS = {
    "c": {1: 0, 2: 0, 3: 0, 4: 0},
    "f": {1: 0},
    "l": {2: 1},
    "h": {3: 1, 4: 2},
    "w": {3: 2, 4: 3},
    "d": {4: 1},
}


def evaluate(expr: s.Expr, env: dict[str, Value], in_shape: tuple[int, ...] | None, words_ok: bool = True) -> Value:
    """Evaluate `expr`. A name that is not a variable is a word (`same`, `true`, `to`) where
    `words_ok`; inside arithmetic it must be a variable."""
    if isinstance(expr, s.Number):
        return expr.value
    if isinstance(expr, s.Dims):
        return expr.sizes
    if isinstance(expr, s.Name):
        if expr.name in env:
            return env[expr.name]
        if words_ok:
            return expr.name
        raise fail(
            "undefined-name",
            f"`{expr.name}` is not defined",
            expr.span,
            "not a parameter of this block",
            did_you_mean(expr.name, env) or ("the names here are " + ", ".join(f"`{n}`" for n in env) if env else ""),
        )
    if isinstance(expr, s.Attr):
        return _attr(expr, in_shape)
    if isinstance(expr, s.Tuple):
        return tuple(evaluate(i, env, in_shape, words_ok=False) for i in expr.items)
    if isinstance(expr, s.Neg):
        return -_number(evaluate(expr.operand, env, in_shape, words_ok=False), expr.operand)
    if isinstance(expr, s.BinOp):
        a = _number(evaluate(expr.left, env, in_shape, words_ok=False), expr.left)
        b = _number(evaluate(expr.right, env, in_shape, words_ok=False), expr.right)
        if expr.op in ("/", "//", "%") and b == 0:
            raise fail("bad-expression", "division by zero", expr.span, "divides by 0")
        if expr.op == "+":
            return a + b
        if expr.op == "-":
            return a - b
        if expr.op == "*":
            return a * b
        if expr.op == "/":
            q = a / b
            return int(q) if q == int(q) and isinstance(a, int) and isinstance(b, int) and a % b == 0 else q
        if expr.op == "//":
            return a // b
        return a % b
    raise AssertionError(expr)


def _number(v: Value, expr: s.Expr) -> int | float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise fail("bad-expression", f"arithmetic needs numbers, not `{show_value(v)}`", expr.span, "not a number")
    return v


def _attr(expr: s.Attr, in_shape: tuple[int, ...] | None) -> int:
    if expr.obj != "in":
        raise fail(
            "undefined-name",
            f"`{expr.obj}.{expr.attr}`: only `in` has attributes",
            expr.span,
            "unknown",
            "write e.g. `in.c` for the incoming channels",
        )
    if expr.attr not in _ATTRS:
        raise fail(
            "undefined-name",
            f"`in.{expr.attr}` is not a size",
            expr.span,
            "unknown attribute",
            "the sizes are `in.c`, `in.h`, `in.w`, `in.d`, `in.l`, `in.f`",
        )
    if in_shape is None:
        raise fail("undefined-name", "`in` has no shape here", expr.span, "no input yet")
    index = _ATTRS[expr.attr].get(len(in_shape))
    if index is None:
        shape = fmt_shape(in_shape)
        raise fail(
            "undefined-name", f"`in.{expr.attr}` does not exist for the {shape} input", expr.span, "no such dimension"
        )
    return in_shape[index]
