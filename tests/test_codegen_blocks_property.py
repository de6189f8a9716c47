"""A block's class, built with arguments no call of its spec passes, is what the analysis says a
call with those arguments builds, or refuses them with the spec's error (a ValueError starting
`<string>:LINE:COL`). Random block definitions (numbers with and without defaults, booleans, a
layer-kind parameter, a word; `let`s over parameters and `in.c`; `if`/`elif`/`else`, nested;
convolutions, depthwise convolutions, batchnorms, activations, size-keeping pools; `add:`,
`concat:` and `mul:` merges with `branch: identity`, `shortcut: project` and MobileNetV2's
`if stride == 1 and in.c == out: branch: identity`; a nested block called with the parameters passed
on; `x1, x2: chunk 2`, `from x2, ...`, `concat(x1, y)`), each called once by a spec; then called
with other arguments (and other input channels and sizes) by a second spec:

- where the analysis refuses the second spec, the first spec's class refuses those arguments with a
  ValueError at a place in the spec (not torch's error, not in the forward);
- else the class built with them has the second spec's module's parameters by name and shape and
  computes the same output from the same weights, the second spec's module agrees with the
  analysis (`agree`), and both specs write the block classes as the same text.

What a class cannot know, the generator does not write: no size makes a layer fail (every kernel
pads to keep the size, or grows it: `k // 2` with an even `k`, but not in a merge's branch), so
that no spec is refused for a size, which a class that does not read `in.h` is not given (a merge
of branches that meet at different sizes is refused by torch in the forward, as documented), and
neither of the two spatial rules below comes into play. `archspec compile` may refuse a spec that
checks (`unsupported`) for a construct the translator does not take, or for two more bugs: the
test counts those (`COMPILE_REFUSES`) and fails on any other refusal of compile."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_codegen import agree

import archspec
from archspec.emit.pytorch import generate

torch = pytest.importorskip("torch")
nn = torch.nn

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=400,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What a block's class cannot know, its input's sizes, decides two things by the documented rule
# (docs/language.md, "What `compile` writes"), where the analysis decides by the sizes; the
# generator stays clear of both (marked SPATIAL where it does):
# - a projected shortcut is made where the branch strides (torchvision's rule): `block b(s=2):  add:
#   branch: conv 4 3x3 stride=s pad=1 / shortcut: project` on a 4x1x1 input keeps the size, and the
#   analysis projects nothing (148 params), the class projects (172): no input is smaller than 9;
# - a strided projected branch whose padding comes from a parameter is refused where the padding
#   does not keep the size: `conv 4 k stride=2 pad=k // 2` with `k=2` on a 9x9 input meets the
#   shortcut (the analysis accepts it), and the class refuses `k=2`.
# compile's refusals of specs the analysis accepts, by their message
COMPILE_REFUSES = [
    # constructs the translator does not take (its docstring)
    "without a branch of layers",  # `concat: branch: identity / branch: identity`
    "a spatial size, which the constructor does not know",  # a nested block reads `in.h`, its caller does not know it
    "reads its input's size, which this class does not know",
]

KINDS = {"relu": "ReLU", "hardswish": "Hardswish", "gelu": "GELU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
# a parameter of the block: its type and the values a call may pass it (some of them refused:
# no channels, a stride of 0, a padding `k // 2` that does not keep the size, groups that do not divide)
PARAMS = {
    "w": ("int", st.integers(0, 8)),
    "s": ("int", st.sampled_from([1, 2, 0])),
    "e": ("int", st.integers(0, 3)),
    "k": ("int", st.integers(1, 3)),
    "g": ("int", st.integers(1, 3)),
    "se": ("bool", st.booleans()),
    "f": ("bool", st.booleans()),
    "act": ("kind", st.sampled_from(list(KINDS))),
    "mode": ("word", st.sampled_from(["up", "down"])),
}
INT_VALUES = {"w": [1, 2, 4, 8], "s": [1, 2], "e": [1, 2, 3], "k": [1, 3], "g": [1, 2]}
ACTIVATIONS = ["relu", "tanh", "gelu", "sigmoid", "hardswish"]
MAX_STRIDED = 3  # strided layers in a spec: with inputs of 9 to 12, no tensor of the block gets to 1x1
INNER = ("w", "act", "f")  # the nested block's parameters: `block inner(w, act=relu, f=false)`


def spec_value(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def python_value(name: str, value):
    kind = PARAMS[name][0]
    return getattr(nn, KINDS[value]) if kind == "kind" else value


def grouped(expr: str) -> str:
    """An expression as a layer's positional argument: in parentheses unless it is one word."""
    return expr if re.fullmatch(r"[\w.]+", expr) else f"({expr})"


class Writer:
    """Writes a block body from hypothesis' draws, following (as far as it can tell) the channels of
    the tensor flowing through it, so that most bodies check; the rest exercise refusals."""

    def __init__(self, draw, params, *, inner: bool, nested: bool = False) -> None:
        self.draw, self.params, self.inner, self.nested = draw, set(params), inner, nested
        self.lets: list[str] = []
        self.strided = MAX_STRIDED if nested else 0  # the nested block is called any number of times: no strides
        self.names = 0
        self.cur: str | None = "in.c"  # the channels of the tensor at this point, where known
        self.in_branch = False  # in a merge's branch (or a line read by a merge by name), not a projected one
        self.projecting = False  # in the branch of a projected shortcut
        self.shortcuts: set[str] = set()  # the names given projected shortcuts
        self.named = False  # every line is named

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def coin(self) -> bool:
        return self.draw(st.booleans())

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    # --------------------------------------------------------------- expressions

    def channels(self, *, plain: bool = False) -> str:
        """An expression of channels; `plain`: one the class writes as no conditional expression."""
        p = self.params
        options = ["1", "2", "4", "8", "in.c", "in.c // 2", "in.c / 2", "min(in.c, 4)"]
        if "w" in p:
            options += ["w", "w", "w * 2", "w + 1", "max(2, w)"]
        if "e" in p:
            options += ["in.c * e", "e + 1"]
        if "g" in p:
            options += ["g * 2"]
        if not plain:
            options += ["w if se else 4"] if {"w", "se"} <= p else []
            options += self.lets * 2
        return self.pick(options)

    def becomes(self, out: str | None) -> None:
        """The channels a line gives (None: those it takes)."""
        if out is not None:
            self.cur = out

    def stride(self) -> str:
        if self.strided >= MAX_STRIDED:
            return "1"
        stride = self.pick(["1", "1", "2", "s"] if "s" in self.params else ["1", "1", "2"])
        self.strided += stride != "1"
        return stride

    def kernel(self, *, strided: bool = False) -> tuple[str, str]:
        """A kernel and the padding that keeps the size, but for `k // 2` where `k` is even."""
        options = [("1", "0"), ("3x3", "1"), ("3x3", "1"), ("5", "2")]
        takes_k = "k" in self.params
        if self.projecting:
            takes_k &= not strided  # the class refuses the padding where it does not keep the size (SPATIAL)
        elif self.in_branch:  # an even `k` changes the size, which the branches meet at: a spatial fact
            takes_k = False
        kernel, pad = self.pick(options + [("k", "k // 2")] * 2 if takes_k else options)
        return kernel, pad

    def activation(self) -> str:
        takes_act = "act" in self.params
        return self.pick(ACTIVATIONS + ["act", "act"] if takes_act else ACTIVATIONS)

    def condition(self, depth: int = 0) -> str:
        p = self.params
        # `in.c == w if se else 4` is `(in.c == w) if se else 4`: a number where `se` is false
        compared = self.channels()
        atoms = [f"in.c {self.pick(['==', '!=', '>', '<='])} {compared}", "in.h > 10", "in.w <= 10"]
        for name in sorted(p & set(INT_VALUES)):
            atoms.append(f"{name} {self.pick(['==', '!=', '<', '>=', '>'])} {self.pick(INT_VALUES[name])}")
        atoms += [b for b in ("se", "not se", "f", "not f") if b.split()[-1] in p]
        if "act" in p:
            atoms += [f"act {self.pick(['==', '!='])} {self.pick(ACTIVATIONS)}"]
        if "mode" in p:
            atoms += [f"mode {self.pick(['==', '!='])} {self.pick(['up', 'down'])}"]
        atoms += [f"{name} > in.c" for name in self.lets]
        cond = self.pick(atoms)
        if depth == 0 and self.draw(st.integers(0, 3)) == 0:
            cond = f"{cond} {self.pick(['and', 'or'])} {self.condition(1)}"
        return cond

    # --------------------------------------------------------------- layers and lines

    def layer(self, stride: str) -> tuple[str, str | None]:
        """One layer (with a batchnorm and an activation after it, sometimes): its text and the
        channels it gives (None: those it takes). A layer given a stride other than 1 takes it."""
        kinds = ["conv", "conv", "conv", "dwconv", "pool"] + (["bn", "act"] if stride == "1" else [])
        kind = self.pick(kinds)
        if kind == "bn":
            return "bn", None
        if kind == "act":
            return self.activation(), None
        k, pad = self.kernel(strided=stride != "1")
        if kind == "pool":
            return f"{self.pick(['max', 'avg'])}pool {k} stride={stride} pad={pad}", None
        text, out = (f"dwconv {k}", None) if kind == "dwconv" else (f"conv {grouped(ch := self.channels())} {k}", ch)
        text += f" stride={stride} pad={pad}"
        if kind == "conv":
            text += self.pick(["", "", "", " groups=2", " groups=g" if "g" in self.params else ""])
        text += self.pick(["", " bias=false", " bias=true"])
        text += self.pick(["", " bn"]) + self.pick(["", " " + self.activation()])
        return text, out

    def chain(self, stride: str) -> tuple[str, str | None]:
        """A line of one to three layers, the first with the stride given; its text and channels."""
        texts, out = [], None
        for i in range(self.draw(st.integers(1, 3))):
            text, channels = self.layer(stride if i == 0 else "1")
            texts.append(text)
            out = channels or out
        line = " ".join(texts)
        return (f"{self.name('n')}: {line}" if self.named else line), out

    def branch(self, indent: str, stride: str, *, last: str | None = None, projected: bool = False):
        """A merge's branch of layers, on one line or indented lines; its lines and channels."""
        lines, out = [], None
        self.in_branch, self.projecting = not projected, projected
        for i in range(self.draw(st.integers(1, 2))):
            text, channels = self.chain(stride if i == 0 else "1")
            lines.append(text)
            out = channels or out
        self.in_branch = self.projecting = False
        if last is not None:
            lines.append(f"conv {grouped(last)} 1 bias=false bn")
            lines[-1] = f"{self.name('n')}: {lines[-1]}" if self.named else lines[-1]
            out = last
        if len(lines) == 1 and not self.named and self.coin():
            return [f"{indent}branch: {lines[0]}"], out
        return [f"{indent}branch:", *(f"{indent}    {line}" for line in lines)], out

    # --------------------------------------------------------------- statements

    def body(self, indent: str, depth: int) -> list[str]:
        lines = []
        for i in range(self.draw(st.integers(1, 3))):
            lines += self.statement(indent, depth, first=i == 0 and depth == 0)
        return lines

    def statement(self, indent: str, depth: int, *, first: bool = False) -> list[str]:
        kinds = ["chain", "chain"]
        if not first:
            kinds += ["let"] if (depth == 0 and len(self.lets) < 2) or self.lets else []
            kinds += ["if", "if"] if depth < 2 else []
            kinds += ["merge", "merge", "merge"] if depth < 2 else []
            kinds += ["inner"] if self.inner else []
            kinds += ["chunk"] if depth < 2 and not self.nested else []
        kind = self.pick(kinds)
        cur = self.cur
        if kind == "chain":
            text, out = self.chain(self.stride())
            self.becomes(out)
            return [indent + text]
        if kind == "let":
            value = self.channels(plain=True)
            if depth > 0 or len(self.lets) == 2 or (self.lets and self.coin()):  # a new value of a name
                name = self.pick(self.lets)
                if cur is not None and re.search(rf"\b{name}\b", cur):
                    self.cur = None  # the channels it gave are no longer what the name says
                return [f"{indent}let {name} = {self.pick([f'{name} * 2', f'{name} + 1', value])}"]
            name = ["hidden", "mid"][len(self.lets)]
            self.lets.append(name)
            return [f"{indent}let {name} = {value}"]
        if kind == "inner":
            args = [self.channels(plain=True)]
            if "act" in self.params and self.coin():
                args.append("act=act")
            if self.coin():
                args.append(f"f={self.pick(['true', 'false', *sorted(self.params & {'se', 'f'})])}")
            self.cur = None
            return [f"{indent}inner({', '.join(args)})"]
        if kind == "chunk":
            a, b, c = self.name("t"), self.name("t"), self.name("t")
            self.in_branch = True  # its size must stay the size of `a`
            k, pad = self.kernel()
            self.in_branch = False
            ch = self.channels()
            lines = [f"{indent}{a}, {b}: chunk 2", f"{indent}{c}: from {b}, conv {grouped(ch)} {k} pad={pad}"]
            lines[-1] += self.pick(["", " bn", " " + self.activation()])
            lines.append(f"{indent}concat({a}, {c})" if self.coin() else f"{indent}concat({c}, {a})")
            self.cur = None if cur is None else f"({cur}) // 2 + {grouped(ch)}"
            return lines
        if kind == "if":
            return self.if_statement(indent, depth)
        return self.merge(indent)

    def if_statement(self, indent: str, depth: int) -> list[str]:
        cur, outs = self.cur, []
        arms = ["if"] + ["elif"] * self.draw(st.integers(0, 1)) + (["else"] if self.coin() else [])
        lines = []
        for arm in arms:
            self.cur = cur
            lines.append(f"{indent}{arm}:" if arm == "else" else f"{indent}{arm} {self.condition()}:")
            lines += self.body(indent + "    ", depth + 1)
            outs.append(self.cur)
        if arms[-1] != "else":
            outs.append(cur)
        self.cur = outs[0] if len(set(outs)) == 1 else None
        return lines

    def merge(self, indent: str) -> list[str]:
        """A merge whose branches agree for every argument (see the docstring), but where a condition
        over the arguments says otherwise, as MobileNetV2's guard of its identity branch."""
        inner, cur = indent + "    ", self.cur
        stride = self.stride()
        kinds = ["project", "project", "mbv2", "mbv2", "add", "concat", "concat", "mul"]
        # no identity beside a branch of a stride of 2: the sizes differ, a spatial fact
        kinds = [k for k in kinds if stride in ("1", "s") or k not in ("mbv2", "add")]
        if not kinds:  # a line instead
            text, out = self.chain(stride)
            self.becomes(out)
            return [indent + text]
        kind = self.pick(kinds)
        cur = cur or "in.c"
        if kind == "project":  # every layer keeps the size but for its stride (or `k` is even: refused)
            lines, out = self.branch(inner, stride, projected=True)
            shortcut = self.name("p") if self.named else self.pick(["shortcut", "downsample"])
            if shortcut in self.shortcuts and shortcut == "downsample":
                shortcut = self.name("p")  # `downsample` twice is the spec's duplicate-name error
            self.shortcuts.add(shortcut)
            lines = [f"{indent}add:", *lines, f"{inner}{shortcut}: project"]
            self.becomes(out)
            return lines + ([f"{indent}relu"] if self.coin() else [])
        out = self.pick([self.channels(), cur])
        if kind == "mbv2":  # MobileNetV2's use_res_connect, sometimes with one more condition
            lines, _ = self.branch(inner, stride, last=out)
            guard = ["s == 1"] if stride == "s" else []
            if stride not in ("1", "s"):
                guard.append(f"{stride} == 1")
            guard += [f"{grouped(cur)} == {grouped(out)}"] if out != cur else []
            if self.draw(st.integers(0, 3)) == 0:
                guard.append(self.condition(1))
            if self.coin():  # a guard that does not say when the channels agree: the class tests them
                guard = guard[:1] if stride == "s" else []
                guard.append(self.condition(1))
            self.becomes(out)
            identity = [f"{inner}if {' and '.join(guard)}:", f"{inner}    branch: identity"] if guard else []
            return [f"{indent}add:", *lines, *(identity or [f"{inner}branch: identity"])]
        if kind == "add":
            first, _ = self.branch(inner, stride, last=out)
            self.becomes(out)
            if stride == "1" and self.coin():  # the channels may differ: the class tests them
                return [f"{indent}add:", *first, f"{inner}branch: identity"]
            return [f"{indent}add:", *first, *self.branch(inner, stride, last=out)[0]]
        if kind == "mul":  # squeeze-and-excitation, its scale of 1x1 broadcast over the input
            scale = self.pick([cur, cur, "1"])
            gate = self.pick(["sigmoid", "hardsigmoid"])
            se = f"avgpool to 1x1, conv {grouped(self.channels())} 1x1 relu, conv {grouped(scale)} 1x1 {gate}"
            name = f"{self.name('n')}:" if self.named else "branch:"
            return [f"{indent}mul:", f"{inner}branch: identity", f"{inner}{name} {se}"]
        # concat: branches of the same stride, an identity where it is 1; an optional branch, rarely
        lines, outs = [f"{indent}concat:"], []
        for _ in range(self.draw(st.integers(2, 3))):
            if stride == "1" and self.draw(st.integers(0, 2)) == 0:
                lines.append(f"{inner}branch: identity")
                outs.append(cur)
            else:
                branch, out = self.branch(inner, stride)
                lines += branch
                outs.append(out or cur)
        self.cur = " + ".join(f"({o})" for o in outs)
        if self.draw(st.integers(0, 7)) == 0:  # an optional branch
            branch, _ = self.branch(inner + "    ", stride)
            lines += [f"{inner}if {self.condition()}:", *branch]
            self.cur = None
        return lines


@dataclass
class Call:
    channels: int
    size: tuple[int, int]
    given: dict  # the arguments the call writes, by name
    positional: bool  # the parameters without a default passed by position

    def text(self, signature: list[tuple[str, object]]) -> str:
        args = []
        for name, default in signature:
            if name in self.given:
                value = spec_value(self.given[name])
                args.append(value if self.positional and default is None else f"{name}={value}")
        return f"b({', '.join(args)})"


@dataclass
class Case:
    blocks: str  # the definitions
    signature: list[tuple[str, object]]  # (name, default or None)
    calls: list[Call]

    def spec(self, call: Call) -> str:
        h, w = call.size
        return f"{self.blocks}network T\ninput {call.channels}x{h}x{w}\n{call.text(self.signature)}\n"

    def values(self, call: Call) -> tuple:
        """What a call is: its input and every parameter's value, given or the default."""
        values = {name: default for name, default in self.signature} | call.given
        return call.channels, call.size, tuple(sorted(values.items()))

    def python_arguments(self, call: Call, takes) -> dict:
        """The constructor's arguments for a call: numbers, booleans and words as Python writes
        them, a layer kind as its class (`nn.Hardswish`) where the constructor takes a class."""
        return {
            name: python_value(name, value) if "Module" in str(takes[name].annotation) else value
            for name, value in call.given.items()
        }


@st.composite
def cases(draw) -> Case:
    names = draw(st.lists(st.sampled_from(list(PARAMS)), min_size=1, max_size=5, unique=True))
    signature = [(name, draw(PARAMS[name][1]) if draw(st.booleans()) else None) for name in names]
    signature.sort(key=lambda p: p[1] is not None)  # the parameters without a default first
    blocks = ""
    inner = draw(st.booleans())
    if inner:
        writer = Writer(draw, INNER, inner=False, nested=True)
        blocks += "block inner(w, act=relu, f=false):\n" + "\n".join(writer.body("    ", 1)) + "\n"
    writer = Writer(draw, names, inner=inner)
    params = ", ".join(name if default is None else f"{name}={spec_value(default)}" for name, default in signature)
    blocks += f"block b({params}):\n" + "\n".join(writer.body("    ", 0)) + "\n"
    calls = []
    for _ in range(draw(st.integers(2, 4))):
        given = {
            name: draw(PARAMS[name][1])
            for name, default in signature
            if default is None or draw(st.integers(0, 2)) == 0
        }
        smallest = 9  # 9 > 2 ** MAX_STRIDED: no stride takes a size to 1 (SPATIAL)
        size = (draw(st.integers(smallest, 12)), draw(st.integers(smallest, 12)))
        calls.append(Call(draw(st.integers(1, 8)), size, given, draw(st.booleans())))
    return Case(blocks, signature, calls)


# ----------------------------------------------------------------------------- the property


def block_classes(source: str) -> dict[str, str]:
    """The source text of each block's class (every class but the network's, which is last)."""
    parts = re.split(r"^class (\w+)\(nn\.Module\):", source, flags=re.M)
    classes = dict(zip(parts[1::2], parts[2::2]))
    classes.pop("T")
    return classes


def location(text: str) -> str | None:
    found = re.match(r"<string>:\d+:\d+: ", text)
    return found.group(0) if found else None


def first_accepted(specs: list[str]):
    """The first spec the analysis accepts, as (its index, its network), or None."""
    for index, spec in enumerate(specs):
        try:
            return index, archspec.loads(spec)
        except archspec.ArchspecError:
            continue
    return None


def compile_refuses(err: archspec.ArchspecError, which: str) -> str:
    """`archspec compile` refuses a spec the analysis accepts: for a reason in `COMPILE_REFUSES`."""
    known = [reason for reason in COMPILE_REFUSES if reason in str(err)]
    assert known, f"compile refuses a spec that checks: {err}"
    return f"compile refuses {which}: {known[0]}"


def refused_by_both(cls, channels: tuple, arguments: dict, call: Call, spec2: str, refusal) -> str:
    """The analysis refuses `spec2`: the class refuses its arguments with the spec's error."""
    shown = f"{cls.__name__}(*{channels}, **{arguments})"
    try:
        built = cls(*channels, **arguments)
    except ValueError as err:
        assert location(str(err)), f"{shown} raises {err!r}, not the spec's error, for\n{spec2}"
        same = location(str(err)) == location(str(refusal))
        return "refused by both, " + ("at the analysis's place" if same else "at another place than the analysis")
    try:
        built.eval()(torch.zeros(2, call.channels, *call.size))
        then = "its forward runs"
    except Exception as err:  # what torch says, for the report
        then = f"its forward raises {err!r}"
    raise AssertionError(f"{shown} builds and {then}; the analysis refuses\n{spec2}\n{refusal}")


def accepted_by_both(cls, channels: tuple, arguments: dict, call: Call, net2, source: str) -> str:
    """The analysis accepts the second spec (`net2`): the class built with its arguments is its module,
    and the spec writes the block classes as the first spec (`source`) writes them."""
    shown = f"{cls.__name__}(*{channels}, **{arguments})"
    try:
        built = cls(*channels, **arguments)
    except ValueError as err:
        raise AssertionError(f"{shown} refuses what the analysis builds: {err}") from None
    try:
        ref_model = archspec.build(net2)
    except archspec.ArchspecError as err:  # compile's `unsupported`: the first spec's class built
        return compile_refuses(err, "the second spec")
    agree(net2, ref_model)  # the second spec's module is the analysis's
    assert block_classes(generate(net2)) == block_classes(source), "the block classes differ"
    ref = ref_model.b_1
    assert type(ref).__name__ == cls.__name__
    shapes = [(k, tuple(v.shape)) for k, v in built.state_dict().items()]
    assert shapes == [(k, tuple(v.shape)) for k, v in ref.state_dict().items()], f"{shown} has other parameters"
    built.load_state_dict(ref.state_dict())
    built.eval(), ref.eval()
    x = torch.randn(2, call.channels, *call.size, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(built(x), ref(x)), f"{shown} computes another function"
    return "accepted by both"


def check(case: Case) -> list[str]:
    """The property for one case: the first call the analysis accepts makes the spec whose class is
    built with the other calls' arguments. Returns what happened, for the statistics."""
    specs = [case.spec(call) for call in case.calls]
    accepted = first_accepted(specs)
    if accepted is None:
        return ["no call that the analysis accepts"]
    first, net = accepted
    try:
        model = archspec.build(net)
    except archspec.ArchspecError as err:  # compile's `unsupported`
        return [compile_refuses(err, "the spec")]
    agree(net, model)
    source = generate(net)
    cls = type(model.b_1)  # the first line of the body is unconditional: the call makes a module
    # the class takes its input's channels where a layer reads them, its sizes where the spec reads `in.h`
    takes = inspect.signature(cls).parameters
    outcomes = []
    seen = {case.values(case.calls[first])}
    for call, spec2 in zip(case.calls, specs):
        if case.values(call) in seen:
            continue
        seen.add(case.values(call))
        arguments = case.python_arguments(call, takes)
        if "in_size" in takes:
            arguments["in_size"] = call.size
        channels = (call.channels,) if "in_channels" in takes else ()
        try:
            net2 = archspec.loads(spec2)
        except archspec.ArchspecError as refusal:
            outcomes.append(refused_by_both(cls, channels, arguments, call, spec2, refusal))
            continue
        try:
            outcomes.append(accepted_by_both(cls, channels, arguments, call, net2, source))
        except AssertionError as err:
            raise AssertionError(f"{err}\nthe first spec:\n{specs[first]}the second:\n{spec2}") from None
    return outcomes or ["no other arguments"]


@pytest.fixture
def one_thread():
    """Tensors of a few hundred numbers: torch's threads only contend for the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_a_block_class_builds_what_the_analysis_says_for_any_arguments(one_thread):
    outcomes: Counter[str] = Counter()

    @SETTINGS
    @given(case=cases())
    def property_holds(case):
        for outcome in check(case):
            event(outcome)
            outcomes[outcome] += 1

    property_holds()
    print(dict(outcomes))
    # the property was tested both ways: other arguments built, other arguments refused
    refused = sum(n for outcome, n in outcomes.items() if outcome.startswith("refused by both"))
    assert outcomes["accepted by both"] >= 20 and refused >= 5, outcomes
