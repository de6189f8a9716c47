"""`archspec.from_torch`: a PyTorch module as `.arch` text. The module is traced with torch.fx and
its shapes propagated from an input; each operation is mapped to a layer kind, and what has no
counterpart is named in the error, never guessed at:

- a module with parameters is a line named as its attribute (`conv1: conv 64 7x7 ...`), so the
  spec's module has the same `state_dict` keys; `nn.Sequential` is a sequence (`features: conv
  ..., relu, maxpool ...`, numbered from 0 as PyTorch numbers it);
- a class of the model's own (not torch.nn's) is a block; where several instances of it have the
  same operations in the same order, they are calls of one block, the numbers in which they
  differ (a width, a stride) its parameters (`conv1_out`, `conv1_stride`), each call passing its
  own; instances with other operations (one with a projection shortcut, one without) make a
  block of their own (`basic_block_2`);
- a tensor read again later is named (`add(bn2, in)`, `from in, ...`), `in` being a block's input;
  the network's input, where lines after the first read it, is named by a first line `x: identity`.

torch is imported here only (`archspec check` and the analysis never import it)."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from typing import Any

SHOWN = 6  # operations without a counterpart named in the error; the rest are counted


class _NoCounterpart(Exception):
    pass


class ImportFailed(Exception):
    """The module cannot be written as a spec: it cannot be traced, or operations have no
    counterpart (each named, with where it is)."""


@dataclass
class Op:
    """One line of a body: a layer (`kind` a layer kind), a block call (`call` set), or a
    sequence of members. `fields`: (name, value, default, positional) in the order written."""

    label: str | None
    kind: str = ""
    fields: list[tuple[str, Any, Any, bool]] = field(default_factory=list)
    inputs: list[Any] = field(default_factory=list)  # "in", or earlier ops of the body
    call: Body | None = None  # the instance a block call runs
    members: list[Op] = field(default_factory=list)
    name: str | None = None  # the name later lines read it by


@dataclass
class Body:
    """The operations of one module's forward (the network's, or one instance of a class)."""

    path: str
    cls: type | None
    ops: list[Op]
    block: str = ""  # the block it is an instance of (set when blocks are assigned)
    args: list[tuple[str, Any]] = field(default_factory=list)  # its call's: (parameter, value)
    params: dict[int, str] = field(default_factory=dict)  # a number's index in `_values` -> its parameter


def from_torch(module, input_shape, name: str | None = None) -> str:
    """The `.arch` text of `module` (a torch.nn.Module) for inputs of `input_shape` (without the
    batch: `(3, 224, 224)` or `"3x224x224"`). Raises ImportFailed."""
    import torch
    from torch.fx.passes.shape_prop import ShapeProp

    shape = _shape(input_shape)
    module = module.eval()
    try:
        traced = torch.fx.symbolic_trace(module)
    except Exception as exc:
        raise ImportFailed(f"torch.fx cannot trace {type(module).__name__}: {_first_line(exc)}") from None
    try:
        with torch.no_grad():
            ShapeProp(traced).propagate(torch.zeros(1, *shape))
    except Exception as exc:
        what = f"{type(module).__name__} does not run on an input of {_dims(shape)}"
        raise ImportFailed(f"{what}: {_first_line(exc)}") from None
    if isinstance(module, torch.nn.Sequential):  # its layers are `0`, `1`, ...: no line of a network is named so
        raise ImportFailed(
            f"{type(module).__name__} is an nn.Sequential, whose layers are named 0, 1, ..., which a network's "
            "lines cannot be: import a module that holds it as an attribute (`self.features = ...`)"
        )
    root = _Tracer(module, traced).root()
    blocks = _assign_blocks(root)
    lines = [f"# {type(module).__name__}, imported from PyTorch by archspec.from_torch", ""]
    for block in blocks:
        lines += _block_text(block) + [""]
    lines += [f"network {_name(name or type(module).__name__)}", f"input {_dims(shape)}"]
    lines += _body_lines(root.ops, root, {}, "")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------- tracing
class _Tracer:
    def __init__(self, module, traced):
        self.module = module
        self.nodes = [n for n in traced.graph.nodes]
        self.modules = dict(module.named_modules())
        self.unsupported: list[str] = []

    def root(self) -> Body:
        placeholder = next(n for n in self.nodes if n.op == "placeholder")
        body = self._body("", type(self.module), [n for n in self.nodes if n.op in _OPS], placeholder)
        if self.unsupported:
            found = list(dict.fromkeys(self.unsupported))
            more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
            raise ImportFailed(f"no layer kind of archspec for: {'; '.join(found[:SHOWN])}{more}")
        return body

    def _owner(self, node) -> str:
        """The module whose forward made `node` (a call_module: the module itself)."""
        if node.op == "call_module":
            return node.target
        stack = node.meta.get("nn_module_stack") or {}
        paths = [v[0] if isinstance(v, tuple) else v for v in stack.values()]
        return paths[-1] if paths else ""

    def _body(self, path: str, cls, nodes: list, entry) -> Body:
        """The body of the module at `path` (its forward made `nodes`; `entry` is its input)."""
        ops: list[Op] = []
        made: dict[Any, Op] = {}  # fx node -> the op whose output it is
        groups: list[tuple[str, list]] = []  # (child path or "", its nodes), in order
        calls: dict[str, int] = {}
        for node in nodes:
            owner = self._owner(node)
            rest = owner[len(path) + 1 :] if path else owner
            child = rest.split(".")[0] if rest and (not path or owner.startswith(path + ".")) else ""
            key = f"{path}.{child}" if path and child else child
            if child and groups and groups[-1][0] == key:
                groups[-1][1].append(node)
            else:
                groups.append((key if child else "", [node]))
        for key, group in groups:
            if not key:
                for node in group:
                    op = self._function(node, made, entry, path)
                    if op is not None:
                        ops.append(op)
                        made[node] = op
                continue
            sub = self.modules[key]
            label = key.rsplit(".", 1)[-1]
            first = group[0]
            inputs = [a for a in first.args if hasattr(a, "op")]
            source = inputs[0] if inputs else entry
            if _is_leaf(sub):
                calls[key] = calls.get(key, 0) + len(group)
                if calls[key] > 1 and _has_state(sub):
                    self.unsupported.append(f"{key} ({type(sub).__name__}) called {calls[key]} times: shared weights")
                for k, node in enumerate(group):
                    op = self._leaf(sub, node, key, label if k == 0 else None)
                    op.inputs = [self._ref(a, made, entry) for a in node.args if hasattr(a, "op")]
                    ops.append(op)
                    made[node] = op
                continue
            if type(sub).__name__ == "Sequential" and type(sub).__module__.startswith("torch.nn"):
                op = self._sequence(sub, key, label, group, made, entry)
            else:
                inner = self._body(key, type(sub), group, source)
                op = Op(label, call=inner, inputs=[self._ref(source, made, entry)])
            ops.append(op)
            made[group[-1]] = op
        return Body(path, cls, ops)

    def _sequence(self, seq, key: str, label: str, group: list, made: dict, entry) -> Op:
        """`nn.Sequential`: its members in order, each taking the one before."""
        op = Op(label, kind="sequence")
        first_in = [a for a in group[0].args if hasattr(a, "op")]
        op.inputs = [self._ref(first_in[0] if first_in else entry, made, entry)]
        by_member: list[tuple[str, list]] = []
        for node in group:
            owner = self._owner(node)[len(key) + 1 :]
            index = owner.split(".")[0]
            if by_member and by_member[-1][0] == index:
                by_member[-1][1].append(node)
            else:
                by_member.append((index, [node]))
        if [i for i, _ in by_member] != [str(k) for k in range(len(seq))]:
            self.unsupported.append(f"{key}: a Sequential whose members do not run once each, in order")
            return op
        for index, nodes in by_member:
            sub = seq[int(index)]
            if _is_leaf(sub) and len(nodes) == 1:
                op.members.append(self._leaf(sub, nodes[0], f"{key}.{index}", None))
            elif not _is_leaf(sub) and type(sub).__name__ != "Sequential":
                inputs = [a for a in nodes[0].args if hasattr(a, "op")]
                op.members.append(Op(None, call=self._body(f"{key}.{index}", type(sub), nodes, inputs[0])))
            else:
                self.unsupported.append(f"{key}.{index}: {type(sub).__name__} inside a Sequential")
        return op

    def _ref(self, node, made: dict, entry):
        if node is entry or node not in made:
            return "in"
        return made[node]

    def _leaf(self, sub, node, path: str, label: str | None) -> Op:
        try:
            mapped = _module_op(sub, node)
        except _NoCounterpart:
            mapped = None
        if mapped is None:
            self.unsupported.append(f"{path} ({type(sub).__name__})")
            return Op(label, kind="identity")
        kind, fields = mapped
        return Op(label if _has_state(sub) else None, kind=kind, fields=fields)

    def _function(self, node, made: dict, entry, path: str) -> Op | None:
        if node.op not in ("call_function", "call_method"):
            return None
        try:
            mapped = _function_op(node)
        except _NoCounterpart:
            mapped = None
        where = f"{path}: " if path else ""
        if mapped is None:
            self.unsupported.append(f"{where}{_describe(node)}")
            return Op(None, kind="identity", inputs=[self._ref(a, made, entry) for a in node.args if hasattr(a, "op")])
        kind, fields, tensors = mapped
        return Op(None, kind=kind, fields=fields, inputs=[self._ref(a, made, entry) for a in tensors])


_OPS = ("call_module", "call_function", "call_method")


def _has_state(sub) -> bool:
    """Parameters or buffers: the module must keep its attribute's name for the state_dict."""
    return any(True for _ in sub.parameters(recurse=False)) or any(True for _ in sub.buffers(recurse=False))


def _is_leaf(sub) -> bool:
    return type(sub).__module__.startswith("torch.nn") and type(sub).__name__ != "Sequential"


# ----------------------------------------------------------------------------------------- mapping
def _pair(value) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _size(value, rank: int):
    """A stride, padding or dilation as the spec writes it: `2` where every dimension is 2."""
    values = _pair(value)
    if len(set(values)) == 1:
        return values[0]
    return tuple(values)


def _window(value, rank: int) -> tuple[int, ...]:
    """A kernel or an output size as the spec writes it: `3x3`, one size per dimension."""
    values = _pair(value)
    if any(not isinstance(v, int) for v in values):  # an adaptive pool keeping a size (None)
        raise _NoCounterpart
    return tuple(values) if len(values) == rank else tuple(values) * rank


def _module_op(sub, node) -> tuple[str, list] | None:
    """The layer kind and options of a torch.nn module, or None where archspec has none."""
    from torch import nn

    shape = tuple(node.meta["tensor_meta"].shape)[1:] if "tensor_meta" in node.meta else ()
    rank = max(1, len(shape) - 1)
    if isinstance(sub, (nn.Conv1d, nn.Conv2d, nn.Conv3d)) and sub.padding_mode == "zeros":
        pad = sub.padding if isinstance(sub.padding, str) else _size(sub.padding, rank)
        if isinstance(pad, str):
            return None
        return "conv", [
            ("out", sub.out_channels, None, True),
            ("kernel", _window(sub.kernel_size, rank), None, True),
            ("stride", _size(sub.stride, rank), 1, False),
            ("pad", pad, 0, False),
            ("dilation", _size(sub.dilation, rank), 1, False),
            ("groups", sub.groups, 1, False),
            ("bias", sub.bias is not None, True, False),
        ]
    if isinstance(sub, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
        if not sub.track_running_stats or sub.momentum is None:
            return None
        return "bn", [("eps", sub.eps, 1e-05, False), ("momentum", sub.momentum, 0.1, False),
                      ("affine", sub.affine, True, False)]  # fmt: skip
    if isinstance(sub, nn.LocalResponseNorm):
        return "lrn", [("size", sub.size, 5, True), ("alpha", sub.alpha, 0.0001, False),
                       ("beta", sub.beta, 0.75, False), ("k", sub.k, 1.0, False)]  # fmt: skip
    if isinstance(sub, nn.GroupNorm):
        return "groupnorm", [("groups", sub.num_groups, None, True), ("eps", sub.eps, 1e-05, False),
                             ("affine", sub.affine, True, False)]  # fmt: skip
    if isinstance(sub, nn.ChannelShuffle):
        return "shuffle", [("groups", sub.groups, None, True)]
    if isinstance(sub, nn.Linear):
        return "dense", [("units", sub.out_features, None, True), ("bias", sub.bias is not None, True, False)]
    if isinstance(sub, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        return _pool("maxpool" if "Max" in type(sub).__name__ else "avgpool", vars(sub), rank)
    if isinstance(sub, (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)):
        return "avgpool", [("to", _window(sub.output_size, rank), None, True)]
    if isinstance(sub, (nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d)):
        return "adaptive_maxpool", [("to", _window(sub.output_size, rank), None, True)]
    if isinstance(sub, nn.Dropout):
        return "dropout", [("p", sub.p, 0.5, True)]
    if isinstance(sub, nn.Flatten):
        return ("flatten", []) if sub.start_dim == 1 and sub.end_dim == -1 else None
    if isinstance(sub, nn.LeakyReLU):
        return "leaky_relu", [("slope", sub.negative_slope, 0.01, False)]
    if isinstance(sub, nn.ELU):
        return "elu", [("alpha", sub.alpha, 1.0, False)]
    if isinstance(sub, nn.Softmax):
        dim = sub.dim if sub.dim is not None else 1
        return "softmax", [("dim", (dim if dim >= 0 else dim + len(shape) + 1) - 1, 0, False)]
    if isinstance(sub, nn.GELU) and sub.approximate != "none":
        return None
    simple = {
        nn.ReLU: "relu", nn.ReLU6: "relu6", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.GELU: "gelu",
        nn.SiLU: "silu", nn.Hardswish: "hardswish", nn.Hardsigmoid: "hardsigmoid", nn.Identity: "identity",
    }  # fmt: skip
    for cls, kind in simple.items():
        if type(sub) is cls:
            return kind, []
    return None


def _pool(kind: str, given: dict, rank: int) -> tuple[str, list] | None:
    """A max or average pooling from its module's attributes or its function's arguments (`kernel_size`,
    `stride`, `padding`, `ceil_mode`, `dilation` or `count_include_pad`)."""
    if given.get("return_indices") or given.get("divisor_override") is not None:
        return None
    kernel = given["kernel_size"]
    stride = given.get("stride") or kernel  # None, or `[]` as F.avg_pool2d's default: the kernel's
    fields = [
        ("kernel", _window(kernel, rank), None, True),
        ("stride", _size(stride, rank), _size(kernel, rank), False),
        ("pad", _size(given.get("padding", 0), rank), 0, False),
        ("ceil_mode", bool(given.get("ceil_mode", False)), False, False),
    ]
    if kind == "maxpool":
        fields.append(("dilation", _size(given.get("dilation", 1), rank), 1, False))
    else:
        fields.append(("count_include_pad", bool(given.get("count_include_pad", True)), True, False))
    return kind, fields


# the pooling functions, by name (F.max_pool2d is a dispatcher whose target fx records as `_max_pool2d`)
_POOL_ARGUMENTS = {
    "avgpool": ("input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
    "maxpool": ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"),
}


def _function_op(node) -> tuple[str, list, list] | None:
    """A function or method call of the forward: (layer kind, options, its tensor inputs)."""
    import torch
    import torch.nn.functional as F

    target, args = node.target, list(node.args)
    tensors = [a for a in args if hasattr(a, "op")]
    if target in (operator.add, operator.iadd, torch.add, "add", "add_") and len(tensors) == 2 and len(args) == 2:
        return "add", [], tensors
    if target in (operator.mul, operator.imul, torch.mul, "mul", "mul_") and len(tensors) == 2 and len(args) == 2:
        return "mul", [], tensors
    if target in (torch.cat, torch.concat) and len(args) >= 1 and isinstance(args[0], (list, tuple)):
        dim = args[1] if len(args) > 1 else node.kwargs.get("dim", 0)
        if dim == 1 and all(hasattr(a, "op") for a in args[0]):
            return "concat", [], list(args[0])
        return None
    if target in (torch.flatten, "flatten") and len(tensors) == 1:
        start = args[1] if len(args) > 1 else node.kwargs.get("start_dim", 0)
        end = args[2] if len(args) > 2 else node.kwargs.get("end_dim", -1)
        return ("flatten", [], tensors) if start == 1 and end == -1 else None
    activations = {torch.relu: "relu", F.relu: "relu", "relu": "relu", "relu_": "relu", torch.sigmoid: "sigmoid",
                   "sigmoid": "sigmoid", torch.tanh: "tanh", "tanh": "tanh", F.gelu: "gelu", F.silu: "silu",
                   F.hardswish: "hardswish", F.relu6: "relu6"}  # fmt: skip
    if target in activations and len(tensors) == 1 and not node.kwargs.get("approximate"):
        return activations[target], [], tensors
    pooling = re.fullmatch(r"_?(avg|max)_pool([123])d", getattr(target, "__name__", ""))
    if pooling is not None and len(tensors) == 1:
        kind = pooling[1] + "pool"
        given = {**dict(zip(_POOL_ARGUMENTS[kind], args)), **node.kwargs}
        made = _pool(kind, given, int(pooling[2]))
        return (*made, tensors) if made is not None else None
    if target in (F.adaptive_avg_pool2d, F.adaptive_avg_pool1d) and len(args) == 2:
        rank = len(node.meta["tensor_meta"].shape) - 2 if "tensor_meta" in node.meta else 2
        return "avgpool", [("to", _window(args[1], rank), None, True)], tensors
    return None


def _describe(node) -> str:
    target = node.target
    name = target if isinstance(target, str) else getattr(target, "__name__", repr(target))
    return f"`{name}` ({'a method' if node.op == 'call_method' else 'a function'} call)"


# ---------------------------------------------------------------------------------------- blocks
def _bodies(body: Body) -> list[Body]:
    """Every instance body under `body`, deepest first."""
    out: list[Body] = []
    for op in body.ops:
        for each in [op, *op.members]:
            if each.call is not None:
                out += _bodies(each.call)
                out.append(each.call)
    return out


def _signature(body: Body):
    """What two instances must share to be calls of one block: the operations, in order, with
    their labels, the option names written, and what each reads; the nested calls' blocks."""

    def of(op: Op, index: dict) -> tuple:
        inputs = tuple("in" if i == "in" else index[id(i)] for i in op.inputs)
        return (op.label, op.kind, tuple(f[0] for f in op.fields), inputs,
                op.call.block if op.call is not None else None,
                tuple(of(m, index) for m in op.members))  # fmt: skip

    index = {id(op): k for k, op in enumerate(body.ops)}
    return (body.cls, tuple(of(op, index) for op in body.ops))


def _assign_blocks(root: Body) -> list[Body]:
    """Name each instance's block; the blocks to write (one instance standing for each), deepest first."""
    names: dict[Any, str] = {}
    used: set[str] = set()
    chosen: list[Body] = []
    groups: dict[Any, list[Body]] = {}
    for body in _bodies(root):
        sig = _signature(body)  # nested blocks are named before their callers: deepest first
        if sig not in names:
            base = _snake(body.cls.__name__)
            name, k = base, 2
            while name in used or name in _RESERVED:
                name, k = f"{base}_{k}", k + 1
            used.add(name)
            names[sig] = name
            chosen.append(body)
            groups[sig] = []
        body.block = names[sig]
        groups[sig].append(body)
    for body in chosen:
        _parameters(groups[_signature(body)])
    return chosen


def _values(body: Body) -> list[tuple[str, Any]]:
    """(where, value) of each number an instance's body writes, in order: options and the
    arguments of nested calls."""
    out = []

    def walk(op: Op, where: str) -> None:
        for name, value, _, _ in op.fields:
            out.append((f"{where}{name}", value))
        if op.call is not None:
            for name, value in op.call.args:
                out.append((f"{where}{name}", value))
        for k, m in enumerate(op.members):
            walk(m, f"{where}{k}_")

    for k, op in enumerate(body.ops):
        walk(op, f"{op.label or op.kind + str(k)}_")
    return out


def _parameters(instances: list[Body]) -> None:
    """The block's parameters: the numbers in which its instances differ; each instance's values."""
    table = [_values(b) for b in instances]
    differing = [k for k in range(len(table[0])) if len({repr(t[k][1]) for t in table}) > 1]
    for body, values in zip(instances, table):
        body.args = [(_name(values[k][0]), values[k][1]) for k in differing]
        body.params = {k: _name(values[k][0]) for k in differing}


# --------------------------------------------------------------------------------------- writing
def _block_text(block: Body) -> list[str]:
    params = ", ".join(name for name, _ in block.args)
    lines = [f"block {block.block}({params}):"]
    if _numbered(block.ops):  # an nn.Sequential of the model's own (Conv2dNormActivation): one sequence
        numbers = iter(range(10**9))
        texts = [_op_text(op, block.params, numbers) for op in block.ops]
        return [*lines, "    " + ", ".join(_runs(texts))]
    lines += _body_lines(block.ops, block, block.params, "    ")
    return lines


def _numbered(ops: list[Op]) -> bool:
    """Whether a block's operations are the members of a Sequential, `0`, `1`, ... each reading the
    one before (a member without weights needs no name: its place gives its number)."""
    return (
        len(ops) > 1
        and any(op.label is not None for op in ops)
        and all(op.label in (None, str(k)) and op.kind not in _MERGES for k, op in enumerate(ops))
        and all(len(op.inputs) == 1 and op.inputs[0] is previous for previous, op in zip([ops[0].inputs[0], *ops], ops))
    )


_MERGES = ("add", "mul", "concat")


def _body_lines(ops: list[Op], body: Body, symbols: dict[int, str], indent: str) -> list[str]:
    """The lines of a body; `symbols`: the index in `_values` of each number a parameter stands
    for. A line reads the line before it; another tensor is read `from NAME`, merges by name. The
    network's input, which has no name, is named by a first line `x: identity` where it is read
    again after the first line."""
    if not indent and any(i == "in" for op in ops[1:] for i in op.inputs):
        labels = {op.label for op in ops}
        entry = Op(None, kind="identity", name=next(n for n in ("x", "x_in", "network_input") if n not in labels))
        entry.label = entry.name
        for op in ops:
            op.inputs = [entry if i == "in" else i for i in op.inputs]
        ops = [entry, *ops]
    named = 0
    for k, op in enumerate(ops):
        after = ops[k + 1] if k + 1 < len(ops) else None
        readers = [o for o in ops if any(i is op for i in o.inputs)]
        if any(r is not after or r.kind in _MERGES or r.inputs[0] is not op for r in readers):
            if op.name is not None:
                continue
            if op.label is None:
                named += 1
                op.name = f"t{named}"
            else:
                op.name = op.label

    def name_of(source) -> str:
        return "in" if source == "in" else source.name

    numbers = iter(range(10**9))
    lines, prev = [], None
    for op in ops:
        text = _op_text(op, symbols, numbers)
        if op.kind in _MERGES:
            text = f"{op.kind}({', '.join(name_of(i) for i in op.inputs)})"
        elif op.inputs:
            source = op.inputs[0]
            if not ((source == "in" and prev is None) or source is prev):
                text = f"from {name_of(source)}, {text}"
        label = op.label or op.name
        lines.append(f"{indent}{label}: {text}" if label else f"{indent}{text}")
        prev = op
    return lines


def _runs(texts: list[str]) -> list[str]:
    """Members written alike one after another as one repeat: `b(64), b(64)` is `b(64) x2` (the
    members keep their numbers)."""
    runs: list[list] = []
    for text in texts:
        if runs and runs[-1][0] == text:
            runs[-1][1] += 1
        else:
            runs.append([text, 1])
    return [text if n == 1 else f"{text} x{n}" for text, n in runs]


def _op_text(op: Op, symbols: dict[int, str], numbers) -> str:
    if op.call is not None:
        args = []
        for _, value in op.call.args:
            k = next(numbers)
            args.append(symbols.get(k, _value(value)))
        return f"{op.call.block}({', '.join(args)})"
    if op.members:
        return ", ".join(_runs([_op_text(m, symbols, numbers) for m in op.members]))
    words = [op.kind]
    for name, value, default, positional in op.fields:
        k = next(numbers)
        written = symbols.get(k)
        if written is None:
            if not positional and value == default:
                continue
            written = _value(value)
        words.append(written if positional and not (name == "to" and op.kind == "avgpool") else f"{name}={written}")
        if name == "to" and op.kind == "avgpool":
            words[-1] = f"to {written}"
    return " ".join(words)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        if all(isinstance(v, int) for v in value):
            return "x".join(str(v) for v in value)
        return "(" + ", ".join(_value(v) for v in value) + ")"
    if isinstance(value, float):
        return repr(value)
    return str(value)


_RESERVED = {"network", "input", "block", "import", "expect", "let", "if", "elif", "else", "in", "from"}


def _snake(name: str) -> str:
    out = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return _name(out)


def _name(text: str) -> str:
    out = re.sub(r"\W", "_", text)
    if not out or out[0].isdigit():
        out = "m_" + out
    return out


def _shape(value) -> tuple[int, ...]:
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]+(x[0-9]+)*", value):
            raise ImportFailed(f"--input must be a shape like 3x224x224, not {value!r}")
        return tuple(int(d) for d in value.split("x"))
    return tuple(int(d) for d in value)


def _dims(shape) -> str:
    return "x".join(str(d) for d in shape)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
