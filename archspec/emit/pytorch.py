"""Analysed network -> PyTorch source text: one `nn.Module` class per block definition, the
network's class last, written by translating the spec's definitions (`archspec.emit.translate`);
this module writes the file around them: the header, the helper classes the layer kinds need, the
network's `init` loop and frozen layers. Never imports torch: what each layer is in PyTorch comes
from the layer catalogue (`LayerKind.torch_module` and `LayerKind.torch_merge`)."""

from __future__ import annotations

import keyword
import re
import textwrap
from typing import Any

from archspec.analysis.graph import Network, Node
from archspec.analysis.initialise import PYTORCH_DEFAULTS, WEIGHTS, is_default
from archspec.analysis.initialise import describe as describe_init
from archspec.diagnostics import Diagnostic, SpecError
from archspec.emit.layout import MAX_LINE, _fit
from archspec.emit.names import (
    IDENT,
    MODULE_ATTRIBUTES,
    class_name_for,
    comment_text,
    path_literal,
    sanitise,
    valid_class_name,
)
from archspec.emit.translate import TranslatedClass, Untranslatable, translate_block, translate_network
from archspec.frontend import syntax as s
from archspec.layers import ALL, lookup
from archspec.layers.base import TorchCall


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


def check_writable(net: Network) -> None:
    """What the analysis accepts and a module cannot hold: a layer named like an attribute of
    nn.Module or a Python keyword, and a slice or a merge by name among the members of a sequence
    (an nn.Sequential member is a module)."""
    for node in net.nodes[1:]:
        member = node.path.rsplit(".", 1)[-1]
        if node.kind is not None and node.kind.functional and member.isdigit():
            what = "a merge by name" if node.kind.merge else f"a {node.kind.title}"
            raise _error(
                "unsupported",
                f"{what} inside a sequence cannot be written as an nn.Sequential member",
                node,
                "in a sequence",
                f"write the {'merge' if node.kind.merge else node.kind.name} on a line of its own",
            )
        if node.kind is not None and not node.kind.functional:
            for name in node.path.split("."):
                if not name.isdigit():
                    check_attribute(name, node)
    for group in net.groups:
        first = net.nodes[group.first] if group.first < len(net.nodes) else None
        for name in group.path.split("."):
            if not name.isdigit() and first is not None:
                check_attribute(name, first)


# ----------------------------------------------------------------------------- the classes


def _calls(net: Network) -> dict[str, list[int]]:
    """Each block called, with the spatial ranks of the inputs of its calls that make layers; the
    blocks a definition calls before it (a class is written before the classes that call it)."""
    ranks: dict[str, set[int]] = {}
    depth: dict[str, int] = {}
    for g in net.groups:
        if g.kind != "block":
            continue
        depth[g.name] = max(depth.get(g.name, 0), g.depth)
        ranks.setdefault(g.name, set())
        if g.first <= g.last:
            outside = [i for n in net.nodes[g.first : g.last + 1] for i in n.inputs if not g.first <= i <= g.last]
            if outside:
                ranks[g.name].add(len(net.nodes[outside[0]].shape) - 1)
    # the blocks a block calls in an arm no call takes: written too (its class may take that arm), on
    # inputs of its caller's rank
    todo = list(ranks)
    while todo:
        caller = todo.pop()
        for callee in _called(net.definitions[caller].body):
            if callee in net.definitions and callee not in ranks:
                ranks[callee], depth[callee] = set(ranks[caller]), depth[caller] + 1
                todo.append(callee)
    order: list[str] = []
    visiting: set[str] = set()  # a block that calls itself in an arm no call takes: written after nothing

    def visit(name: str) -> None:
        if name not in order and name not in visiting:
            visiting.add(name)
            for callee in sorted(_called(net.definitions[name].body) & set(ranks)):
                visit(callee)
            order.append(name)

    for name in sorted(ranks, key=lambda name: -depth[name]):  # deepest first, each after the blocks it calls
        visit(name)
    return {name: sorted(ranks[name]) for name in order}


def _called(body: tuple) -> set[str]:
    """The names of the blocks the lines of a body (and of the bodies in it) call."""
    lines = (stmt for stmt in s.statements(body) if isinstance(stmt, s.Line))
    return {a.name for line in lines for elem in line.elems for a in elem.atoms if isinstance(a, s.Call)}


def generate(net: Network, class_name: str | None = None, source: str | None = None) -> str:
    """The PyTorch source of an analysed network. Raises CodegenError where the network cannot be
    written as a module (a layer named like an nn.Module method, ...), ValueError for a bad
    `class_name`."""
    from archspec import __version__

    if not net.nodes or net.input_shape is None:
        raise ValueError("the spec defines no network (archspec.build(path, block=NAME, ...) builds one of its blocks)")
    if class_name is not None and not valid_class_name(class_name):
        raise ValueError(f"`{class_name}` is not a usable Python class name")
    check_writable(net)
    taken: set[str] = set()
    for kind in ALL:  # helper classes keep their names: block classes give way
        taken.update(re.findall(r"^class (\w+)", kind.torch_helper, re.M))
    helpers: dict[str, str] = {}

    def kind_class(word: str) -> str:
        """The PyTorch class of a layer kind a parameter gives (`nn.Hardswish`), as the catalogue
        makes it: an activation, one class for every rank."""
        kind = lookup(word)
        call = kind.torch_module(kind.resolve({}), (1, 1, 1)) if kind is not None and not kind.merge else None
        if call is None or not re.fullmatch(r"[A-Za-z_][\w.]*", call.func):
            raise Untranslatable(f"`{word}` is no layer kind a parameter can give")
        if kind.torch_helper:
            helpers[call.func] = kind.torch_helper
        return call.func

    classes: dict[str, TranslatedClass] = {}
    for block, ranks in _calls(net).items():
        definition = net.definitions[block]
        if not ranks:
            continue  # every call makes nothing: no module, no class
        if len(ranks) > 1:
            raise _error(
                "unsupported",
                f"`{block}` is called on inputs of {' and '.join(map(str, ranks))} spatial dimensions: "
                "one class cannot make both",
                definition.name_span,
                "this block",
                "define a block for each",
            )
        name = _unique(class_name_for(block), taken)
        try:
            classes[block] = translate_block(definition, net.definitions, classes, ranks[0], name, kind_class, helpers)
        except Untranslatable as err:
            raise _untranslatable(str(err), definition.name_span, f"`{block}`") from None
    name = class_name or default_class_name(net)
    if name in taken:
        if class_name is not None:
            raise ValueError(f"`{class_name}` names a class archspec writes (a block's, or a helper's such as Rescale)")
        name = _unique(name + "Net", taken)
    ending = []
    if not is_default(net.init):
        comment = f"the spec's `init` line: {describe_init(net.init)}"
        ending += render_init(init_branches(net), net.zero_init, comment)
    if net.frozen:
        ending += render_frozen(net.frozen)
    try:
        network = translate_network(
            net.name or name, net.signature, net.settings, net.body, net.input_shape,
            net.definitions, classes, name, kind_class, helpers, ending,
        )  # fmt: skip
    except Untranslatable as err:
        span = net.body[0].span if net.body else None
        raise _untranslatable(str(err), span, "the network") from None
    if net.frozen:
        network += frozen_train(name)
    body: list[str] = []
    for cls in classes.values():
        body += ["", "", *(_fit(line) for line in cls.lines)]
    body += ["", "", *(_fit(line) for line in network)]
    imports = ["import torch", "from torch import nn"]
    if helpers.pop("math", None) is not None:  # a size the spec computes with `ceil`, `log`, ...
        imports.insert(0, "import math\n")
    out = header(net, __version__, source or net.file) + [""] + imports
    for helper in helpers.values():
        out += ["", "", helper.rstrip("\n")]
    return "\n".join(out) + "\n" + "\n".join(body) + "\n"


def _untranslatable(reason: str, span, what: str) -> CodegenError:
    return _error(
        "unsupported",
        f"{what} cannot be written as PyTorch source: {reason}",
        span,
        "here",
        "write it another way, or report it: archspec compile should take every spec that checks",
    )


def _unique(base: str, taken: set[str]) -> str:
    """`base` as a class name no other class of the file has (`Bottleneck2`)."""
    name = base if valid_class_name(base) else base + "Block"
    n = 1
    while name in taken or not valid_class_name(name):
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


# ----------------------------------------------------------------------------- the network's ending


def render_frozen(frozen: tuple[str, ...]) -> list[str]:
    """The end of the network's __init__: the spec's `freeze` lines, as `requires_grad_(False)`."""
    names = ", ".join(path_literal(p) for p in frozen) + ("," if len(frozen) == 1 else "")
    head = "        self._frozen = ("
    if len(head) + len(names) + len(")  # the spec's `freeze` lines: not trained") <= MAX_LINE:
        lines = [f"{head}{names})  # the spec's `freeze` lines: not trained"]
    else:
        lines = ["        # the spec's `freeze` lines: not trained", head]
        lines += [f"            {path_literal(p)}," for p in frozen]
        lines.append("        )")
    return [
        *lines,
        "        for name in self._frozen:",
        "            self.get_submodule(name).requires_grad_(False)",
    ]


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


def render_init(init: tuple, zero_init: tuple[str, ...], comment: str) -> list[str]:
    """The end of the network's __init__: the spec's `init` line, as torchvision writes it (a loop
    over the modules, then the last batchnorm of each residual branch set to 0)."""
    lines = [f"        # {line}" for line in _wrapped(comment, 10)]
    if init:
        lines.append("        for m in self.modules():")
        for number, (classes, body) in enumerate(init):
            test = classes[0] if len(classes) == 1 else f"({', '.join(classes)})"
            lines.append(f"            {'elif' if number else 'if'} isinstance(m, {test}):")
            lines += [f"                {statement}" for statement in body]
    if zero_init:
        lines.append(
            "        # zero_init_residual: each residual branch's last batchnorm starts at 0 (the block: the identity)"
        )
        names = ", ".join(path_literal(p) for p in zero_init) + ("," if len(zero_init) == 1 else "")
        if len("        for name in ():") + len(names) <= MAX_LINE:
            lines.append(f"        for name in ({names}):")
        else:
            lines += ["        for name in (", *(f"            {path_literal(p)}," for p in zero_init), "        ):"]
        lines.append("            nn.init.constant_(self.get_submodule(name).weight, 0)")
    return lines


def _wrapped(text: str, indent: int) -> list[str]:
    """A comment's text in lines that fit MAX_LINE after `indent` columns and `# `, the lines after
    the first indented by two more."""

    return textwrap.wrap(comment_text(text), MAX_LINE - indent - 2, subsequent_indent="  ", break_long_words=False)


# ----------------------------------------------------------------------------- the header


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
