"""Analysed network -> PyTorch source text: one `nn.Module` class per block definition, the network's
class last, attribute names from the spec's names (so module paths are the analyser's node paths),
and a `forward` that reads step by step. Never imports torch: what each layer is in PyTorch comes
from the layer catalogue (`LayerKind.torch_module` and `LayerKind.torch_merge`)."""

from __future__ import annotations

import ast
import keyword
import math
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from archspec.analysis.expr import evaluate, truth
from archspec.analysis.graph import Network, Node
from archspec.analysis.initialise import PYTORCH_DEFAULTS, WEIGHTS, is_default
from archspec.analysis.initialise import describe as describe_init
from archspec.diagnostics import Diagnostic, SpecError
from archspec.emit.layout import MAX_LINE, _collapse_repeats, _fit, _wrap
from archspec.emit.names import (
    DOTTED,
    IDENT,
    MODULE_ATTRIBUTES,
    RESERVED,
    class_name_for,
    comment_text,
    literal,
    path_literal,
    sanitise,
    valid_class_name,
)
from archspec.emit.names import fresh as fresh_name
from archspec.emit.translate import TranslatedClass, Untranslatable, translate_block, translate_network
from archspec.frontend import syntax as s
from archspec.layers import ALL, lookup
from archspec.layers.base import TorchCall

MAX_EXPRESSION = 72  # the longest expression written as a constructor argument


class CodegenError(SpecError):
    """The network checks, but cannot be written as PyTorch source (a name PyTorch reserves, ...)."""


def _error(code: str, message: str, node_or_span, label: str = "", hint: str = "") -> CodegenError:
    span = node_or_span.span if isinstance(node_or_span, Node) else node_or_span
    return CodegenError(Diagnostic(code, message, span, label, hint))


def check_attribute(name: str, node: Node) -> str:
    """A layer's name as a submodule attribute, or a CodegenError saying why it cannot be one."""
    if not IDENT.match(name) or keyword.iskeyword(name):
        raise _error(
            "bad-name",
            f"`{name}` is a Python keyword: it cannot name a PyTorch submodule",
            node,
            "this layer",
            "rename the line",
        )
    if name in MODULE_ATTRIBUTES or name.startswith("_"):
        raise _error(
            "bad-name",
            f"`{name}` cannot name a PyTorch submodule: "
            + (
                "nn.Module keeps names starting with `_`"
                if name.startswith("_")
                else "nn.Module has an attribute of that name"
            ),
            node,
            "this layer",
            f"rename the line, e.g. `{name.strip('_')}_layer:`",
        )
    return name


# ----------------------------------------------------------------------------- the module tree


@dataclass
class Op:
    """One statement of a forward: a submodule call (`attr`, built by `ctor`), a merge, or a function
    of one input (a channel slice: `x[:, 0:58]`, or a part of `x.chunk(2, dim=1)`)."""

    out: int  # the node it gives
    inputs: tuple[int, ...]  # the nodes it takes
    attr: str | None
    ctor: TorchCall | None
    merge: tuple[Any, dict] | None  # (kind, options) of a merge
    node: Node
    inplace: bool = False  # a merge may update its first input in place (`out += x`)
    function: tuple[Any, dict] | None = None  # (kind, options) of a functional kind of one input
    guard: tuple = ()  # the conditions of the `if` arms it was made in
    span: Any = None  # where the spec writes it (a block call's or a sequence's line); else its node's


@dataclass
class Template:
    """What one block instance (or the network) is made of, with node ids made relative: inputs
    are "x" (the scope's input) or the index of the op that gives them."""

    ops: list[Op]
    rel_inputs: list[tuple[Any, ...]]
    output: Any
    in_channels: int | None
    args: dict[str, Any]

    def skeleton(self) -> tuple:
        return tuple(
            (op.attr, _skeleton(op.ctor), op.merge[0].name if op.merge else function_key(op), rel)
            for op, rel in zip(self.ops, self.rel_inputs)
        ) + (self.output,)


def _skeleton(value: Any) -> Any:
    if isinstance(value, TorchCall):
        return (
            value.func,
            tuple(_skeleton(a) for a in value.args),
            tuple((k, _skeleton(v)) for k, v in value.kwargs.items()),
        )
    return None  # a leaf: its value may differ between instances


def _leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """(path, value) of every number, word or tuple in a constructor; a path ending in 0 is a
    first positional argument (by PyTorch's convention, the input size)."""
    if isinstance(value, TorchCall):
        out = []
        for i, a in enumerate(value.args):
            out += _leaves(a, (*path, i))
        for k, v in value.kwargs.items():
            out += _leaves(v, (*path, k))
        return out
    return [(path, value)]


@dataclass
class ClassDef:
    name: str
    block: str
    signature: list[tuple[str, str, str | None]]  # (name, annotation, default source)
    keyword_only: int  # index in `signature` where keyword-only parameters start
    template: Template
    exprs: dict[tuple, str]  # (op index, leaf path) -> source
    segments: list = field(default_factory=list)  # runs of ops only some calls make (`Segment`)
    lets: list = field(default_factory=list)  # (name, source): the block's `let`s, local values of __init__
    frozen: tuple[str, ...] = ()  # the network's: module paths whose parameters are not trained
    # the network's `init` line: the loop's branches (the classes, and the statements over `m`), in
    # the order torchvision writes them, and the normalisations zero_init_residual sets to 0
    init: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    zero_init: tuple[str, ...] = ()
    init_comment: str = ""
    # a block whose calls take different `if` arms that make the same names from different tensors:
    # each arm's forward (the test it runs under, None for the last: `else`), over `template`'s modules
    arms: list[tuple[str | None, Template]] = field(default_factory=list)
    tail: Template | None = None  # the ops every arm ends with, written once after them
    tail_names: dict[str, str] = field(default_factory=dict)  # `@KEY` the tail reads -> its variable
    # the bounds of slices and splits the forward writes over the block's parameters, by op key
    # (`{"end": "self.num_1x1_c"}`), and the parameters __init__ keeps for it (`self.num_1x1_c = ...`)
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (attribute, constructor name)
    # arguments that would take an `if` arm no call of the spec takes, which the class does not build:
    # (Python condition over the constructor's parameters, the error's message)
    refused: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Emitter:
    net: Network
    consumers: Counter = field(default_factory=Counter)
    groups_at: dict[tuple[int, int], int] = field(default_factory=dict)
    calls: dict[int, TorchCall] = field(default_factory=dict)  # block group -> its constructor call
    classes: list[ClassDef | TranslatedClass] = field(default_factory=list)
    translated: dict[str, TranslatedClass] = field(default_factory=dict)  # block -> its translated class
    class_names: set[str] = field(default_factory=set)
    helpers: dict[str, str] = field(default_factory=dict)
    # node -> its shape, with the sizes the spec's expressions give marked (`_marked`), in the scope
    # whose template is being made: the channels a layer reads are the expression that made them
    shapes: dict[int, tuple] = field(default_factory=dict)
    # block instance -> the expression of its output channels over its parameters and `in.c`, if known
    out_channels: dict[int, s.Expr | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for n in self.net.nodes:
            self.consumers.update(n.inputs)
        for gi, g in enumerate(self.net.groups):
            if g.first <= g.last:
                self.groups_at.setdefault((g.first, g.depth), gi)

    # ---------------------------------------------------------------- items of a scope

    def children(self, lo: int, hi: int, depth: int) -> list[tuple[str, int]]:
        items, i = [], lo
        while i <= hi:
            gi = self.groups_at.get((i, depth))
            if gi is not None:
                items.append(("group", gi))
                i = self.net.groups[gi].last + 1
            else:
                node = self.net.nodes[i]
                if node.depth != depth:  # cannot happen for analysed networks
                    raise _error("unsupported", "archspec cannot place this layer in a module", node)
                items.append(("node", i))
                i += 1
        return items

    def scope_input(self, first: int, last: int) -> int:
        outside = {j for n in self.net.nodes[first : last + 1] for j in n.inputs if not first <= j <= last}
        if len(outside) != 1:
            node = self.net.nodes[first]
            raise _error(
                "unsupported",
                "a block that reads tensors from outside it cannot be written as a PyTorch module",
                node,
                "here",
                "merge named tensors of the block's own body",
            )
        return outside.pop()

    def template(self, first: int, last: int, depth: int, prefix: str, inp: int, args: dict) -> Template:
        source = self.net.nodes[inp]
        channels = s.Attr("in", "c", source.span) if source.span else None
        self.shapes = {inp: (_marked(source.shape[0], channels), *source.shape[1:])} if channels else {}
        ops: list[Op] = []
        for what, index in self.children(first, last, depth):
            ops.append(self.group_op(index, prefix) if what == "group" else self.node_op(self.net.nodes[index], prefix))
        produced = {op.out: i for i, op in enumerate(ops)}
        rel = []
        for op in ops:
            refs = []
            for j in op.inputs:
                if j == inp:
                    refs.append("x")
                elif j in produced:
                    refs.append(produced[j])
                else:
                    raise _error(
                        "unsupported",
                        "this layer reads a tensor from outside its block or sequence member",
                        op.node,
                        "here",
                        "merge named tensors of the same body",
                    )
            rel.append(tuple(refs))
        out = self.net.nodes[last].id if not ops else ops[-1].out
        output = "x" if out == inp else produced.get(out)
        in_channels = self.net.nodes[inp].shape[0]
        return Template(ops, rel, output, in_channels, args)

    def local_name(self, path: str, prefix: str, node: Node) -> str:
        name = path[len(prefix) :]
        if "." in name:
            raise _error("unsupported", f"`{path}` does not fit the module tree", node)
        return check_attribute(name, node)

    def node_op(self, node: Node, prefix: str, numbered: bool = False) -> Op:
        """The op of one layer; `numbered`: a member of an nn.Sequential, which names it by its position."""
        kind = node.kind
        assert kind is not None
        source = self.net.nodes[node.inputs[0]]
        # the input is a new tensor that nothing else reads and its backward does not need
        inplace = self.consumers[source.id] == 1 and source.kind is not None and source.kind.inplace_safe
        options = {**node.options, **{k: _marked(node.options[k], e) for k, e in node.exprs.items()}}
        if node.projects_to is not None and node.projects_to in self.shapes:  # a projection takes the branch's channels
            options["out"] = self.shapes[node.projects_to][0]
        shapes = [self.shapes.get(i, self.net.nodes[i].shape) for i in node.inputs]
        out = kind.output_shape(options, shapes)
        if kind.functional and options.get("chunks"):  # a chunk's part: the input's channels // chunks
            out = (shapes[0][0] // options["chunks"], *out[1:])
        sizes = node.exprs.get("sizes")
        if kind.functional and isinstance(sizes, s.Tuple) and node.options.get("part") is not None:
            out = (_marked(out[0], sizes.items[node.options["part"]]), *out[1:])  # a split's part: its size
        if _same_leaves(out, node.shape):
            self.shapes[node.id] = out
        if kind.merge:
            inplace = inplace and node.inputs.count(source.id) == 1 and node.shape == source.shape
            return Op(node.id, node.inputs, None, None, (kind, node.options), node, inplace, guard=node.guard)
        if kind.functional:
            return Op(node.id, node.inputs, None, None, None, node, function=(kind, node.options), guard=node.guard)
        ctor = kind.torch_module(node.options, source.shape, inplace)
        marked = kind.torch_module(options, shapes[0], inplace)
        if _skeleton(ctor) == _skeleton(marked) and _same_leaves(_leaves(ctor), _leaves(marked)):
            ctor = marked  # the same constructor, its arguments marked with the spec's expressions
        if kind.torch_helper:
            self.helpers[ctor.func] = kind.torch_helper
        attr = None if numbered else self.local_name(node.path, prefix, node)
        return Op(node.id, node.inputs, attr, ctor, None, node, guard=node.guard)

    def group_op(self, gi: int, prefix: str) -> Op:
        g = self.net.groups[gi]
        first = self.net.nodes[g.first]
        inp = self.scope_input(g.first, g.last)
        attr = self.local_name(g.path, prefix, first)
        if g.kind == "block":
            ctor = self.block_call(gi, inp)
        else:
            # members numbered 0, 1, ...: the block instances and the layers of chains, one entry each
            members = []
            for what, index in self.children(g.first, g.last, g.depth + 1):
                op = None if what == "group" else self.node_op(self.net.nodes[index], g.path + ".", numbered=True)
                if op is not None and op.ctor is None:
                    what = "a merge by name" if op.merge else f"a {op.node.kind.title}"
                    raise _error(
                        "unsupported",
                        f"{what} inside a sequence cannot be written as an nn.Sequential member",
                        op.node,
                        "in a sequence",
                        f"write the {'merge' if op.merge else op.node.kind.name} on a line of its own",
                    )
                if op is None:
                    member = self.net.groups[index]
                    members.append(self.block_call(index, self.scope_input(member.first, member.last)))
                else:
                    members.append(op.ctor)
            ctor = TorchCall("nn.Sequential", tuple(members))
        out = g.output if g.output is not None else g.last
        return Op(out, (inp,), attr, ctor, None, first, guard=g.guard, span=g.span)

    def block_call(self, gi: int, inp: int) -> TorchCall:
        """The constructor call of a block instance, its arguments marked with the expressions the
        caller wrote (`cbr(c, s=2)`), its input channels with the caller's channels; the instance's
        output channels marked as its class computes them, with the caller's expressions put in."""
        g, call = self.net.groups[gi], self.calls[gi]
        channels = self.shapes.get(inp, self.net.nodes[inp].shape)[0] if self.net.nodes[inp].shape else None
        args = tuple(channels if i == 0 and channels is not None and _plain(a) == _plain(channels) else a
                     for i, a in enumerate(call.args))  # fmt: skip
        kwargs = {k: _marked(v, g.exprs[k]) if k in g.exprs else v for k, v in call.kwargs.items()}
        expr = self.out_channels.get(gi)
        out = g.output if g.output is not None else g.last
        if expr is not None and self.net.nodes[out].shape:
            mapping = {name: g.exprs.get(name) or _constant(value) for name, value in g.args.items()}
            mapping["in.c"] = getattr(channels, "expr", None) or _constant(_plain(channels))
            inner = _substitute(expr, mapping)
            shape = self.net.nodes[out].shape
            if inner is not None:
                self.shapes[out] = (_marked(shape[0], inner), *shape[1:])
        return TorchCall(call.func, args, kwargs)

    # ---------------------------------------------------------------- block classes

    def resolve_blocks(self) -> None:
        """One class per block definition, deepest first: the union of its calls (`_union`), or the
        arms of an `if` they take (`arms_class`); where neither says them all, a class for each
        structure its calls have."""
        by_name: dict[str, list[int]] = {}
        for gi, g in enumerate(self.net.groups):
            if g.kind == "block" and g.first <= g.last:  # a call that makes no layer is its input: no module
                by_name.setdefault(g.name, []).append(gi)
        order = sorted(by_name, key=lambda name: -max(self.net.groups[gi].depth for gi in by_name[name]))
        for name in order:
            if self.translate(name, by_name[name]):
                continue
            templates = {}
            for gi in by_name[name]:
                g = self.net.groups[gi]
                inp = self.scope_input(g.first, g.last)
                templates[gi] = self.template(g.first, g.last, g.depth + 1, g.path + ".", inp, g.args)
                out = g.output if g.output is not None else g.last
                self.out_channels[gi] = getattr(self.shapes.get(out, (None,))[0], "expr", None)
            self.complete_calls(templates)
            union = _union(templates)
            if union is not None:
                full, runs, assumed = union
                self.make_class(name, list(templates), full, runs, templates, combinations_only=assumed)
                continue
            if self.arms_class(name, templates):
                continue
            # calls that differ in another way (an arm's `a` a conv, another's a pool): a class for each
            # structure, its calls' values the constructor's arguments
            by_structure: dict[tuple, list[int]] = {}
            for gi, template in templates.items():
                by_structure.setdefault(template.skeleton(), []).append(gi)
            for members in by_structure.values():
                self.make_class(name, members, templates[members[0]], [], templates)

    def translate(self, block: str, members: list[int]) -> bool:
        """The class of `block` translated from its definition (`archspec.emit.translate`), and each
        call's constructor call; False where the definition uses what the translator does not take yet."""
        definition = self.net.definitions.get(block)
        inputs = [self.scope_input(self.net.groups[gi].first, self.net.groups[gi].last) for gi in members]
        ranks = {len(self.net.nodes[i].shape) - 1 for i in inputs}
        if definition is None or len(ranks) != 1:
            return False
        rank = ranks.pop()
        name = self.unique_class_name(class_name_for(block))
        try:
            cls = translate_block(
                definition, self.net.definitions, self.translated, rank, name, self.kind_class_of(), self.helpers
            )
        except Untranslatable:
            self.class_names.discard(name)
            return False
        try:
            calls = self.translated_calls(cls, definition, members, inputs)
        except Untranslatable:  # a call passes a value where the definition reads a layer kind
            self.class_names.discard(name)
            return False
        self.translated[block] = cls
        self.classes.append(cls)
        for gi, call in zip(members, calls):
            self.calls[gi] = call
            self.out_channels[gi] = None
        return True

    def translated_calls(self, cls, definition, members: list[int], inputs: list[int]) -> list[TorchCall]:
        """Each call's constructor call of a translated class: the input's channels, then the
        arguments other than their defaults, by name."""
        defaults = {p.name: p.default for p in definition.params}
        calls = []
        for gi, inp in zip(members, inputs):
            g = self.net.groups[gi]
            kwargs = {}
            for spec_name, python in cls.params:
                value = g.args[spec_name]
                default = defaults[spec_name]
                if spec_name in cls.kind_params:
                    if not isinstance(default, s.Name) or value != default.name or spec_name in g.exprs:
                        kwargs[python] = _ClassName(self.kind_class_of()(value))
                    continue
                if value in ("true", "false"):
                    value = value == "true"
                if default is None or spec_name in g.exprs or not _is_default_expr(value, default):
                    kwargs[python] = value
            args = (self.net.nodes[inp].shape[0],) if cls.takes_in_channels else ()
            if cls.takes_size:
                kwargs["in_size"] = tuple(self.net.nodes[inp].shape[1:])
            calls.append(TorchCall(cls.name, args, kwargs))
        return calls

    def translated_network(self, network: ClassDef) -> list[str] | None:
        """The network's class translated from its body, where every block it calls is; else None."""
        net = self.net
        ending = (render_init(network) if network.init or network.zero_init else []) + (
            render_frozen(network) if network.frozen else []
        )
        try:
            lines = translate_network(
                net.name or network.name, net.signature, net.settings, net.body, net.input_shape,
                net.definitions, self.translated, network.name, self.kind_class_of(), self.helpers, ending,
            )  # fmt: skip
        except Untranslatable:
            return None
        if network.frozen:
            lines += frozen_train(network.name)
        return [_fit(line) for line in lines]

    def kind_class_of(self):
        """word -> the PyTorch class of that layer kind, as the catalogue makes it (`nn.Hardswish`):
        the kinds a parameter gives are activations, whose class is one for every rank."""

        def kind_class(word: str) -> str:
            kind = lookup(word)
            call = kind.torch_module(kind.resolve({}), (1, 1, 1)) if kind is not None else None
            if call is None or not DOTTED.match(call.func):
                raise Untranslatable(f"the PyTorch class of `{word}`")
            if kind.torch_helper:
                self.helpers[call.func] = kind.torch_helper
            return call.func

        return kind_class

    def unique_class_name(self, base: str) -> str:
        name = base if valid_class_name(base) else base + "Block"
        n = 1
        while name in self.class_names or not valid_class_name(name):
            n += 1
            name = f"{base}{n}"
        self.class_names.add(name)
        return name

    def complete_calls(self, templates: dict[int, Template]) -> None:
        """Where some calls of a block pass a nested block an argument that others leave to its
        default (DPN's `stride=2` in one arm, nothing in the others), every call passes it, the
        default written out, so that one constructor serves them all (`stride=key_stride`)."""
        signatures = {c.name: c.signature for c in self.classes if isinstance(c, ClassDef)}
        passed: dict[str, list[str]] = {}  # op -> the keyword arguments any call passes it
        for t in templates.values():
            for op in t.ops:
                if op.ctor is not None and op.ctor.func in signatures:
                    names = passed.setdefault(_key(op), [])
                    names += [k for k in op.ctor.kwargs if k not in names]
        for t in templates.values():
            for i, op in enumerate(t.ops):
                if op.ctor is None or op.ctor.func not in signatures:
                    continue
                missing = [k for k in passed[_key(op)] if k not in op.ctor.kwargs]
                defaults = {name: default for name, _, default in signatures[op.ctor.func]}
                kwargs = dict(op.ctor.kwargs)
                for k in missing:
                    try:
                        kwargs[k] = ast.literal_eval(defaults.get(k) or "")
                    except (ValueError, SyntaxError):  # no default, or a class (`nn.ReLU`): left as it is
                        break
                else:
                    if missing:
                        order = list(defaults)
                        kwargs = {k: kwargs[k] for k in sorted(kwargs, key=order.index)}
                        t.ops[i] = replace(op, ctor=TorchCall(op.ctor.func, op.ctor.args, kwargs))

    def arms_class(self, block: str, templates: dict[int, Template]) -> bool:
        """One class for calls that take different arms of the block's `if`, where the arms make the
        same names from different tensors (ShuffleNetV2's InvertedResidual: `branch2` reads the input
        in one arm, half of it in the other), as torchvision writes it: __init__ makes every arm's
        modules (those of one arm only under its condition, a module of several arms with the value
        each arm gives it), the forward runs the call's arm (`if self.branch1 is not None:` ...
        `else:` ...). False where the calls differ otherwise (within an arm, or in a module's kind)."""
        by_arm: dict[frozenset, list[int]] = {}
        for gi in templates:
            g = self.net.groups[gi]
            depth = len(g.guard)
            taken = frozenset(n.guard[depth:] for n in self.net.nodes[g.first : g.last + 1])
            by_arm.setdefault(taken, []).append(gi)
        if len(by_arm) < 2:
            return False
        arms: list[tuple[list[int], Template]] = []
        for members in by_arm.values():
            union = _union({gi: templates[gi] for gi in members})
            if union is None or union[1]:  # the calls of one arm differ too: not this case
                return False
            arms.append((members, union[0]))
        keyed = [[_key(op) for op in full.ops] for _, full in arms]
        order = _merged_order(keyed)
        if order is None:
            return False
        ops: dict[str, Op] = {}
        present: dict[str, set[int]] = {k: set() for k in order}
        for (members, full), keys in zip(arms, keyed):
            for k, op in zip(keys, full.ops):
                if k in ops and _shape_of(ops[k]) != _shape_of(op):
                    return False  # one name, two kinds of module
                ops.setdefault(k, op)
                present[k].update(members)
        # the modules only some arms make, in runs made by the same calls (the forward of an arm
        # has its functions and merges)
        runs: list[tuple[list[int], set[int]]] = []
        for i, k in enumerate(order):
            if present[k] == set(templates) or ops[k].attr is None:
                continue
            if runs and runs[-1][1] == present[k] and runs[-1][0][-1] == i - 1:
                runs[-1][0].append(i)
            else:
                runs.append(([i], present[k]))
        # each arm's test: a module only its calls make; at most one arm without one, run last (`else`)
        tests: list[str | None] = []
        for members, _ in arms:
            own = next((run for run in runs if run[1] == set(members)), None)
            tests.append(None if own is None else f"self.{ops[order[own[0][0]]].attr} is not None")
        if tests.count(None) > 1:
            return False
        ranked = sorted(range(len(arms)), key=lambda n: tests[n] is None)
        position = {k: i for i, k in enumerate(order)}
        rel = []
        for k in order:  # each op's inputs as its first arm reads them (the forward is the arms')
            n = next(n for n in ranked if k in keyed[n])
            full = arms[n][1]
            rel.append(tuple("x" if r == "x" else position[keyed[n][r]] for r in full.rel_inputs[keyed[n].index(k)]))
        first = arms[ranked[0]][1]
        merged = Template([ops[k] for k in order], rel, None, first.in_channels, first.args)
        conditions = [(arms[n][0], tests[n]) for n in ranked]
        self.make_class(block, list(templates), merged, [(tuple(r), made) for r, made in runs], templates, conditions)
        heads, tail, names = _common_tail([arms[n][1] for n in ranked])
        self.classes[-1].arms = [(tests[n], head) for n, head in zip(ranked, heads)]
        self.classes[-1].tail, self.classes[-1].tail_names = tail, names
        return True

    def make_class(
        self,
        block: str,
        members: list[int],
        full: Template,
        runs: list[tuple[tuple[int, ...], set[int]]],
        templates,
        arms: list[tuple[list[int], str | None]] = (),
        combinations_only: bool = True,
    ) -> None:
        """The class of a block's calls `members`: the ops of `full`, those of each run made only by
        the calls in its set, under the condition the spec wrote for them."""
        name = self.unique_class_name(class_name_for(block))
        position = {_key(op): i for i, op in enumerate(full.ops)}
        leaf_values: dict[tuple, list[tuple[int, Any]]] = {}
        written: dict[tuple, list[s.Expr | None]] = {}  # the spec's expression of each value, if it wrote one
        for gi in members:
            for op in templates[gi].ops:
                if op.ctor is None:
                    continue
                for path, value in _leaves(op.ctor):
                    leaf_values.setdefault((position[_key(op)], path), []).append((gi, _plain(value)))
                    written.setdefault((position[_key(op)], path), []).append(getattr(value, "expr", None))
        # the block's parameters, in the definition's order, as Python names (`self`, `nn` or
        # `lambda` would break the source)
        definition = self.net.definitions.get(block)
        order = [p.name for p in definition.params] if definition is not None else list(full.args)
        taken = {"in_channels"}
        safe = {}
        for p in order:
            safe[p] = fresh_name(p, taken)
            taken.add(safe[p])
        contexts = {  # `true` and `false` are Python's booleans: `if use_se:` must not test a word
            gi: {
                "in_channels": templates[gi].in_channels,
                **{safe[k]: _truth_value(v) for k, v in templates[gi].args.items()},
            }
            for gi in members
        }
        exprs: dict[tuple, str] = {}
        extra: list[tuple[str, tuple]] = []
        used: set[str] = set()
        names = {**safe, "in.c": "in_channels", "in.f": "in_channels"}
        optional = {i for ops, _ in runs for i in ops}
        # the block's `let` lines, as local values of __init__ that the constructor arguments read
        lets, pynames, trees, envs = self.hoisted_lets(members, names, taken | {op.attr for op in full.ops if op.attr})
        names = {**names, **pynames}
        # the arms of an `if` whose calls one class serves (`arms_class`): the Python condition of each
        # (the spec's, for the modules only its calls make); the last arm's is not needed (`else`)
        arm_conditions = []
        for arm, _ in arms:
            run = next((ops for ops, made in runs if made == set(arm)), None)
            condition = None
            if run is not None:
                condition = self.condition(full, run, set(arm), members, templates, {}, names, trees, envs)
            arm_conditions.append((set(arm), condition))
        for key, pairs in leaf_values.items():
            # the spec's expression (kept through what a layer kind computes from it); else the value,
            # where every call has the same; else, for a module of several arms, each arm's (`in_channels
            # if stride > 1 else in_channels // 2`); else a constructor argument of its own
            expr = _written([_hoist(e, trees) for e in written[key]], pairs, templates, names, envs)
            if expr is None and arm_conditions:
                expr = _by_arm([_hoist(e, trees) for e in written[key]], pairs, arm_conditions, templates, names, envs)
            if expr is None and all(_same(v, pairs[0][1]) for _, v in pairs):
                expr = _value_source(pairs[0][1])
            if expr is None and key[1][-1] == "inplace":  # where some call's input is read again: never in place
                expr = "False"
            if expr is None:
                arg = fresh_name(sanitise(f"{full.ops[key[0]].attr}_{key[1][-1]}"), taken)
                taken.add(arg)
                extra.append((arg, key))
                expr = arg
            exprs[key] = expr
            used.update(w for w in re.findall(r"[A-Za-z_]\w*", expr) if w in contexts[members[0]])
        # a layer whose kind a parameter gives (`act`): the parameter is a module class, called as the kind is
        kinds: dict[str, dict[int, str]] = {}  # parameter -> call -> its class (`nn.Hardswish`)
        for gi in members:
            for op in templates[gi].ops:
                if op.node.kind_param is not None and op.ctor is not None:
                    kinds.setdefault(op.node.kind_param, {})[gi] = op.ctor.func
        for i, op in enumerate(full.ops):
            if op.node.kind_param in kinds and op.ctor is not None:
                full.ops[i] = replace(op, ctor=TorchCall(safe[op.node.kind_param], op.ctor.args, op.ctor.kwargs))
                used.add(safe[op.node.kind_param])
        segments = []
        kind_names = {safe[p] for p in kinds}  # a class in Python, a word in the spec's conditions
        for ops, made in runs:
            condition = self.condition(full, ops, made, members, templates, exprs, names, trees, envs)
            if condition is not None and kind_names & set(re.findall(r"[A-Za-z_]\w*", condition)):
                condition = None  # `if act == relu:`: `act` is `nn.ReLU` in the class
            flag = None
            if condition is None:  # the spec's condition cannot be said in Python: each call says it
                flag = fresh_name(full.ops[ops[0]].attr or "use", taken)
                taken.add(flag)
            else:
                used.update(w for w in re.findall(r"[A-Za-z_]\w*", condition) if w in contexts[members[0]])
            modules = [i for i in ops if full.ops[i].attr is not None]
            switch = None
            if modules:
                test = f"self.{full.ops[modules[0]].attr} is not None"
            else:
                switch = fresh_name("use_" + _key(full.ops[ops[0]]).lstrip("~"), taken | set(position))
                taken.add(switch)
                test = f"self.{switch}"
            segments.append(Segment(ops, condition, flag, test, switch))
        # slices and splits whose bounds the spec writes over the parameters: the forward reads them
        # from attributes __init__ keeps (`x[:, 0:self.num_1x1_c]`, as Cadene's DPN writes it)
        constructor_names = {*contexts[members[0]], *pynames.values()}
        attributes = {op.attr for op in full.ops if op.attr} | {seg.switch for seg in segments if seg.switch}
        functions, kept, function_sources = _kept_bounds(full.ops, names, trees, constructor_names, attributes)
        for source in function_sources:
            used.update(w for w in re.findall(r"[A-Za-z_]\w*", source) if w in contexts[members[0]])
        refused = self.refused(name, members, names, trees, combinations_only, envs)
        refused += _pinned(name, written, exprs, safe, [templates[gi].args for gi in members], lets)
        refused = [(s, m) for s, m in refused if not kind_names & set(re.findall(r"[A-Za-z_]\w*", s))]
        for source, _ in refused:
            used.update(w for w in re.findall(r"[A-Za-z_]\w*", source) if w in contexts[members[0]])
        # the lets the constructor reads (and the lets those read), in the spec's order
        read = [*exprs.values(), *(seg.condition for seg in segments if seg.condition), *function_sources]
        read += [source for source, _ in refused]
        wanted = {w for source in read for w in re.findall(r"[A-Za-z_]\w*", source)}
        local: list[tuple[str, str]] = []
        for py, source in reversed(lets):
            if py in wanted:
                local.insert(0, (py, source))
                wanted.discard(py)
                wanted |= set(re.findall(r"[A-Za-z_]\w*", source))
        for _, source in local:
            used.update(w for w in re.findall(r"[A-Za-z_]\w*", source) if w in contexts[members[0]])
        signature: list[tuple[str, str, str | None]] = []
        if "in_channels" in used:
            signature.append(("in_channels", "int", None))
        defaults = {p.name: _default_source(p.default) for p in definition.params} if definition else {}
        for p in order:
            if p in kinds:
                default = self.kind_class(definition, p, kinds[p], templates)
                signature.append((safe[p], "type[nn.Module]", default))
                for gi in members:
                    found = kinds[p].get(gi) or self.kind_class(definition, p, {}, templates, contexts[gi][safe[p]])
                    contexts[gi][safe[p]] = _ClassName(found) if found else contexts[gi][safe[p]]
                continue
            signature.append((safe[p], _annotation([contexts[gi][safe[p]] for gi in members]), defaults.get(p)))
        keyword_only = len(signature)
        for arg, key in extra:
            annotation = _annotation([v for _, v in leaf_values[key]])
            if key[0] in optional:  # a value of an optional run: given only by the calls that build it
                signature.append((arg, f"{annotation} | None", "None"))
            else:
                signature.append((arg, annotation, None))
        for segment in segments:
            if segment.flag:  # no default: a call that leaves it out would build neither arm right
                signature.append((segment.flag, "bool", None))
        self.classes.append(
            ClassDef(
                name,
                block,
                signature,
                keyword_only,
                full,
                exprs,
                segments,
                lets=local,
                functions=functions,
                kept=[(kept[n], n) for n in sorted(kept, key=list(kept).index)],
                refused=refused,
            )  # fmt: skip
        )
        first = 1 if "in_channels" in used else 0
        for gi in members:
            t = templates[gi]
            values = dict(contexts[gi])
            for arg, key in extra:
                values[arg] = dict(leaf_values[key]).get(gi)
            args = (t.in_channels,) if first else ()
            # a value the definition's default gives is not repeated, unless the caller writes it over
            # its own parameters (`u(8, s=s)`: the caller's class passes `s=s` whatever `s` is)
            written = {safe[k] for k in self.net.groups[gi].exprs if k in safe}
            kwargs = {
                p: values[p]
                for p, _, default in signature[first:keyword_only]
                if default is None or not _is_default(values[p], default) or p in written
            }
            kwargs.update({arg: values[arg] for arg, _ in extra if values[arg] is not None})
            for segment, (_, made) in zip(segments, runs):
                if segment.flag:
                    kwargs[segment.flag] = gi in made
            self.calls[gi] = TorchCall(name, args, kwargs)

    def kind_class(self, definition, param: str, found: dict[int, str], templates, word: Any = None) -> str | None:
        """The PyTorch class of the layer kind `word` (the parameter's default where not given), as a
        call that makes it shows, else as the catalogue makes it."""
        if word is None:
            spec_default = next((p.default for p in definition.params if p.name == param), None)
            word = evaluate(spec_default, {}, None) if spec_default is not None else None
        if not isinstance(word, str):
            return None
        for gi, cls in found.items():
            if templates[gi].args.get(param) == word:
                return cls
        kind = lookup(word)
        if kind is None:
            return None
        try:
            return kind.torch_module(kind.resolve(kind.bind([], {})), (1, 1, 1), True).func
        except Exception:  # a kind that needs arguments: the calls pass it
            return None

    def hoisted_lets(self, members: list[int], names: dict[str, str], taken: set[str]):
        """The block's `let` lines as Python: (Python name, source) in the spec's order (a name given
        again keeps its Python name, as Python reassigns it), the Python name of each, each name's last value as
        an expression (to find it in the expressions the spec's layers carry, `let`s put in), and
        each call's values of them. Nothing where a `let` cannot be written as Python, or a name is
        also given inside an `if` or a merge (its last value then depends on the arm)."""
        g = self.net.groups[members[0]]
        if not g.lets:
            return [], {}, {}, {}
        stmts, finals = g.lets
        nested = _nested_lets(self.net.definitions[g.name].body)
        lets: list[tuple[str, str]] = []
        pynames: dict[str, str] = {}
        scope = dict(names)
        for stmt in stmts:
            source = expr_source(stmt.value, scope)
            if source is None or stmt.name in nested:
                return [], {}, {}, {}
            py = pynames.get(stmt.name) or fresh_name(stmt.name, taken | set(scope.values()))
            lets.append((py, source[0]))
            pynames[stmt.name] = scope[stmt.name] = py
        envs = {}
        for gi in members:
            member = self.net.groups[gi]
            env = dict(member.args)
            shape = self.net.nodes[self.scope_input(member.first, member.last)].shape
            for stmt in stmts:
                env[stmt.name] = evaluate(stmt.value, env, shape)
            envs[gi] = env
        return lets, pynames, {name: finals[name] for name in pynames}, envs

    def _holds(self, expr: s.Expr, gi: int, envs) -> bool | None:
        """Whether `expr` holds for the call `gi` (None where it cannot be said)."""
        g = self.net.groups[gi]
        shape = self.net.nodes[self.scope_input(g.first, g.last)].shape
        try:
            return truth(evaluate(expr, (envs or {}).get(gi, g.args), shape), expr)
        except SpecError:
            return None

    def refused(
        self, name: str, members: list[int], names: dict[str, str], trees, combinations_only: bool, envs=None
    ) -> list[tuple[str, str]]:
        """The arguments the class does not build right, and the ValueError each raises: a class is
        made from what the calls `members` make. It has no modules for an arm of an `if` that none of
        them takes: a test for each such `if` (`if s != 1: raise ...`). Where its forward is only
        known right for the combinations of arms the calls take (`combinations_only`: a forward for
        each, or a step reading one no call makes with it), one test that the arguments take the
        arms of one of the calls, unless they take every combination. Returns (the Python test, the
        message); nothing where Python cannot say a condition (over `in.h`)."""
        ifs: dict[tuple, tuple[Any, set[int]]] = {}  # (place, arms around it) -> a Decision, the arms taken
        combinations: dict[frozenset, list[s.Expr]] = {}  # the arms a call takes -> what holds for them
        for gi in members:
            depth = len(self.net.groups[gi].guard)
            taken, terms = [], []
            for d in self.net.groups[gi].decisions:
                key = (d.span, d.enclosing[depth:])
                taken.append((key, d.taken))
                ifs.setdefault(key, (d, set()))[1].add(d.taken)
                terms.append(_arm_condition(d.conditions, d.taken, d.span or _NOWHERE))
            combinations.setdefault(frozenset(taken), terms)
        if not ifs or any(not terms for terms in combinations.values()):
            return []
        every_if = all(len(c) == len(ifs) for c in combinations)
        if not combinations_only or (every_if and len(combinations) == math.prod(len(a) for _, a in ifs.values())):
            tests = []
            for (_, enclosing), (d, arms) in ifs.items():
                if len(arms) < len(d.conditions) + (d.conditions[-1] is not None):
                    took = _any([_arm_condition(d.conditions, i, d.span or _NOWHERE) for i in sorted(arms)])
                    tests.append(([d], _all([*enclosing, s.BoolOp("not", took, None, took.span)], took.span)))
        else:
            took = _any([_all(terms, terms[0].span) for terms in combinations.values()])
            tests = [([d for d, _ in ifs.values()], s.BoolOp("not", took, None, took.span))]
        out = []
        for decisions, test in tests:
            source = expr_source(_hoist(test, trees), names)
            if source is None or any(self._holds(test, gi, envs) is not False for gi in members):
                continue  # not to be said in Python, or (never) a call of the spec's own it would refuse
            lines = sorted({d.span.line for d in decisions if d.span is not None})
            files = {_basename(d.span.file) for d in decisions if d.span is not None}
            files.discard("<string>")
            where = f" at {files.pop()}:" if len(files) == 1 else " on line" + "s" * (len(lines) > 1) + " "
            where += ", ".join(map(str, lines))
            if len(decisions) == 1:
                message = f"{name}: these arguments take an arm of the `if`{where} that none of the spec's calls"
                message += " takes"
            else:
                message = (
                    f"{name}: these arguments take the arms of the `if`s{where} in a way none of the spec's calls does"
                )
            out.append((source[0], message + "; the class builds only what the calls make"))
        return out

    def condition(self, full, ops, made, members, templates, exprs, names, trees=None, envs=None) -> str | None:
        """Python source, over the constructor's parameters, that holds for exactly the calls that
        make a run of ops: the `if` arms the spec wrote around them, and for a projected shortcut
        `stride != 1 or in_channels != width * 4`; None where there is none, or it cannot be written."""
        first = full.ops[ops[0]]
        some = next(iter(made))
        depth = len(self.net.groups[some].guard)
        guard = tuple(_hoist(e, trees or {}) for e in first.guard[depth:])
        holds = dict.fromkeys(members, True)
        parts: list[tuple[str, float]] = []  # (source, precedence), joined with `and`
        if guard:
            sources = [expr_source(e, names) for e in guard]
            if any(src is None for src in sources):
                return None
            for gi in members:
                g = self.net.groups[gi]
                shape = self.net.nodes[self.scope_input(g.first, g.last)].shape
                try:
                    holds[gi] = all(truth(evaluate(e, (envs or {}).get(gi, g.args), shape), e) for e in guard)
                except SpecError:
                    return None
            parts += sources  # type: ignore[arg-type]
        if first.node.projects_to is not None and first.ctor is not None:
            # the projection's conv: `nn.Conv2d(in_channels, OUT, kernel_size=1, stride=STRIDE, bias=False)`
            call, prefix = first.ctor, ()
            if call.func == "nn.Sequential":
                call, prefix = call.args[0], (0,)
            out = exprs.get((ops[0], (*prefix, 1)))
            stride = exprs.get((ops[0], (*prefix, "stride")), "1")
            if out is None or not isinstance(call, TorchCall):
                return None
            source = f"in_channels != {out}" if stride == "1" else f"{stride} != 1 or in_channels != {out}"
            for gi in members:  # where no projection is made, the shapes agree: the condition must say so
                if not holds[gi]:
                    continue
                t = templates[gi]
                values = {**{names.get(k, k): v for k, v in t.args.items()}, "in_channels": t.in_channels}
                try:
                    holds[gi] = bool(eval(source, {"__builtins__": _BUILTINS}, values))  # the source this file writes
                except Exception:
                    return None
            parts.append((source, 0.3 if " or " in source else 0.6))
        elif not guard:
            return None
        if any(holds[gi] != (gi in made) for gi in members):  # it holds where the run is made, and only there
            return None
        joined = parts[0][0] if len(parts) == 1 else " and ".join(_grouped(p, 0.4) for p in parts)
        if guard and len(joined) > MAX_EXPRESSION:
            return None  # past a readable line: each call says it
        return joined

    # ---------------------------------------------------------------- the file

    def network_class(self, class_name: str) -> ClassDef:
        """The network's class. Its constructor takes the network's parameters (`network
        R(num_classes=1000)`), keyword-only, with the values the spec was checked with as defaults;
        a layer's option the spec writes over them (`dense num_classes`) is written so."""
        net = self.net
        last = len(net.nodes) - 1
        t = self.template(1, last, 0, "", 0, {})
        taken = set(self.class_names)
        safe = {}
        for name in net.settings:
            safe[name] = fresh_name(name, taken)
            taken.add(safe[name])
        exprs = {}
        pinned: set[str] = set()  # parameters something is computed from that the file writes as a number
        for i, op in enumerate(t.ops):
            if op.ctor is not None:
                for path, value in _leaves(op.ctor):
                    exprs[(i, path)] = source = _network_leaf(value, safe, net.settings)
                    read = s.names_read(getattr(value, "expr", None)) & set(safe)
                    if read and not {safe[n] for n in read} & set(re.findall(r"[A-Za-z_]\w*", source)):
                        pinned |= read
        signature = [(safe[name], _annotation([value]), literal(value)) for name, value in net.settings.items()]
        attributes = {op.attr for op in t.ops if op.attr}
        functions, kept, _ = _kept_bounds(t.ops, safe, {}, set(safe.values()), attributes) if safe else ({}, {}, [])
        for op in t.ops:
            if op.function is not None:
                written = functions.get(_key(op), {})
                for option, e in op.node.exprs.items():
                    if option not in written:
                        pinned |= s.names_read(e) & set(safe)
        kept_list = [(kept[n], n) for n in sorted(kept, key=list(kept).index)]
        # `conv (in.c + w) 1`: Python cannot say `in.c` here, so `w` keeps the spec's value
        refused = _pin(class_name, pinned, safe, net.settings, " (archspec compile --set changes them)")
        return ClassDef(class_name, "", signature, 0, t, exprs, functions=functions, kept=kept_list, refused=refused)


def _common_tail(arms: list[Template]) -> tuple[list[Template], Template | None, dict[str, str]]:
    """What the arms' forwards end with alike, written once after them: the arms without it, the
    tail, and the variable of each value the tail reads from the arms (`@KEY` in its inputs, besides
    its own ops and "x"); (arms, None, {}) where the arms end differently. ShuffleNet's channel
    shuffle reads the arms' result (`out`); DPN's bottleneck reads `x`, and `x_s1` and `x_s2`,
    which each arm slices from another tensor."""
    keyed = [[_key(op) for op in t.ops] for t in arms]

    def tail_inputs(n: int, length: int) -> list[tuple]:
        t, cut = arms[n], len(arms[n].ops) - length
        # a value of the arm: "@" its result (the arms may name it apart: `concat_1`, `concat_2`), else `@KEY`
        return [
            tuple(r if r == "x" else r - cut if r >= cut else "@" if r == cut - 1 else "@" + keyed[n][r] for r in rel)
            for rel in t.rel_inputs[cut:]
        ]

    def alike(length: int) -> bool:
        cuts = [len(t.ops) - length for t in arms]
        if any(cut < 1 or t.output != len(t.ops) - 1 for t, cut in zip(arms, cuts)):
            return False
        if any(t.ops[cut].function is not None and t.ops[cut].function[1].get("part") for t, cut in zip(arms, cuts)):
            return False  # a chunk's parts stay together
        ops = [t.ops[cut:] for t, cut in zip(arms, cuts)]
        if any([(_key(op), _shape_of(op)) for op in o] != [(_key(op), _shape_of(op)) for op in ops[0]] for o in ops):
            return False
        return all(tail_inputs(n, length) == tail_inputs(0, length) for n in range(len(arms)))

    length = min(len(t.ops) for t in arms) - 1
    while length and not alike(length):
        length -= 1
    if not length:
        return arms, None, {}
    rel = tail_inputs(0, length)
    read = sorted({r for inputs in rel for r in inputs if isinstance(r, str) and r.startswith("@")})
    heads = [Template(t.ops[: len(t.ops) - length], t.rel_inputs[: len(t.ops) - length], len(t.ops) - length - 1,
                      t.in_channels, t.args) for t in arms]  # fmt: skip
    names: dict[str, str] = {}
    taken = {"x", "out"} | RESERVED
    for r in read:  # the arms' result alone flows on in `out`; a value the arms name keeps its name
        key = r[1:] or keyed[0][heads[0].output]
        names[r] = "out" if read == ["@"] else fresh_name(sanitise(key.lstrip("~")), taken)
        taken.add(names[r])
    tail = Template(arms[0].ops[len(arms[0].ops) - length :], rel, length - 1, None, arms[0].args)
    return heads, tail, names


# ----------------------------------------------------------------------------- one class for every call


_BUILTINS = {"max": max, "min": min, "int": int, "round": round, "abs": abs}


def _shape_of(op: Op) -> Any:
    """What must be the same in every call for one class to make an op: its constructor's structure
    (the function of a layer whose kind a parameter gives aside: `act(inplace=True)`), its merge or
    its function."""
    ctor = op.ctor
    if ctor is not None and op.node.kind_param is not None:
        ctor = TorchCall(op.node.kind_param, ctor.args, ctor.kwargs)
    return (_skeleton(ctor), op.merge[0].name if op.merge else None, function_key(op), op.node.kind_param)


def _key(op: Op) -> str:
    """An op's name in its block: its attribute, or the name of its merge or slice (`~add_1`)."""
    return op.attr if op.attr is not None else "~" + op.node.path.rsplit(".", 1)[-1]


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _kept_bounds(ops: list[Op], names: dict[str, str], trees, constructor_names: set[str], attributes: set[str]):
    """The bounds of slices and splits the spec writes over the constructor's parameters, as the
    forward reads them: from attributes __init__ keeps (`x[:, 0:self.num_1x1_c]`, as Cadene's DPN
    writes it). Returns the bounds by op key (`{"end": "self.num_1x1_c"}`), the attribute keeping
    each constructor name, and the bounds' sources over the constructor's names."""
    functions: dict[str, dict[str, Any]] = {}
    kept: dict[str, str] = {}  # constructor name -> the attribute keeping it
    function_sources: list[str] = []

    def attribute(match: re.Match) -> str:
        word = match.group(0)
        if word not in constructor_names:
            return word
        if word not in kept:
            kept[word] = fresh_name(word, attributes | set(kept.values()) | RESERVED | MODULE_ATTRIBUTES)
        return "self." + kept[word]

    for op in ops:
        written: dict[str, Any] = {}
        for option, e in _function_exprs(op).items():
            items = e.items if isinstance(e, s.Tuple) else (e,)
            sources = [expr_source(_hoist(item, trees), names) for item in items]
            if any(src is None for src in sources):
                break
            texts = [src[0] for src in sources]  # type: ignore[index]
            function_sources += texts
            texts = [re.sub(r"[A-Za-z_]\w*", attribute, text) for text in texts]
            written[option] = texts if isinstance(e, s.Tuple) else texts[0]
        else:
            if written:
                functions[_key(op)] = written
    return functions, kept, function_sources


def _pinned(
    name: str, written: dict, exprs: dict, safe: dict[str, str], calls: list[dict], lets: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """A constructor argument the spec computes from the block's parameters in a way Python
    cannot say (a `let` through `log`) is written as the calls' one value: the class refuses other
    values of those parameters (`if w_0 != 48: raise ...`), where every call has one value of each."""
    let_words: dict[str, set[str]] = {}  # every definition's (a `let` may be written again: `v = ...`)
    for py, source in lets:
        let_words.setdefault(py, set()).update(re.findall(r"[A-Za-z_]\w*", source))

    def words(source: str) -> set[str]:  # the names a source reads, through the `let`s it reads
        out, todo = set(), set(re.findall(r"[A-Za-z_]\w*", source))
        while todo:
            w = todo.pop()
            if w not in out:
                out.add(w)
                todo |= let_words.get(w, set())
        return out

    pinned: set[str] = set()
    for key, options in written.items():
        source = exprs.get(key)
        if source is None:
            continue
        read = {n for e in options for n in s.names_read(e)} & set(safe)
        if read and not {safe[n] for n in read} & words(source):
            pinned |= read
    pinned = {n for n in pinned if len({repr(c.get(n)) for c in calls}) == 1 and n in calls[0]}
    return _pin(name, pinned, safe, {n: _truth_value(calls[0][n]) for n in pinned}, ", as the spec's calls pass them")


def _pin(name: str, pinned: set[str], safe: dict[str, str], values: dict[str, Any], why: str) -> list[tuple[str, str]]:
    """The refusal of a class that builds its sizes for one value of each parameter in `pinned`
    (`if w_0 != 48: raise ...`): [(the Python test, the message)], or [] for none."""
    names = [n for n in safe if n in pinned]
    if not names:
        return []
    test = " or ".join(f"{safe[n]} != {_value_source(values[n])}" for n in names)
    given = ", ".join(f"{n}={_value_source(values[n])}" for n in names)
    message = (
        f"{name}: the spec computes sizes from {', '.join(f'`{n}`' for n in names)} in a way this file writes as"
        f" numbers; it builds them for {given} only{why}"
    )
    return [(test, message)]


def _written_text(expr: s.Expr) -> Any:
    """An expression as its text (the same condition written in two places is one), else itself."""
    source = expr_source(expr, _ANY_NAME)
    return expr if source is None else source[0]


def _arm_condition(conditions: tuple, i: int, span: s.Span) -> s.Expr | None:
    """What holds where an `if` takes its arm `i` (one past the last: the `else` the spec left
    out): the earlier conditions false, its own true; None where that is always."""
    terms = [s.BoolOp("not", c, None, span) for c in conditions[:i]]
    if i < len(conditions) and conditions[i] is not None:
        terms.append(conditions[i])
    return _all(terms, span)


_NOWHERE = s.Span("", 0, 0, 0, 0)


def _any(terms: list[s.Expr]) -> s.Expr:
    """`terms` joined with `or`."""
    out = terms[0]
    for term in terms[1:]:
        out = s.BoolOp("or", out, term, out.span)
    return out


def _all(terms: list[s.Expr], span: s.Span) -> s.Expr | None:
    """`terms` joined with `and`; None for none."""
    if not terms:
        return None
    out = terms[0]
    for term in terms[1:]:
        out = s.BoolOp("and", out, term, span)
    return out


def _exclusive(a: Op, b: Op) -> bool:
    """Whether two ops are made in different arms of one `if` (one's guard has a condition the
    other's denies)."""
    return _denies(a, b) or _denies(b, a)


def _denies(a: Op, b: Op) -> bool:
    return any(isinstance(g, s.BoolOp) and g.op == "not" and g.left in b.guard for g in a.guard)


def _places(templates: dict[int, Template], keyed: dict[int, list[str]]) -> dict[str, tuple] | None:
    """Each op key's place in the spec's text (line, column), where every op has one in one file."""
    places: dict[str, tuple] = {}
    files = set()
    for gi, t in templates.items():
        for k, op in zip(keyed[gi], t.ops):
            span = op.span or op.node.span
            if span is None:
                return None
            files.add(span.file)
            places.setdefault(k, (span.line, span.column))
    return places if len(files) == 1 else None


def _merged_order(seqs: list[list[str]], written: dict[str, tuple] | None = None) -> list[str] | None:
    """The keys of every sequence in one order that keeps each sequence's own; where nothing
    decides, the one the spec writes first (`written`: key -> its place in the text), then the one
    seen first. None if the sequences disagree."""
    import heapq

    first_seen: dict[str, tuple] = {}
    after: dict[str, set[str]] = {}
    waiting: Counter = Counter()
    for seq in seqs:
        for k in seq:
            first_seen.setdefault(k, ((written or {}).get(k, ()), len(first_seen)))
        for a, b in zip(seq, seq[1:]):
            if b not in after.setdefault(a, set()):
                after[a].add(b)
                waiting[b] += 1
    heap = [(first_seen[k], k) for k in first_seen if not waiting[k]]
    heapq.heapify(heap)
    order = []
    while heap:
        _, k = heapq.heappop(heap)
        order.append(k)
        for b in after.get(k, ()):
            waiting[b] -= 1
            if not waiting[b]:
                heapq.heappush(heap, (first_seen[b], b))
    return order if len(order) == len(first_seen) else None


@dataclass
class Segment:
    """Ops of a block's class that only some calls make: built where `condition` holds (Python
    source over the constructor's parameters) or where the call passes `flag=True`; in the forward,
    skipped (their output is their input) where not."""

    ops: tuple[int, ...]
    condition: str | None
    flag: str | None = None
    test: str = ""  # the forward's test: `self.conv_1 is not None`, or `self.use_add_1`
    switch: str | None = None  # the bool attribute __init__ sets where the segment has no module


_INPUT = object()  # the block's input among _union's op keys (a line may be named `x`)


def _union(templates: dict[int, Template]) -> tuple[Template, list, bool] | None:
    """The ops of every call of a block in one template, with the runs of ops only some calls make
    (and the conditions the spec wrote for them: `if`, or a projected shortcut); None where the
    calls differ in another way (`x n` with n a parameter), which then get classes of their own."""
    keyed = {}
    for gi, t in templates.items():
        keys = [_key(op) for op in t.ops]
        if len(set(keys)) != len(keys):
            return None
        keyed[gi] = keys
    order = _merged_order(list(keyed.values()), _places(templates, keyed))
    if order is None:
        return None
    position = {k: i for i, k in enumerate(order)}
    present: dict[str, set[int]] = {k: set() for k in order}
    where: dict[str, tuple[int, int]] = {}  # key -> (instance, op index) of a call that makes it
    for gi, keys in keyed.items():
        for i, k in enumerate(keys):
            present[k].add(gi)
            where.setdefault(k, (gi, i))
    everyone = set(templates)
    # a projected shortcut every call makes is still made only where the shapes differ, as where
    # some calls make it: the class then serves the arguments whose shapes agree
    projected: set[str] = set()
    for gi, t in templates.items():
        for i, op in enumerate(t.ops):
            if op.node.projects_to is not None:
                projected.add(keyed[gi][i])
                projected.update(
                    keyed[gi][j] for j, rel in enumerate(t.rel_inputs) if rel == (i,) and t.ops[j].node.generated
                )
    # runs of consecutive ops made by the same calls (not all)
    runs: list[list[str]] = []

    def guard(k: str) -> tuple:  # the conditions of the `if` arms an op is made in, as written
        gi = min(present[k])
        return tuple(_written_text(e) for e in templates[gi].ops[keyed[gi].index(k)].guard)

    for k in order:
        if present[k] == everyone and k not in projected:
            continue
        last = runs[-1][-1] if runs else None
        if last and present[last] == present[k] and position[last] == position[k] - 1 and guard(last) == guard(k):
            runs[-1].append(k)
        else:
            runs.append([k])
    segment_of = {k: n for n, run in enumerate(runs) for k in run}
    for run in runs:  # a chunk's or split's parts are written together: no run may take some of them
        for k in run:
            op = templates[where[k][0]].ops[where[k][1]]
            if op.function is not None and op.function[1].get("part") is not None:
                return None

    def rel_key(gi: int, r: Any) -> Any:
        return _INPUT if r == "x" else keyed[gi][r]

    # each op's inputs, from a call that makes every run before it that it reads
    inputs: dict[str, tuple] = {}
    for k in order:
        candidates = []
        for gi in present[k]:
            t = templates[gi]
            i = keyed[gi].index(k)
            candidates.append(tuple(rel_key(gi, r) for r in t.rel_inputs[i]))
        best = max(candidates, key=lambda c: sum(position.get(r, -1) for r in c))
        inputs[k] = best

    # where a run is not made, its output is the first input of its first op (the main flow: a
    # residual `add`'s branch, not the `x` it adds); only its last op is read after it
    # An op no call makes together with a run written between it and its input reads that run's
    # output: the spec's lines run one after another (`if se: relu` then `if s == 1: bn` is
    # conv -> relu -> bn where both are made, though no call makes both); not where they are arms
    # of one `if`, which no call can make together
    def op_of(k: str) -> Op:
        return templates[where[k][0]].ops[where[k][1]]

    sources: dict[int, Any] = {}
    assumed = False  # an op reads a run no call makes with it: right for the calls' combinations of arms only
    for k in order:
        flow = inputs[k][0] if inputs[k] else None
        for n, run in enumerate(runs):
            if position.get(flow, -1) < position[run[0]] and position[run[-1]] < position[k]:
                apart = not present[k] & present[run[-1]] and not _exclusive(op_of(k), op_of(run[-1]))
                if sources.get(n) == flow and apart:
                    flow = run[-1]
        if inputs[k] and flow != inputs[k][0]:
            inputs[k] = (flow, *inputs[k][1:])
            assumed = True
        if k in segment_of and runs[segment_of[k]][0] == k:
            sources[segment_of[k]] = inputs[k][0]
    for n, run in enumerate(runs):
        inside = set(run)
        if sources[n] in inside:
            return None
        later = {r for k in order if k not in inside for r in inputs[k]}
        if any(k in later for k in run[:-1]):
            return None

    def skipped(gi: int, r: Any) -> Any:
        while r is not _INPUT and gi not in present[r]:
            r = sources[segment_of[r]]
        return r

    for gi, keys in keyed.items():  # with a call's runs skipped, the union is that call
        for i, k in enumerate(keys):
            if tuple(skipped(gi, r) for r in inputs[k]) != tuple(rel_key(gi, r) for r in templates[gi].rel_inputs[i]):
                return None
    ops = []
    for k in order:
        gi, i = where[k]
        ops.append(templates[gi].ops[i])
        # every call makes the op the same way, but for a layer kind a parameter gives (`act`)
        shapes = {_shape_of(templates[g].ops[keyed[g].index(k)]) for g in present[k]}
        if len(shapes) > 1:
            return None
    rel = [tuple("x" if r is _INPUT else position[r] for r in inputs[k]) for k in order]
    out_keys = {skipped(gi, keyed[gi][t.output]) if t.output != "x" else _INPUT for gi, t in templates.items()}
    full_out = max(out_keys, key=lambda r: position.get(r, -1))
    for gi, t in templates.items():
        mine = _INPUT if t.output == "x" else keyed[gi][t.output]
        if skipped(gi, full_out) != mine:
            return None
    first = templates[min(templates)]
    full = Template(ops, rel, "x" if full_out is _INPUT else position[full_out], first.in_channels, first.args)
    segments = [(tuple(position[k] for k in run), present[run[0]]) for run in runs]
    return full, segments, assumed


# ----------------------------------------------------------------------------- the spec's expressions


def _operand(value: Any) -> s.Expr | None:
    expr = getattr(value, "expr", None)
    if expr is not None:
        return expr
    if type(value) in (int, float) and value >= 0:
        return s.Number(value, None)  # type: ignore[arg-type]
    return None


def _arithmetic(op: str, python, reflected: bool = False):
    """An operator of a marked number whose result is marked with the expression that computes it,
    so `in_c * multiplier` inside a layer kind keeps `in.c * m`, and `sum` of a concat's channels
    keeps `a + b`."""

    def method(self, other):
        a, b = (other, self) if reflected else (self, other)
        result = python(_plain(a), _plain(b))
        if not isinstance(other, bool) and _plain(other) == (1 if op in ("*", "//") else 0) and op != "%":
            if not (reflected and op in ("-", "//")):
                return self if type(result) is type(_plain(self)) else result  # `c * 1` is `c`
        left, right = _operand(a), _operand(b)
        if left is None or right is None or type(result) not in (int, float) or isinstance(other, bool):
            return result
        return _marked(result, s.BinOp(op, left, right, None))  # type: ignore[arg-type]

    return method


_OPERATORS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
}


class _MarkedNumber:
    expr: s.Expr

    locals().update({f"__{name}__": _arithmetic(op, f) for name, (op, f) in zip(
        ("add", "sub", "mul", "floordiv", "mod"), _OPERATORS.items())})  # fmt: skip
    locals().update({f"__r{name}__": _arithmetic(op, f, True) for name, (op, f) in zip(
        ("add", "sub", "mul", "floordiv", "mod"), _OPERATORS.items())})  # fmt: skip


class _MarkedInt(_MarkedNumber, int):
    pass


class _MarkedFloat(_MarkedNumber, float):
    pass


class _MarkedTuple(tuple):
    expr: s.Expr


class _MarkedBool(int):  # bool cannot be subclassed: `_plain` gives the bool back
    expr: s.Expr


class _MarkedStr(str):
    expr: s.Expr


_MARKED = {int: _MarkedInt, float: _MarkedFloat, tuple: _MarkedTuple, bool: _MarkedBool, str: _MarkedStr}


def _marked(value: Any, expr: s.Expr) -> Any:
    """`value`, carrying the expression the spec wrote for it, so that the constructor argument a
    layer kind passes it to can be found (a copy of a small int cannot be told from another one)."""
    cls = _MARKED.get(type(value))
    if cls is None:
        return value
    out = cls(value)
    out.expr = expr
    return out


def _plain(value: Any) -> Any:
    """`value` without the expression `_marked` gave it."""
    for base, cls in _MARKED.items():
        if type(value) is cls:
            return base(value)
    return value


def _same_leaves(a: Any, b: Any) -> bool:
    """Whether `a` and `b` (values, or lists of `_leaves`) are equal, marks apart."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same_leaves(x, y) for x, y in zip(a, b))
    return _same(_plain(a), _plain(b))


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "//": 2, "%": 2}  # as Python's; unary minus is 3, an atom 4


def expr_source(expr: s.Expr, names: dict[str, str]) -> tuple[str, int] | None:
    """The spec's expression as Python source over `names` (spec name or `in.c` -> Python name),
    with its precedence; None where it cannot be written: a name not in `names` (`in.h`), or `/`,
    whose whole-number result the spec keeps an int and Python does not."""
    if isinstance(expr, s.Number):
        return literal(expr.value), 4
    if isinstance(expr, s.Dims):
        return literal(expr.sizes), 4
    if isinstance(expr, (s.Name, s.Attr)):
        name = names.get(expr.name if isinstance(expr, s.Name) else f"{expr.obj}.{expr.attr}")
        return (name, 4) if name is not None and IDENT.match(name) else None
    if isinstance(expr, s.Neg):
        inner = expr_source(expr.operand, names)
        if inner is None:
            return None
        return "-" + (inner[0] if inner[1] > 3 else f"({inner[0]})"), 3
    if isinstance(expr, s.BinOp) and expr.op in ("+", "-"):
        linear = _linear_source(expr, names)
        if linear is not None:
            return linear
    if isinstance(expr, s.BinOp) and expr.op == "+":
        return _sum_source(expr, names)
    if (
        isinstance(expr, s.BinOp)
        and expr.op == "/"
        and isinstance(expr.left, s.Number)
        and isinstance(expr.right, s.Number)
    ):
        a, b = expr.left.value, expr.right.value
        if isinstance(a, int) and isinstance(b, int) and b and a % b == 0:
            return str(a // b), 4  # `8 / 2` is 4, as the spec computes it (Python's would be 4.0)
    if isinstance(expr, s.Call):  # the functions Python has as builtins, with Python's meaning
        args = [expr_source(a, names) for a in expr.args]
        if expr.name not in ("min", "max", "int", "round", "abs") or expr.options or any(a is None for a in args):
            return None
        return f"{expr.name}({', '.join(a[0] for a in args)})", 4  # type: ignore[index]
    if isinstance(expr, s.Compare):  # a name that is no variable is a word there (`kind == down`)
        left, right = (_word_source(e, names) or expr_source(e, names) for e in (expr.left, expr.right))
        if left is None or right is None:
            return None
        return f"{_grouped(left, 0.6)} {expr.op} {_grouped(right, 0.6)}", 0.6
    if isinstance(expr, s.BoolOp):
        left = expr_source(expr.left, names)
        right = expr_source(expr.right, names) if expr.right is not None else None
        if left is None or (expr.right is not None and right is None):
            return None
        if expr.op == "not" and isinstance(expr.left, s.Compare) and expr.left.op in _NEGATED:
            return expr_source(replace(expr.left, op=_NEGATED[expr.left.op]), names)  # `kind != "wide"`
        if expr.op == "not" and isinstance(expr.left, s.BoolOp) and expr.left.op == "not":
            return expr_source(expr.left.left, names)  # `not not a` is `a`
        if expr.op == "not":
            return f"not {_grouped(left, 0.5)}", 0.5
        prec = 0.4 if expr.op == "and" else 0.3
        return f"{_grouped(left, prec - 0.01)} {expr.op} {_grouped(right, prec)}", prec  # type: ignore[arg-type]
    if isinstance(expr, s.IfExpr):
        parts = [expr_source(e, names) for e in (expr.then, expr.cond, expr.other)]
        if any(p is None for p in parts):
            return None
        then, cond, other = parts
        return f"{_grouped(then, 0.2)} if {_grouped(cond, 0.2)} else {_grouped(other, 0.19)}", 0.2  # type: ignore[arg-type]
    if isinstance(expr, s.BinOp):
        prec = _PRECEDENCE.get(expr.op)
        left, right = expr_source(expr.left, names), expr_source(expr.right, names)
        if prec is None or left is None or right is None:
            return None
        a = left[0] if left[1] >= prec else f"({left[0]})"
        b = right[0] if right[1] > prec else f"({right[0]})"  # `a - (b - c)`: Python groups from the left
        return f"{a} {expr.op} {b}", prec
    if isinstance(expr, s.Tuple):
        items = [expr_source(i, names) for i in expr.items]
        if any(i is None for i in items):
            return None
        texts = [i[0] for i in items]  # type: ignore[index]
        return (f"({texts[0]},)" if len(texts) == 1 else f"({', '.join(texts)})"), 4
    return None


_NEGATED = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def _word_source(expr: s.Expr, names: dict[str, str]) -> tuple[str, int] | None:
    """A word compared with (`down` in `kind == down`) as Python's string, `true` and `false` as
    its booleans, as the spec's comparison reads a name that is no variable; else None."""
    if not isinstance(expr, s.Name) or expr.name in names:
        return None
    if expr.name in ("true", "false"):
        return str(expr.name == "true"), 4
    return literal(expr.name), 4


def _grouped(source: tuple[str, float], prec: float) -> str:
    """`source` where an operator of precedence `prec` takes it: in parentheses if it binds less."""
    return source[0] if source[1] > prec else f"({source[0]})"


def _linear_source(expr: s.Expr, names: dict[str, str]) -> tuple[str, int] | None:
    """A sum and difference of terms, each a whole multiple of a name (or of a product or call),
    gathered: DPN's `in_channels + 256 - 256 + 16` is `in_channels + 16`, ShuffleNet's `58 + 116 // 2`
    is 116. None where the expression is not such a sum (a term with `//` of a name, or a float)."""
    terms: dict[str, int] = {}
    constant = 0
    folds = 0  # what gathering changes: constants put together, a term met again

    def add(e: s.Expr, sign: int) -> bool:
        nonlocal constant, folds
        if isinstance(e, s.BinOp) and e.op in ("+", "-"):
            return add(e.left, sign) and add(e.right, sign if e.op == "+" else -sign)
        if isinstance(e, s.Number):
            if not isinstance(e.value, int):
                return False
            folds += 1
            constant += sign * e.value
            return True
        if isinstance(e, s.BinOp) and e.op in ("*", "//", "%") and _constant_int(e) is not None:
            folds += 2
            constant += sign * _constant_int(e)  # type: ignore[operator]
            return True
        factor, rest = 1, e
        if isinstance(e, s.BinOp) and e.op == "*" and _constant_int(e.left) is not None:
            factor, rest = _constant_int(e.left), e.right
        elif isinstance(e, s.BinOp) and e.op == "*" and _constant_int(e.right) is not None:
            factor, rest = _constant_int(e.right), e.left
        source = expr_source(rest, names)
        if source is None:
            return False
        text = source[0] if source[1] >= 2 else f"({source[0]})"
        folds += 2 if text in terms else 0
        terms[text] = terms.get(text, 0) + sign * factor
        return True

    if not add(expr, 1) or folds < 2:
        return None  # nothing to gather: the expression as the spec writes it
    parts: list[str] = []
    for text, k in terms.items():
        if k == 0:
            continue
        body = text if abs(k) == 1 else f"{abs(k)} * {text if _text_precedence(text) >= 2 else f'({text})'}"
        parts.append(("- " if k < 0 else "+ ") + body)
    if constant or not parts:
        parts.append(("- " if constant < 0 else "+ ") + str(abs(constant)))
    if parts[0].startswith("- "):
        return None  # a sum that starts with a negative term reads better as written
    source = " ".join(parts)[2:]
    return source, (1 if len(parts) > 1 else 2 if "*" in source else 4)


def _constant_int(e: s.Expr) -> int | None:
    """The value of an expression of whole numbers alone (`116 // 2`), else None."""
    if isinstance(e, s.Number):
        return e.value if isinstance(e.value, int) else None
    if isinstance(e, s.BinOp) and e.op in ("+", "-", "*", "//", "%"):
        a, b = _constant_int(e.left), _constant_int(e.right)
        if a is None or b is None or (e.op in ("//", "%") and b == 0):
            return None
        return {"+": a + b, "-": a - b, "*": a * b, "//": a // b if b else 0, "%": a % b if b else 0}[e.op]
    return None


def _sum_source(expr: s.BinOp, names: dict[str, str]) -> tuple[str, int] | None:
    """A sum, its repeated terms counted: DenseNet's `in_channels + growth + growth + growth` is
    `in_channels + 3 * growth`."""
    terms: list[s.Expr] = []
    stack: list[s.Expr] = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, s.BinOp) and e.op == "+":
            stack += [e.right, e.left]
        else:
            terms.append(e)
    counts: dict[str, int] = {}
    for term in terms:
        source = expr_source(term, names)
        if source is None:
            return None
        text = source[0] if source[1] >= 1 else f"({source[0]})"
        counts[text] = counts.get(text, 0) + 1
    parts = [text if n == 1 else f"{n} * " + (text if _text_precedence(text) >= 2 else f"({text})")
             for text, n in counts.items()]  # fmt: skip
    return " + ".join(parts), 1 if len(parts) > 1 else (2 if any(n > 1 for n in counts.values()) else 4)


def _text_precedence(text: str) -> int:
    if IDENT.fullmatch(text) or re.fullmatch(r"[0-9.]+", text):
        return 4
    return 2 if " + " not in text and " - " not in text else 1


def _written(
    exprs: list[s.Expr | None], pairs: list[tuple[int, Any]], templates: dict, names: dict, envs: dict | None = None
) -> str | None:
    """The source of an expression the spec wrote for one constructor argument that reads the same
    as Python and gives the argument's value in every call of the block. The calls may carry
    different ones (`in.c` where an optional expand step is skipped, `in.c * expand` where it is
    made): the first that holds for all of them is taken, the one most calls carry first."""
    # the spec's `/` of whole numbers that divide is Python's `//` (Python's `/` gives a float)
    exprs = [e if e is None or expr_source(e, names) is not None else _floor_division(e) for e in exprs]
    candidates: dict[str, tuple[s.Expr, int]] = {}
    for e in exprs:
        source = expr_source(e, names) if e is not None else None
        if source is not None and len(source[0]) <= MAX_EXPRESSION and re.search(r"[A-Za-z_]", source[0]):
            # (`let`s put in can grow past a readable line; `64 * 4`, which no parameter changes, is a value)
            expr, count = candidates.get(source[0], (e, 0))
            candidates[source[0]] = (expr, count + 1)
    for source, (expr, _) in sorted(candidates.items(), key=lambda item: -item[1][1]):
        if all(_gives(expr, templates[gi], value, (envs or {}).get(gi)) for gi, value in pairs):
            return source
    return None


def _by_arm(exprs: list, pairs: list[tuple[int, Any]], arms: list, templates: dict, names: dict, envs) -> str | None:
    """A constructor argument that the arms of an `if` give differently, as Python's conditional
    expression over the arms' conditions (`in_channels if stride > 1 else in_channels // 2`): each
    arm's expression (or value) that holds for its calls; None where an arm has neither, or an arm
    before the last has no condition."""
    chosen: list[tuple[str | None, str]] = []
    for calls, condition in arms:
        mine = [(e, pair) for e, pair in zip(exprs, pairs) if pair[0] in calls]
        if not mine:
            continue  # the arm does not make this module
        values = [pair for _, pair in mine]
        source = _written([e for e, _ in mine], values, templates, names, envs)
        if source is None and all(_same(v, values[0][1]) for _, v in values):
            source = _value_source(values[0][1])
        if source is None:
            return None
        chosen.append((condition, source if " if " not in source else f"({source})"))
    if len({source for _, source in chosen}) == 1:
        return chosen[0][1]
    if any(condition is None for condition, _ in chosen[:-1]):
        return None
    text = chosen[-1][1]
    for condition, source in reversed(chosen[:-1]):
        text = f"{source} if {condition} else {text}"
    return text


def _gives(expr: s.Expr, t: Template, value: Any, env: dict | None = None) -> bool:
    try:
        result = _truth_value(evaluate(expr, env or t.args, (t.in_channels,), words_ok=False))  # type: ignore[arg-type]
    except SpecError:
        return False
    return _same(result, value) or (type(result) is int and type(value) is float and result == value)


def _hoist(expr: Any, trees: dict[str, s.Expr]) -> Any:
    """`expr` with each `let`'s last value, where it stands whole, read by the `let`'s name again."""
    if expr is None or not trees:
        return expr
    for name, tree in trees.items():
        if expr == tree:
            return s.Name(name, getattr(expr, "span", None))
    return s.map_children(expr, lambda e: _hoist(e, trees))


def _nested_lets(body: tuple) -> set[str]:
    """The names `let` gives inside an `if` or a merge of a body."""
    found: set[str] = set()

    def walk(stmts: tuple, top: bool) -> None:
        for stmt in stmts:
            if isinstance(stmt, s.Let) and not top:
                found.add(stmt.name)
            elif isinstance(stmt, s.If):
                for _, arm in stmt.arms:
                    walk(arm, False)
            elif isinstance(stmt, s.Compound):
                walk(stmt.body, False)

    walk(body, True)
    return found


def _truth_value(value: Any) -> Any:
    return (value == "true") if value in ("true", "false") else value


def _default_source(expr: s.Expr | None) -> str | None:
    """A parameter's default as Python source: a value written without names (`stride=1`,
    `act=relu`); None for none, or for one over other parameters (`e=w*4`), which calls then pass."""
    if expr is None:
        return None
    try:
        value = evaluate(expr, {}, None)
    except SpecError:
        return None
    value = _truth_value(value)
    return literal(value) if isinstance(value, (bool, int, float, str, tuple)) else None


class _ClassName(str):
    """A PyTorch class passed as a value (`act=nn.Hardswish`): written as it is, not as a string."""


def _is_default_expr(value: Any, default: s.Expr) -> bool:
    """Whether a call's `value` is what the parameter's `default` writes (a number or a word)."""
    if isinstance(default, s.Number):
        return type(value) is type(default.value) and value == default.value
    if isinstance(default, s.Name):
        return value == default.name or (isinstance(value, bool) and default.name == ("true" if value else "false"))
    return False


def _value_source(value: Any) -> str:
    if isinstance(value, _ClassName) and DOTTED.match(value):
        return str(value)
    return literal(value)


def _is_default(value: Any, default: str) -> bool:
    if isinstance(value, _ClassName):
        return str(value) == default
    import ast

    return _same(value, ast.literal_eval(default))


def _constant(value: Any) -> s.Expr | None:
    return s.Number(value, None) if type(value) in (int, float) and value >= 0 else None  # type: ignore[arg-type]


def _substitute(expr: s.Expr, mapping: dict[str, s.Expr | None]) -> s.Expr | None:
    """`expr` with its names (and `in.c`) replaced by `mapping`'s expressions; None where one has none."""
    if isinstance(expr, s.Number):
        return expr
    if isinstance(expr, (s.Name, s.Attr)):
        return mapping.get(expr.name if isinstance(expr, s.Name) else f"{expr.obj}.{expr.attr}")
    if isinstance(expr, s.BinOp):
        left, right = _substitute(expr.left, mapping), _substitute(expr.right, mapping)
        return None if left is None or right is None else s.BinOp(expr.op, left, right, expr.span)
    return None


def _floor_division(expr: s.Expr) -> s.Expr:
    if isinstance(expr, s.BinOp) and expr.op == "/":
        expr = replace(expr, op="//")
    return s.map_children(expr, _floor_division)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _network_leaf(value: Any, names: dict[str, str], settings: dict[str, Any]) -> str:
    """A constructor argument of a network-level layer: the spec's expression over the network's
    parameters where it wrote one that Python reads the same (`num_classes`, `width * 2`), else the value."""
    expr = getattr(value, "expr", None)
    if expr is not None and names:
        source = expr_source(expr, names)
        try:
            same = source is not None and _same(evaluate(expr, settings, None, words_ok=False), _plain(value))
        except SpecError:
            same = False
        if same and re.search(r"[A-Za-z_]", source[0]):  # `64 * 4`, which no parameter changes, is 256
            return source[0]  # type: ignore[index]
    return _value_source(_plain(value))


def _annotation(values: list[Any]) -> str:
    types = {type(v) for v in values}
    if len(types) != 1:
        return ""
    t = types.pop()
    if t is tuple:
        return "tuple[int, ...]"
    return {int: "int", float: "float", bool: "bool", str: "str"}.get(t, "")


# ----------------------------------------------------------------------------- rendering


def render_value(value: Any, exprs: dict[tuple, str], path: tuple, indent: int, start: int) -> str:
    """`value` as source; `indent`: the indentation of its line, `start`: the column it starts at."""
    if isinstance(value, TorchCall):
        return render_call(value, exprs, path, indent, start)
    if isinstance(value, _ClassName) and DOTTED.match(value):
        return str(value)
    return exprs.get(path, literal(value))


def render_call(call: TorchCall, exprs: dict[tuple, str], path: tuple, indent: int, start: int) -> str:
    if not DOTTED.match(call.func):
        raise ValueError(f"bad constructor name {call.func!r}")
    args = [render_value(a, exprs, (*path, i), indent + 4, indent + 4) for i, a in enumerate(call.args)]
    if call.func == "nn.Sequential":
        args = _collapse_repeats(args)
    for key, value in call.kwargs.items():
        if not IDENT.match(key):
            raise ValueError(f"bad keyword {key!r}")
        source = render_value(value, exprs, (*path, key), indent + 4, indent + 5 + len(key))
        if key in call.defaults and source == literal(call.defaults[key]):
            continue
        args.append(f"{key}={source}")
    return _wrap(f"{call.func}(", args, ")", indent, start)


def render_class(c: ClassDef, network: bool) -> list[str]:
    lines = _render_class(c, network)
    return [_fit(line) for line in lines]


def _render_class(c: ClassDef, network: bool) -> list[str]:
    t = c.template
    lines = [f"class {c.name}(nn.Module):"]
    if network:
        lines.append('    """The network."""')
    else:
        params = ", ".join(name for name, _, _ in c.signature[: c.keyword_only] if name != "in_channels")
        lines.append(f'    """The spec\'s block `{c.block}({params})`."""')
    lines.append("")
    sig = ["self"]
    for i, (name, annotation, default) in enumerate(c.signature):
        if i == c.keyword_only:
            sig.append("*")
        if annotation:
            sig.append(f"{name}: {annotation} = {default}" if default else f"{name}: {annotation}")
        else:
            sig.append(f"{name}={default}" if default else name)
    head = f"    def __init__({', '.join(sig)}) -> None:"
    if len(head) > MAX_LINE:
        head = "    def __init__(\n" + "".join(f"        {s},\n" for s in sig) + "    ) -> None:"
    lines.append(head)
    lines.append("        super().__init__()")
    lines += [f"        {name} = {source}" for name, source in c.lets]
    for condition, message in c.refused:
        lines.append(f"        if {condition}:")
        lines += _wrapped_raise(message)
    lines += [f"        self.{attribute} = {name}" for attribute, name in c.kept]  # what the forward reads
    by_op: dict[int, dict] = {}  # op index -> {leaf path: source}, sorted once (not per op: a 10,000-layer class)
    for (index, path), source in c.exprs.items():
        by_op.setdefault(index, {})[path] = source
    starts = {seg.ops[0]: seg for seg in c.segments}
    inside = {i for seg in c.segments for i in seg.ops}
    for i in _written_order(t.ops):  # modules made in the order the spec writes them
        op = t.ops[i]
        seg = starts.get(i)
        if seg is not None:  # the modules only some calls make: `if stride != 1 or ...:` ... `else: ... = None`
            condition = seg.flag or seg.condition
            if seg.switch:
                lines.append(f"        self.{seg.switch} = {condition}")
            modules = [j for j in seg.ops if t.ops[j].ctor is not None]
            if modules:
                lines.append(f"        if {condition}:")
                for j in modules:
                    prefix = f"            self.{t.ops[j].attr} = "
                    lines.append(prefix + render_call(t.ops[j].ctor, by_op.get(j, {}), (), 12, len(prefix)))
                lines.append("        else:")
                lines += [f"            self.{t.ops[j].attr} = None" for j in modules]
        if op.ctor is None or i in inside:
            continue
        prefix = f"        self.{op.attr} = "
        lines.append(prefix + render_call(op.ctor, by_op.get(i, {}), (), 8, len(prefix)))
    if c.init or c.zero_init:
        lines += render_init(c)
    if c.frozen:
        lines += render_frozen(c)
    lines.append("")
    lines.append("    def forward(self, x: torch.Tensor) -> torch.Tensor:")
    if c.arms:  # the arm the call takes, then what every arm ends with
        reads_x = c.tail is not None and any("x" in rel for rel in c.tail.rel_inputs)
        for number, (test, arm) in enumerate(c.arms):
            last = number == len(c.arms) - 1
            lines.append("        else:" if last else f"        {'elif' if number else 'if'} {test}:")
            keep = {i: c.tail_names["@" + _key(op)] for i, op in enumerate(arm.ops) if "@" + _key(op) in c.tail_names}
            if "@" in c.tail_names:  # the arm's result
                keep[len(arm.ops) - 1] = c.tail_names["@"]
            head = ClassDef(c.name, c.block, [], 0, arm, {}, functions=c.functions)
            body = render_forward(head, network, keep=keep, hold=reads_x)
            if c.tail is not None:
                body.pop()  # `return ...`: the tail goes on from the values kept
            lines += ["    " + line for line in body]
        if c.tail is not None:
            tail = ClassDef(c.name, c.block, [], 0, c.tail, {}, functions=c.functions)
            lines += render_forward(tail, network, given=c.tail_names)
    else:
        lines += render_forward(c, network)
    if c.frozen:
        lines += frozen_train(c.name)
    return lines


def frozen_train(class_name: str) -> list[str]:
    """The network's `train`, where the spec freezes layers."""
    return [
        "",
        f'    def train(self, mode: bool = True) -> "{class_name}":',
        '        """As nn.Module.train, but the frozen modules\' normalisations stay in eval mode: they',
        "        normalise with their running statistics and do not update them, as Keras runs a frozen",
        '        BatchNormalization."""',
        "        super().train(mode)",
        "        for name in self._frozen:",
        "            for module in self.get_submodule(name).modules():",
        '                if getattr(module, "track_running_stats", False):',
        "                    module.eval()",
        "        return self",
    ]


def _wrapped_raise(message: str) -> list[str]:
    """`raise ValueError(message)` at the indent of an `if`'s body in __init__, the message in
    string pieces that fit MAX_LINE."""
    import json  # a JSON string is a Python string literal, in double quotes

    one = f"            raise ValueError({json.dumps(message)})"
    if len(one) <= MAX_LINE:
        return [one]
    pieces = textwrap.wrap(message, MAX_LINE - 20, drop_whitespace=False, break_long_words=False)
    return ["            raise ValueError(", *(f"                {json.dumps(p)}" for p in pieces), "            )"]


def _written_order(ops: list[Op]) -> list[int]:
    """The ops in the order the spec writes them, where that differs from the order they run in: a
    projected shortcut written before the branch it matches (RegNet's `proj`) is made first, as
    torchvision's ResBottleneckBlock makes it, so the modules' order (their state_dict and their
    initialisation from one seed) is the spec's. Ops without a place in the text keep theirs."""
    spans = [op.span or op.node.span for op in ops]
    if any(span is None for span in spans) or len({span.file for span in spans}) > 1:
        return list(range(len(ops)))
    return sorted(range(len(ops)), key=lambda i: (spans[i].line, spans[i].column, i))


def render_frozen(c: ClassDef) -> list[str]:
    """The end of the network's __init__: the spec's `freeze` lines, as `requires_grad_(False)`."""
    names = ", ".join(path_literal(p) for p in c.frozen) + ("," if len(c.frozen) == 1 else "")
    head = "        self._frozen = ("
    if len(head) + len(names) + len(")  # the spec's `freeze` lines: not trained") <= MAX_LINE:
        lines = [f"{head}{names})  # the spec's `freeze` lines: not trained"]
    else:
        lines = ["        # the spec's `freeze` lines: not trained", head]
        lines += [f"            {path_literal(p)}," for p in c.frozen]
        lines.append("        )")
    return [
        *lines,
        "        for name in self._frozen:",
        "            self.get_submodule(name).requires_grad_(False)",
    ]


# `init` option -> the family of the layer kinds whose modules its branch of the loop sets
INIT_FAMILIES = {"conv": "conv", "norm": "norm", "linear": "dense"}


def init_branches(net: Network) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The branches of the `init` line's loop over `self.modules()`, in torchvision's order (conv,
    norm, linear): each is the PyTorch classes of the network's layers with parameters of that
    family, and the statements that set a module `m` of them. Only what the line asks for, and
    branches with the same statements are one (`isinstance(m, (nn.Conv2d, nn.Linear))`)."""
    branches: dict[tuple[str, ...], list[str]] = {}
    for option, family in INIT_FAMILIES.items():
        scheme = net.init.get(option, "default")
        if scheme == "default":
            continue
        classes, unset = [], set()  # unset: classes of layers without parameters (`affine=false`)
        for node in net.nodes:
            if node.kind is None or node.kind.family != family:
                continue
            ctor = node.kind.torch_module(node.options, net.nodes[node.inputs[0]].shape)
            for func in _module_classes(ctor):
                if not node.params:
                    unset.add(func)
                elif func not in classes:
                    classes.append(func)
        if not classes:
            continue
        if option == "norm":
            body = ["nn.init.constant_(m.weight, 1)", "nn.init.constant_(m.bias, 0)"]
            if unset & set(classes):
                body = ["if m.weight is not None:", *(f"    {b}" for b in body)]
        else:
            _, weight, zero_bias = WEIGHTS[scheme]
            body = [weight] + (["if m.bias is not None:", "    nn.init.constant_(m.bias, 0)"] if zero_bias else [])
        branches.setdefault(tuple(body), []).extend(classes)
    return tuple((tuple(classes), body) for body, classes in branches.items())


def _module_classes(call: Any) -> list[str]:
    """The PyTorch classes a constructor makes, but containers: `nn.Conv2d` twice for a separable conv."""
    if not isinstance(call, TorchCall):
        return []
    inner = [f for a in call.args for f in _module_classes(a)]
    return inner if call.func == "nn.Sequential" else [call.func, *inner]


def render_init(c: ClassDef) -> list[str]:
    """The end of the network's __init__: the spec's `init` line, as torchvision writes it (a loop
    over the modules, then the last batchnorm of each residual branch set to 0)."""
    lines = [f"        # {line}" for line in _wrapped(c.init_comment, 10)]
    if c.init:
        lines.append("        for m in self.modules():")
        for number, (classes, body) in enumerate(c.init):
            test = classes[0] if len(classes) == 1 else f"({', '.join(classes)})"
            lines.append(f"            {'elif' if number else 'if'} isinstance(m, {test}):")
            lines += [f"                {statement}" for statement in body]
    if c.zero_init:
        lines.append(
            "        # zero_init_residual: each residual branch's last batchnorm starts at 0 (the block: the identity)"
        )
        names = ", ".join(path_literal(p) for p in c.zero_init) + ("," if len(c.zero_init) == 1 else "")
        if len("        for name in ():") + len(names) <= MAX_LINE:
            lines.append(f"        for name in ({names}):")
        else:
            lines += ["        for name in (", *(f"            {path_literal(p)}," for p in c.zero_init), "        ):"]
        lines.append("            nn.init.constant_(self.get_submodule(name).weight, 0)")
    return lines


def _wrapped(text: str, indent: int) -> list[str]:
    """A comment's text in lines that fit MAX_LINE after `indent` columns and `# `, the lines after
    the first indented by two more."""

    return textwrap.wrap(comment_text(text), MAX_LINE - indent - 2, subsequent_indent="  ", break_long_words=False)


def render_forward(
    c: ClassDef, network: bool, keep: dict[int, str] | None = None, hold: bool = False, given: dict | None = None
) -> list[str]:
    """The forward, step by step. A value's variable is reused by the op that consumes it last
    (`x = self.conv1(x)`); values still needed later get their own (`out`, `shortcut`). For an arm
    of a class whose arms end alike: `keep`, the ops whose values the tail reads, in the variables
    given (and `hold`: `x` too, left as it is); for that tail, `given`, the variables of the values
    it reads from the arms (`@KEY` in its inputs)."""
    t = c.template
    n = len(t.ops)
    keep = keep or {}
    last_use: dict[Any, int] = {}
    for i, rel in enumerate(t.rel_inputs):
        for r in rel:
            last_use[r] = i
    last_use[t.output] = n
    for r in [*keep, *(["x"] if hold else [])]:
        last_use[r] = n + 1
    chain = {i for seg in c.segments for i in seg.ops}
    starts = {seg.ops[0]: seg for seg in c.segments}
    # a value several ops take, or that a merge takes after its first input, keeps its layer's name
    # (`a = self.a(x)` ... `torch.cat([a, b], dim=1)`); the others flow on in `x` or `out`
    uses = Counter(r for rel in t.rel_inputs for r in rel)
    named = {r for r, count in uses.items() if count > 1 and isinstance(r, int)}
    named |= {r for r, name in (given or {}).items() if name != "out"}  # what the arms name keeps its name
    named |= {r for op, rel in zip(t.ops, t.rel_inputs) if op.merge for r in rel[1:] if isinstance(r, int)}
    named |= {j for i in range(n) for j in split_parts(t, i)}  # a part keeps its name: `x1` is not a flow
    var: dict[Any, str] = {"x": "x", **(given or {})}
    lines: list[str] = []
    flows = ("x", "out") if network else ("out",)  # the names a value flowing on takes
    branches = _branch_variables(t, uses, chain)

    def line_name(i: int) -> str:
        """The name the spec gives the line that op i ends: `b` for `b_relu` of `b: conv 8 1x1 relu`
        (a line's layers after the first are named `b_bn`, `b_relu`, ...), walking back through the
        layers whose output only the next one reads."""
        attr = t.ops[i].attr or sanitise(t.ops[i].node.path.rsplit(".", 1)[-1])
        name, j = attr, i
        while len(t.rel_inputs[j]) == 1 and isinstance(t.rel_inputs[j][0], int) and uses[t.rel_inputs[j][0]] == 1:
            j = t.rel_inputs[j][0]
            if t.ops[j].merge or t.ops[j].attr is None:
                break
            if attr.startswith(t.ops[j].attr + "_"):
                name = t.ops[j].attr
        return name

    def live_names(i: int) -> set[str]:
        return {name for v, name in var.items() if last_use.get(v, -1) >= i}

    def fresh(op: Op, i: int) -> str:
        live = live_names(i)
        flow = next((f for f in flows if f not in live), None)
        base = flow or sanitise(op.attr or op.node.path.rsplit(".", 1)[-1])
        name, k = base, 1
        while name in live or (name in RESERVED and name not in flows):
            k += 1
            name = f"{base}_{k}"
        return name

    def step(i: int, pad: str, force: str | None = None) -> int:
        """Write op i (a chunk's parts: all of them) at indentation `pad`, its value in `force` if
        given; returns the index of the next op."""
        op, rel = t.ops[i], t.rel_inputs[i]
        parts = split_parts(t, i)
        if parts:  # `x1, x2 = x.chunk(2, dim=1)`: every part in one statement, by the spec's names
            names: list[str] = []
            for j in parts:
                own = t.ops[j].node.path.rsplit(".", 1)[-1]
                names.append(keep.get(j) or fresh_name(own, live_names(i) | RESERVED | set(names)))
            lines.append(f"{pad}{', '.join(names)} = {function_source(op, var[rel[0]], c.functions.get(_key(op)))}")
            var.update(zip(parts, names))
            return parts[-1] + 1
        first = rel[0]
        wanted = branches.get(i)
        # a branch's variable, unless it still holds a value a later op reads (a line the spec named `branch1`)
        reusable = var.get(first) == wanted and last_use.get(first) == i
        if wanted and (reusable or wanted not in live_names(i)):
            name = wanted
        elif op.merge and first in branches:  # the branches meet: the result flows on
            name = fresh(op, i)
        elif i in named:
            name = fresh_name(line_name(i), live_names(i) | RESERVED)
        elif last_use.get(first) == i and rel.count(first) == 1 and first not in named:
            name = var[first]
        else:
            name = fresh(op, i)
        name = force or keep.get(i) or name
        if op.merge:
            kind, options = op.merge
            inputs = [var[r] for r in rel]
            update = kind.torch_merge_inplace(options, inputs) if op.inplace and name == var[first] else None
            if update:  # `out += x`, as torchvision writes it: no new tensor
                lines.append(f"{pad}{update}")
                var[i] = name
                return i + 1
            expr = kind.torch_merge(options, inputs)
        elif op.function is not None:
            expr = function_source(op, var[first], c.functions.get(_key(op)))
        else:
            expr = f"self.{op.attr}({var[first]})"
        lines.append(f"{pad}{name} = {expr}")
        var[i] = name
        return i + 1

    i = 0
    while i < n:
        seg = starts.get(i)
        if seg is None:
            i = step(i, " " * 8)
            continue
        # ops only some calls make: their value flows on in the variable of their input where they are not
        end = seg.ops[-1]
        source = t.rel_inputs[i][0]
        if last_use.get(source, -1) <= end:
            name = var[source]
        else:
            name = fresh(t.ops[i], i)
            lines.append(f"        {name} = {var[source]}")
        lines.append(f"        if {seg.test}:")
        while i < end:
            i = step(i, " " * 12)
        i = step(end, " " * 12, force=name)
        var[end] = name
    lines.append(f"        return {var[t.output]}")
    return lines


def function_source(op: Op, source: str, written: dict[str, Any] | None = None) -> str:
    """A functional op's forward expression over the variable `source`: a slice's `x[:, 0:58]`, or for
    a part of `chunk` or `split`, the expression giving every part (`x.chunk(2, dim=1)`). `written`:
    the Python source of options the spec writes over the block's parameters (`self.num_1x1_c`)."""
    kind, options = op.function  # type: ignore[misc]
    options = {**options, **(written or {})}
    if options.get("part") is not None:
        return kind.torch_parts(options, source)
    return kind.torch_function(options, source)


def function_key(op: Op) -> tuple | None:
    """What a functional op writes, for telling a block's instances apart: its kind, its part, and
    its bounds, as the expressions the spec writes over the block's parameters where Python can
    say them (`slice num_1x1_c`: one op in every call), else as values."""
    if op.function is None:
        return None
    kind, options = op.function
    shown = ("chunks", "sizes") if options.get("part") is not None else ("start", "end")
    exprs = {k: expr_source(e, _ANY_NAME)[0] for k, e in _function_exprs(op).items()}  # type: ignore[index]
    return kind.name, options.get("part"), tuple((k, exprs.get(k, options.get(k))) for k in shown)


def _function_exprs(op: Op) -> dict[str, s.Expr]:
    """The options of a functional op that the spec writes over the block's parameters, where Python
    can say them (every name a parameter or `in.c`)."""
    if op.function is None:
        return {}
    return {k: e for k, e in op.node.exprs.items() if expr_source(e, _ANY_NAME) is not None}


class _AnyName(dict):
    """Names as expr_source reads them where any parameter may be meant: each name itself, `in.c`
    as `in_channels`, and no other attribute of `in`."""

    def get(self, key, default=None):
        if key == "in.c":
            return "in_channels"
        return key if "." not in key else default


_ANY_NAME = _AnyName()


def split_parts(t: Template, i: int) -> list[int]:
    """The ops from `i` on that are the parts of one `chunk` or `split`, where op `i` is its first
    part (the analyser makes them one after the other, from one input); else []."""
    op = t.ops[i]
    if op.function is None or op.function[1].get("part") != 0:
        return []
    count = op.function[1]["chunks"] or len(op.function[1]["sizes"])
    parts = list(range(i, i + count))
    if parts[-1] >= len(t.ops) or any(
        t.ops[j].function is None or t.ops[j].function[1].get("part") != k or t.rel_inputs[j] != t.rel_inputs[i]
        for k, j in enumerate(parts)
    ):
        return []
    return parts


_GENERATED = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*_[0-9]+")  # `relu_3`: a name archspec made, not the spec


def _branch_variables(t: Template, uses: Counter, optional: set[int]) -> dict[int, str]:
    """The variables of a merge's unnamed branches: `branch1`, `branch2`, ..., as torchvision's
    Inception writes them (numbered in the spec's order), for each op of each branch, walking back
    from the merge while each value has one reader. Only where at least two inputs end such
    branches: an input taken as it is (`x`, an identity branch) keeps its variable, and a merge
    with a projection or a branch the spec names is written as before."""
    names: dict[int, str] = {}
    for op, rel in zip(t.ops, t.rel_inputs):
        ends = {k: r for k, r in enumerate(rel, 1) if isinstance(r, int) and uses[r] == 1}
        if not op.merge or len(ends) < 2:
            continue
        paths = {}
        for k, r in ends.items():
            path = [r]
            while len(t.rel_inputs[path[-1]]) == 1:
                source = t.rel_inputs[path[-1]][0]
                if not isinstance(source, int) or uses[source] != 1 or t.ops[source].merge:
                    break
                path.append(source)
            paths[k] = path
        generated = all(_GENERATED.fullmatch(t.ops[r].node.path.rsplit(".", 1)[-1]) for r in ends.values())
        if optional & {j for path in paths.values() for j in path} or not generated:
            continue
        for k, path in paths.items():
            names.update((j, f"branch{k}") for j in path)
    return names


def header(net: Network, version: str, source: str) -> list[str]:
    shape_in = ", ".join(str(d) for d in net.input_shape or ())
    shape_out = ", ".join(str(d) for d in net.output_shape or ())
    name = net.name or "network"
    if is_default(net.init):
        init = f"initialisation: {PYTORCH_DEFAULTS}"
    else:
        init = f"initialisation: the spec's `init` line: {describe_init(net.init)}"
        init += "; the other layers PyTorch's defaults" if "default" in net.init.values() else ""
    return [
        f"# {comment_text(name)}: PyTorch module generated by archspec {version} from",
        f"#   {comment_text(source)}",
        f"# input (N, {shape_in}) -> output (N, {shape_out})",
        f"# params: {net.params:,} (buffers: {net.buffers:,}); "
        f"MACs: {net.macs:,} (FLOPs counted 2 per MAC: {2 * net.macs:,})",
        *(f"# {line}" for line in _wrapped(init, 0)),
        *(
            f"# {line}"
            for line in _wrapped(
                f"frozen (not trained; their batchnorms keep their statistics): {', '.join(net.frozen)}; "
                f"trainable params: {net.trainable_params:,}",
                0,
            )
            if net.frozen
        ),
    ]


def default_class_name(net: Network) -> str:
    """The spec's network name where Python can use it; `None`, `True` or `torch` become `NoneNet`, ..."""
    name = net.name or "Network"
    if valid_class_name(name):
        return name
    name = class_name_for(sanitise(name))
    return name if valid_class_name(name) else name + "Net"


def generate(net: Network, class_name: str | None = None, source: str | None = None) -> str:
    """The PyTorch source of an analysed network. Raises CodegenError where the network cannot be
    written as a module (a layer named like an nn.Module method, ...), ValueError for a bad
    `class_name`."""
    from archspec import __version__

    if not net.nodes or net.input_shape is None:
        raise ValueError("the spec defines no network (archspec.build(path, block=NAME, ...) builds one of its blocks)")
    if class_name is not None and not valid_class_name(class_name):
        raise ValueError(f"`{class_name}` is not a usable Python class name")
    emitter = Emitter(net)
    for kind in ALL:  # helper classes keep their names: block classes give way
        emitter.class_names.update(re.findall(r"^class (\w+)", kind.torch_helper, re.M))
    emitter.resolve_blocks()
    name = class_name or default_class_name(net)
    if name in emitter.class_names:
        if class_name is not None:
            raise ValueError(f"`{class_name}` names a class archspec writes (a block's, or a helper's such as Rescale)")
        name = emitter.unique_class_name(name + "Net")
    network = emitter.network_class(name)
    network.frozen = net.frozen
    if not is_default(net.init):
        network.init, network.zero_init = init_branches(net), net.zero_init
        network.init_comment = f"the spec's `init` line: {describe_init(net.init)}"
    lines = header(net, __version__, source or net.file)
    body: list[str] = []
    for cls in emitter.classes:
        lines_of = [_fit(line) for line in cls.lines] if isinstance(cls, TranslatedClass) else None
        body += ["", ""] + (lines_of or render_class(cls, network=False))
    body += ["", ""] + (emitter.translated_network(network) or render_class(network, network=True))
    text = "\n".join(body)
    imports = ["import torch", "from torch import nn"]
    if emitter.helpers.pop("math", None) is not None:  # a size the spec computes with `ceil`, `log`, ...
        imports.insert(0, "import math\n")
    out = lines + [""] + imports
    for helper in emitter.helpers.values():
        out += ["", "", helper.rstrip("\n")]
    return "\n".join(out) + "\n" + text + "\n"
