"""The analysed network as a rich table (for people) and as a JSON object (for tools)."""

from __future__ import annotations

from .graph import Network
from .load import Result


def human(n: int | float) -> str:
    """128_040_000 -> `128.04M`."""
    for scale, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= scale:
            return f"{n / scale:.2f}{suffix}"
    return f"{n:g}" if isinstance(n, float) else str(n)


def to_json(result: Result, file: str) -> dict:
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
        "buffers": None,
        "macs": None,
        "memory": None,
        "layers": [],
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    if net is not None and net.nodes and ok:
        base.update(
            output=list(net.output_shape),
            params=net.params,
            trainable_params=net.trainable_params,
            buffers=net.buffers,
            macs=net.macs,
            memory=net.memory.to_json(),
            layers=[_layer_json(row) for row in net.layers],
        )
    return base


def _layer_json(row: dict) -> dict:
    keys = ("path", "kind", "output", "params", "buffers", "macs", "line", "column", "depth")
    out = {k: row[k] for k in keys}
    if row["kind"] == "block":
        out["block"] = row["name"]
        out["args"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in row["args"].items()}
    return out


def render_table(net: Network, console, max_depth: int | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    title = f"{net.name or 'network'}  ({net.file})"
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Layer", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Output", justify="right", no_wrap=True)
    table.add_column("Params", justify="right", no_wrap=True)
    table.add_column("MACs", justify="right", no_wrap=True)
    for row in net.layers:
        if max_depth is not None and row["depth"] > max_depth:
            continue
        group = row["kind"] in ("block", "sequence")
        name = Text("  " * row["depth"] + row["path"].rsplit(".", 1)[-1] if row["depth"] else row["path"],
                    style="bold" if group else "")
        shape = "x".join(map(str, row["output"])) if row["output"] else "-"
        table.add_row(
            name,
            Text(row["describe"], style="cyan" if group else ""),
            shape,
            f"{row['params']:,}" if row["params"] else ("0" if not group else ""),
            f"{row['macs']:,}" if row["macs"] else ("" if group else "-"),
            style="dim" if row["kind"] == "input" else None,
        )
    console.print(table)
    mem = net.memory
    lines = [
        f"Total params: {net.params:,}",
        f"Trainable params: {net.trainable_params:,}",
        f"Non-trainable params: {net.params - net.trainable_params:,}",
        f"Buffers (batchnorm statistics): {net.buffers:,}",
        f"MACs: {net.macs:,} ({human(net.macs)}; FLOPs counted as 2 per MAC: {human(2 * net.macs)})",
        f"Output shape: {'x'.join(map(str, net.output_shape))}",
        f"Input size (MB): {mem.input_mb:.2f}",
        f"Forward/backward pass size (MB): {mem.forward_backward_mb:.2f}",
        f"Params size (MB): {mem.params_mb:.2f}",
        f"Estimated Total Size (MB): {mem.total_mb:.2f}",
    ]
    console.print("\n".join(lines), highlight=False)
