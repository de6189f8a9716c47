"""The analysed network: one node per operation, in execution (topological) order, with its shape,
parameters and MACs; block instances and sequences as groups over a range of nodes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

from archspec.analysis.initialise import DEFAULT_INIT
from archspec.diagnostics import Diagnostic
from archspec.frontend.syntax import Span
from archspec.layers import LayerKind
from archspec.layers.base import fmt_arg, notation

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from typing import Any

BYTES = 4  # float32
MB = 1024**2


@dataclass(frozen=True)
class Node:
    id: int
    path: str  # `layer1.0.conv1`
    kind: LayerKind | None  # None for the network's input
    options: dict[str, Any]
    inputs: tuple[int, ...]
    shape: tuple[int, ...]
    params: int
    buffers: int
    macs: int
    span: Span | None
    depth: int  # how many groups enclose it
    frozen: bool = False  # `freeze`: its parameters are not trained (and a batchnorm keeps its statistics)
    # an `add:`'s inputs that end a branch of its own layers: neither the input taken as it is nor
    # a projected shortcut (`shortcut: project`), for `init zero_init_residual=true`
    branch_ends: tuple[int, ...] = ()
    generated: bool = False  # its name is archspec's (`conv_4`, `c1_relu`, `flatten_1`), not one the spec writes

    @property
    def trainable(self) -> int:
        """Its parameters that training updates: all of them, or none where it is frozen."""
        return 0 if self.frozen else self.params

    @property
    def kind_name(self) -> str:
        return self.kind.name if self.kind else "input"

    @property
    def notation(self) -> str:
        """The layer as lecture tables write it (`conv 64, 7x7 /2`), with as many sizes as its data has dimensions."""
        return notation(self.kind, self.options, len(self.shape) - 1) if self.kind else "input"

    @property
    def activation_elements(self) -> int:
        """Elements of the output that stay in memory (views such as flatten hold none)."""
        if self.kind is None or self.kind.view:
            return 0
        return math.prod(self.shape)


@dataclass(frozen=True)
class Group:
    """A block instance (`kind` "block") or a sequence of repeats (`kind` "sequence") and the nodes
    `first..last` it made."""

    path: str
    kind: str
    name: str  # the block's name, or the sequence's label
    args: dict[str, Any]
    first: int
    last: int
    output: int | None
    span: Span | None
    depth: int
    generated: bool = False  # its name is archspec's (`inception_1`), not one the spec writes


CONVENTIONS = ("torchsummary", "torchinfo")

# torchinfo's "Input size" is `sys.getsizeof` of the input tensor's storage: its bytes and the
# Python object around them (64 bytes with torch 2.14 on 64-bit CPython, measured: bench/torchinfo_memory.py)
TORCHINFO_STORAGE_OVERHEAD = 64


@dataclass(frozen=True)
class Memory:
    """A memory estimate for a batch of one, float32, as one tool prints it: the input, the
    forward/backward activations, the parameters and their total, in that tool's megabytes.

    - `torchsummary`: MB = 2**20 bytes; forward/backward = 2 x the output of every module (every
      operation that holds an output of its own: views such as flatten hold none).
    - `torchinfo` (`summary(model, input_size=(1, C, H, W))`, torchinfo 1.8): MB = 10**6 bytes;
      forward/backward = 2 x the output of every leaf module that has parameters (convolutions,
      dense layers, batchnorms with a scale and shift), so activations, pooling and in-place ReLUs
      count nothing; the input is its storage as `sys.getsizeof` measures it."""

    input_mb: float
    forward_backward_mb: float
    params_mb: float
    convention: str = "torchsummary"

    @property
    def total_mb(self) -> float:
        return self.input_mb + self.forward_backward_mb + self.params_mb

    @property
    def megabyte(self) -> int:
        return MB if self.convention == "torchsummary" else 10**6

    def to_json(self) -> dict:
        return {
            "convention": self.convention,
            "megabyte_bytes": self.megabyte,
            "input_mb": round(self.input_mb, 4),
            "forward_backward_mb": round(self.forward_backward_mb, 4),
            "params_mb": round(self.params_mb, 4),
            "total_mb": round(self.total_mb, 4),
        }


def memory_of(nodes: list[Node] | tuple[Node, ...], input_shape: tuple[int, ...], params: int) -> Memory:
    """torchsummary's estimate."""
    activations = sum(n.activation_elements for n in nodes)
    return Memory(
        input_mb=math.prod(input_shape) * BYTES / MB,
        forward_backward_mb=2 * activations * BYTES / MB,
        params_mb=params * BYTES / MB,
    )


def torchinfo_outputs(node: Node, in_shapes: list[tuple[int, ...]]) -> int:
    """The output elements torchinfo counts for one operation: those of the leaf modules with
    parameters that its module is made of. A separable conv is two of them (depthwise, then
    pointwise 1x1): the depthwise output counts as well."""
    if node.kind is None or not node.params:
        return 0
    out = math.prod(node.shape)
    if node.kind.name == "sepconv":
        out += in_shapes[0][0] * node.options["multiplier"] * math.prod(node.shape[1:])
    return out


def torchinfo_memory_of(nodes: list[Node] | tuple[Node, ...], input_shape: tuple[int, ...], params: int) -> Memory:
    """torchinfo's estimate (see `Memory`), batch size 1."""
    outputs = sum(torchinfo_outputs(n, [nodes[i].shape for i in n.inputs]) for n in nodes)
    return Memory(
        input_mb=(math.prod(input_shape) * BYTES + TORCHINFO_STORAGE_OVERHEAD) / 10**6,
        forward_backward_mb=2 * outputs * BYTES / 10**6,
        params_mb=params * BYTES / 10**6,
        convention="torchinfo",
    )


@dataclass(frozen=True)
class Network:
    """What `archspec.load` returns: the analysed network of one spec file."""

    name: str | None
    file: str
    input_shape: tuple[int, ...] | None
    nodes: tuple[Node, ...]
    groups: tuple[Group, ...]
    rows: tuple[tuple[str, int], ...]  # ("group" | "node", index) in execution order
    blocks: tuple[str, ...]  # names of the blocks the file defines or imports
    warnings: tuple[Diagnostic, ...] = ()  # what did not fail the check but may be a mistake
    # the `init` line's options, each at its default (PyTorch's initialisation) where not written
    init: dict[str, str | bool] = field(default_factory=lambda: dict(DEFAULT_INIT))
    settings: dict[str, Any] = field(default_factory=dict)  # the network's parameters: their values here
    definitions: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # name -> s.BlockDef
    # the network's body and its parameters (`network N(width=64)`) as the spec writes them, for `compile`
    body: tuple = field(default=(), repr=False, compare=False)
    signature: tuple = field(default=(), repr=False, compare=False)

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        return self.nodes[-1].shape if self.nodes else None

    @property
    def params(self) -> int:
        return self._sums[0][-1]

    @property
    def trainable_params(self) -> int:
        return self._sums[1][-1]

    @property
    def non_trainable_params(self) -> int:
        """Parameters of frozen layers (Keras's "Non-trainable params", less its batchnorm statistics,
        which archspec counts as buffers)."""
        return self.params - self.trainable_params

    @property
    def frozen(self) -> tuple[str, ...]:
        """The fewest module paths that cover every frozen layer with parameters or buffers and no
        trainable one: what the emitted module sets `requires_grad_(False)` on."""
        return frozen_modules(self)

    @property
    def zero_init(self) -> tuple[str, ...]:
        """The paths of the normalisations `init zero_init_residual=true` sets to 0: the last one
        of each residual branch (none without that option)."""
        return tuple(n.path for n in residual_norms(self.nodes)) if self.init.get("zero_init_residual") else ()

    @property
    def buffers(self) -> int:
        return self._sums[2][-1]

    @property
    def macs(self) -> int:
        return self._sums[3][-1]

    @property
    def memory(self) -> Memory | None:
        """torchsummary's memory estimate (what `expect forward_backward_mb=` checks)."""
        return self.memory_as("torchsummary")

    def memory_as(self, convention: str) -> Memory | None:
        """The memory estimate as `convention` ("torchsummary" or "torchinfo") makes it."""
        if self.input_shape is None:
            return None
        if convention == "torchinfo":
            return torchinfo_memory_of(self.nodes, self.input_shape, self.params)
        if convention != "torchsummary":
            raise ValueError(f"no memory convention {convention!r}: expected one of {', '.join(CONVENTIONS)}")
        return memory_of(self.nodes, self.input_shape, self.params)

    @property
    def layers(self) -> list[dict]:
        """Every operation and every block instance, in execution order, as plain records."""
        return [self._row(kind, i) for kind, i in self.rows]

    def totals(self, first: int, last: int) -> tuple[int, int, int]:
        """The parameters, buffers and MACs of the nodes `first..last` (as `nodes[first : last + 1]`)."""
        start, stop = self._span_of(first, last)
        params, _, buffers, macs = self._sums
        return params[stop] - params[start], buffers[stop] - buffers[start], macs[stop] - macs[start]

    def trainable_in(self, first: int, last: int) -> int:
        start, stop = self._span_of(first, last)
        return self._sums[1][stop] - self._sums[1][start]

    def _span_of(self, first: int, last: int) -> tuple[int, int]:
        start, stop, _ = slice(first, last + 1).indices(len(self.nodes))
        return start, max(start, stop)

    @cached_property
    def _sums(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Running totals of the parameters, trainable parameters, buffers and MACs of the nodes: a
        group's are two lookups, not a sum over its nodes (a block's nodes are counted once for each
        group around them)."""
        nodes = self.nodes
        return (
            list(accumulate((n.params for n in nodes), initial=0)),
            list(accumulate((n.trainable for n in nodes), initial=0)),
            list(accumulate((n.buffers for n in nodes), initial=0)),
            list(accumulate((n.macs for n in nodes), initial=0)),
        )

    def _row(self, kind: str, i: int) -> dict:
        if kind == "node":
            n = self.nodes[i]
            return {
                "path": n.path,
                "kind": n.kind_name,
                "output": list(n.shape),
                "params": n.params,
                "trainable": n.trainable,
                "buffers": n.buffers,
                "macs": n.macs,
                "file": n.span.file if n.span else None,
                "line": n.span.line if n.span else None,
                "column": n.span.column if n.span else None,
                "depth": n.depth,
                "describe": n.notation,
            }
        g = self.groups[i]
        params, buffers, macs = self.totals(g.first, g.last)
        return {
            "path": g.path,
            "kind": g.kind,
            "name": g.name,
            "args": g.args,
            "output": list(self.nodes[g.output].shape) if g.output is not None else None,
            "params": params,
            "trainable": self.trainable_in(g.first, g.last),
            "buffers": buffers,
            "macs": macs,
            "file": g.span.file if g.span else None,
            "line": g.span.line if g.span else None,
            "column": g.span.column if g.span else None,
            "depth": g.depth,
            "describe": group_text(g),
        }

    def _repr_svg_(self) -> str | None:
        """Jupyter: the diagram, blocks collapsed; None (no picture) without Graphviz's `dot`."""
        from archspec.views.notebook import svg

        return svg(self)

    def _repr_html_(self) -> str:
        """Jupyter: the totals, the diagram and the layer table."""
        from archspec.views.notebook import html

        return html(self)

    def to_torch(self):
        """The network as a freshly initialised `torch.nn.Module`, built from the source that
        `archspec compile` writes (see `archspec.build`). Imports torch."""
        from archspec.emit.build import build

        return build(self)

    @cached_property
    def graph(self):
        """The network as a networkx DiGraph: one node per operation (keyed by path), edges
        carrying tensor shapes. networkx is imported here, not at start-up."""
        import networkx as nx

        g = nx.DiGraph(name=self.name)
        for n in self.nodes:
            g.add_node(
                n.path,
                kind=n.kind_name,
                shape=n.shape,
                params=n.params,
                buffers=n.buffers,
                macs=n.macs,
                options=n.options,
                span=n.span,
            )
            for i in n.inputs:
                g.add_edge(self.nodes[i].path, n.path, shape=self.nodes[i].shape)
        return g


def group_text(g: Group) -> str:
    """A group as the table's Kind column writes it: a block call with its arguments
    (`bottleneck(width=64, stride=2)`), or a sequence's title (`3 x bottleneck`)."""
    if g.kind != "block":
        return g.name
    return f"{g.name}({', '.join(f'{k}={fmt_arg(v)}' for k, v in g.args.items())})"


def frozen_modules(net: Network) -> tuple[str, ...]:
    """The paths of the largest blocks, sequences and layers whose layers with parameters or buffers
    are all frozen (at least one of them), outermost first, in execution order."""
    weighted = [n for n in net.nodes if n.params or n.buffers]
    if not any(n.frozen for n in weighted):
        return ()
    covered: set[str] = set()
    out: list[str] = []
    spans = sorted(
        [(g.first, -1, g.path, g.first, g.last) for g in net.groups] + [(n.id, 0, n.path, n.id, n.id) for n in weighted]
    )
    for _, _, path, first, last in spans:
        if any(path.startswith(c + ".") for c in covered):
            continue
        part = [n for n in net.nodes[first : last + 1] if n.params or n.buffers]
        if part and all(n.frozen for n in part):
            covered.add(path)
            out.append(path)
    return tuple(out)


def residual_norms(nodes: list[Node] | tuple[Node, ...]) -> list[Node]:
    """The normalisation with parameters (a batchnorm) that ends each branch of a residual merge,
    in execution order: what torchvision's `zero_init_residual` sets to 0 (`bn2` of a BasicBlock,
    `bn3` of a Bottleneck), so that each residual block starts as the identity. A projected
    shortcut's batchnorm is no branch end."""
    ends = {i for n in nodes if n.kind is not None and n.kind.residual for i in n.branch_ends}
    return [
        nodes[i]
        for i in sorted(ends)
        if nodes[i].kind is not None and nodes[i].kind.family == "norm" and nodes[i].params
    ]
