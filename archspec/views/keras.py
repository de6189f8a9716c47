"""`archspec check --style keras`: the layer table as Keras's `model.summary()` prints it (Keras 3).

- one row per Keras layer: an activation written on its convolution's or dense layer's line
  (`conv 32 3x3 relu`) is that layer's `activation=` and folds into its row, as
  `Conv2D(32, 3, activation="relu")` is one layer; an activation on a line of its own stays a row;
- `name (Class)`: the spec's names and Keras's class names (`conv2d_3 (Conv2D)`); the input is
  `input_layer (InputLayer)`;
- shapes channels-last with the batch as `None`: `(None, 26, 26, 32)`, `(None, 1152)`;
- `Param #` as Keras counts it: a batchnorm has 4 per channel, its moving mean and variance being
  non-trainable weights (PyTorch's running statistics, which archspec counts as buffers);
- a "Connected to" column where the network is not a plain chain (merges), as Keras prints for
  such functional models;
- the totals: `Total params: 104,202 (407.04 KB)`, trainable and non-trainable, with their size in
  float32 bytes as Keras writes it (KB = 1024 bytes). Non-trainable: the frozen layers' parameters
  and every batchnorm's moving statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from archspec.analysis.graph import Network, Node

BYTES = 4  # float32


@dataclass(frozen=True)
class Row:
    name: str  # `conv2d_3 (Conv2D)`
    shape: str  # `(None, 26, 26, 32)`
    params: int
    trainable: int
    connected: str  # `conv1[0][0], pool[0][0]`; `-` for the input


def class_name(node: Node, in_shape: tuple[int, ...] = ()) -> str:
    """Keras's class for the layer (`LayerKind.keras`): `Conv2D` for a conv over images (a global
    pooling by its input's dimensions); `Activation` for an activation Keras has no class of its own
    for; the kind's own name where Keras has no such layer (`lrn`)."""
    kind = node.kind
    if kind is None:
        return "InputLayer"
    if not kind.keras:
        return "Activation" if kind.family == "activation" else kind.name
    shape = in_shape or node.shape  # the input's: a global pooling's output has no spatial dimensions
    return kind.keras.format(r=max(len(shape) - 1, 1))


def keras_shape(shape: tuple[int, ...]) -> str:
    """(C, H, W) -> `(None, H, W, C)`; (F,) -> `(None, F)`."""
    dims = (*shape[1:], shape[0]) if len(shape) > 1 else shape
    return "(" + ", ".join(["None", *map(str, dims)]) + ")"


def moving_statistics(node: Node) -> int:
    """A batchnorm's moving mean and variance (Keras's non-trainable weights): its buffers less
    PyTorch's batch counter, which Keras has not."""
    return node.buffers - 1 if node.kind is not None and node.kind.name == "batchnorm" and node.buffers else 0


def folded(net: Network) -> dict[int, int]:
    """activation node -> the convolution or dense layer it folds into: written on that layer's
    line, right after it, the layer's only consumer."""
    consumers: dict[int, list[int]] = {}
    for n in net.nodes:
        for i in n.inputs:
            consumers.setdefault(i, []).append(n.id)
    out = {}
    for n in net.nodes:
        if n.kind is None or n.kind.family != "activation" or len(n.inputs) != 1:
            continue
        src = net.nodes[n.inputs[0]]
        if src.kind is None or not src.kind.keras_activation or consumers.get(src.id) != [n.id]:
            continue
        if src.id in out.values() or n.span is None or src.span is None:
            continue
        if (n.span.file, n.span.line) == (src.span.file, src.span.line):
            out[n.id] = src.id
    return out


def rows(net: Network) -> list[Row]:
    fold = folded(net)
    # a folded layer's row ends at its activation: its output is the activation's, and later
    # layers that read the activation read that row
    row_of = {n.id: fold.get(n.id, n.id) for n in net.nodes}
    chain = all(len(n.inputs) <= 1 for n in net.nodes)
    out = []
    for n in net.nodes:
        if n.id in fold:
            continue
        last = next((a for a, src in fold.items() if src == n.id), n.id)
        shape = net.nodes[last].shape
        name = "input_layer" if n.kind is None else n.path
        cls = class_name(n, net.nodes[n.inputs[0]].shape if n.inputs else ())
        params = n.params + moving_statistics(n)
        connected = ", ".join(f"{_name(net, row_of[i])}[0][0]" for i in n.inputs) or "-"
        out.append(Row(f"{name} ({cls})", keras_shape(shape), params, n.trainable, "" if chain else connected))
    return out


def _name(net: Network, node_id: int) -> str:
    n = net.nodes[node_id]
    return "input_layer" if n.kind is None else n.path


def readable_size(size: float) -> str:
    """Keras's `readable_memory_size`: `407.04 KB`, `0.00 B` (1024 bytes a KB)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


@dataclass(frozen=True)
class Totals:
    total: int
    trainable: int
    non_trainable: int

    def lines(self) -> list[str]:
        return [
            f"Total params: {self.total:,} ({readable_size(self.total * BYTES)})",
            f"Trainable params: {self.trainable:,} ({readable_size(self.trainable * BYTES)})",
            f"Non-trainable params: {self.non_trainable:,} ({readable_size(self.non_trainable * BYTES)})",
        ]


def totals(net: Network) -> Totals:
    statistics = sum(moving_statistics(n) for n in net.nodes)
    return Totals(net.params + statistics, net.trainable_params, net.non_trainable_params + statistics)


def summary_lines(net: Network) -> list[tuple[str, str]]:
    """The summary as (text, style) lines, boxed as Keras (through rich) draws it."""
    table = rows(net)
    connected = any(r.connected for r in table)
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    cells = [[r.name, r.shape, f"{r.params:,}"] + ([r.connected] if connected else []) for r in table]
    minimum = [29, 22, 13, 22] if connected else [37, 29, 16]  # Keras's default line lengths, 108 and 88
    widths = [max(m, len(h), *(len(c[i]) for c in cells)) for i, (h, m) in enumerate(zip(header, minimum))]
    right = [False, False, True, False]

    def line(left: str, sep: str, end: str, values: list[str], bar: str) -> str:
        return (
            left
            + sep.join(bar + (v.rjust(w) if r else v.ljust(w)) + bar for v, w, r in zip(values, widths, right))
            + end
        )

    def rule(left: str, mid: str, end: str, fill: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + end

    out = [(f'Model: "{net.name or "network"}"', "bold")]
    out.append((rule("┏", "┳", "┓", "━"), ""))
    out.append((line("┃", "┃", "┃", header, " "), "bold"))
    out.append((rule("┡", "╇", "┩", "━"), ""))
    for i, values in enumerate(cells):
        if i:
            out.append((rule("├", "┼", "┤", "─"), ""))
        out.append((line("│", "│", "│", values, " "), ""))
    out.append((rule("└", "┴", "┘", "─"), ""))
    out += [(" " + text, "bold") for text in totals(net).lines()]
    return out
