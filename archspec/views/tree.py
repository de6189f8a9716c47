"""The block hierarchy of a network as a tree: `archspec tree`. Styled through rich on a terminal,
plain text (the same characters, no colours) when piped."""

from __future__ import annotations

from dataclasses import dataclass

from archspec.analysis.graph import Network
from archspec.layers import fmt_shape

INDENT = 4  # the width rich's Tree gives each level of guides


@dataclass(frozen=True)
class Entry:
    """One line of the tree: a block, a sequence or a layer, at `level` (1 under the root)."""

    level: int
    name: str
    what: str
    shape: str
    params: str
    group: bool


def entries(net: Network, max_depth: int | None = None) -> list[Entry]:
    """The lines of the tree in execution order. By default every block and sequence, and the
    layers outside blocks; with `max_depth`, every row (layers inside blocks too) down to that many
    levels of blocks."""
    out = []
    for row in net.layers:
        group = row["kind"] in ("block", "sequence")
        if row["kind"] == "input":
            continue  # the root line says what goes in
        if max_depth is None and not group and row["depth"] > 0:
            continue
        if max_depth is not None and row["depth"] > max_depth:
            continue
        # a group goes by its path (as in `check --json`), a layer by its name in its block
        name = row["path"] if group else row["path"].rsplit(".", 1)[-1]
        what = row["describe"]  # a block's call, a sequence's `4 x bottleneck`, a layer's `conv 64, 3x3`
        shape = fmt_shape(row["output"]) if row["output"] else "-"
        out.append(Entry(row["depth"] + 1, name, what, shape, f"{row['params']:,}", group))
    return out


def lines(
    net: Network, max_depth: int | None = None, lang: str = "en", unit: str | None = None
) -> tuple[str, str, list[tuple[Entry, str]]]:
    """The root's title, a column header and each entry's label, padded so that the columns line up
    once each label is indented by its level. Under `lang="ko"` the title and the header are Korean
    (the title's counts in `unit`s, 만 and 억 by default; the rows' counts keep their digits, as
    `check`'s table's do), the columns aligned in terminal cells (a Korean character takes two)."""
    from rich.cells import cell_len

    from archspec.messages import PHRASES, translate

    items = entries(net, max_depth)
    heads = ("Layer", "Kind", "Output", "Params")
    if lang == "ko":
        heads = tuple(PHRASES[h] for h in heads)
    name_w = max([cell_len(heads[0]), *(e.level * INDENT + len(e.name) for e in items)]) - INDENT
    what_w = max([cell_len(heads[1]), *(len(e.what) for e in items)])
    shape_w = max([cell_len(heads[2]), *(len(e.shape) for e in items)])
    params_w = max([cell_len(heads[3]), *(len(e.params) for e in items)])

    def left(text: str, width: int) -> str:
        return text + " " * (width - cell_len(text))

    def right(text: str, width: int) -> str:
        return " " * (width - cell_len(text)) + text

    def columns(indent: int, name: str, what: str, shape: str, params: str) -> str:
        return (
            f"{left(name, name_w - indent)}  {left(what, what_w)}  {right(shape, shape_w)}  {right(params, params_w)}"
        )

    title = (
        f"{net.name or 'network'}  {fmt_shape(net.input_shape)} -> {fmt_shape(net.output_shape)}, "
        f"{net.params:,} params, {net.macs:,} MACs  ({net.file})"
    )
    title = translate(title, lang, unit)
    header = " " * INDENT + columns(0, *heads)
    return title, header, [(e, columns((e.level - 1) * INDENT, e.name, e.what, e.shape, e.params)) for e in items]


def render_tree(net: Network, stream, max_depth: int | None = None, lang: str = "en", unit: str | None = None) -> None:
    """Print the tree to `stream` through rich: colours on a terminal, plain text otherwise; the
    title and the header in `lang` (`lines`)."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    title, header, labelled = lines(net, max_depth, lang, unit)
    terminal = stream.isatty()
    root = Tree(Text(title, style="bold") + Text("\n" + header, style="dim"), guide_style="dim")
    stack = [(0, root)]
    for entry, label in labelled:
        while stack[-1][0] >= entry.level:
            stack.pop()
        branch = stack[-1][1].add(Text(label, style="bold" if entry.group else ""))
        stack.append((entry.level, branch))
    width = (
        max(cell_len(title), cell_len(header), *(e.level * INDENT + cell_len(label) for e, label in labelled)) + INDENT
    )
    console = Console(file=stream, highlight=False, width=None if terminal else width, no_color=not terminal)
    console.print(root, crop=False, overflow="ignore")
