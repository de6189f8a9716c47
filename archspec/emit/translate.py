"""Block definition -> PyTorch class, by translation: the block's parameters are the constructor's,
a `let` is a local value of `__init__`, an `if` is a Python `if` in `__init__` and the same test
(over attributes the constructor keeps) in `forward`, a merge is what the forward does with its
branches. The channels flowing through the body are carried as values (numbers, or Python source
over the constructor's names: `symbolic.Sym`), fed through the layer catalogue's constructors, so
`nn.Conv2d(in_channels, width * 4, ...)` comes from the definition, whatever the calls.

Spatial sizes are the one thing a block's constructor does not know. A block that reads `in.h`
(or another size) takes its input's sizes as the keyword argument `in_size`, which its caller
passes. A projected shortcut (`shortcut: project`, `NAME: project`) inside a block follows
torchvision's rule: it is made where the branch's output channels differ from the input's or a
layer of the branch strides (the product of its strides is not 1), with that product as the
projection's stride; where a layer's padding comes from a parameter (`pad=k // 2`), the class
refuses the arguments for which the padding does not keep the size. At the network's own level the
sizes are known and the projection is the analysis's.

What a spec that checks can say and the translator cannot write raises `Untranslatable`, which
`compile` reports as an `unsupported` error at the block's definition."""

from __future__ import annotations

import functools
import keyword
import re
import textwrap
from dataclasses import dataclass, field, replace
from typing import Any

from archspec.analysis.expand import Expander, Scope, from_name, is_sequence_block, is_word, merge_kind
from archspec.analysis.expr import FUNCTIONS, IN_ATTRIBUTES, evaluate
from archspec.diagnostics import SpecError
from archspec.emit.layout import MAX_LINE, _collapse_repeats, _wrap
from archspec.emit.names import DOTTED, IDENT, MODULE_ATTRIBUTES, RESERVED, literal, sanitise
from archspec.emit.symbolic import (
    AND,
    ATOM,
    COMPARE,
    CONDITIONAL,
    NOT,
    OR,
    UNKNOWN,
    Sym,
    Undecided,
    arithmetic,
    grouped,
    is_sym,
    recording,
    source,
)
from archspec.frontend import syntax as s
from archspec.layers import LayerKind, lookup, projection_layers
from archspec.layers.base import ShapeError, TorchCall, check_value, show_value, stride_between

WHOLE_HELPER = '''def whole(value: float, where: str) -> int:
    """A size the spec computes with `/`: it must come out a whole number, as the spec requires."""
    if value != int(value):
        raise ValueError(f"{where}: the size comes out {value}, not a whole number")
    return int(value)'''

LEAST_HELPER = '''def least(size: int | tuple[int, ...]) -> int:
    """A size's least number: the size itself, or the least of its numbers per dimension."""
    return min(size) if isinstance(size, tuple) else size'''

_WHOLE_TYPES = ("int", "size", "pad")
# the functions of expressions as Python writes them, where not by the same name (each is Python's: analysis.expr)
PYTHON_FUNCTIONS = {"floor": "math.floor", "ceil": "math.ceil", "log": "math.log"}
_MARK = -1  # a name of the body that stands for a tensor (the scope's names want a value)


class Untranslatable(Exception):
    """The block uses a construct the translator does not take yet."""


class Refused(Exception):
    """A line the analysis refuses whatever the arguments (`conv 1 1 groups=2`): it can stand only in
    an arm of an `if` that no call of the spec takes, where the class raises the error."""

    def __init__(self, message: str, span: s.Span) -> None:
        super().__init__(message)
        self.message, self.span = message, span


@dataclass
class Tensor:
    """A tensor of the forward: the variable holding it, its channels, the product of the strides
    since the start of the body or branch it flows in (and whether every layer since then keeps the
    size but for its stride), whether the flow may overwrite its variable, and whether an in-place
    operation may overwrite it (the layer that made it does not need it for its backward)."""

    var: str
    channels: Any
    sizes: tuple = ()  # its spatial sizes: numbers at the network's level, UNKNOWN in a block's class
    stride: Any = 1
    regular: bool = True
    owned: bool = False
    safe: bool = False
    exists: Any = None  # the condition it is made under, where an `if` makes it in some arms only
    label: str | None = None  # the name of the line that made it
    # where `regular` holds only if a test fails (`2 * (k // 2) != k - 1`): each test, at its layer
    size_tests: tuple = ()


@dataclass
class TranslatedClass:
    """A block's class: its name, constructor parameters and source lines."""

    name: str
    block: str
    params: list[tuple[str, str]]  # (spec name, Python name)
    takes_in_channels: bool
    lines: list[str]
    kind_params: set[str] = field(default_factory=set)
    takes_size: bool = False  # it reads `in.h`: its constructor takes the input's spatial sizes, `in_size`


class Translator:
    """Walks one block definition. `env` gives each parameter its value (a `Sym` of the
    constructor's name when writing the class; the caller's values when working out what a nested
    call gives); `in_channels` the block input's channels."""

    def __init__(
        self,
        block: s.BlockDef,
        blocks: dict[str, s.BlockDef],
        classes: dict[str, TranslatedClass],
        sizes: tuple,
        env: dict[str, Any],
        in_channels: Any,
        kind_class,
        helpers: dict[str, str] | None = None,
        network: bool = False,
    ) -> None:
        self.block, self.blocks, self.classes, self.sizes = block, blocks, classes, sizes
        self.network = network  # the network's body: `in` is the line's input, and its sizes are known
        self.caller = False  # walking a called block for what it gives the caller: no class is written
        self.reads_size = False  # the block reads `in.h` (or another size): its class takes `in_size`
        # a block that is one sequence: its class is an nn.Sequential of these members (`sequence`)
        self.sequential: tuple | None = None
        self.wholed = False  # a size computed with `/` was checked to be whole (`whole(...)`)
        self.line_input: Tensor | None = None
        self.env = dict(env)
        self.in_channels = in_channels
        self.kind_class = kind_class  # word -> the PyTorch class of that layer kind (`nn.Hardswish`)
        self.helpers = helpers if helpers is not None else {}
        self.kind_params = kind_params(block, blocks)
        # what the body's lines read each parameter as: a layer kind (its default's, else `identity`,
        # which keeps the channels as the activation a caller gives does), or a value
        words = {
            p.name: (_kind_word(p.default) or "identity") if p.name in self.kind_params else 0 for p in block.params
        }
        for name in self.kind_params:  # the kind a caller gives, where it is a word
            if isinstance(self.env.get(name), str):
                words[name] = self.env[name]
        self.scope = Scope("", words, _MARK, 1)
        self.expander = Expander(blocks)
        self.init: list[Any] = []  # lines of __init__'s body (str), or lists filled later (a projection)
        self.forward: list[Any] = []  # lines of forward's body (str, or a function giving one at the end)
        self.indent = 0  # of __init__'s lines
        self.findent = 0  # of forward's lines
        self.kept: dict[str, str] = {}  # spec name -> the attribute __init__ keeps it in, for the forward
        self.kept_from: dict[str, str] = {}  # that attribute -> the local value it keeps
        self.attributes: list[str] = []  # the modules made, in order
        self.pynames: dict[str, str] = {}  # spec name (a parameter or `let`) -> its Python name
        self.tensors: dict[str, Tensor] = {}  # the body's named tensors (`in`: the input)
        self.referenced: set[str] = set()  # the names a line reads by name (`from x2`, `concat(x1, b)`)
        self.variables: set[str] = set()  # the forward's variables of named tensors
        self.variable_of: dict[str, str] = {}  # a named tensor -> its variable
        self.defined_where: dict[str, Any] = {}  # a name some arms of an `if` define -> where they are taken
        self.tested: set[tuple[int, str]] = set()  # the tests `refuse` made, with the indentation they stand at
        self.used_as: dict[str, set[str]] = {}  # Python name -> the types of the options that read it as it is
        self.definitions: dict[str, Any] = {}  # a `let`'s Python name -> the expression it was given
        self.aliases: dict[str, str] = {}  # a `let`'s Python name -> the name it stands for (`inp = in_channels`)

    # ------------------------------------------------------------------ values

    def value(self, expr: Any, words_ok: bool = True, forward: bool = False) -> Any:
        """`expr`'s value: a number, word or tuple, or a `Sym`; with `forward`, as the forward
        reads it (the constructor's names as attributes it keeps)."""
        if isinstance(expr, s.Number):
            return expr.value
        if isinstance(expr, s.Dims):
            return expr.sizes
        if isinstance(expr, s.Name):
            if expr.name in self.env:
                value = self.env[expr.name]
                if forward and isinstance(value, Sym):
                    return Sym("self." + self.keep(expr.name))
                return value
            if not words_ok:
                raise Untranslatable(f"`{expr.name}` is not defined")
            return expr.name
        if isinstance(expr, s.Attr):
            return self.attribute(expr, forward)
        if isinstance(expr, s.Tuple):
            return tuple(self.value(i, False, forward) for i in expr.items)
        if isinstance(expr, s.Neg):
            return -self.value(expr.operand, False, forward)
        if isinstance(expr, s.BinOp):
            a, b = self.value(expr.left, False, forward), self.value(expr.right, False, forward)
            if not is_sym(a) and not is_sym(b):
                return evaluate(expr, {}, None) if _plain(expr) else arithmetic(expr.op, a, b)
            return arithmetic(expr.op, a, b)
        if isinstance(expr, s.Compare):
            return self.compare(expr, forward)
        if isinstance(expr, s.BoolOp):
            return self.boolean(expr, forward)
        if isinstance(expr, s.IfExpr):
            cond = self.value(expr.cond, True, forward)
            if not isinstance(cond, Sym):
                return self.value(expr.then if _truth(cond) else expr.other, words_ok, forward)
            then, other = self.value(expr.then, words_ok, forward), self.value(expr.other, words_ok, forward)
            text = (
                f"{grouped(then, CONDITIONAL, right=True)} if {grouped(cond, CONDITIONAL, right=True)} "
                f"else {grouped(other, CONDITIONAL - 1)}"
            )
            return Sym(text, CONDITIONAL, _fractional(then) or _fractional(other))
        if isinstance(expr, s.Call):
            return self.function(expr, forward)
        raise Untranslatable(f"the expression {expr!r}")

    def attribute(self, expr: s.Attr, forward: bool) -> Any:
        """`in.c`, `in.h`, ...: of the block's input, or at the network's level of the line's."""
        if self.network:
            if self.line_input is None:
                raise Untranslatable("`in` outside a line")
            shape = (self.line_input.channels, *self.line_input.sizes)
            if forward and any(is_sym(v) for v in shape):
                raise Untranslatable("`in` in the network's forward, of sizes its parameters give")
        elif expr.attr in ("c", "f"):
            if forward and isinstance(self.in_channels, Sym):
                return Sym("self." + self.keep("in.c"))
            return self.in_channels
        else:
            shape = (self.in_channels, *self.sizes)
        index = IN_ATTRIBUTES.get(expr.attr, {}).get(len(shape))
        if expr.obj != "in" or index is None:
            raise Untranslatable(f"`{expr.obj}.{expr.attr}`")
        value = shape[index]
        if value is UNKNOWN and not self.caller:  # a block's class takes its input's sizes: `in_size`
            self.reads_size = True
            if forward:
                return Sym(f"self.{self.keep('in.size')}[{index - 1}]", integral=True)
            return Sym(f"in_size[{index - 1}]", integral=True)
        if value is UNKNOWN:
            raise Untranslatable(f"`in.{expr.attr}`: a spatial size, which the constructor does not know")
        return value

    def compare(self, expr: s.Compare, forward: bool) -> Any:
        a, b = (self.value(e, True, forward) for e in (expr.left, expr.right))
        a, b = _truth_word(a), _truth_word(b)
        if not is_sym(a) and not is_sym(b):
            return evaluate(replace(expr, left=_constant(a, expr.left), right=_constant(b, expr.right)), {}, None)
        kinds = {
            self.env.get(e.name)
            for e in (expr.left, expr.right)
            if isinstance(e, s.Name) and e.name in self.kind_params
        }
        texts = []
        for value in (a, b):
            if isinstance(value, str) and kinds and lookup(value) is not None:
                texts.append(self.kind_class(value))  # `act == hardswish`: the parameter holds a class
            else:
                texts.append(grouped(value, COMPARE))
        return Sym(f"{texts[0]} {expr.op} {texts[1]}", COMPARE)

    def boolean(self, expr: s.BoolOp, forward: bool) -> Any:
        a = self.condition(expr.left, forward)
        if expr.op == "not":
            return (not _truth(a)) if not isinstance(a, Sym) else Sym("not " + grouped(a, NOT), NOT)
        if not isinstance(a, Sym) and ((expr.op == "and" and not _truth(a)) or (expr.op == "or" and _truth(a))):
            return _truth(a)
        b = self.condition(expr.right, forward)
        if not isinstance(a, Sym):
            return b if isinstance(b, Sym) else _truth(b)
        if not isinstance(b, Sym) and ((expr.op == "and" and _truth(b)) or (expr.op == "or" and not _truth(b))):
            return a
        binding = AND if expr.op == "and" else OR
        return Sym(f"{grouped(a, binding)} {expr.op} {grouped(b, binding, right=True)}", binding)

    def function(self, expr: s.Call, forward: bool) -> Any:
        args = [self.value(a, False, forward) for a in expr.args]
        if not any(is_sym(a) for a in args):
            return evaluate(replace(expr, args=tuple(_constant(a, e) for a, e in zip(args, expr.args))), {}, None)
        if expr.name not in FUNCTIONS:
            raise Untranslatable(f"`{expr.name}`")
        if expr.name in ("int", "round") and len(args) == 1 and getattr(args[0], "integral", False):
            return args[0]  # a whole number already
        fractional = expr.name in ("min", "max", "abs", "log", "pow") and any(_fractional(a) for a in args)
        fractional = fractional or expr.name == "log"
        function = PYTHON_FUNCTIONS.get(expr.name, expr.name)
        if function.startswith("math."):
            self.helpers["math"] = ""  # `import math`
        integral = expr.name in ("int", "floor", "ceil") or (expr.name == "round" and len(args) == 1)
        return Sym(f"{function}({', '.join(source(a) for a in args)})", ATOM, fractional, integral=integral)

    def keep(self, name: str) -> str:
        """The attribute in which __init__ keeps a value the forward reads (`self.stride = stride`)."""
        if name not in self.kept:
            python = {"in.c": "in_channels", "in.size": "in_size"}.get(name) or self.pynames.get(name, name)
            taken = {*MODULE_ATTRIBUTES, *self.kept.values()}
            attribute, n = python, 1
            while attribute in taken or attribute == "training":
                n += 1
                attribute = f"{python}_{n}"
            self.kept[name] = attribute
            self.kept_from[attribute] = python
        return self.kept[name]

    # ------------------------------------------------------------------ writing

    def emit(self, line: str) -> None:
        self.init.append("    " * self.indent + line)

    def emit_forward(self, line: Any) -> None:
        if callable(line):
            indent = self.findent
            self.forward.append(lambda: "    " * indent + line())
        else:
            self.forward.append("    " * self.findent + line)

    def module(self, attr: str, ctor: str) -> None:
        if not IDENT.match(attr) or keyword.iskeyword(attr) or attr in MODULE_ATTRIBUTES or attr.startswith("_"):
            raise Untranslatable(f"`{attr}` cannot name a submodule")  # the calls' writer says why
        prefix = f"self.{attr} = "
        self.emit(prefix + ctor)
        self.attributes.append(attr)

    def constructor(self, call: TorchCall, indent: int, start: int) -> str:
        if call.func.startswith("nn.") is False and not DOTTED.match(call.func):
            raise Untranslatable(call.func)
        args = [self.argument(a, indent + 4, indent + 4) for a in call.args]
        if call.func == "nn.Sequential":
            args = _collapse_repeats(args, indent + 4)
        for key, value in call.kwargs.items():
            text = self.argument(value, indent + 4, indent + 5 + len(key))
            if key in call.defaults and not is_sym(value) and text == literal(call.defaults[key]):
                continue
            args.append(f"{key}={text}")
        return _wrap(f"{call.func}(", args, ")", indent, start)

    def argument(self, value: Any, indent: int, start: int) -> str:
        if isinstance(value, TorchCall):
            return self.constructor(value, indent, start)
        if value is UNKNOWN or (isinstance(value, tuple) and UNKNOWN in value):
            raise Untranslatable("a constructor that takes a spatial size")
        return source(value)

    # ------------------------------------------------------------------ bodies

    def translate(self) -> Tensor:
        cur = Tensor("x", self.in_channels, self.sizes, owned=self.network)
        self.tensors["in"] = cur
        self.referenced = _referenced(self.block.body)
        try:
            return self.body(self.block.defaults + self.block.body, cur, "x" if self.network else "out")
        except Refused as err:
            if self.caller or self.network:  # a call of a block wrong whatever its arguments: the caller's to refuse
                raise
            # a block no call reaches (`check` checks it without shapes), wrong whatever the arguments
            self.raise_refused(err)
            return cur

    def raise_refused(self, err: Refused) -> None:
        """`raise ValueError("file:line:col: ...")` here: what `check` would say of every call."""
        where = f"{err.span.file}:{err.span.line}:{err.span.column}"
        self.emit(f"raise ValueError({_string(f'{where}: {err.message}')})")

    def body(self, stmts: tuple, cur: Tensor, target: str) -> Tensor:
        defaults = self.scope.defaults
        for stmt in stmts:
            if isinstance(stmt, (s.Expect, s.Freeze, s.Init)):
                continue  # checks; and what the network's class writes from the analysis (frozen paths, `init`)
            if isinstance(stmt, s.Let):
                self.let(stmt)
            elif isinstance(stmt, s.Defaults):
                self.defaults(stmt)
            elif isinstance(stmt, s.If):
                cur = self.conditional(stmt, cur, target)
            elif isinstance(stmt, s.Compound):
                cur = self.merge(stmt, cur, target)
            elif isinstance(stmt, s.Line):
                cur = self.line(stmt, cur, target)
            elif isinstance(stmt, s.SplitLine):
                cur = self.split(stmt, cur)
            else:
                raise Untranslatable(type(stmt).__name__)
        self.scope.defaults = defaults
        return cur

    def let(self, stmt: s.Let) -> None:
        value = self.value(stmt.value)
        self.scope.env[stmt.name] = 0  # a value, not a layer kind: for reading the lines after it
        if not isinstance(value, Sym) or self.caller:  # working out a call's output: the value itself
            self.env[stmt.name] = value
            return
        python = self.pynames.get(stmt.name) or self.fresh_local(stmt.name)
        self.pynames[stmt.name] = python
        self.emit(f"{python} = {value.text}")
        if IDENT.match(value.text):
            self.aliases[python] = self.aliases.get(value.text, value.text)
        else:
            self.aliases.pop(python, None)
        self.env[stmt.name] = Sym(python, ATOM, value.fractional, positive=value.positive, integral=value.integral)
        self.definitions[python] = stmt.value

    def fresh_local(self, name: str) -> str:
        taken = {"in_channels", *self.pynames.values(), *RESERVED}
        python, n = sanitise(name), 1
        while python in taken:
            n += 1
            python = f"{sanitise(name)}_{n}"
        return python

    def defaults(self, stmt: s.Defaults) -> None:
        kind = lookup(stmt.kind)
        if kind is None:
            raise Untranslatable(stmt.kind)
        options = dict(self.scope.defaults.get(kind.name, {}))
        for opt in stmt.options:
            options[opt.key] = (self.value(opt.value), opt.span)
        self.scope.defaults = {**self.scope.defaults, kind.name: options}

    def line(self, line: s.Line, cur: Tensor, target: str) -> Tensor:
        if line.label in ("branch", "shortcut"):
            raise Untranslatable("a branch outside a merge")
        elems, cur = self.take_from(line.elems, cur)
        line = replace(line, elems=elems)
        self.line_input = cur  # `in` at the network's level
        elem = line.elems[0]
        if line.label:
            self.claim(line.label, line.label_span)
        named = line.label in self.referenced  # read again later: the forward keeps it in a variable of its own
        if named:
            target = self.variable(line.label)
            cur = replace(cur, owned=False)
        head = elem.atoms[0]
        if s.is_sequence(line):
            cur = self.sequence(line, cur, target)
        elif isinstance(head, s.Call) and merge_kind(head.name):
            cur = self.merge_by_name(head, line.label, cur, target)
        elif isinstance(head, s.Call):
            if len(elem.atoms) > 1:
                raise Untranslatable("a block call and more")
            call, out = self.block_call(head, cur)
            name = line.label or self.scope.auto_name(head.name)
            if call is not None:  # a call that makes nothing (`if flag: relu`, flag false) is its input
                cur = self.apply(name, call, out, cur, target)
        else:
            cur = self.chain(elem, line.label, cur, target)
        if line.label:
            self.scope.names[line.label] = _MARK
            if named:
                cur = replace(cur, owned=False, safe=False)
            cur = replace(cur, label=line.label)
            self.tensors[line.label] = cur
        return cur

    def variable(self, name: str) -> str:
        """The forward's variable for the tensor a line names, where a later line reads it by name
        (one for a name, whichever arm of an `if` makes it)."""
        if name in self.variable_of:
            return self.variable_of[name]
        python, n = sanitise(name), 1
        while python in self.variables or python in ("x", "out", "identity"):
            n += 1
            python = f"{sanitise(name)}_{n}"
        self.variables.add(python)
        self.variable_of[name] = python
        return python

    def take_from(self, elems: tuple, cur: Tensor) -> tuple[tuple, Tensor]:
        """A line's elements after `from NAME`, and the tensor it starts from."""
        name = from_name(elems[0])
        if name is None:
            return elems, cur
        return elems[1:], self.named(name.name, name.span)

    def named(self, name: str, span: s.Span | None = None) -> Tensor:
        tensor = self.tensors.get(name)
        if tensor is None:
            raise Untranslatable(f"`{name}`: a name the translator keeps no tensor for")
        if tensor.exists is not None:  # made only where an `if`'s arm is taken: other arguments are refused
            if span is None:
                raise Untranslatable(f"`{name}` read where it may not be made")
            absent = Sym("not " + grouped(tensor.exists, NOT), NOT)
            message = f"`{name}` is made only where {tensor.exists.text}"
            self.refuse([absent.text], "", span, message)
        return replace(tensor, owned=False, safe=False, stride=1 if name == "in" else tensor.stride)

    def merge_by_name(self, call: s.Call, label: str | None, cur: Tensor, target: str) -> Tensor:
        """`cat: concat(x1, b)`: the named tensors merged, as the catalogue writes the merge."""
        kind = merge_kind(call.name)
        inputs = [self.named(a.name, a.span) if isinstance(a, s.Name) else None for a in call.args]
        if any(i is None for i in inputs) or call.options:
            raise Untranslatable("a merge of what is not a name")
        if not label:
            self.scope.auto_name(kind.name)
        var = self.flow(cur, target)
        cur = replace(cur, var=var, owned=True, stride=1)  # the named tensors' strides are the body's
        return self.combine(kind, inputs, [()] * len(inputs), cur, target, call.span, fresh=True)

    def split(self, line: s.SplitLine, cur: Tensor) -> Tensor:
        """`x1, x2: chunk 2`, `a, b: split (d, in.c - d)`: every part in one statement of the forward,
        each in the variable of its name."""
        elems, cur = self.take_from(line.elems, cur)
        self.line_input = cur
        for name, span in line.names:
            self.claim(name, span)
        elem = elems[0]
        word = elem.atoms[0].name if isinstance(elem.atoms[0], s.Name) else ""
        args = [a for atom in elem.atoms[1:] for a in (atom.items if isinstance(atom, s.Tuple) else [atom])]
        if len(elems) > 1 or word not in ("chunk", "split") or not args:
            raise Untranslatable("a split")
        values = [self.value(a, False) for a in args]
        if word == "chunk":
            count = values[0]
            if is_sym(count):
                raise Untranslatable("a chunk count the constructor alone knows")
            tests = [] if not is_sym(rest := arithmetic("%", cur.channels, count)) else [source(rest)]
            if not is_sym(rest) and rest:
                raise Refused(f"{cur.channels} channels do not make {count} equal chunks", elem.span)
            self.refuse(tests, "chunk", elem.span)
            sizes = [arithmetic("//", cur.channels, count)] * count
            expression = f"{cur.var}.chunk({count}, dim=1)"
        else:
            sizes = values
            total = sizes[0]
            for size in sizes[1:]:
                total = arithmetic("+", total, size)
            differs = _differ(_normal_value(total, self.aliases), _normal_value(cur.channels, self.aliases))
            if differs is True:
                raise Untranslatable("sizes that do not add up")
            self.refuse([] if differs is False else [differs.text], "split", elem.span)
            shown = [source(self.value(a, False, forward=True)) for a in args]
            expression = f"torch.split({cur.var}, [{', '.join(shown)}], dim=1)"
        names = [self.variable(name) for name, _ in line.names]
        self.emit_forward(f"{', '.join(names)} = {expression}")
        for (name, _), var, size in zip(line.names, names, sizes):
            self.scope.names[name] = _MARK
            self.tensors[name] = Tensor(var, size, cur.sizes, cur.stride, cur.regular)
        return self.tensors[line.names[-1][0]]

    def flow(self, cur: Tensor, target: str) -> str:
        """The variable a layer reading `cur` writes its output to."""
        return cur.var if cur.owned else target

    def apply(self, name: str, call: TorchCall, out: Tensor, cur: Tensor, target: str) -> Tensor:
        """Make the module `name` and run it on `cur`, giving `out` (its channels, strides, ...)."""
        prefix = "    " * (self.indent + 2) + f"self.{name} = "
        self.module(name, self.constructor(call, 4 * (self.indent + 2), len(prefix)))
        var = self.flow(cur, target)
        self.emit_forward(f"{var} = self.{name}({cur.var})")
        return replace(out, var=var, owned=True)

    def segments(self, elem: s.Elem, functions: bool = False) -> list:
        """The layers of a chain; `functions`: a layer the forward computes (`slice`) may be one."""
        try:
            segments = self.expander.split_chain(elem, self.scope)
        except SpecError as err:
            raise Untranslatable(str(err)) from None
        for kind, *_ in segments:
            if kind.merge or (kind.functional and not functions):
                raise Untranslatable(f"`{kind.name}` in a sequence")
        return segments

    def chain(self, elem: s.Elem, label: str | None, cur: Tensor, target: str) -> Tensor:
        for index, (kind, word, atoms, own) in enumerate(self.segments(elem, functions=True)):
            if own is not None:
                self.claim(own.name, own.span)
                name = label = own.name
            elif label is None:
                name = self.scope.auto_name(word.name if word.name in self.kind_params else kind.name)
            elif index == 0:
                name = label
            else:
                name = self.scope.fresh(f"{label}_{word.name}")
            if index or label is None or own is not None:
                self.scope.names[name] = _MARK
            if kind.functional:  # `slice 0 64`: an expression of the forward (`x[:, 0:64]`), no module
                options = self.options(kind, atoms)
                with recording() as tests:
                    shape = self.shape(kind, options, cur)
                self.refuse(tests, kind, _join(word.span, atoms[-1].span) if atoms else word.span)
                var = self.flow(cur, target)
                self.emit_forward(f"{var} = {kind.torch_function(self.options(kind, atoms, forward=True), cur.var)}")
                cur = replace(cur, var=var, channels=shape[0], sizes=shape[1:], owned=True, safe=False)
                continue
            call, out = self.layer(kind, word, atoms, cur)
            cur = self.apply(name, call, out, cur, target)
        return cur

    def sequence(self, line: s.Line, cur: Tensor, target: str) -> Tensor:
        """`features: conv 64 3x3 relu x2, maxpool 2`: one nn.Sequential, each layer of a chain and
        each block call a member of it, numbered from 0."""
        head = line.elems[0].atoms[0]
        whole = not self.network and is_sequence_block(self.block)  # the block is this sequence
        name = (
            None
            if whole
            else line.label or self.scope.auto_name(head.name if isinstance(head, (s.Call, s.Name)) else "seq")
        )
        members = []
        start = cur
        for elem in line.elems:
            for _ in range(elem.repeat):
                if isinstance(elem.atoms[0], s.Call):
                    if merge_kind(elem.atoms[0].name) or len(elem.atoms) > 1:
                        raise Untranslatable("a merge in a sequence")
                    call, cur = self.block_call(elem.atoms[0], cur)
                    members.append(call or TorchCall("nn.Identity"))  # nothing made: the members keep their numbers
                    continue
                for kind, word, atoms, own in self.segments(elem):
                    if own is not None:
                        raise Untranslatable("a name in a sequence")
                    call, cur = self.layer(kind, word, atoms, cur)
                    cur = replace(cur, owned=True)  # the next member's input: a tensor nothing else reads
                    members.append(call)
        if whole:  # the class is an nn.Sequential of the members, as torchvision's Conv2dNormActivation
            self.sequential = tuple(members)
            args = _collapse_repeats(
                [self.argument(m, 4 * (self.indent + 3), 4 * (self.indent + 3)) for m in members], 4 * (self.indent + 3)
            )
            self.emit(_wrap("super().__init__(", args, ")", 4 * (self.indent + 2), 4 * (self.indent + 2)))
            return replace(cur, var=target, owned=True, safe=False)
        out = self.apply(name, TorchCall("nn.Sequential", tuple(members)), cur, start, target)
        return replace(out, safe=False)

    def layer(self, kind: LayerKind, word: s.Name, atoms: list, cur: Tensor) -> tuple[TorchCall, Tensor]:
        """The constructor of one layer of a chain, and the tensor it gives from `cur`."""
        value = self.env.get(word.name) if word.name in self.kind_params else None
        if isinstance(value, Sym):  # a class the constructor is given: made without arguments
            if atoms:
                raise Untranslatable("options of a layer kind a parameter gives")
            default = lookup(self.scope.env[word.name])
            made = default.torch_module(default.resolve({}), (1,) * (len(cur.sizes) + 1))
            if self.shape(default, default.resolve({}), cur)[0] != cur.channels or made.args:
                raise Untranslatable("a layer kind parameter whose default takes arguments")
            return TorchCall(self.pynames.get(word.name, word.name)), replace(cur, safe=False)
        span = _join(word.span, atoms[-1].span) if atoms else word.span
        try:
            options = self.options(kind, atoms)
            inplace = cur.safe and cur.owned
            in_shape = (cur.channels, *cur.sizes)
            with recording() as tests:
                try:
                    call = kind.torch_module(options, in_shape, inplace)
                except (Undecided, TypeError) as err:
                    raise Untranslatable(f"{kind.name}: {err}") from None
                shape = self.shape(kind, options, cur)
        except ShapeError as err:  # at the option to blame, as the analysis points
            at = next((a.span for a in atoms if isinstance(a, s.Option) and a.key == err.option), span)
            raise Refused(err.message, at) from None
        if call is None:
            raise Untranslatable(kind.name)
        if kind.torch_helper:
            self.helpers[call.func] = kind.torch_helper
        self.refuse(tests, kind, span)
        stride, regular = self.stride(kind, options, len(cur.sizes))
        stride = arithmetic("*", cur.stride, stride)
        tests = cur.size_tests
        if isinstance(regular, Sym):  # kept where the test does not hold
            tests, regular = (*tests, (regular.text, _join(word.span, atoms[-1].span) if atoms else word.span)), True
        regular = cur.regular and regular is not False and bool(regular)
        return call, replace(
            cur,
            channels=shape[0],
            sizes=shape[1:],
            stride=stride,
            regular=regular,
            safe=kind.inplace_safe,
            size_tests=tests,
        )

    def refuse(self, tests: list[str], kind: LayerKind | str, span: s.Span, message: str | None = None) -> None:
        """The tests of the catalogue's rules that the constructor makes itself (`in_channels % groups`):
        where one holds, the analysis refuses the arguments, and so does the class."""
        where = f"{span.file}:{span.line}:{span.column}"
        for test in dict.fromkeys(tests):
            if (self.indent, test) in self.tested:
                continue  # made before, on the way to this line
            self.tested.add((self.indent, test))
            name = test[: -len(" < 1")] if test.endswith(" < 1") else None
            if self.indent == 0 and name is not None:  # past it, the value is at least 1 (`width * 4 < 1` cannot hold)
                for spec_name, value in self.env.items():
                    if isinstance(value, Sym) and value.text == name:
                        self.env[spec_name] = replace(value, positive=True)
            if "least(" in test:
                self.helpers["least"] = LEAST_HELPER
            who = getattr(kind, "name", kind)
            text = f"{where}: {message or f'{who} refuses {test}'}"
            # "True": refused whatever the arguments (in an arm no call of the spec takes)
            pad = "" if test == "True" else "    "
            if pad:
                self.emit(f"if {test}:")
            width = MAX_LINE - 4 * (self.indent + 3) - len(pad) - 2
            if len(text) + 18 <= width:
                self.emit(f"{pad}raise ValueError({_string(text)})")
                continue
            self.emit(f"{pad}raise ValueError(")
            for piece in textwrap.wrap(text, width, drop_whitespace=False, break_long_words=False):
                self.emit(f"{pad}    {_string(piece)}")
            self.emit(f"{pad})")

    def shape(self, kind: LayerKind, options: dict, cur: Tensor) -> tuple:
        """The shape `kind` gives for `cur`, by the catalogue's shape rule (sizes a class does not know
        stay unknown)."""
        try:
            out = kind.output_shape(options, [(cur.channels, *cur.sizes)])
        except (Undecided, TypeError) as err:
            raise Untranslatable(f"{kind.name}: {err}") from None
        if not out or out[0] is UNKNOWN or (UNKNOWN in cur.sizes and len(out) != len(cur.sizes) + 1):
            raise Untranslatable(f"{kind.name} changes a shape the constructor does not know")
        return tuple(out)

    def stride(self, kind: LayerKind, options: dict, rank: int) -> tuple[Any, bool]:
        """A layer's stride, and whether it keeps the size but for it (`ceil(size / stride)`): a
        layer with no window keeps the shape where the catalogue's shape rule is the identity; a
        window does where its padding makes up for its kernel (`2 * pad == dilation * (kernel - 1)`)."""
        if "stride" not in kind.options:
            return 1, type(kind).output_shape is LayerKind.output_shape or kind.family in ("activation", "norm")
        stride = options.get("stride", 1)
        if stride is None:  # a pooling `to` a size
            return 1, False
        if "output_padding" in kind.options or options.get("kernel") is None or isinstance(stride, tuple):
            return stride if not isinstance(stride, tuple) else 1, False
        kernel, pad, dilation = options["kernel"], options.get("pad", 0), options.get("dilation", 1)
        if pad == "same":
            return stride, True
        if pad == "valid":
            pad = 0
        if any(is_sym(v) for v in (kernel, pad, dilation)):
            if any(isinstance(v, tuple) for v in (kernel, pad, dilation)):
                return stride, False
            # `pad=k // 2`: the size is kept where the kernel is odd, which the class tests where it projects
            return stride, _differ(arithmetic("*", 2, pad), arithmetic("*", dilation, arithmetic("-", kernel, 1)))
        rank = max(rank, 1)
        ks = kernel if isinstance(kernel, tuple) else (kernel,) * rank
        ps = pad if isinstance(pad, tuple) else (pad,) * rank
        ds = dilation if isinstance(dilation, tuple) else (dilation,) * rank
        return stride, all(2 * p == d * (k - 1) for k, p, d in zip(ks, ps, ds))

    def options(self, kind: LayerKind, atoms: list, forward: bool = False) -> dict:
        """A layer's arguments and options, bound and resolved; values the constructor alone knows
        are kept as they are (a size that may come out a float is checked to be whole). `forward`:
        as the forward reads them (the tests are __init__'s)."""
        args, opts, where = [], {}, {}
        for atom in atoms:
            if isinstance(atom, s.Option):
                opts[atom.key] = self.value(atom.value, True, forward)
                where[atom.key] = atom.span
            else:
                args.append(self.value(atom, True, forward))
                where[f"#{len(args) - 1}"] = atom.span
        names = kind.arg_names(args)
        for i, name in enumerate(names[: len(args)]):
            if name:
                where.setdefault(name, where[f"#{i}"])
        for key, (value, span) in self.scope.defaults.get(kind.name, {}).items():
            if key not in opts and key not in names[: len(args)]:
                opts[key] = value
                where[key] = span
        bound = kind.bind(args, opts)
        for key, value in bound.items():
            opt = kind.options.get(key)
            if opt is not None and isinstance(value, Sym):  # a parameter read as it is: its type, for the signature
                self.used_as.setdefault(value.text, set()).add(opt.type)
            if opt is not None and is_sym(value):
                if opt.type == "word" or opt.type not in _WHOLE_TYPES and isinstance(value, tuple):
                    raise Untranslatable(f"`{key}` of {kind.name} from the constructor's values")
                if opt.type in _WHOLE_TYPES and any(_fractional(v) for v in _items(value)):
                    bound[key] = self.whole(value, where.get(key))
        if forward:
            with recording():
                return kind.resolve(bound)
        return self.resolve(kind, bound, where)

    def resolve(self, kind: LayerKind, bound: dict, where: dict) -> dict:
        """The catalogue's resolution of a layer's options; the tests it makes of values the
        constructor alone knows are the class's to make (`p >= 1` for a stochastic depth), each
        option's own at that option, as the analysis points."""
        for key, opt in kind.options.items():
            if key in bound and key in where and is_sym(bound[key]):
                with recording() as tests:
                    check_value(key, opt, bound[key])
                self.refuse(tests, kind, where[key])
        with recording() as tests:
            try:
                options = kind.resolve(bound)
            except (Undecided, TypeError) as err:
                raise Untranslatable(f"{kind.name}: {err}") from None
        span = next(iter(where.values()), None)
        if tests and span is not None:
            self.refuse(tests, kind, span)
        elif tests:
            raise Untranslatable(f"{kind.name}: tests without a place in the spec")
        return options

    def whole(self, value: Any, span: s.Span | None) -> Any:
        if isinstance(value, tuple):
            return tuple(self.whole(v, span) for v in value)
        if not isinstance(value, Sym):
            return value
        where = f"{span.file}:{span.line}:{span.column}" if span is not None else self.block.name
        self.helpers["whole"] = WHOLE_HELPER
        self.wholed = True
        return Sym(f"whole({value.text}, {literal(where) if IDENT.match(where) else _string(where)})")

    # ------------------------------------------------------------------ blocks called

    def block_call(self, call: s.Call, cur: Tensor) -> tuple[TorchCall | None, Tensor]:
        """The constructor of a block's class for a call, and the tensor it gives from `cur`, worked
        out by walking the block's definition with the call's values; None where the call makes
        nothing (its output is its input)."""
        block = self.blocks.get(call.name)
        cls = self.classes.get(call.name)
        if block is None:
            raise Untranslatable(f"`{call.name}`")
        names = [p.name for p in block.params]
        given: dict[str, Any] = dict(zip(names, (self.value(a) for a in call.args)))
        spans = dict(zip(names, (a.span for a in call.args)))
        for opt in call.options:
            given[opt.key] = self.value(opt.value)
            spans[opt.key] = opt.value.span
        env: dict[str, Any] = {}
        for p in block.params:  # the values the call's class works with, as `bind_args` gives them
            if p.name in given:
                env[p.name] = given[p.name]
            elif p.default is not None:
                inner = Translator(block, self.blocks, self.classes, cur.sizes, env, cur.channels, self.kind_class)
                env[p.name] = inner.value(p.default)
            else:
                raise Untranslatable(f"`{call.name}` needs `{p.name}`")
        inner = Translator(block, self.blocks, self.classes, cur.sizes, env, cur.channels, self.kind_class)
        inner.caller = True
        out = inner.translate()
        if not inner.attributes and not inner.forward and inner.sequential is None:
            return None, cur
        if cls is None:
            raise Untranslatable(f"`{call.name}`'s class is written from its calls")
        args = (cur.channels,) if cls.takes_in_channels else ()
        kwargs = {}
        for spec_name, python in cls.params:
            if spec_name in given:
                value = given[spec_name]
                if inner.wholed and _fractional(value):
                    # a quotient the callee makes a size of (`inner(c / 2)`): a whole number, as the spec requires
                    value = self.whole(value, spans[spec_name])
                kwargs[python] = Sym(self.call_argument(value, spec_name in cls.kind_params))
        if cls.takes_size:
            if any(size is UNKNOWN for size in cur.sizes):
                raise Untranslatable(f"`{call.name}` reads its input's size, which this class does not know")
            kwargs["in_size"] = tuple(cur.sizes)
        stride = arithmetic("*", cur.stride, out.stride)
        out = Tensor(cur.var, out.channels, out.sizes, stride, cur.regular and out.regular, safe=False)
        return TorchCall(cls.name, args, kwargs), out

    def call_argument(self, value: Any, kind: bool) -> str:
        if kind and isinstance(value, str):
            return self.kind_class(value)
        if value in ("true", "false"):
            return str(value == "true")
        return source(value)

    # ------------------------------------------------------------------ conditions

    def snapshot(self) -> tuple:
        sc = self.scope
        return dict(sc.names), set(sc.generated), dict(sc.counters), set(sc.failed), dict(self.env)

    def restore(self, snap: tuple) -> None:
        sc = self.scope
        sc.names, sc.generated, sc.counters, sc.failed = dict(snap[0]), set(snap[1]), dict(snap[2]), set(snap[3])

    def arms(self, stmt: s.If) -> list[tuple[Any, tuple]]:
        """The arms that may be taken, each with its condition (None: it is, where the ones before
        are not), the arms no call can take left out (their names reserved, as the analysis does)."""
        out = []
        for cond, body in stmt.arms:
            value = True if cond is None else self.condition(cond)
            if not isinstance(value, Sym) and not _truth(value):
                continue
            out.append((None if not isinstance(value, Sym) else cond, body))
            if not isinstance(value, Sym):
                break
        return out

    def run_arms(self, stmt: s.If, run) -> list[tuple[Any, Any]]:
        """Run each arm that may be taken (`run(body)`), named as the analysis names it when that arm
        is the one taken: the arms before it reserve their names. Returns (condition, result) pairs."""
        start, defined = self.snapshot(), dict(self.defined_where)
        names: dict[str, int | None] = {}
        made: dict[str, list] = {}  # a name an arm defines -> where each such arm is taken
        results = []
        earlier: list[Any] = []  # the conditions of the arms before
        for number, (cond, body) in enumerate(stmt.arms):
            self.restore(start)
            self.defined_where = dict(defined)
            for _, arm in stmt.arms[:number]:
                self.expander.reserve(arm, self.scope)
            value = True if cond is None else self.condition(cond)
            if not isinstance(value, Sym) and not _truth(value):
                continue
            before = set(self.scope.names)
            results.append((value if isinstance(value, Sym) else None, cond, run(body)))
            names.update(self.scope.names)
            taken = _and(*(Sym("not " + grouped(e, NOT), NOT) for e in earlier), value)
            for name in set(self.scope.names) - before:
                inner = self.defined_where.get(name) if name not in defined else None
                made.setdefault(name, []).append(taken if inner is None else _and(taken, inner))
            if not isinstance(value, Sym):
                break
            earlier.append(value)
        for _, arm in stmt.arms[len(results) :]:
            self.expander.reserve(arm, self.scope)
        self.scope.names.update(names)
        self.defined_where = defined
        for name, where in made.items():  # defined only where an arm that defines it is taken
            if len(where) < len(results) or results[-1][0] is not None:
                self.defined_where[name] = functools.reduce(_or, where)
        return results

    def claim(self, name: str, span: s.Span | None) -> None:
        """Reserve a name the spec writes (`c1:`). One an arm of an `if` defined before is defined
        twice where that arm is taken, which the class refuses, as the analysis does."""
        where = self.defined_where.pop(name, None)
        if where is not None:
            del self.scope.names[name]
            self.refuse([source(where)], "", span, f"`{name}` is already defined in this body")
        self.scope.claim(name, span)

    def same_otherwise(self, cond: Any, a: Any, b: Any) -> bool:
        """Whether `a`, a `let` value, is `b` where `cond` (`p != k`) does not hold: `hidden = in_channels
        * expand` is the input's channels where `expand == 1`, so one name serves both arms."""
        if not (isinstance(cond, s.Compare) and cond.op == "!=" and isinstance(a, Sym) and a.text in self.definitions):
            return False
        name, number = (cond.left, cond.right) if isinstance(cond.left, s.Name) else (cond.right, cond.left)
        if not isinstance(name, s.Name) or not isinstance(number, s.Number) or name.name not in self.env:
            return False
        env = self.env
        self.env = {**env, name.name: number.value}
        try:
            value = self.value(self.definitions[a.text])
        except Untranslatable:
            return False
        finally:
            self.env = env
        return _normal(source(value), self.aliases) == _normal(source(b), self.aliases)

    def test(self, cond: Any, env: dict) -> Any:
        """The forward's test of an arm's condition, over the attributes __init__ keeps: written at the
        end (when the kept attributes are named), with the values the names have at the `if` (`env`:
        a `let` may give a name another value further on, in an arm too)."""
        return lambda: source(self.at(env, lambda: self.condition(cond, forward=True)))

    def at(self, env: dict, work):
        """`work()` with the names' values of another place of the body."""
        here, self.env = self.env, env
        try:
            return work()
        finally:
            self.env = here

    def condition(self, cond: s.Expr, forward: bool = False) -> Any:
        """An `if`'s condition: true, false, or a test the class makes. A conditional expression
        with a number for an arm (`in.c == w if se else 4`) is refused by __init__ where that arm is
        taken, as the analysis refuses a condition that is not true or false."""
        if not isinstance(cond, s.IfExpr):
            return _truth_word(self.value(cond, True, forward))
        test = _truth_word(self.value(cond.cond, True))
        if not isinstance(test, Sym):
            return self.condition(cond.then if _truth(test) else cond.other, forward)
        then, other = self.condition(cond.then, forward), self.condition(cond.other, forward)
        for value, expr, taken in ((then, cond.then, test), (other, cond.other, Sym("not " + grouped(test, NOT), NOT))):
            if not isinstance(value, (bool, Sym)) and not forward:
                message = f"a condition is true or false, not `{show_value(value)}`"
                self.refuse([source(taken)], "if", expr.span, message)
        if not isinstance(then, (bool, Sym)):
            return other
        if not isinstance(other, (bool, Sym)):
            return then
        test = self.value(cond.cond, True, forward)
        text = (
            f"{grouped(then, CONDITIONAL, right=True)} if {grouped(test, CONDITIONAL, right=True)} "
            f"else {grouped(other, CONDITIONAL - 1)}"
        )
        return Sym(text, CONDITIONAL)

    def conditional(self, stmt: s.If, cur: Tensor, target: str) -> Tensor:
        if all(cond is None for cond, _ in self.arms(stmt)):  # decided when the class is written
            results = self.run_arms(stmt, lambda body: self.body(body, cur, target))
            return results[0][2] if results else cur
        var = self.flow(cur, target)

        before, env = dict(self.tensors), dict(self.env)  # the tensors and values at the `if`
        made: list[dict[str, Tensor]] = []  # the named tensors each arm makes

        tested = set(self.tested)

        def run(body):
            i0, f0, names = len(self.init), len(self.forward), self.snapshot()
            self.indent += 1
            self.findent += 1
            self.tensors = dict(before)
            self.tested = set(tested)  # what an arm tests holds in that arm only
            try:
                out = self.body(body, cur, target)
            except Refused as err:  # the arm is refused whatever the arguments: it raises the error
                del self.init[i0:], self.forward[f0:]
                self.tensors = dict(before)
                self.restore(names)  # its names are taken as an arm not taken takes them
                self.expander.reserve(body, self.scope)
                self.raise_refused(err)
                out = cur
            finally:
                self.indent -= 1
                self.findent -= 1
                self.tested = set(tested)
            made.append({k: v for k, v in self.tensors.items() if before.get(k) is not v})
            init_lines, fwd_lines = self.init[i0:], self.forward[f0:]
            del self.init[i0:], self.forward[f0:]
            return out, init_lines, fwd_lines

        results = self.run_arms(stmt, run)
        ends = {out.var for _, _, (out, _, _) in results}
        if len(ends) == 1 and results[-1][0] is None and ends != {cur.var}:
            var = ends.pop()  # every arm ends in one variable (`x_s2`, a name each makes): the tensor is there
        self.tensors = dict(before)
        for name in {k for arm in made for k in arm}:  # a name several arms make: its value is the arm's taken
            tensors = [(value, arm[name]) for (value, _, _), arm in zip(results, made) if name in arm]
            first = tensors[0][1]
            channels = _phi([(v, t.channels) for v, t in tensors], first.channels, self.aliases)
            exists = None
            if len(tensors) < len(results) or results[-1][0] is not None:  # not made where no arm makes it
                earlier = None  # the conditions of the arms before: an `else` holds where none does
                for (value, _, _), arm in zip(results, made):
                    holds = value if value is not None else Sym("not " + grouped(earlier, NOT), NOT)
                    if name in arm:
                        exists = _or(exists, holds)
                    earlier = _or(earlier, value) if value is not None else earlier
            regular = all(t.regular for _, t in tensors)
            self.tensors[name] = replace(first, channels=channels, regular=regular, exists=exists)
        inner = "    " * (self.indent + 1)
        if any(init_lines for _, _, (_, init_lines, _) in results):  # __init__: each arm's modules, under its condition
            for number, (value, _, (_, init_lines, _)) in enumerate(results):
                self.emit("else:" if value is None else f"{'elif' if number else 'if'} {value.text}:")
                self.init += init_lines or [inner + "pass"]
        if not any(fwd_lines or out.var != cur.var for _, _, (out, _, fwd_lines) in results):
            return cur
        # forward: the arm the call takes, its tensor left in `var`
        forwards = [(fwd_lines, out.var) for _, _, (out, _, fwd_lines) in results]
        if results[-1][0] is None and all(f == forwards[0] for f in forwards) and _plain_lines(forwards[0][0]):
            # every arm's forward is the same (`out = self.conv(x)`, a module each arm makes its own way): once
            self.forward += [line[4:] for line in forwards[0][0]]
            if forwards[0][1] != var:
                self.emit_forward(f"{var} = {forwards[0][1]}")
        else:
            self.arms_forward(results, cur, var, env)
        arms = [(value, out) for value, _, (out, _, _) in results]
        channels = _phi([(v, o.channels) for v, o in arms], cur.channels, self.aliases)
        if len(results) == 1 and self.same_otherwise(results[0][1], results[0][2][0].channels, cur.channels):
            channels = results[0][2][0].channels  # `hidden` where `expand != 1`, and `in_channels * 1` where not
        outs = [o for _, o in arms] + ([cur] if arms[-1][0] is not None else [])
        if len({len(o.sizes) for o in outs}) != 1:
            raise Untranslatable("arms that give tensors of different ranks")
        sizes = tuple(
            _phi([(v, o.sizes[i]) for v, o in arms], cur.sizes[i] if cur.sizes else None, self.aliases)
            for i in range(len(outs[0].sizes))
        )
        return Tensor(
            var,
            channels,
            sizes,
            _phi([(v, o.stride) for v, o in arms], cur.stride, self.aliases),
            cur.regular and all(o.regular for _, o in arms),
            owned=True,
            safe=all(o.safe for _, o in arms) and arms[-1][0] is None,
        )

    def arms_forward(self, results: list, cur: Tensor, var: str, env: dict) -> None:
        """The forward's `if`/`elif`/`else` over the arms, each leaving its tensor in `var`."""
        finner = "    " * (self.findent + 1)
        # an arm that makes nothing leaves the input: the variable holds it first (`out = x`), as
        # torchvision writes an optional step, and such arms at the end are left out
        unchanged = [not fwd_lines and out.var == cur.var for _, _, (out, _, fwd_lines) in results]
        if cur.var != var and (any(unchanged) or results[-1][0] is not None):
            self.emit_forward(f"{var} = {cur.var}")
        while unchanged and unchanged[-1]:
            unchanged.pop()
            results = results[:-1]
        for number, (value, cond, (out, _, fwd_lines)) in enumerate(results):
            if value is None:
                self.emit_forward("else:")
            else:
                test, word = self.test(cond, env), "elif" if number else "if"
                self.emit_forward(lambda test=test, word=word: f"{word} {test()}:")
            self.forward += fwd_lines
            if out.var != var and not unchanged[number]:
                self.forward.append(f"{finner}{var} = {out.var}")
            elif not fwd_lines:
                self.forward.append(f"{finner}pass")

    # ------------------------------------------------------------------ merges

    def entries(self, body: tuple, guard: tuple = ()):
        """A merge's body in order, as ("entry", guard, stmt), ("reserve", (), arm) for an arm no call
        takes, ("let" or "defaults", (), stmt): the merge acts on each as it comes, as the analysis
        does. A guard is the conditions an entry is made under: (expression, holds) pairs."""
        for stmt in body:
            if isinstance(stmt, s.If):
                earlier: list = []
                decided = False
                for cond, arm in stmt.arms:
                    if decided:
                        yield "reserve", (), arm
                        continue
                    value = True if cond is None else self.condition(cond)
                    if not isinstance(value, Sym) and not _truth(value):
                        yield "reserve", (), arm
                        continue
                    own = tuple((e, False) for e in earlier) + (((cond, True),) if isinstance(value, Sym) else ())
                    yield from self.entries(arm, guard + own)
                    if isinstance(value, Sym):
                        earlier.append(cond)
                    else:
                        decided = True
            elif isinstance(stmt, s.Let):
                yield "let", (), stmt
            elif isinstance(stmt, s.Defaults):
                yield "defaults", (), stmt
            else:
                yield "entry", guard, stmt

    def guard_test(self, guard: tuple, forward: bool) -> Any:
        """A guard as one condition: its conditions' values, each negated where it must not hold."""
        result: Any = None
        for expr, holds in guard:
            value = self.condition(expr, forward)
            if not holds:
                value = (not _truth(value)) if not isinstance(value, Sym) else Sym("not " + grouped(value, NOT), NOT)
            if result is None:
                result = value
            else:
                result = Sym(f"{grouped(result, AND)} and {grouped(value, AND, right=True)}", AND)
        return result

    def merge(self, comp: s.Compound, cur: Tensor, target: str) -> Tensor:
        kind = merge_kind(comp.head)
        if kind is None:
            raise Untranslatable(comp.head)
        if comp.label:
            self.claim(comp.label, comp.span)
        items = list(self.entries(comp.body))
        entries = [(guard, stmt) for what, guard, stmt in items if what == "entry"]
        kinds = []
        for _, stmt in entries:
            head = stmt.head if isinstance(stmt, s.Compound) else stmt.label if isinstance(stmt, s.Line) else None
            if isinstance(stmt, s.Line) and is_word(stmt, "project"):
                kinds.append("project")
            elif isinstance(stmt, s.Line) and is_word(stmt, "identity"):
                kinds.append("identity")
            elif head is None:
                raise Untranslatable("an entry of a merge")
            else:
                kinds.append("layers")
        layered = [i for i, k in enumerate(kinds) if k == "layers"]
        if not layered or entries[0][0]:
            raise Untranslatable("a merge whose first branch is optional, or without a branch of layers")
        if "project" in kinds and any(g for g, _ in entries):
            raise Untranslatable("a projected shortcut beside optional branches")
        residual = len(layered) == 1  # one branch of layers beside the input (projected or not)
        readers = len(entries) - (1 if residual else 0)
        shared = cur
        if cur.owned and readers:  # the branches read the input: it keeps a variable of its own
            save = "identity" if residual or not cur.label else self.variable(cur.label)
            self.emit_forward(f"{save} = {cur.var}")
            shared = replace(cur, var=save, owned=False, safe=False)
        outs: list[Tensor | None] = []
        guards: list[tuple] = []
        project = None
        projected_at = 0
        number = 0
        for what, guard, stmt in items:
            if what == "reserve":
                self.expander.reserve(stmt, self.scope)
                continue
            if what == "let":
                self.let(stmt)
                continue
            if what == "defaults":
                self.defaults(stmt)
                continue
            number += 1
            entry = kinds[number - 1]
            guards.append(guard)
            source_tensor = cur if number - 1 == layered[0] and residual else shared
            start = replace(source_tensor, stride=1, regular=True, owned=False, safe=False, size_tests=())
            if entry == "project":
                if stmt.label not in ("shortcut", "branch"):
                    self.claim(stmt.label, stmt.label_span)
                project = (number - 1, stmt)
                projected_at = len(self.init)
                self.init.append([])  # filled once the other branch is known
                outs.append(None)
                continue
            if entry == "identity":
                outs.append(start)
                continue
            branch_target = self.flow(cur, target) if residual else self.branch_name(stmt, number)
            outs.append(
                self.optional(guard, lambda stmt=stmt, start=start, t=branch_target: self.entry(stmt, start, t))
            )
        if project is not None:
            index, stmt = project
            other = next(o for i, o in enumerate(outs) if i != index)
            outs[index] = self.projection(stmt, shared, other, projected_at)
        if comp.label:
            self.scope.names[comp.label] = _MARK
        else:
            self.scope.auto_name(kind.name)
        if len(outs) == 1:  # `if 2 == 1: branch: identity` left one branch: the merge is that branch
            return outs[0]
        return self.combine(kind, outs, guards, cur, target, comp.span)

    def entry(self, stmt: Any, start: Tensor, target: str) -> Tensor:
        if isinstance(stmt, s.Compound):
            if stmt.head not in ("branch", "shortcut"):
                raise Untranslatable("a merge inside a merge's entries")
            return self.body(stmt.body, start, target)
        if stmt.label in ("branch", "shortcut"):
            return self.line(replace(stmt, label=None, label_span=None), start, target)
        return self.line(stmt, start, target)

    def optional(self, guard: tuple, run) -> Any:
        """`run()`, its modules and its forward under the guard's test where it has one."""
        if not guard:
            return run()
        i0, f0 = len(self.init), len(self.forward)
        tested = set(self.tested)
        self.indent += 1
        self.findent += 1
        try:
            out = run()
        finally:
            self.indent -= 1
            self.findent -= 1
            self.tested = tested
        if len(self.init) > i0:
            self.init.insert(i0, "    " * self.indent + f"if {source(self.guard_test(guard, False))}:")
        if len(self.forward) > f0:
            indent = self.findent
            env = dict(self.env)
            self.forward.insert(
                f0, lambda: "    " * indent + f"if {source(self.at(env, lambda: self.guard_test(guard, True)))}:"
            )
        return out

    def branch_name(self, stmt: Any, number: int) -> str:
        label = stmt.label if isinstance(stmt, s.Line) else None
        if label and label not in ("branch", "shortcut") and IDENT.match(label):
            name = sanitise(label)
        else:
            name = f"branch{number}"
        while name in ("x", "out", "identity") or name in self.variables:
            name += "_"
        return name

    def projection(self, stmt: s.Line, shared: Tensor, other: Tensor, at: int) -> Tensor:
        """The shortcut of `stmt` (`shortcut: project`, `NAME: project`): the input where the other
        branch keeps its channels and does not stride, else a 1x1 conv and a batchnorm with the
        branch's stride (torchvision's rule). Where the sizes are known (the network's own lines), the
        projection is the analysis's: the stride that takes the input's sizes to the branch's."""
        sizes = (*shared.sizes, *other.sizes)
        if sizes and not any(is_sym(v) or v is UNKNOWN for v in sizes):
            strides = [stride_between(a, b) for a, b in zip(shared.sizes, other.sizes)]
            if None in strides:
                raise Untranslatable("a projection the analysis refuses")
            stride = strides[0] if len(set(strides)) == 1 else tuple(strides)
            differs = _or(shared.sizes != other.sizes, _differ(shared.channels, other.channels))
        else:
            if not other.regular:
                raise Untranslatable("a projected branch that changes the size other than by its strides")
            for test, span in other.size_tests:  # the rule holds where the padding makes up for the kernel
                message = "the shortcut's projection takes the branch's strides: its padding must keep the size"
                self.refuse([test], "", span, message)
            stride = other.stride
            differs = _or(_differ(stride, 1), _differ(shared.channels, other.channels))
        named = stmt.label not in ("shortcut", "branch")
        base = stmt.label if named else self.scope.fresh("shortcut")  # taken whether or not it is made
        if differs is False:
            return shared
        layers = projection_layers(other.channels, stride)
        in_shape = (shared.channels, *shared.sizes)
        calls = []
        for _, kind, options in layers:
            resolved = self.resolve(kind, options, {"": stmt.span})
            calls.append(kind.torch_module(resolved, in_shape))
            in_shape = (other.channels, *in_shape[1:])
        lines: list[str] = []
        outer_indent = self.indent
        pad = "    " * (outer_indent + (1 if differs is not True else 0))
        if named:
            attrs = [stmt.label]
            ctor = self.constructor(TorchCall("nn.Sequential", tuple(calls)), len(pad) + 8, len(pad) + 8)
            ctors = [ctor]
        else:
            attrs = [base, self.scope.fresh(f"{base}_bn")]
            ctors = [self.constructor(c, len(pad) + 8, len(pad) + 8) for c in calls]
        for attr in attrs:
            if not IDENT.match(attr) or attr in MODULE_ATTRIBUTES:
                raise Untranslatable(f"`{attr}`")
        if differs is True:
            lines += [f"{pad}self.{a} = {c}" for a, c in zip(attrs, ctors)]
        else:
            outer = "    " * outer_indent
            lines.append(f"{outer}if {differs.text}:")
            lines += [f"{pad}self.{a} = {c}" for a, c in zip(attrs, ctors)]
            lines.append(f"{outer}else:")
            lines += [f"{pad}self.{a} = None" for a in attrs]
        self.init[at] = lines
        self.attributes += attrs
        applied = shared.var
        for attr in attrs:
            applied = f"self.{attr}({applied})"
        if differs is True:
            self.emit_forward(f"identity = {applied}")
        else:
            if shared.var != "identity":
                self.emit_forward(f"identity = {shared.var}")
            self.emit_forward(f"if self.{attrs[0]} is not None:")
            self.emit_forward(f"    identity = {applied}")
        return Tensor("identity", other.channels, other.sizes, other.stride, True, owned=False, safe=True)

    def combine(
        self,
        kind: LayerKind,
        outs: list,
        guards: list,
        cur: Tensor,
        target: str,
        span: s.Span,
        fresh: bool = False,
    ) -> Tensor:
        """The merge of the branches `outs`, each taken where its guard holds (the first always)."""
        first = outs[0]
        var = self.flow(cur, target)
        names = [o.var for o in outs]
        if kind.symbol:  # elementwise: the channels are equal (a product's may be 1, and broadcast)
            channels = first.channels
            for out, guard in zip(outs[1:], guards[1:]):
                a, b = channels, out.channels
                channels = self.optional(guard, lambda a=a, b=b, guard=guard: self.elementwise(kind, a, b, span, guard))
                if guard and channels is not a:
                    raise Untranslatable("a product whose optional branch broadcasts the channels")
        else:  # an optional branch gives its channels where its guard holds, none elsewhere
            present = [
                o.channels if not g else _phi([(self.guard_test(g, False), o.channels)], 0, self.aliases)
                for o, g in zip(outs, guards)
            ]
            try:
                shape = kind.output_shape({"_names": names}, [(c, *o.sizes) for c, o in zip(present, outs)])
            except (Undecided, TypeError) as err:
                raise Untranslatable(str(err)) from None
            channels = shape[0]
        sizes = max((o.sizes for o in outs), key=lambda sizes: sizes != (1,) * len(sizes))  # 1x1 factors broadcast
        inplace = not fresh and first.owned and first.safe and first.var == var and names.count(first.var) == 1
        if not any(guards):
            update = kind.torch_merge_inplace({}, names) if inplace else None
            self.emit_forward(update or f"{var} = {kind.torch_merge({'_names': names}, names)}")
        elif not kind.symbol:  # the branches that are there, in the spec's order, merged at once
            self.emit_forward(f"parts = [{first.var}]")
            for out, guard in zip(outs[1:], guards[1:]):
                self.optional(guard, lambda out=out: self.emit_forward(f"parts.append({out.var})"))
            self.emit_forward(f"{var} = {kind.torch_merge({'_names': names}, ['*parts'])}")
        else:  # one branch after another, each where its guard holds
            if first.var != var:
                self.emit_forward(f"{var} = {first.var}")
            for out, guard in zip(outs[1:], guards[1:]):
                pair = [var, out.var]
                update = kind.torch_merge_inplace({}, pair) if inplace else None
                line = update or f"{var} = {kind.torch_merge({'_names': pair}, pair)}"
                self.optional(guard, lambda line=line: self.emit_forward(line))
        # the branches meet at one size (a product's 1x1 factors broadcast): a branch that keeps the size
        # but for its strides says it
        sized = next((o for o in outs if o.regular), None)
        stride = arithmetic("*", cur.stride, sized.stride if sized is not None else 1)
        regular = cur.regular and sized is not None
        safe = kind.inplace_safe and not any(guards)
        return Tensor(var, channels, sizes, stride, regular, owned=True, safe=safe)

    def equalities(self, guard: tuple) -> list[set[str]]:
        """The pairs of values a guard says are equal (`in.c == out`, alone or under `and`), as sources."""
        found, conditions = [], [expr for expr, holds in guard if holds]
        while conditions:
            expr = conditions.pop()
            if isinstance(expr, s.BoolOp) and expr.op == "and":
                conditions += [expr.left, expr.right]
            elif isinstance(expr, s.Compare) and expr.op == "==":
                values = (self.value(expr.left, True), self.value(expr.right, True))
                found.append({_normal(source(v), self.aliases) for v in values})
        return found

    def elementwise(self, kind: LayerKind, a: Any, b: Any, span: s.Span, guard: tuple) -> Any:
        """The channels of `a` and `b` channels added (they must be equal) or multiplied (equal, or one
        of them 1, which broadcasts), tested by the class where only the constructor knows them (and
        the branch's guard does not say they are equal: MobileNetV2's `in.c == out`)."""
        same = {_normal(source(a), self.aliases), _normal(source(b), self.aliases)}
        differ = _differ(a, b) if len(same) > 1 and same not in self.equalities(guard) else False
        if kind.broadcasts:
            differ = _and(differ, _differ(a, 1), _differ(b, 1))
        if differ is True:
            self.refuse(["True"], kind, span, f"{kind.name} of branches whose channels differ")
        elif differ is not False:
            self.refuse([source(differ)], kind, span)
        if not kind.broadcasts or _differ(b, 1) is False or _differ(a, b) is False:
            return a
        if _differ(a, 1) is False:
            return b
        return Sym(f"max({source(a)}, {source(b)})", integral=True, positive=True)


# ----------------------------------------------------------------------------- the class


def translate_block(
    block: s.BlockDef,
    blocks: dict[str, s.BlockDef],
    classes: dict[str, TranslatedClass],
    rank: int,
    class_name: str,
    kind_class,
    helpers: dict[str, str],
) -> TranslatedClass:
    """The class of `block` for inputs of `rank` spatial dimensions, or Untranslatable."""
    params = _python_names(block.params, {"in_channels", *RESERVED})
    env = {p.name: Sym(python) for p, (_, python) in zip(block.params, params)}
    own_helpers: dict[str, str] = {}
    channels = Sym("in_channels", positive=True, integral=True)
    t = Translator(block, blocks, classes, (UNKNOWN,) * rank, env, channels, kind_class, own_helpers)
    t.pynames = {p.name: python for p, (_, python) in zip(block.params, params)}
    names = {p.name for p in block.params}
    computed = []  # defaults over other parameters or `in`: None in the signature, worked out first thing
    for p in block.params:
        if p.default is not None and _kind_word(p.default) is None and _default_literal(p.default, names) is None:
            t.value(p.default)  # raises Untranslatable where the constructor cannot work it out
    out = _translated(t)
    signature = ["self", "in_channels: int"]
    for p, (_, python) in zip(block.params, params):
        if p.default is None:
            types = t.used_as.get(python, set())
            annotation = ": type[nn.Module]" if p.name in t.kind_params else _annotation_of(types)
            signature.append(python + annotation)
            continue
        word = _kind_word(p.default)
        if word is not None:
            signature.append(f"{python}: type[nn.Module] = {kind_class(word)}")
            continue
        if p.name in t.kind_params:
            raise Untranslatable("a layer kind parameter with a default that is no layer kind")
        default = _default_literal(p.default, names)
        if default is not None:
            signature.append(f"{python}{_annotation(default[1])} = {default[0]}")
        else:
            value = t.value(p.default)
            signature.append(f"{python}=None")
            computed.append(f"if {python} is None:")
            computed.append(f"    {python} = {source(value)}")
    init = computed + [line for entry in t.init for line in (entry if isinstance(entry, list) else [entry])]
    forward = [line() if callable(line) else line for line in t.forward]
    takes_in = any("in_channels" in line for line in init) or "in.c" in t.kept
    if not takes_in:
        signature.remove("in_channels: int")
    if t.reads_size:  # the input's spatial sizes, which only the caller knows
        signature += [
            *(["*"] if not any(item.startswith("*") for item in signature) else []),
            "in_size: tuple[int, ...]",
        ]
    shown = ", ".join(p.name for p in block.params)
    doc = f"The spec's block `{block.name}({shown})`."
    if t.sequential is not None:  # an nn.Sequential: its __init__ hands the members to nn.Sequential's, no forward
        forward = None
    lines = _class_text(t, class_name, doc, signature, init, forward, out)
    helpers.update(own_helpers)
    return TranslatedClass(class_name, block.name, params, takes_in, lines, set(t.kind_params), t.reads_size)


def translate_network(
    name: str,
    params: tuple,
    settings: dict[str, Any],
    body: tuple,
    input_shape: tuple,
    blocks: dict[str, s.BlockDef],
    classes: dict[str, TranslatedClass],
    class_name: str,
    kind_class,
    helpers: dict[str, str],
    ending: list[str],
) -> list[str]:
    """The network's class: its parameters keyword-only, with the values the spec was checked with
    as defaults; `ending`: the last lines of __init__ (the `init` line's loop, the frozen paths)."""
    span = body[0].span if body else s.Span("", 1, 1, 1, 1)
    network = s.BlockDef(name, params, body, span, span)
    pynames = dict(_python_names(params, {*RESERVED, *(c.name for c in classes.values())}))
    env, signature = {}, ["self"]
    for p in params:
        python = pynames[p.name]
        value = settings[p.name]
        word = _kind_word(p.default)
        if word is not None:
            env[p.name] = Sym(python)
            signature.append(f"{python}: type[nn.Module] = {kind_class(value)}")
            continue
        env[p.name] = Sym(python)
        shown = str(value == "true") if value in ("true", "false") else literal(value)
        kind = bool if value in ("true", "false") else type(value)
        signature.append(f"{python}{_annotation(kind())} = {shown}")
    if len(signature) > 1:
        signature.insert(1, "*")
    own_helpers: dict[str, str] = {}
    t = Translator(network, blocks, classes, tuple(input_shape[1:]), env, input_shape[0], kind_class, own_helpers, True)
    t.pynames = pynames
    out = _translated(t)
    forward = [line() if callable(line) else line for line in t.forward]  # first: it says what __init__ keeps
    init = [line for entry in t.init for line in (entry if isinstance(entry, list) else [entry])]
    lines = _class_text(t, class_name, "The network.", signature, init, forward, out, ending)
    helpers.update(own_helpers)
    return lines


def _python_names(params: tuple, taken: set[str]) -> list[tuple[str, str]]:
    """Each parameter's name and its Python name (`in` is `in_`; `x_2` where `x` is taken)."""
    names = []
    for p in params:
        python, n = sanitise(p.name), 1
        while python in taken:
            n += 1
            python = f"{sanitise(p.name)}_{n}"
        taken.add(python)
        names.append((p.name, python))
    return names


def _translated(t: Translator) -> Tensor:
    """The body walked; what stops it is the translator's `unsupported`."""
    try:
        return t.translate()
    except Undecided as err:
        raise Untranslatable(f"a question about {err}") from None
    except (SpecError, ShapeError, Refused) as err:  # what the analysis reports for the calls: not written here
        raise Untranslatable(str(err)) from None


def _class_text(
    t: Translator,
    class_name: str,
    doc: str,
    signature: list[str],
    init: list[str],
    forward: list[str] | None,
    out: Tensor,
    ending: list[str] = (),
) -> list[str]:
    """The class's source: __init__ (the values the forward reads kept last), forward; an
    nn.Sequential where there is no forward (its __init__ calls nn.Sequential's with the members)."""
    if any(attr in t.attributes or attr in MODULE_ATTRIBUTES for attr in t.kept.values()):
        raise Untranslatable("a kept value named like a module")
    init = init + [f"self.{attr} = {t.kept_from[attr]}" for attr in t.kept.values()]
    head = f"    def __init__({', '.join(signature)}) -> None:"
    if len(head) > MAX_LINE:
        head = "    def __init__(\n" + "".join(f"        {item},\n" for item in signature) + "    ) -> None:"
    if forward is None:
        return [
            f"class {class_name}(nn.Sequential):",
            f'    """{doc}"""',
            "",
            head,
            *("        " + line for line in init),
        ]
    lines = [f"class {class_name}(nn.Module):", f'    """{doc}"""', "", head, "        super().__init__()"]
    lines += ["        " + line for line in init]
    lines += ending
    lines += ["", "    def forward(self, x: torch.Tensor) -> torch.Tensor:"]
    lines += ["        " + line for line in forward]
    lines.append(f"        return {out.var}")
    return lines


# ----------------------------------------------------------------------------- helpers


def kind_params(block: s.BlockDef, blocks: dict[str, s.BlockDef] | None = None) -> set[str]:
    """The parameters that stand for a layer kind: those whose default is one (`act=relu`), those
    written where a layer starts (first on a line, or after a layer whose positional arguments are
    all given: `bn act`), and those passed on as a called block's (`inner(w, act=act)`)."""
    params = {p.name for p in block.params}
    found = {p.name for p in block.params if _kind_word(p.default) is not None}
    blocks = blocks or {}

    def passed_on(call: s.Call) -> None:
        callee = blocks.get(call.name)
        if callee is None or callee is block:
            return
        kinds = kind_params(callee, blocks)
        given = {p.name: a for p, a in zip(callee.params, call.args)} | {o.key: o.value for o in call.options}
        for name, value in given.items():
            if name in kinds and isinstance(value, s.Name) and value.name in params:
                found.add(value.name)

    def elem(e: s.Elem) -> None:
        kind: Any = None
        given = 0
        for atom in e.atoms:
            function = isinstance(atom, s.Call) and atom.name in FUNCTIONS and atom.name not in blocks
            if isinstance(atom, s.Call) and not function:
                passed_on(atom)
            if isinstance(atom, (s.Option, s.Label)) or (isinstance(atom, s.Call) and not function):
                continue
            if isinstance(atom, s.Name) and atom.name in params:
                if kind is None or given >= len(kind.positional):
                    found.add(atom.name)
                    kind, given = lookup("identity"), 0
                    continue
            elif isinstance(atom, s.Name) and lookup(atom.name) is not None:
                kind, given = lookup(atom.name), 0
                continue
            given += 1

    for stmt in s.statements(block.body):
        if isinstance(stmt, s.Line):  # (a split's words are no layers)
            for e in stmt.elems:
                elem(e)
    return found


def _kind_word(expr: Any) -> str | None:
    """The layer kind a parameter's default names (`act=relu`), if it names one."""
    if isinstance(expr, s.Name):
        kind = lookup(expr.name)
        if kind is not None and not kind.merge and expr.name not in ("true", "false"):
            return expr.name
    return None


def _default_literal(expr: Any, params: set[str] = frozenset()) -> tuple[str, Any] | None:
    """A parameter's default as Python source with its value, where it is a number or a word (not
    another parameter: `g1=g`)."""
    if isinstance(expr, s.Name) and expr.name in params:
        return None
    if isinstance(expr, s.Number):
        return literal(expr.value), expr.value
    if isinstance(expr, s.Neg) and isinstance(expr.operand, s.Number):
        return literal(-expr.operand.value), -expr.operand.value
    if isinstance(expr, s.Name):
        if expr.name in ("true", "false"):
            return str(expr.name == "true"), expr.name == "true"
        return literal(expr.name), expr.name
    if isinstance(expr, s.Dims):
        return literal(expr.sizes), expr.sizes
    return None


def _annotation(value: Any) -> str:
    return {bool: ": bool", int: ": int", float: ": float", str: ": str", tuple: ": tuple[int, ...]"}.get(
        type(value), ""
    )


def _referenced(body: tuple) -> set[str]:
    """The names the lines of a body (and of the bodies in it) read: `from NAME` and merges by name."""
    names: set[str] = set()
    previous: Any = None
    for stmt in body:
        if isinstance(stmt, s.SplitLine) and from_name(stmt.elems[0]) is None and getattr(previous, "label", None):
            names.add(previous.label)  # what a split cuts keeps its line's name (`c1x1_w_s1`)
        previous = stmt
        if isinstance(stmt, (s.Line, s.SplitLine)):
            for elem in stmt.elems:
                start = from_name(elem)
                if start is not None:
                    names.add(start.name)
                head = elem.atoms[0]
                if isinstance(head, s.Call) and merge_kind(head.name):
                    names.update(a.name for a in head.args if isinstance(a, s.Name))
        elif isinstance(stmt, s.Compound):
            names |= _referenced(stmt.body)
        elif isinstance(stmt, s.If):
            for _, arm in stmt.arms:
                names |= _referenced(arm)
    return names


def _normal_value(value: Any, aliases: dict[str, str]) -> Any:
    return Sym(_normal(value.text, aliases)) if isinstance(value, Sym) else value


def _annotation_of(types: set[str]) -> str:
    """A parameter's annotation from the options that read it as it is: `int` for channels."""
    if types and types <= {"int", "size"}:  # a size may be a tuple (`3x1`), but is mostly written as one number
        return ": int"
    if types and types <= {"int", "float"}:
        return ": float"
    if types == {"bool"}:
        return ": bool"
    return ""


def _plain(expr: Any) -> bool:
    """Arithmetic of numbers alone (no name, no `in.c`), which the spec's own evaluation computes."""
    if isinstance(expr, s.Number):
        return True
    if isinstance(expr, s.Neg):
        return _plain(expr.operand)
    return isinstance(expr, s.BinOp) and _plain(expr.left) and _plain(expr.right)


def _constant(value: Any, expr: Any) -> Any:
    """A value as an expression `evaluate` reads (a number or a word)."""
    if isinstance(value, bool):
        return s.Name("true" if value else "false", expr.span)
    if isinstance(value, (int, float)):
        return s.Number(value, expr.span) if value >= 0 else s.Neg(s.Number(-value, expr.span), expr.span)
    if isinstance(value, tuple):
        return s.Tuple(tuple(_constant(v, expr) for v in value), expr.span)
    return s.Name(value, expr.span)


def _truth_word(value: Any) -> Any:
    return (value == "true") if value in ("true", "false") else value


def _truth(value: Any) -> bool:
    return bool(_truth_word(value))


def _fractional(value: Any) -> bool:
    return value.fractional if isinstance(value, Sym) else isinstance(value, float)


def _differ(a: Any, b: Any) -> Any:
    if not is_sym(a) and not is_sym(b):
        return a != b
    if a == b:
        return False
    return Sym(f"{grouped(a, COMPARE)} != {grouped(b, COMPARE)}", COMPARE)


def _plain_lines(lines: list) -> bool:
    """Lines of the forward written out already (not worked out at the end: a test over kept values)."""
    return bool(lines) and all(isinstance(line, str) for line in lines)


def _and(*values: Any) -> Any:
    if any(v is False for v in values):
        return False
    tests = [v for v in values if v is not True]
    if len(tests) > 1:
        return Sym(" and ".join(grouped(v, AND) for v in tests), AND)
    return tests[0] if tests else True


def _or(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return Sym(f"{grouped(a, OR)} or {grouped(b, OR, right=True)}", OR)


def _phi(arms: list[tuple[Any, Any]], otherwise: Any, aliases: dict[str, str]) -> Any:
    """The value of the arm taken: `a if cond else b`, the arms' conditions in order. `aliases`: the
    local names that stand for another (`input_channels` for `in_channels`)."""
    values = [v for _, v in arms]
    if arms[-1][0] is not None:
        arms = [*arms, (None, otherwise)]
        values.append(otherwise)
    if all(v == values[0] for v in values):
        return values[0]
    if len(arms) == 2 and isinstance(arms[0][0], Sym):  # `a if a != b else b` is `a`: where they differ or not
        (cond, a), (_, b) = arms
        same = {
            _normal(f"{grouped(x, COMPARE)} {op} {grouped(y, COMPARE)}", aliases)
            for x, y in ((a, b), (b, a))
            for op in ("!=", "==")
        }
        text = _normal(cond.text, aliases)
        if text in same:
            return a if " != " in text else b
    result = arms[-1][1]
    for cond, value in reversed(arms[:-1]):
        # `(a if f else b) if se else 2`: a conditional before `if` or in the test takes parentheses
        text = (
            f"{grouped(value, CONDITIONAL, right=True)} if {grouped(cond, CONDITIONAL, right=True)} "
            f"else {grouped(result, CONDITIONAL - 1)}"
        )
        result = Sym(text, CONDITIONAL, _fractional(value) or _fractional(result))
    return result


def _normal(text: str, aliases: dict[str, str]) -> str:
    """`text` with each local name that stands for another written as that one."""
    return re.sub(r"[A-Za-z_]\w*", lambda m: aliases.get(m.group(0), m.group(0)), text)


def _items(value: Any) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _join(a: s.Span, b: s.Span) -> s.Span:
    return s.Span(a.file, a.line, a.column, b.end_line, b.end_column)


def _string(text: str) -> str:
    import json

    return json.dumps(text)
