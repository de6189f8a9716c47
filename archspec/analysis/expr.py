"""Evaluation of expressions in a spec: block parameters, arithmetic, comparisons and conditions,
the functions `min max round int floor ceil abs`, and `in.c`-style shape access."""

from __future__ import annotations

import math

from archspec.diagnostics import did_you_mean, fail
from archspec.frontend import syntax as s
from archspec.layers.base import fmt_shape, show_value

Value = object

# which position of the `in` shape each attribute names, by the shape's rank (batch excluded)
IN_ATTRIBUTES = {
    "c": {1: 0, 2: 0, 3: 0, 4: 0},
    "f": {1: 0},
    "l": {2: 1},
    "h": {3: 1, 4: 2},
    "w": {3: 2, 4: 3},
    "d": {4: 1},
}


def _whole(x):
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError("not a finite number")
    return x


def _pow(x, y):
    if abs(y) > 1024 and abs(x) > 1:
        raise OverflowError("too large")
    return float(x) ** y if isinstance(y, float) or y < 0 else x**y


# the functions of expressions, each as Python's (so `_make_divisible` and RegNet's widths read as torchvision's)
FUNCTIONS = {
    "min": (2, None, min),
    "max": (2, None, max),
    "round": (1, 2, round),
    "int": (1, 1, lambda x: int(_whole(x))),
    "floor": (1, 1, lambda x: math.floor(_whole(x))),
    "ceil": (1, 1, lambda x: math.ceil(_whole(x))),
    "abs": (1, 1, abs),
    "log": (1, 2, math.log),
    "pow": (2, 2, lambda x, y: _pow(x, y)),
}
COMPARISONS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def truth(value: Value, expr: s.Expr) -> bool:
    """A condition's value: a comparison, `true`, `false`, or a name holding one."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise fail(
        "bad-expression",
        f"a condition is true or false, not `{show_value(value)}`",
        expr.span,
        "not true or false",
        "compare it, e.g. `x != 0`, or pass `true` or `false`",
    )


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
    if isinstance(expr, s.Compare):
        a, b = evaluate(expr.left, env, in_shape), evaluate(expr.right, env, in_shape)
        a, b = _truth_word(a), _truth_word(b)
        if expr.op not in ("==", "!="):
            a, b = _number(a, expr.left), _number(b, expr.right)
        return COMPARISONS[expr.op](a, b)
    if isinstance(expr, s.BoolOp):
        a = truth(evaluate(expr.left, env, in_shape), expr.left)
        if expr.op == "not":
            return not a
        if (expr.op == "and" and not a) or (expr.op == "or" and a):
            return a  # Python's: the right operand is not read
        return truth(evaluate(expr.right, env, in_shape), expr.right)  # type: ignore[arg-type]
    if isinstance(expr, s.IfExpr):
        chosen = expr.then if truth(evaluate(expr.cond, env, in_shape), expr.cond) else expr.other
        return evaluate(chosen, env, in_shape, words_ok)
    if isinstance(expr, s.Call):
        return _call(expr, env, in_shape)
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


def _truth_word(v: Value) -> Value:
    return (v == "true") if v in ("true", "false") else v


def _call(expr: s.Call, env: dict[str, Value], in_shape: tuple[int, ...] | None) -> Value:
    if expr.name not in FUNCTIONS:
        raise fail(
            "bad-expression",
            f"`{expr.name}` is not a function",
            expr.name_span,
            "unknown function",
            did_you_mean(expr.name, FUNCTIONS) or "the functions are " + ", ".join(f"`{f}`" for f in FUNCTIONS),
        )
    least, most, func = FUNCTIONS[expr.name]
    if expr.options:
        raise fail("bad-expression", f"`{expr.name}` takes no `key=value`", expr.options[0].span, "here")
    count = len(expr.args)
    if count < least or (most is not None and count > most):
        if least == most:
            wanted = f"{least} argument{'s' if least != 1 else ''}"
        else:
            wanted = f"at least {least} arguments" if most is None else f"{least} or {most} arguments"
        raise fail("bad-expression", f"`{expr.name}` takes {wanted}, not {count}", expr.span, "here")
    args = [_number(evaluate(a, env, in_shape, words_ok=False), a) for a in expr.args]
    if expr.name == "round" and len(args) == 2 and not isinstance(args[1], int):
        raise fail("bad-expression", "`round`'s digits are a whole number", expr.args[1].span, "not whole")
    try:
        return func(*args)
    except (ValueError, OverflowError, ZeroDivisionError):
        shown = ", ".join(show_value(a) for a in args)
        raise fail("bad-expression", f"`{expr.name}({shown})` has no value", expr.span, "here") from None


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
    if expr.attr not in IN_ATTRIBUTES:
        raise fail(
            "undefined-name",
            f"`in.{expr.attr}` is not a size",
            expr.span,
            "unknown attribute",
            "the sizes are `in.c`, `in.h`, `in.w`, `in.d`, `in.l`, `in.f`",
        )
    if in_shape is None:
        raise fail("undefined-name", "`in` has no shape here", expr.span, "no input yet")
    index = IN_ATTRIBUTES[expr.attr].get(len(in_shape))
    if index is None:
        shape = fmt_shape(in_shape)
        raise fail(
            "undefined-name", f"`in.{expr.attr}` does not exist for the {shape} input", expr.span, "no such dimension"
        )
    return in_shape[index]
