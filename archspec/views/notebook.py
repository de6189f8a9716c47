"""How a Network shows itself in Jupyter: the diagram as SVG, and HTML with the totals, the
diagram and the layer table. Without Graphviz's `dot` the HTML keeps the table and says why the
diagram is missing; nothing here raises."""

from __future__ import annotations

from html import escape

from archspec.analysis.graph import Network
from archspec.layers import fmt_shape

OPEN_ROWS = 40  # a table this long or shorter starts unfolded


def svg(net: Network, depth: int | None = 0) -> str | None:
    """The diagram as SVG text (blocks collapsed), or None where it cannot be drawn."""
    return _drawing(net, depth)[0]


def _drawing(net: Network, depth: int | None = 0) -> tuple[str | None, str]:
    """(the diagram as SVG text, "") or (None, why it cannot be drawn)."""
    from archspec.views.diagram import DrawError, dot_source, draw

    if not net.nodes:
        return None, "the file defines no network"
    try:
        return draw(dot_source(net, depth), "svg").decode(), ""
    except DrawError as err:
        return None, str(err)
    except ImportError:
        return None, "the graphviz Python package is not installed (pip install graphviz)"


def html(net: Network) -> str:
    if not net.nodes:
        return f"<p>{escape(net.file)}: no network; defines {escape(', '.join(net.blocks) or 'nothing')}</p>"
    from archspec.views.report import human, table_rows

    title = (
        f"<b>{escape(net.name or 'network')}</b> {fmt_shape(net.input_shape)} &rarr; {fmt_shape(net.output_shape)}"
        f" &middot; {net.params:,} params &middot; {net.macs:,} MACs ({human(net.macs)})"
        f" &middot; {net.memory.total_mb:.2f} MB estimated"
    )
    drawing, why = _drawing(net)
    # the XML declaration and doctype do not belong inside HTML
    picture = drawing[drawing.find("<svg") :] if drawing else f"<p><i>No diagram: {escape(why)}</i></p>"
    rows = table_rows(net)
    body = "".join(_table_row(cells) for *cells, _style in rows)
    head = "".join(f"<th>{h}</th>" for h in ("Layer", "Kind", "Output", "Params", "MACs"))
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    fold = " open" if len(rows) <= OPEN_ROWS else ""
    return (
        f"<div><p>{title}</p>{picture}"
        f"<details{fold}><summary>{len(rows)} layers and blocks</summary>{table}</details></div>"
    )


def _table_row(cells: list[str]) -> str:
    """One row of `report.table_rows` as HTML: the name indented as deep as its block, numbers right."""
    name, *rest = cells
    indent = "&nbsp;" * 2 * (len(name) - len(name.lstrip(" ")))
    tds = [f"<td>{indent}{escape(name.strip())}</td>", f"<td>{escape(rest[0])}</td>"]
    tds += [f'<td style="text-align:right">{escape(cell)}</td>' for cell in rest[1:]]
    return "<tr>" + "".join(tds) + "</tr>"
