"""The syntax tree of a `.arch` file: frozen dataclasses, each carrying its source span."""

from __future__ import annotations

from dataclasses import dataclass

# the suffixes numbers in `expect` may carry: `128M`
SI_SUFFIXES = {"K": 1e3, "M": 1e6, "G": 1e9}


@dataclass(frozen=True)
class Span:
    """A region of a source file. Lines and columns start at 1; `end_column` is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


# ----------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Number:
    value: int | float
    span: Span


@dataclass(frozen=True)
class Name:
    name: str
    span: Span


@dataclass(frozen=True)
class Attr:
    """`in.c`: an attribute of a name."""

    obj: str
    attr: str
    span: Span


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * / // %
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class Neg:
    operand: Expr
    span: Span


@dataclass(frozen=True)
class Dims:
    """`5x5`, `1x32x32`: sizes written with `x`."""

    sizes: tuple[int, ...]
    span: Span


@dataclass(frozen=True)
class Tuple:
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class Compare:
    """`stride == 1`, `in.c != out`: a truth value."""

    op: str  # == != < <= > >=
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class BoolOp:
    """`a and b`, `a or b` (Python's: the first operand that decides), `not a` (`right` is None)."""

    op: str  # and, or, not
    left: Expr
    right: Expr | None
    span: Span


@dataclass(frozen=True)
class IfExpr:
    """`w + 8 if w < 0.9 * v else w`."""

    then: Expr
    cond: Expr
    other: Expr
    span: Span


Expr = Number | Name | Attr | BinOp | Neg | Dims | Tuple | Compare | BoolOp | IfExpr  # and `Call`s of functions


def map_children(expr, fn):
    """`expr` with `fn` applied to each expression it holds (an operand, an argument), rebuilt; a
    leaf (a number, a name, `in.c`) as it is. The one walk that rewriting passes share."""
    from dataclasses import replace

    if isinstance(expr, (BinOp, Compare)):
        return replace(expr, left=fn(expr.left), right=fn(expr.right))
    if isinstance(expr, BoolOp):
        return replace(expr, left=fn(expr.left), right=None if expr.right is None else fn(expr.right))
    if isinstance(expr, IfExpr):
        return replace(expr, then=fn(expr.then), cond=fn(expr.cond), other=fn(expr.other))
    if isinstance(expr, Neg):
        return replace(expr, operand=fn(expr.operand))
    if isinstance(expr, Tuple):
        return replace(expr, items=tuple(fn(i) for i in expr.items))
    if isinstance(expr, Call):
        return replace(expr, args=tuple(fn(a) for a in expr.args))
    return expr


def names_read(expr) -> set[str]:
    """The names an expression reads: not `in.c`, nor a function's name (None reads none)."""
    if isinstance(expr, Name):
        return {expr.name}
    out: set[str] = set()
    if expr is not None:
        map_children(expr, lambda e: out.update(names_read(e)) or e)
    return out


# ----------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Option:
    """`stride=2`."""

    key: str
    value: Expr
    span: Span
    key_span: Span


@dataclass(frozen=True)
class Call:
    """`bottleneck(64, stride=2)` or `concat(up, enc1)`."""

    name: str
    args: tuple[Expr, ...]
    options: tuple[Option, ...]
    span: Span
    name_span: Span


@dataclass(frozen=True)
class Label:
    """`bn1:` inside a chain: the name of the layer that follows (`conv1: conv 64 3x3  bn1: bn  relu`)."""

    name: str
    span: Span


Atom = Expr | Option | Call | Label


@dataclass(frozen=True)
class Elem:
    """One comma-separated part of a line: a chain of layers or a block call, maybe repeated."""

    atoms: tuple[Atom, ...]
    repeat: int
    span: Span
    repeat_span: Span | None


@dataclass(frozen=True)
class ExpectItem:
    """`6x28x28` (shape) or `params=156`; `precision` is the tolerance the number was written with."""

    key: str  # "shape" for a shape
    value: tuple[int, ...] | float | int
    text: str
    precision: float
    span: Span


@dataclass(frozen=True)
class Expect:
    items: tuple[ExpectItem, ...]
    span: Span


@dataclass(frozen=True)
class Line:
    label: str | None
    elems: tuple[Elem, ...]
    expect: Expect | None
    span: Span
    label_span: Span | None


@dataclass(frozen=True)
class SplitLine:
    """`x1, x2: chunk 2`, `a, b: split (d, in.c - d)`: the parts of a tensor's channels, each named;
    `elems` may start with `from NAME`, the tensor split (else the previous line's output)."""

    names: tuple[tuple[str, Span], ...]
    elems: tuple[Elem, ...]
    span: Span


@dataclass(frozen=True)
class Compound:
    """`add:`, `concat:`, `mul:`, `branch:`, `shortcut:` with an indented body."""

    label: str | None
    head: str
    body: tuple[Stmt, ...]
    span: Span
    head_span: Span


@dataclass(frozen=True)
class Freeze:
    """`freeze base` (`frozen`) or `unfreeze base.features.24`: the paths, relative to the body,
    of layers and blocks whose parameters are (not) trained; `*` matches within a name."""

    frozen: bool
    paths: tuple[tuple[str, Span], ...]
    span: Span


@dataclass(frozen=True)
class Init:
    """`init conv=kaiming_normal norm=constant zero_init_residual=true`: how the network's layers are
    initialised (the network's body only)."""

    options: tuple[Option, ...]
    span: Span


@dataclass(frozen=True)
class If:
    """`if COND:` ... `elif COND:` ... `else:` ...: the first body whose condition holds (`None`: else)."""

    arms: tuple[tuple[Expr | None, tuple[Stmt, ...]], ...]
    span: Span


@dataclass(frozen=True)
class Let:
    """`let hidden = in.c * expand`: a named value for the lines after it."""

    name: str
    value: Expr
    span: Span
    name_span: Span


@dataclass(frozen=True)
class Defaults:
    """`defaults bn eps=0.001 momentum=0.01`: options for every layer of the kind after it that does not write them."""

    kind: str
    options: tuple[Option, ...]
    span: Span
    kind_span: Span


Stmt = Line | SplitLine | Compound | Expect | Freeze | Init | If | Let | Defaults


@dataclass(frozen=True)
class Param:
    name: str
    default: Expr | None
    span: Span


@dataclass(frozen=True)
class BlockDef:
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span
    name_span: Span
    defaults: tuple[Defaults, ...] = ()  # the file's own `defaults` lines (unindented), which its blocks take


@dataclass(frozen=True)
class Import:
    path: str
    span: Span


@dataclass(frozen=True)
class SpecFile:
    """One parsed file: its imports, blocks, and (if it defines one) its network."""

    file: str
    imports: tuple[Import, ...]
    blocks: tuple[BlockDef, ...]
    network: str | None
    network_span: Span | None
    input_shape: tuple[int, ...] | None
    input_span: Span | None
    body: tuple[Stmt, ...]
    network_params: tuple[Param, ...] = ()  # `network ResNet50(num_classes=1000)`


def is_sequence(line: Line) -> bool:
    """A line that is a sequence: layers or calls separated by commas, or repeated (`x3`, and `x1`
    written out: a sequence of one, `stage.0`, as torchvision's `nn.Sequential(block)`)."""
    return len(line.elems) > 1 or line.elems[0].repeat > 1 or line.elems[0].repeat_span is not None


def statements(body: tuple):
    """Every statement of a body and of the bodies in it (a merge's, an `if`'s arms), in order."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, Compound):
            yield from statements(stmt.body)
        elif isinstance(stmt, If):
            for _, arm in stmt.arms:
                yield from statements(arm)
