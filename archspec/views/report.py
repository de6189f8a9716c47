"""The analysed network as a rich table (for people) and as a JSON object (for tools)."""

from __future__ import annotations

from archspec.analysis.graph import CONVENTIONS, Network, group_text
from archspec.analysis.initialise import describe as describe_init
from archspec.analysis.load import Result
from archspec.layers import fmt_shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from archspec.analysis.receptive import Field


def human(n: int | float) -> str:
    """128_040_000 -> `128.04M`."""
    for scale, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= scale:
            return f"{n / scale:.2f}{suffix}"
    return f"{n:g}" if isinstance(n, float) else str(n)


def to_json(result: Result, file: str, memory: str = "torchsummary") -> dict:
    """The check of one file as JSON. `memory` names the convention of the `memory` entry;
    `memory_conventions` has every convention's figures, by name."""
    net = result.network
    ok = result.ok
    base = {
        "file": file,
        "ok": ok,
        "network": net.name if net else None,
        "input": list(net.input_shape) if net and net.input_shape else None,
        "output": None,
        "params": None,
        "trainable_params": None,
        "non_trainable_params": None,
        "frozen": None,
        "init": None,
        "buffers": None,
        "macs": None,
        "memory": None,
        "memory_conventions": None,
        "layers": [],
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    if result.complete:  # failed expectations leave the numbers right: give them
        base.update(
            output=list(net.output_shape),
            params=net.params,
            trainable_params=net.trainable_params,
            non_trainable_params=net.non_trainable_params,
            frozen=list(net.frozen),
            init=dict(net.init),
            buffers=net.buffers,
            macs=net.macs,
            memory=net.memory_as(memory).to_json(),
            memory_conventions={name: net.memory_as(name).to_json() for name in CONVENTIONS},
            layers=[_layer_json(row, field) for row, field in zip(net.layers, row_fields(net))],
        )
    return base


def row_fields(net: Network) -> list[Field | None]:
    """The receptive field of each row of `net.layers`: a block's is its output's."""
    from archspec.analysis.receptive import receptive_fields  # only for --rf and JSON: a plain check does without

    fields = receptive_fields(net)
    out = []
    for kind, i in net.rows:
        node = i if kind == "node" else net.groups[i].output
        out.append(fields[node] if node is not None else None)
    return out


def _layer_json(row: dict, field: Field | None = None) -> dict:
    keys = ("path", "kind", "output", "params", "trainable", "buffers", "macs", "file", "line", "column", "depth")
    out = {k: row[k] for k in keys}
    out["rf"] = field.to_json() if field is not None else None
    if row["kind"] == "block":
        out["block"] = row["name"]
        out["args"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in row["args"].items()}
    return out


def table_rows(net: Network, max_depth: int | None = None, rf: bool = False) -> list[tuple[str, ...]]:
    """(layer, kind, output, params, [trainable,] macs, [rf size, jump, start,] style) for every row
    down to `max_depth` levels; the trainable parameters where part of the network is frozen."""
    rows = []
    frozen = net.non_trainable_params > 0
    fields = row_fields(net) if rf else [None] * len(net.rows)
    for (what, i), field in zip(net.rows, fields):
        # the fields of net.layers' rows, read from the node or the group itself
        if what == "node":
            n = net.nodes[i]
            depth, path, kind, output = n.depth, n.path, n.kind_name, n.shape
            row_params, row_trainable, row_macs = n.params, n.trainable, n.macs
        else:
            g = net.groups[i]
            depth, path, kind = g.depth, g.path, g.kind
            output = net.nodes[g.output].shape if g.output is not None else None
            row_params, _, row_macs = net.totals(g.first, g.last)
            row_trainable = net.trainable_in(g.first, g.last)
        if max_depth is not None and depth > max_depth:
            continue
        describe = n.notation if what == "node" else group_text(g)
        group = kind in ("block", "sequence")
        name = "  " * depth + path.rsplit(".", 1)[-1] if depth else path
        shape = fmt_shape(output) if output else "-"
        params = f"{row_params:,}"
        macs = f"{row_macs:,}" if row_macs else "-"
        style = "bold" if group else ("dim" if kind == "input" else "")
        extra = _rf_cells(field) if rf else ()
        trainable = (f"{row_trainable:,}" if row_params else "-",) if frozen else ()
        rows.append((name, describe, shape, params, *trainable, macs, *extra, style))
    return rows


def _rf_cells(field: Field | None) -> tuple[str, str, str]:
    """`212x212`, `32`, `15.5`: one number where every dimension agrees."""
    if field is None or not field.size:
        return "-", "-", "-"
    from archspec.analysis.receptive import show

    def cell(values) -> str:
        return show(values[0]) if len(set(values)) == 1 else "x".join(show(v) for v in values)

    return field.text(), cell(field.jump), cell(field.start)


MEMORY_HEADINGS = {
    "torchsummary": "Memory as torchsummary estimates it (MB = 2**20 bytes; --memory torchinfo for torchinfo's):",
    "torchinfo": "Memory as torchinfo estimates it (MB = 10**6 bytes; --memory torchsummary for torchsummary's):",
}


def table_lines(
    net: Network, max_depth: int | None = None, rf: bool = False, memory: str = "torchsummary"
) -> list[tuple[str, str]]:
    """The layer table and the totals as (text, style) lines. The columns are aligned here
    rather than by rich.Table, which takes a tenth of a second for a thousand rows. `rf` adds the
    receptive field's size, jump and start; `memory` names the convention of the memory lines
    (torchsummary's or torchinfo's), which a heading line says."""
    frozen = ("Trainable",) if net.non_trainable_params else ()
    header = ("Layer", "Kind", "Output", "Params", *frozen, "MACs") + (("RF", "Jump", "Start") if rf else ())
    rows = table_rows(net, max_depth, rf)
    widths = (
        [max(len(h), *map(len, column)) for h, column in zip(header, zip(*rows))] if rows else list(map(len, header))
    )
    right = (False, False) + (True,) * (len(header) - 2)
    # each cell padded to its column's width: the text and the numbers left, the numbers right
    line = " │ ".join(f"{{:{'>' if r else '<'}{w}}}" for w, r in zip(widths, right)).format

    mem = net.memory_as(memory)
    totals = [
        f"Total params: {net.params:,}",
        f"Trainable params: {net.trainable_params:,}",
        f"Non-trainable params: {net.non_trainable_params:,}" + _frozen_note(net.frozen),
        f"Buffers (batchnorm statistics): {net.buffers:,}",
        f"Initialisation: {describe_init(net.init)}",
        f"MACs: {net.macs:,} ({human(net.macs)}; as FLOPs counted 2 per MAC: {human(2 * net.macs)})",
        f"Output shape: {fmt_shape(net.output_shape)}",
        MEMORY_HEADINGS[memory],
        f"Input size (MB): {mem.input_mb:.2f}",
        f"Forward/backward pass size (MB): {mem.forward_backward_mb:.2f}",
        f"Params size (MB): {mem.params_mb:.2f}",
        f"Estimated Total Size (MB): {mem.total_mb:.2f}",
    ]
    return [
        (f"{net.name or 'network'}  ({net.file})", "bold"),
        (line(*header), "bold"),
        ("─┼─".join("─" * w for w in widths), "dim"),
        *((line(*values), style) for *values, style in rows),
        ("─" * (sum(widths) + 3 * (len(widths) - 1)), "dim"),
        *((text, "") for text in totals),
    ]


def _frozen_note(frozen: tuple[str, ...]) -> str:
    """` (frozen: features)`; past four modules the first three and the count."""
    if not frozen:
        return ""
    if len(frozen) > 4:
        return f" (frozen: {', '.join(frozen[:3])}, ... {len(frozen)} modules)"
    return f" (frozen: {', '.join(frozen)})"


def render_table(
    net: Network,
    stream,
    max_depth: int | None = None,
    rf: bool = False,
    memory: str = "torchsummary",
    style: str = "archspec",
) -> None:
    """Print the table to `stream`: with styles through rich on a terminal, else plain text
    (rich is not even imported then). `style` "keras" prints it as Keras's `model.summary()`."""
    if style == "keras":
        from archspec.views.keras import summary_lines

        lines = summary_lines(net)
    else:
        lines = table_lines(net, max_depth, rf, memory)
    if not stream.isatty():
        stream.write("\n".join(text for text, _ in lines) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    for text, style in lines:
        console.print(Text(text, style=style or ""), no_wrap=True, crop=False)
