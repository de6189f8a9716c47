"""Values a class's constructor knows only as Python source: a block's parameters, its input
channels, and what the spec computes from them (`width * 4`). The translator carries them through
the layer catalogue's constructors, which do their arithmetic on them, so `nn.Conv2d(in_channels,
width * 4, ...)` is written from the definition. Numbers stay numbers: arithmetic of two numbers is
the spec's (`8 / 2` is 4), and `x * 1`, `x + 0`, `x // 1` are `x`."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from archspec.emit.names import literal

# Python's binding strength of what a source is, low to high
CONDITIONAL, OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, ATOM = range(1, 10)
_BINDING = {"+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT, "//": PRODUCT, "%": PRODUCT}


class Undecided(Exception):
    """A question about a value the constructor alone knows (`width > 8`) was asked while writing the class."""


# while the catalogue's rules run for a layer (`recording`): the tests they make of values the
# constructor alone knows (`in_channels % groups`), each taken as passing, for the class to make itself
_TESTS: ContextVar[list | None] = ContextVar("tests", default=None)


@contextmanager
def recording():
    """Run the catalogue's rules with a check such as `if cin % groups: raise ...` taken as passing,
    and give the list of the tests taken so (as source), which the class makes itself."""
    tests: list[str] = []
    token = _TESTS.set(tests)
    try:
        yield tests
    finally:
        _TESTS.reset(token)


@dataclass(frozen=True)
class Sym:
    """A value as Python source over the constructor's names. `fractional`: it may come out a float
    (`m / 2`), so a size made from it is checked to be whole."""

    symbolic = True  # what the catalogue's `check_value` asks: a value the emitted class alone knows

    text: str
    binding: int = ATOM
    fractional: bool = False
    # a sum of whole multiples of terms and a whole constant (`in_channels + 3 * growth`): each term's
    # source with its multiple, then the constant; None for what is not such a sum
    terms: tuple | None = None
    positive: bool = False  # at least 1 whatever the constructor is given (a tensor's channels, and their multiples)
    integral: bool = False  # a whole number whatever the constructor is given (`int(round(x))` of it is itself)

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        tests = _TESTS.get()
        if tests is None or not (self.binding == COMPARE or " % " in self.text and self.binding == PRODUCT):
            raise Undecided(self.text)
        tests.append(self.text)  # a rule's `if cin % groups:` or `if k > size:`: taken as passing
        return False

    def _compare(op):
        def compare(self, other):
            if _TESTS.get() is None:
                raise Undecided(self.text)
            if isinstance(other, Unknown):
                return False  # a spatial size: the forward's to check
            if self.positive and _number(other) and ((op == "<" and other <= 1) or (op == "<=" and other < 1)):
                return False  # at least 1: `channels < 1` cannot hold
            difference = arithmetic("-", self, other)
            if _number(difference):  # `x + 2 > x`
                return {"<": difference < 0, "<=": difference <= 0, ">": difference > 0, ">=": difference >= 0}[op]
            return Sym(f"{grouped(self, COMPARE)} {op} {grouped(other, COMPARE)}", COMPARE)

        return compare

    __lt__, __le__, __gt__, __ge__ = _compare("<"), _compare("<="), _compare(">"), _compare(">=")

    def __add__(self, other):
        return arithmetic("+", self, other)

    def __radd__(self, other):
        return arithmetic("+", other, self)

    def __sub__(self, other):
        return arithmetic("-", self, other)

    def __rsub__(self, other):
        return arithmetic("-", other, self)

    def __mul__(self, other):
        return arithmetic("*", self, other)

    def __rmul__(self, other):
        return arithmetic("*", other, self)

    def __truediv__(self, other):
        return arithmetic("/", self, other)

    def __rtruediv__(self, other):
        return arithmetic("/", other, self)

    def __floordiv__(self, other):
        return arithmetic("//", self, other)

    def __rfloordiv__(self, other):
        return arithmetic("//", other, self)

    def __mod__(self, other):
        return arithmetic("%", self, other)

    def __rmod__(self, other):
        return arithmetic("%", other, self)

    def __neg__(self):
        return Sym("-" + grouped(self, UNARY), UNARY, self.fractional)

    def least(self) -> Sym:
        """As a size: its least number. A parameter may be given a tuple, one number per dimension
        (`k=(1, 7)`), which the class's `least` helper reads; a value computed is a number."""
        if self.binding == ATOM and self.text.isidentifier():
            return Sym(f"least({self.text})", ATOM, integral=self.integral, positive=self.positive)
        return self


def is_sym(value) -> bool:
    """Whether the constructor alone knows `value` (or a part of a tuple)."""
    return isinstance(value, Sym) or (isinstance(value, tuple) and any(isinstance(v, Sym) for v in value))


def source(value) -> str:
    """A value as Python source."""
    if isinstance(value, Sym):
        return value.text
    if isinstance(value, tuple):
        items = ", ".join(source(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return literal(value)


def grouped(value, binding: int, right: bool = False) -> str:
    """`value` as an operand of an operator that binds `binding`: in parentheses where it binds less
    (or as much, on the right: `a - (b - c)`)."""
    own = (
        value.binding
        if isinstance(value, Sym)
        else ATOM
        if not (isinstance(value, (int, float)) and value < 0)
        else UNARY
    )
    text = source(value)
    return text if own > binding or (own == binding and not right) else f"({text})"


def arithmetic(op: str, a, b):
    """`a op b`, as the spec computes it where both are numbers, else as source."""
    if not isinstance(a, Sym) and not isinstance(b, Sym):
        if op == "/":
            q = a / b
            return int(q) if isinstance(a, int) and isinstance(b, int) and a % b == 0 else q
        return {"+": a + b, "-": a - b, "*": a * b, "//": a // b if b else 0, "%": a % b if b else 0}[op]
    if (op in ("+", "-") and _is(b, 0)) or (op in ("*", "//", "/") and _is(b, 1)):
        return a
    if (op == "+" and _is(a, 0)) or (op == "*" and _is(a, 1)):
        return b
    if op == "%" and (_is(b, 1) or a == b):  # `x % x`: 0 (its division by 0 is refused before)
        return 0
    binding = _BINDING[op]
    text = f"{grouped(a, binding)} {op} {grouped(b, binding, right=True)}"
    fractional = op == "/" or any(_fractional(v) for v in (a, b))
    positive = op in ("+", "*") and all(_positive(v) for v in (a, b))
    integral = op in ("+", "-", "*", "//", "%") and all(_integral(v) for v in (a, b))
    if op in ("+", "-"):
        terms = _sum(_terms(a), _terms(b), 1 if op == "+" else -1)
        if terms is not None and all(k == 0 for _, k in terms[0]):
            return terms[1]  # the terms cancel: `x + 2 - x` is 2
        if terms is not None:
            gathered = _gathered(terms)
            if gathered is not None and gathered[2] < _written(a) + _written(b):
                return Sym(gathered[0], gathered[1], fractional, terms, positive, integral)
            return Sym(text, binding, fractional, terms, positive, integral)
    return Sym(text, binding, fractional, positive=positive, integral=integral)


def _terms(value) -> tuple | None:
    """`value` as (term, multiple) pairs and a constant, where it is a sum of such."""
    if isinstance(value, Sym):
        if value.terms is not None:
            return value.terms
        return (((value.text, 1),), 0) if value.binding >= PRODUCT and not value.fractional else None
    if isinstance(value, int) and not isinstance(value, bool):
        return (), value
    return None


def _sum(a: tuple | None, b: tuple | None, sign: int) -> tuple | None:
    if a is None or b is None:
        return None
    multiples = dict(a[0])
    for term, k in b[0]:
        multiples[term] = multiples.get(term, 0) + sign * k
    return tuple(multiples.items()), a[1] + sign * b[1]


def _gathered(terms: tuple) -> tuple[str, int, int] | None:
    """The sum written with each term once (`in_channels + 11 * growth`), where a term came more than
    once or a constant cancelled; None where it reads as it was written."""
    pairs, constant = terms
    parts = []
    for term, k in pairs:
        if k:
            body = term if abs(k) == 1 else f"{abs(k)} * {term if ' ' not in term else f'({term})'}"
            parts.append(("- " if k < 0 else "+ ") + body)
    if constant or not parts:
        parts.append(("- " if constant < 0 else "+ ") + str(abs(constant)))
    if parts[0].startswith("- "):
        return None
    text = " ".join(parts)[2:]
    return text, SUM if len(parts) > 1 else (PRODUCT if " * " in text else ATOM), len(parts)


def _written(value) -> int:
    """How many terms `value` is written with (`a + b - 2`: 3)."""
    if isinstance(value, Sym):
        return value.text.count(" + ") + value.text.count(" - ") + 1 if value.binding == SUM else 1
    return 1


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integral(value) -> bool:
    if isinstance(value, Sym):
        return value.integral
    return not isinstance(value, bool) and isinstance(value, int)


def _positive(value) -> bool:
    if isinstance(value, Sym):
        return value.positive
    return not isinstance(value, bool) and isinstance(value, int) and value >= 1


def _is(value, number: int) -> bool:
    return not isinstance(value, Sym) and not isinstance(value, bool) and value == number


def _fractional(value) -> bool:
    return value.fractional if isinstance(value, Sym) else isinstance(value, float)


class Unknown:
    """A spatial size, which a block's constructor does not know: arithmetic on it is unknown too,
    and a catalogue's check on it passes (the class cannot make it; the forward does). Asked for a
    whole number (to write it), it refuses."""

    def _same(self, *_):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __neg__ = _same
    __floor__ = __ceil__ = __round__ = __trunc__ = _same

    def _never(self, *_):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = _never

    def __index__(self):
        raise Undecided("a spatial size")

    __int__ = __index__

    def __repr__(self) -> str:
        return "Unknown()"


UNKNOWN = Unknown()
