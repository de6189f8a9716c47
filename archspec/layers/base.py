"""What every layer kind is: its options, its shape rule, its parameter and MAC counts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from fractions import Fraction
    from typing import Any, ClassVar

    Value = Any  # int, float, bool, str (a word), or a tuple of ints

Shape = tuple[int, ...]
MAX_SIZE = 2**31 - 1  # the largest size or count archspec takes: beyond it, arithmetic is no longer sensible


class ShapeError(Exception):
    """A layer cannot take its input. `option` names the option to blame, if one is."""

    def __init__(self, message: str, hint: str = "", option: str | None = None, code: str = "shape-error"):
        super().__init__(message)
        self.message, self.hint, self.option, self.code = message, hint, option, code


class OptionError(ShapeError):
    def __init__(self, message: str, hint: str = "", option: str | None = None):
        super().__init__(message, hint, option, code="bad-option")


@dataclass(frozen=True)
class Opt:
    """An option's type and default. Types: int, float, bool, size, pad, word."""

    type: str
    default: Value = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None


def fmt_shape(shape: Shape) -> str:
    return "x".join(map(str, shape))


_WHOLE = ("int", "size", "pad")


def check_value(key: str, opt: Opt, value: Value) -> Value:
    """Validate one option value against its declared type; return it normalised. A value known
    only as source text (`archspec.emit.symbolic`: a block class's constructor argument) is
    compared with the option's minimum (each number of a size; a padding may be `same`), a test
    the emitted class then makes itself."""
    if _symbolic(value):
        values = value if isinstance(value, tuple) else (value,)
        if opt.minimum is not None and any(_least(opt, v) < opt.minimum for v in values if not isinstance(v, str)):
            raise OptionError(f"`{key}` must be at least {opt.minimum:g}", option=key)
        return value
    if type(value) is int and opt.type in _WHOLE and value <= MAX_SIZE:
        # the common case, a whole number that needs no change: the checks below would return it as it is
        if opt.minimum is None or value >= opt.minimum:
            return value

    def bad(expected: str) -> OptionError:
        return OptionError(f"`{key}` must be {expected}, not `{show_value(value)}`", option=key)

    try:
        value = _check_type(opt, value, bad)
    except OverflowError:  # int(1e400)
        raise bad("a number of sensible size") from None
    if opt.minimum is not None and not isinstance(value, str):
        values = value if isinstance(value, tuple) else (value,)
        if any(v < opt.minimum for v in values):
            raise OptionError(f"`{key}` must be at least {opt.minimum:g}, not {show_value(value)}", option=key)
    if opt.type in ("int", "size", "pad") and not isinstance(value, str):
        values = value if isinstance(value, tuple) else (value,)
        if any(v > MAX_SIZE for v in values):
            raise OptionError(f"`{key}` is too large: {show_value(value)} (at most {MAX_SIZE:,})", option=key)
    return value


def _least(opt: Opt, value: Value) -> Value:
    """A number of a size as the class knows it: a parameter it is given may be a tuple."""
    return value.least() if opt.type in ("size", "pad") and _symbolic(value) else value


def _symbolic(value: Value) -> bool:
    if isinstance(value, tuple):
        return any(getattr(v, "symbolic", False) for v in value)
    return getattr(value, "symbolic", False)


def _check_type(opt: Opt, value: Value, bad) -> Value:
    t = opt.type
    if t == "int":
        if isinstance(value, bool) or not _is_whole(value):
            raise bad("a whole number")
        value = int(value)
    elif t == "float":
        if isinstance(value, (bool, str, tuple)):
            raise bad("a number")
        value = float(value)
    elif t == "bool":
        if value in ("true", "false"):
            value = value == "true"
        if not isinstance(value, bool):
            raise bad("`true` or `false`")
    elif t == "size":
        if isinstance(value, tuple):
            if not all(_is_whole(v) for v in value):
                raise bad("whole numbers")
            value = tuple(int(v) for v in value)
        elif _is_whole(value) and not isinstance(value, bool):
            value = int(value)
        else:
            raise bad("a size like `3` or `3x3`")
    elif t == "pad":
        if value in ("same", "valid"):
            return value
        if isinstance(value, tuple):
            if not all(_is_whole(v) for v in value):
                raise bad("whole numbers")
            value = tuple(int(v) for v in value)
        elif _is_whole(value) and not isinstance(value, bool):
            value = int(value)
        else:
            raise bad("a number, a pair like `1x2`, `same` or `valid`")
    elif t == "word":
        if value not in opt.choices:
            raise bad("one of " + ", ".join(f"`{c}`" for c in opt.choices))
    return value


def _is_whole(v: Value) -> bool:
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def fmt_size(value: int | tuple[int, ...]) -> str:
    """A size option as lecture tables write it: `3` -> `3x3`, `(3, 1)` -> `3x1`."""
    return fmt_shape(value) if isinstance(value, tuple) else f"{value}x{value}"


def notation(kind: LayerKind, options: dict, rank: int) -> str:
    """`kind.describe(options)` with every size option written for `rank` spatial dimensions: a 1-D
    conv's kernel `5` reads `conv 32, 5`, a 3-D one's `3` reads `3x3x3` (`fmt_size` alone takes 2-D)."""
    if rank < 1:
        return kind.describe(dict(options))
    known = _SIZE_OPTIONS.get(id(kind))
    if known is None or known[0] is not kind.options:
        sizes = frozenset(k for k, opt in kind.options.items() if opt.type == "size")
        known = _SIZE_OPTIONS[id(kind)] = kind.options, sizes
    sizes = known[1]
    sized = {key: (value,) * rank if key in sizes and type(value) is int else value for key, value in options.items()}
    return kind.describe(sized)


# a kind's options of type size, by the kind: (its options, whose identity keeps the entry right, the names)
_SIZE_OPTIONS: dict[int, tuple[dict, frozenset[str]]] = {}


def fmt_stride(value: int | tuple[int, ...]) -> str:
    """` /2` for a stride other than 1, as in "conv 64, 7x7 /2"; empty for 1. A stride equal along
    every dimension is one number (`maxpool 2x2`'s default stride (2, 2) is ` /2`), as the tables write it."""
    values = value if isinstance(value, tuple) else (value,)
    if len(set(values)) == 1:
        return "" if values[0] == 1 else f" /{values[0]}"
    return " /" + fmt_shape(values)


def fmt_arg(v: Value) -> str:
    """A block argument as a table or a drawing shows it: `3x3`, `0.00588235` (six significant
    digits: a probability a `let` computed need not show seventeen)."""
    if isinstance(v, tuple):
        return fmt_shape(v)
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def show_value(v: Value) -> str:
    """A value as the spec writes it: `3x3`, `true`, `4`."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return fmt_shape(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def per_dim(key: str, value: Value, rank: int) -> tuple[int, ...]:
    """Broadcast a size option (`3` or `3x3`) to the input's number of spatial dimensions."""
    if isinstance(value, tuple):
        if len(value) != rank:
            raise OptionError(
                f"`{key}` has {len(value)} sizes ({show_value(value)}) but the input has {rank} spatial "
                f"dimension{'s' if rank != 1 else ''}",
                hint=f"write one size per dimension, or a single number for all {rank}",
                option=key,
            )
        return value
    return (value,) * rank


def spatial(shape: Shape, kind: str, ranks=(1, 2, 3)) -> int:
    """Number of spatial dimensions of a `(C, ...)` input, checked against what the kind accepts."""
    rank = len(shape) - 1
    if rank not in ranks:
        names = {1: "C x L", 2: "C x H x W", 3: "C x D x H x W"}
        accepted = " or ".join(names[r] for r in ranks)
        hint = "dense layers take flat inputs; convolutions and pooling take images" if rank == 0 else ""
        raise ShapeError(f"{kind} needs a {accepted} input, but gets {fmt_shape(shape)}", hint, code="bad-input-rank")
    return rank


def stride_between(size: int, want: int) -> int | None:
    """The stride with which a 1x1 window takes `size` to `want`, if there is one."""
    stride = max(1, math.ceil(size / want))
    return stride if window_out(size, 1, stride, 0) == want else None


def window_out(size: int, k: int, stride: int, pad: int, dilation: int = 1, ceil_mode: bool = False) -> int:
    """PyTorch's output size for a sliding window (conv or pool) along one dimension
    (`pooling_output_shape` in ATen; floor division rounds towards minus infinity there too)."""
    span = size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1  # the last window must start inside the input or the left padding
    return out


@dataclass(frozen=True)
class Window:
    """How one output position looks at the input, per spatial dimension, for receptive fields:
    each output sees `kernel` input positions; the next output is `stride` input positions further
    on (a fraction below 1 where the layer enlarges its input); the centre of the first output's
    window is `offset` input positions from the first input position (negative: in the padding)."""

    kernel: tuple[int, ...]
    stride: tuple[Fraction, ...]
    offset: tuple[Fraction, ...]


def sliding(kernel: tuple[int, ...], stride: tuple[int, ...], pad: tuple[int, ...]) -> Window:
    """The window of a convolution or pooling: `kernel` is the effective (dilated) size, `pad` the
    padding before the first input position."""
    from fractions import Fraction  # receptive fields only: a plain check does without

    return Window(
        tuple(kernel),
        tuple(Fraction(s) for s in stride),
        tuple(Fraction(k - 1, 2) - p for k, p in zip(kernel, pad)),
    )


def pointwise(rank: int) -> Window:
    """Each output position sees the input position under it (activations, batchnorm, ...)."""
    return sliding((1,) * rank, (1,) * rank, (0,) * rank)


def whole(sizes: tuple[int, ...]) -> Window:
    """One window over the whole input (global pooling, flatten before a dense layer)."""
    return sliding(tuple(sizes), tuple(sizes), (0,) * len(sizes))


@dataclass(frozen=True)
class Step:
    """One line of a layer's explanation: a quantity, its formula, the formula with the layer's
    numbers put in, and the result. `numbers` is an expression Python can evaluate (with `floor`,
    `ceil`, `min`, `max`) to `result`, where `result` is a number; `note` is an English remark,
    translated by `archspec.i18n`."""

    quantity: str  # "size" (one output dimension), "channels", "shape", "features", "params", "buffers", "macs"
    symbol: str  # "H", "W", "C", "params", ...
    formula: str
    numbers: str
    result: int | tuple[int, ...]
    note: str = ""  # English, with `{0}`, `{1}` ... filled from `args` after translation
    args: tuple = ()


DIM_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def dim_names(rank: int) -> tuple[str, ...]:
    """`H`, `W` for images; `L` for 1-D data; `D`, `H`, `W` for volumes."""
    return DIM_NAMES.get(rank, tuple(f"X{i + 1}" for i in range(rank)))


def window_steps(
    sizes: Shape,
    k: tuple[int, ...],
    st: tuple[int, ...],
    pad: tuple[int, ...],
    dil: tuple[int, ...],
    out: Shape,
    ceil_mode: bool = False,
) -> list[Step]:
    """The output size of a sliding window along each dimension, as the lecture notes write it:
    `H = floor((32 + 2*0 - 5) / 1) + 1 = 28` (with the dilation where it is not 1)."""
    steps = []
    rounding = "ceil" if ceil_mode else "floor"
    for name, size, kk, s, p, d, o in zip(dim_names(len(sizes)), sizes, k, st, pad, dil, out):
        if d == 1:
            formula = f"{rounding}(({name}_in + 2*P - K) / S) + 1"
            numbers = f"{rounding}(({size} + 2*{p} - {kk}) / {s}) + 1"
        else:
            formula = f"{rounding}(({name}_in + 2*P - dil*(K - 1) - 1) / S) + 1"
            numbers = f"{rounding}(({size} + 2*{p} - {d}*({kk} - 1) - 1) / {s}) + 1"
        note, args = ("dilated: the kernel spans {0} pixels", (d * (kk - 1) + 1,)) if d > 1 else ("", ())
        if ceil_mode and math.ceil((size + 2 * p - d * (kk - 1) - 1) / s) + 1 != o:
            numbers += " - 1"
            note, args = "the last window would start in the padding, so PyTorch drops it", ()
        steps.append(Step("size", name, formula, numbers, o, note, args))
    return steps


def fmt_product(values) -> str:
    """`5*5`, as a factor in a written-out formula."""
    return "*".join(str(v) for v in values)


@dataclass(frozen=True)
class TorchCall:
    """A PyTorch constructor as data, which `archspec.emit.pytorch` writes out as source text:
    `TorchCall("nn.Conv2d", (3, 64), {"kernel_size": 7, "stride": 2})` is
    `nn.Conv2d(3, 64, kernel_size=7, stride=2)`. Arguments are numbers, booleans, words, tuples of
    numbers or other TorchCalls; keyword arguments equal to their entry in `defaults` are left out."""

    func: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)


def torch_size(value: Any) -> Any:
    """A size as PyTorch's constructors take it: `3` for `3x3` (any rank), `(3, 1)` kept."""
    if isinstance(value, tuple) and value and len(set(value)) == 1:
        return value[0]
    return value


def torch_rank_suffix(shape: Shape) -> str:
    """`1d`, `2d` or `3d`: the suffix of PyTorch's class for a `(C, L)`, `(C, H, W)` or `(C, D, H, W)` input."""
    return f"{len(shape) - 1}d"


class LayerKind:
    """One operation. Subclasses declare the class attributes and override the rules."""

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    family: ClassVar[str] = "other"  # conv, pool, dense, norm, activation, merge, reshape, regularization
    positional: ClassVar[tuple[str, ...]] = ()  # option names filled by positional arguments
    words: ClassVar[tuple[str, ...]] = ()  # bare words accepted among the arguments (`to`)
    foreign: ClassVar[tuple[str, ...]] = ()  # what PyTorch and Keras call it, for suggestions only
    # Keras's layer class, as `check --style keras` names it (`Conv{r}D`: {r} the spatial dimensions);
    # empty where Keras has none (an activation then is Keras's `Activation`)
    keras: ClassVar[str] = ""
    keras_activation: ClassVar[bool] = False  # takes Keras's `activation=`: an activation on its line folds into it
    required: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[dict[str, Opt]] = {}
    view: ClassVar[bool] = False  # holds no memory of its own (flatten, identity)
    merge: ClassVar[bool] = False  # takes several inputs
    # computed in the emitted forward by an expression (`torch.cat([a, b], dim=1)`, `x[:, 0:58]`), not
    # by a submodule: the module `archspec compile` writes has nothing at its path
    functional: ClassVar[bool] = False
    residual: ClassVar[bool] = False  # a merge whose shortcut may be projected (`shortcut: project`)
    symbol: ClassVar[str] = ""  # an elementwise merge's operator, as diagrams draw it ("+"); empty for the others
    broadcasts: ClassVar[bool] = False  # an elementwise merge whose sizes of 1 stretch to the others' (a product)
    title: ClassVar[str] = ""  # what the lecture notes call it, in English (translated by archspec.i18n)
    # the output is a new tensor that the kind's backward does not need, so an in-place activation
    # after it (`nn.ReLU(inplace=True)`, as torchvision writes) is safe
    inplace_safe: ClassVar[bool] = False
    # source of a small nn.Module class that `torch_module` refers to, where PyTorch has none
    torch_helper: ClassVar[str] = ""
    # a lecture table writes it in the row of the layer with weights before it ("conv 64, 3x3, bn, relu"),
    # by this word: `render --fold` draws it in that layer's box (activations fold by their family)
    folds_as: ClassVar[str] = ""
    probabilities: ClassVar[bool] = False  # gives probabilities (softmax): a training loss takes their log
    # gives a probability per unit, each on its own (sigmoid): a one-unit output trains with binary
    # cross-entropy on that probability
    unit_probabilities: ClassVar[bool] = False

    def arg_names(self, args: list[Value]) -> list[str]:
        """The option each positional argument sets, in order; after a word the kind accepts
        (`avgpool to 6x6`), the option named by the word. An empty name: no option (the word)."""
        if args and isinstance(args[0], str) and args[0] in self.words:
            return ["", args[0]]
        return list(self.positional)

    def bind(self, args: list[Value], options: dict[str, Value]) -> dict[str, Value]:
        """Positional arguments -> named options. Raises OptionError for too many arguments."""
        names = self.arg_names(args)
        if len(args) > len(names):
            extra = args[len(names)]
            if names and names[0] == "":
                message = f"write `{self.name} {args[0]} SIZE`: one value after `{args[0]}`"
            else:
                takes = ", ".join(self.positional) if self.positional else "no positional arguments"
                message = f"`{self.name}` takes {takes}; `{show_value(extra)}` is one argument too many"
            raise OptionError(message, option=f"#{len(names)}", hint=self.usage())
        if names and names[0] == "" and len(args) < 2:
            raise OptionError(f"write `{self.name} {args[0]} SIZE`: a value after `{args[0]}`", hint=self.usage())
        bound = {name: value for name, value in zip(names, args) if name}
        for key in bound:
            if key in options:
                raise OptionError(f"`{key}` is given twice", option=key)
        bound.update(options)
        return bound

    def usage(self) -> str:
        return ""

    def resolve(self, bound: dict[str, Value]) -> dict[str, Value]:
        """Check types, fill defaults. Unknown keys are reported by the caller (with did-you-mean)."""
        out = {}
        for key, opt in self.options.items():
            if key in bound:
                out[key] = check_value(key, opt, bound[key])
            elif key in self.required:
                raise OptionError(f"`{self.name}` needs `{key}`", hint=self.usage(), option=None)
            else:
                out[key] = opt.default
        return out

    def output_shape(self, o: dict, ins: list[Shape]) -> Shape:
        return ins[0]

    def params(self, o: dict, ins: list[Shape], out: Shape) -> tuple[int, int]:
        """(trainable parameters, buffers), as PyTorch's parameters() and buffers() count them."""
        return 0, 0

    def macs(self, o: dict, ins: list[Shape], out: Shape) -> int:
        return 0

    def describe(self, o: dict) -> str:
        """Short notation as in lecture tables: `conv 64, 7x7 /2`."""
        return self.name

    def window(self, o: dict, ins: list[Shape], out: Shape) -> Window:
        """How an output position looks at the (first) input, for receptive fields. The default
        is pointwise: layers that keep every position where it is (activations, normalisation;
        statistics over the batch or the channels are not counted as seeing further)."""
        return pointwise(len(ins[0]) - 1)

    def formulas(self, o: dict, ins: list[Shape], out: Shape) -> list[Step]:
        """The layer's output shape, parameters, buffers and MACs, each written out with its numbers
        (`archspec explain`). Quantities a kind leaves out are 0. The default: the shape is kept."""
        return [Step("shape", "shape", "same as the input", fmt_shape(ins[0]), out)]

    # ------------------------------------------------------------------ PyTorch source

    def torch_module(self, o: dict, in_shape: Shape, inplace: bool = False) -> TorchCall | None:
        """The PyTorch module computing this layer on a batch of `in_shape` inputs, or None for a
        merge (see `torch_merge`). `inplace`: the input may be overwritten (activations use it)."""
        raise NotImplementedError(f"{self.name} has no PyTorch module")

    def torch_merge(self, o: dict, inputs: list[str]) -> str:
        """A merge's forward expression over the variables `inputs`: `torch.cat([a, b], dim=1)`."""
        raise NotImplementedError(f"{self.name} is not a merge")

    def torch_function(self, o: dict, source: str) -> str:
        """A functional kind's forward expression over the variable `source` (`x[:, 0:58]`)."""
        raise NotImplementedError(f"{self.name} is not written as a function of one input")

    def torch_merge_inplace(self, o: dict, inputs: list[str]) -> str | None:
        """A statement that leaves the merge's result in `inputs[0]` without a new tensor
        (`out += x`), for where codegen knows nothing else reads it; None where there is none."""
        return None
