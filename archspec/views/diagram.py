"""The analysed network as a Graphviz diagram: a box per operation or per collapsed block, edges
labelled with tensor shapes, shortcuts dashed, colours and outlines by layer family.

Writing the DOT text needs only the `graphviz` Python package (imported when a diagram is made,
not at start-up); drawing SVG, PNG or PDF runs Graphviz's `dot` program."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from html import escape

from archspec.analysis.graph import Group, Network, Node
from archspec.i18n import Language
from archspec.layers import fmt_shape
from archspec.layers.base import fmt_arg
from archspec.layers.slices import split_notation
from archspec.views.drawing import DIRECTIONS, FORMATS, PNG_DPI, SHAPES  # noqa: F401 (the render options)

INSTALL_HINT = "install Graphviz (`apt-get install graphviz` or `brew install graphviz`), or use `--format dot`"
FONT = "Helvetica,Arial,sans-serif"


class DrawError(Exception):
    """Graphviz could not draw the diagram: `dot` is missing or failed."""


@dataclass(frozen=True)
class Look:
    """How a family is drawn. Each family has an outline of its own beside its colour, so that a
    print in grey keeps the meaning; the box's text names the layer anyway."""

    fill: str
    shape: str
    style: str = ""  # added to "filled"
    note: str = ""  # the outline in words, for the legend


LOOKS = {
    "conv": Look("#c6dbef", "box", note="box"),
    "pool": Look("#c7e9c0", "box", "diagonals", note="cut corners"),
    "dense": Look("#fdd0a2", "box", "rounded", note="rounded"),
    "norm": Look("#dadaeb", "box", "dashed", note="dashed"),
    "activation": Look("#fff5b8", "ellipse", note="oval"),
    "merge": Look("#f2f2f2", "box", "bold"),  # an elementwise merge: a circle with its symbol
    "reshape": Look("#e8e8e8", "note", note="folded corner"),
    "regularization": Look("#fcc5c0", "box", "dotted", note="dotted"),
    "other": Look("#ffffff", "box"),
}
BLOCK = Look("#f7f7f7", "box3d", "bold", note="3-D box")


ENGLISH = Language()  # the diagram's words and counts: archspec.i18n.Language
END = Look("#ffffff", "oval", "bold")  # the input and output markers


# ---------------------------------------------------------------------------- what is shown


@dataclass
class _Cluster:
    """An expanded group: the boxes and clusters drawn inside its frame."""

    group: Group | None  # None: the whole network
    items: list[tuple[str, int]] = field(default_factory=list)  # ("node" | "box" | "cluster", index)
    children: dict[int, _Cluster] = field(default_factory=dict)


def _layout(net: Network, depth: int | None, only: int | None = None) -> tuple[list[str], _Cluster]:
    """Which box draws each node, and the nesting of the frames of expanded groups. A group at
    depth `depth` is collapsed into one box; those above it are expanded; None expands all.
    With `only` (a group's index), that group alone, expanded, and depth counts from inside it."""
    owner = [f"n{i}" for i in range(len(net.nodes))]
    root = _Cluster(None)
    stack: list[tuple[Group, _Cluster]] = []
    lo, hi, base = 0, len(net.nodes) - 1, 0
    if only is not None:
        focus = net.groups[only]
        lo, hi, base = focus.first, focus.last, focus.depth + 1

    def frame(start: int) -> _Cluster:
        while stack and stack[-1][0].last < start:
            stack.pop()
        return stack[-1][1] if stack else root

    hidden_until = -1
    for kind, i in net.rows:
        if kind == "group":
            g = net.groups[i]
            if g.last < g.first or g.first <= hidden_until or not lo <= g.first <= g.last <= hi:
                continue  # makes no node of its own, lies inside a collapsed group, or is not drawn
            parent = frame(g.first)
            if depth is None or g.depth - base < depth or i == only:
                cluster = _Cluster(g)
                parent.children[i] = cluster
                parent.items.append(("cluster", i))
                stack.append((g, cluster))
            else:
                parent.items.append(("box", i))
                for n in range(g.first, g.last + 1):
                    owner[n] = f"g{i}"
                hidden_until = g.last
        elif i > hidden_until and lo <= i <= hi:
            frame(i).items.append(("node", i))
    return owner, root


def find_group(net: Network, path: str) -> int:
    """The index of the block instance or sequence at `path` (`inc3a`, `layer2.0`); ValueError
    naming the top-level ones if there is none."""
    for i, g in enumerate(net.groups):
        if g.path == path and g.last >= g.first:
            return i
    names = [g.path for g in net.groups if g.depth == 0]
    known = f"; the top-level ones are {', '.join(names)}" if names else "; it has none"
    raise ValueError(f"{net.name or 'the network'} has no block or sequence `{path}`{known}")


def shortcut_edges(nodes: tuple[Node, ...]) -> set[tuple[int, int]]:
    """The edges (from, to) of paths that skip a branch: an input a merge takes unchanged from
    where its branches fork (the identity shortcut, a U-Net skip), and the shortest path into a
    residual merge when it is shorter than every other (a projection shortcut)."""
    edges: set[tuple[int, int]] = set()
    for m in nodes:
        if m.kind is None or not m.kind.merge or len(m.inputs) < 2:
            continue
        chains = _branches(nodes, m.inputs)
        lengths = [len(c) for c in chains]
        for k, chain in enumerate(chains):
            shortest = lengths.count(min(lengths)) == 1 and lengths[k] == min(lengths)
            if len(chain) == 1 or (m.kind.residual and shortest):
                path = [*reversed(chain), m.id]
                edges.update(zip(path, path[1:]))
    return edges


def _branches(nodes: tuple[Node, ...], inputs: tuple[int, ...]) -> list[list[int]]:
    """For each input of a merge, the nodes from it back to where it meets another input's path
    (the fork), both included, walking back along first inputs. The walks advance together,
    highest node first (ids are in execution order), so each stops at the fork, not at the input."""
    chains: list[list[int]] = [[] for _ in inputs]
    owner: dict[int, int] = {}  # node -> the walk that reached it first
    active = set(range(len(inputs)))
    heap = [(-u, k) for k, u in enumerate(inputs)]
    heapq.heapify(heap)
    while heap:
        n, k = heapq.heappop(heap)
        n = -n
        if k not in active:
            continue
        others = [chains[j][-1] for j in range(len(inputs)) if j != k and chains[j]]
        if len(active) == 1 and (not others or n < min(others)):
            break  # below every other path: nothing left to meet
        chains[k].append(n)
        j = owner.setdefault(n, k)
        if j != k:  # k meets j's path here: both branches end at this fork
            active.discard(k)
            if j in active:
                chains[j] = chains[j][: chains[j].index(n) + 1]
                active.discard(j)
        elif nodes[n].inputs:
            heapq.heappush(heap, (-nodes[n].inputs[0], k))
        else:
            active.discard(k)
    return chains


# ---------------------------------------------------------------------------- labels


def _written_name(node: Node) -> str | None:
    """The node's own name where the spec wrote one (`c1`, `fc`, `shortcut`, a sequence's `0`), None
    where archspec made it up for an unnamed layer (`c1_tanh`, `relu_2`, `conv1_bn`): the box says
    the kind anyway. A written name shows even where it is the kind's word (`fc: dense 1000`,
    `maxpool: maxpool 3x3`, Keras's `dense_1`)."""
    last = node.path.rsplit(".", 1)[-1]
    return last if node.kind is None or not node.generated else None


def _html(*lines: tuple[str, str]) -> str:
    """An HTML-like Graphviz label from (text, style) lines: style "b" bold, "s" small grey."""
    out = []
    for text, style in lines:
        text = escape(text)
        if style == "b":
            text = f"<B>{text}</B>"
        elif style == "s":
            text = f'<FONT POINT-SIZE="8" COLOR="#444444">{text}</FONT>'
        out.append(text)
    return "<" + "<BR/>".join(out) + ">"


def _wrap(parts: list[str], width: int = 36) -> list[str]:
    """Join `parts` with ", " into lines of about `width` characters."""
    lines, cur = [], ""
    for part in parts:
        if cur and len(cur) + len(part) + 2 > width:
            lines.append(cur + ",")
            cur = part
        else:
            cur = f"{cur}, {part}" if cur else part
    return [*lines, cur] if cur else lines


def _args(args: dict) -> list[str]:
    return [f"{k}={fmt_arg(v)}" for k, v in args.items()]


def block_calls(net: Network, gi: int) -> list[str]:
    """What a group runs, as calls: `inception(n1=64, ...)` for a block; for a sequence its
    members, equal neighbours counted (`bottleneck(width=128, stride=1) x3`)."""
    g = net.groups[gi]
    if g.kind == "block":
        return [f"{g.name}({', '.join(_args(g.args))})"]
    members = [m for m in net.groups if m.depth == g.depth + 1 and g.first <= m.first and m.last <= g.last]
    runs: list[list] = []
    for m in members:
        call = f"{m.name}({', '.join(_args(m.args))})"
        if runs and runs[-1][0] == call:
            runs[-1][1] += 1
        else:
            runs.append([call, 1])
    return [call if count == 1 else f"{call} x{count}" for call, count in runs] or [g.name]


def _call_lines(g: Group, width: int) -> list[str]:
    """A block's call wrapped after its arguments: `inception(n1=64, r3=96,` / `n3=128, ...)`."""
    args = _args(g.args)
    if not args:
        return [f"{g.name}()"]
    lines = _wrap([f"{g.name}({args[0]}", *args[1:]], width)
    lines[-1] += ")"
    return lines


def _node_label(
    node: Node,
    top_level: bool,
    shapes: str = "boxes",
    folded: tuple[Node, ...] = (),
    title: str | None = None,
    w: Language = ENGLISH,
) -> str:
    """A layer's box: its written name, what it is in lecture notation, its output shape. With
    `folded` (the batchnorm and activations after it, drawn in its box), the notation goes on as
    the lecture tables write a row (`conv 64, 7x7 /2, bn, relu`) and the shape is the last one's."""
    last = folded[-1] if folded else node
    shape = [(fmt_shape(last.shape), "s")] if shapes != "edges" else []
    if node.kind is None:
        return _html((w.t("input"), "b"), *shape)
    if node.kind.symbol:
        return _html((node.kind.symbol, "b"))
    name = _written_name(node)
    if name and top_level:
        name = node.path
    name = title or name
    lines = [(name, "b")] if name else []
    frozen = [(w.t("frozen"), "s")] if node.frozen and node.params else []
    what = _wrap([node.notation, *(_fold_word(n) for n in folded)], 30) if folded else [node.notation]
    return _html(*lines, *((line, "" if name else "b") for line in what), *shape, *frozen)


def _fold_word(node: Node) -> str:
    """A folded layer as a lecture table's row names it: `bn`, `relu`, `leaky_relu 0.1`."""
    return (node.kind.folds_as if node.kind is not None else "") or node.notation


def fold_chains(net: Network) -> dict[int, tuple[int, ...]]:
    """For each layer with weights (a conv, a dense, ...) the batchnorm and activations that follow
    it in a chain, to draw in its box: each the single consumer of the one before, taking nothing
    else, in the same block or sequence (never across a block's edge)."""
    consumers: dict[int, list[int]] = {}
    for node in net.nodes:
        for u in node.inputs:
            consumers.setdefault(u, []).append(node.id)
    inner = [-1] * len(net.nodes)  # the innermost group of each node
    for gi, g in enumerate(net.groups):  # outer groups come first: inner ones overwrite them
        for n in range(g.first, g.last + 1):
            inner[n] = gi
    chains: dict[int, tuple[int, ...]] = {}
    taken: set[int] = set()
    for node in net.nodes:
        kind = node.kind
        if kind is None or node.id in taken or not node.params or kind.family in ("norm", "activation"):
            continue
        chain, tail = [], node.id
        while len(consumers.get(tail, ())) == 1:
            nxt = net.nodes[consumers[tail][0]]
            foldable = nxt.kind.family == "activation" or bool(nxt.kind.folds_as)
            if not foldable or nxt.inputs != (tail,) or inner[nxt.id] != inner[node.id]:
                break
            chain.append(nxt.id)
            tail = nxt.id
        if chain:
            chains[node.id] = tuple(chain)
            taken.update(chain)
    return chains


def _group_label(net: Network, gi: int, shapes: str = "boxes", w: Language = ENGLISH) -> str:
    """A collapsed block or sequence: its path, its call or its members' calls, shape and params."""
    g = net.groups[gi]
    params = net.totals(g.first, g.last)[0]
    trainable = net.trainable_in(g.first, g.last)
    calls = _call_lines(g, 36) if g.kind == "block" else [w.say(c) for c in block_calls(net, gi)]
    shape = fmt_shape(net.nodes[g.output].shape) if g.output is not None else "?"
    if trainable == params:
        frozen = ""
    else:
        frozen = ", " + (w.t("frozen") if not trainable else w.t("{0} trainable", w.count(trainable)))
    shape = "" if shapes == "edges" else f"{shape}, "
    counted = w.t("{0} params", w.count(params))
    return _html((g.path, "b"), *((c, "") for c in calls), (f"{shape}{counted}{frozen}", "s"))


def _cluster_label(net: Network, gi: int, w: Language = ENGLISH) -> str:
    """The caption of an expanded group's frame: its path and the call, wrapped narrow."""
    g = net.groups[gi]
    lines = _call_lines(g, 26) if g.kind == "block" else [w.say(g.name)]
    text = "".join(f'{escape(line)}<BR ALIGN="LEFT"/>' for line in lines)
    return f'<<B>{escape(g.path)}</B><BR ALIGN="LEFT"/>{text}>'


def _legend(
    net: Network,
    focus: int | None,
    families: list[str],
    merges: dict[str, str],
    blocks: bool,
    shortcuts: bool,
    w: Language = ENGLISH,
) -> str:
    """The title and a one-row key: each family's colour with its name and outline written in it;
    for merges, what each drawn merge looks like (`+ add`, `concat: box`)."""
    t = w.t
    name = net.name or "network"
    if focus is None:
        shapes = t("input {0}, output {1}", fmt_shape(net.input_shape), fmt_shape(net.output_shape))
        params, macs = net.params, net.macs
        trainable = net.trainable_params
    else:
        g = net.groups[focus]
        call = block_calls(net, focus)[0] if g.kind == "block" else w.say(g.name)
        # a block drawn alone (`render --block`) is the network of one line calling it: the call says it all
        name = call if g.path == name and g.depth == 0 else f"{name} {g.path}: {call}"
        entry = net.nodes[g.first].inputs[:1]
        shapes = t("input {0}", fmt_shape(net.nodes[entry[0]].shape)) + ", " if entry else ""
        shapes += t("output {0}", fmt_shape(net.nodes[g.output].shape)) if g.output is not None else ""
        params, _, macs = net.totals(g.first, g.last)
        trainable = net.trainable_in(g.first, g.last)
    counted = t("{0} params", w.count(params))
    if trainable != params:
        counted += " (" + t("{0} trainable", w.count(trainable)) + ")"
    counted += ", " + t("{0} MACs", w.count(macs))
    title = f'<B>{escape(name)}</B><BR ALIGN="LEFT"/>{escape(shapes)}, {escape(counted)}'
    cells = []
    for family in families:
        look = LOOKS.get(family, LOOKS["other"])
        note = t(look.note) if look.note else ""
        if family == "merge":
            note = ", ".join(f"{symbol} {kind}" if symbol else t("{0}: box", kind) for kind, symbol in merges.items())
        small = f'<BR/><FONT POINT-SIZE="7">{escape(note)}</FONT>' if note else ""  # Graphviz refuses an empty FONT
        cells.append(f'<TD BGCOLOR="{look.fill}">{escape(t(family))}{small}</TD>')
    if blocks:
        cells.append(f'<TD BGCOLOR="{BLOCK.fill}">{t("block")}<BR/><FONT POINT-SIZE="7">{t(BLOCK.note)}</FONT></TD>')
    if shortcuts:
        cells.append(f'<TD>- - -&gt;<BR/><FONT POINT-SIZE="7">{t("shortcut")}</FONT></TD>')
    key = f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="3"><TR>{"".join(cells)}</TR></TABLE>'
    table = (
        f'<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="2"><TR><TD ALIGN="LEFT">{title}<BR ALIGN="LEFT"/></TD></TR>'
        # Graphviz rejects a table row without cells: no key where nothing needs one (a network of its input alone)
        + (f'<TR><TD ALIGN="LEFT">{key}</TD></TR>' if cells else "")
        + "</TABLE>"
    )
    return f"<{table}>"


# ---------------------------------------------------------------------------- the DOT text


def dot_source(
    net: Network,
    depth: int | None = 0,
    direction: str = "TB",
    only: str | None = None,
    *,
    fold: bool = False,
    shapes: str = "boxes",
    dpi: int | None = None,
    lang: str | None = None,
    unit: str | None = None,
) -> str:
    """The diagram as DOT text. `depth`: how many levels of blocks to expand (0: every top-level
    block and sequence is one box; None: every operation is a box). `direction`: TB or LR.
    `only`: the path of one block instance or sequence to draw alone, `depth` counting from inside
    it. `fold`: a layer with weights and the batchnorm and activations after it are one box
    (`conv 6, 5x5, tanh`). `shapes`: where tensor shapes are written, "boxes" (each in the box
    that makes it), "edges" (on the arrows) or "both". `dpi`: Graphviz's resolution for bitmaps
    (PNG); None leaves Graphviz's 96. `lang` and `unit`: the language of the diagram's words and
    how its counts are written (default: the command line's, archspec.diagnostics.output_language;
    English for Python callers). ValueError for a direction, shapes or path that does not exist."""
    import graphviz

    from archspec.diagnostics import output_language

    said, said_unit = output_language()
    w = Language(lang or said, unit or (said_unit if lang is None else None))

    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if shapes not in SHAPES:
        raise ValueError(f"shapes must be one of {', '.join(SHAPES)}, not {shapes!r}")
    focus = find_group(net, only) if only is not None else None
    owner, root = _layout(net, depth, focus)
    folds, lifted = _fold(net, owner, root) if fold else ({}, {})
    splits = _split_boxes(net, owner, root)
    part_of = {j: first for first, parts in splits.items() for j in parts}  # a part's arrow names it
    group = net.groups[focus] if focus is not None else None
    lo, hi = (group.first, group.last) if group else (0, len(net.nodes) - 1)
    skips = shortcut_edges(net.nodes)
    dot = graphviz.Digraph(net.name or "network")
    dot.attr(rankdir=direction, nodesep="0.25", ranksep="0.3", fontname=FONT, fontsize="10")
    dot.attr(labelloc="t", labeljust="l")
    if dpi is not None:
        dot.attr(dpi=str(dpi))
    dot.attr("node", fontname=FONT, fontsize="10", margin="0.12,0.04", height="0.3", penwidth="1")
    dot.attr("edge", fontname=FONT, fontsize="8", color="#333333", arrowsize="0.6", fontcolor="#333333")

    families: set[str] = set()
    blocks = False
    captions: list[tuple[str, str]] = []
    merges: dict[str, str] = {}  # the merges drawn, by name: their symbols

    branch_heads = _branch_heads(net, owner, skips, lo, hi)

    def emit(graph, cluster: _Cluster) -> None:
        nonlocal blocks
        drawn = {f"n{i}" if what == "node" else f"g{i}" for what, i in cluster.items if what != "cluster"}
        for heads in branch_heads:
            if drawn.issuperset(heads):  # side by side in the spec's order, as the papers draw them
                with graph.subgraph() as row:
                    row.attr(rank="same")
                    for a, b in zip(heads, heads[1:]):
                        row.edge(a, b, style="invis")
        for what, i in cluster.items:
            if what == "cluster":
                child = cluster.children[i]
                with graph.subgraph(name=f"cluster_g{i}") as sub:
                    sub.attr(style="rounded", color="#777777")
                    emit(sub, child)
                    # the caption is a text node under the group's output, not the frame's label:
                    # Graphviz routes edges around nodes, but across labels
                    sub.node(f"c{i}", _cluster_label(net, i, w), shape="plaintext", margin="0", **{"class": "caption"})
                    if net.groups[i].output is not None:
                        captions.append((owner[net.groups[i].output], f"c{i}"))
            elif what == "box":
                blocks = True
                graph.node(f"g{i}", _group_label(net, i, shapes, w), margin="0.15,0.1", **_attrs(BLOCK))
            else:
                node = net.nodes[i]
                if node.kind is None:
                    graph.node(f"n{i}", _node_label(node, True, shapes, w=w), **_attrs(END))
                    continue
                families.add(node.kind.family)
                if node.kind.merge:
                    merges[node.kind.name] = node.kind.symbol
                look = LOOKS.get(node.kind.family, LOOKS["other"])
                attrs = _attrs(look)
                if node.kind.symbol:  # an elementwise merge: a small circle with its operator
                    attrs.update(shape="circle", width="0.3", fixedsize="true", fontsize="14")
                    name = _written_name(node)
                    if name:  # `se: mul`: the name beside the circle, which has room for the operator only
                        name = name if cluster.group is None else name.rsplit(".", 1)[-1]
                        attrs["xlabel"] = f'<<FONT POINT-SIZE="10"><B>{escape(name)}</B></FONT>>'
                folded = tuple(net.nodes[f] for f in folds.get(i, ()))
                label = _node_label(node, cluster.group is None, shapes, folded, w=w)
                if i in splits:
                    label = _split_label(net, splits[i], cluster.group is None, shapes)
                if i in lifted:  # a frame's one box, named after the group it stands for
                    path = net.groups[lifted[i]].path
                    label = _node_label(
                        node, True, shapes, folded, path if cluster.group is None else path.rsplit(".", 1)[-1], w
                    )
                graph.node(f"n{i}", label, **attrs)

    emit(dot, root)
    for out, caption in captions:
        dot.edge(out, caption, style="invis", minlen="0")
    # one edge per tensor between two boxes; it is dashed when every edge it stands for skips a
    # branch (inside a collapsed block, the tensor entering it also feeds the branch: solid)
    edges: dict[tuple[str, str, int], bool] = {}
    for node in net.nodes[lo : hi + 1]:
        for u in node.inputs:
            if u < lo and owner[u] != f"x{u}":  # a block drawn alone: what comes in is an input marker
                source = net.nodes[u]
                # what comes in by the name of the block that made it (`layer1.2`, not its `relu_1`)
                makers = [g for g in net.groups if g.output == u and group and g.depth <= group.depth]
                where = max(makers, key=lambda g: g.depth).path if makers else source.path
                lines = [(w.t("input"), "b")] + ([(where, "")] if source.kind is not None else [])
                label = _html(*lines, *([(fmt_shape(source.shape), "s")] if shapes != "edges" else []))
                dot.node(f"x{u}", label, **_attrs(END))
                owner[u] = f"x{u}"
            key = (owner[u], owner[node.id], u)
            if key[0] != key[1]:
                edges[key] = edges.get(key, True) and (u, node.id) in skips
    for (src, dst, u), skip in edges.items():
        attrs = {"label": " " + fmt_shape(net.nodes[u].shape)} if shapes != "boxes" else {}
        if u in part_of:  # one of several arrows out of a split's box: which part it carries
            part = net.nodes[u].path.rsplit(".", 1)[-1]
            attrs["label"] = f" {part}" + (f" {fmt_shape(net.nodes[u].shape)}" if shapes != "boxes" else "")
        if skip:
            attrs.update(style="dashed", weight="0", penwidth="1.3")
        dot.edge(src, dst, **attrs)
    last = net.nodes[group.output if group and group.output is not None else hi]
    # the shape of what comes out is in the last box, or on the arrow into the marker
    shown = [(fmt_shape(last.shape), "s")] if shapes == "both" else []
    dot.node("output", _html((w.t("output"), "b"), *shown), **_attrs(END))
    dot.edge(owner[last.id], "output", **({"label": " " + fmt_shape(last.shape)} if shapes != "boxes" else {}))
    order = [f for f in LOOKS if f in families]
    dot.attr(label=_legend(net, focus, order, merges, blocks, any(edges.values()), w))
    return dot.source


def split_parts(net: Network) -> dict[int, tuple[int, ...]]:
    """The parts of each `chunk` or `split` (`x1, x2: chunk 2`), by its first part: the analyser makes
    them one after the other from one input, and a diagram draws them as one box."""
    out: dict[int, tuple[int, ...]] = {}
    for node in net.nodes:
        o = node.options
        if node.kind is None or o.get("part") != 0 or not (o.get("chunks") or o.get("sizes")):
            continue
        parts = tuple(range(node.id, node.id + (o.get("chunks") or len(o["sizes"]))))
        others = [net.nodes[j] for j in parts if j < len(net.nodes)]
        if len(others) == len(parts) and all(
            n.kind is node.kind and n.options.get("part") == k and n.inputs == node.inputs for k, n in enumerate(others)
        ):
            out[node.id] = parts
    return out


def _split_boxes(net: Network, owner: list[str], root: _Cluster) -> dict[int, tuple[int, ...]]:
    """Draw the parts of each `chunk` or `split` as one box (the first part's), with an arrow out per
    part, where each part is a box of its own. Returns the parts drawn so, by the box's node."""
    drawn = {first: parts for first, parts in split_parts(net).items() if all(owner[j] == f"n{j}" for j in parts)}
    gone = set()
    for first, parts in drawn.items():
        for j in parts[1:]:
            owner[j] = f"n{first}"
            gone.add(j)

    def prune(cluster: _Cluster) -> None:
        cluster.items = [(what, i) for what, i in cluster.items if what != "node" or i not in gone]
        for child in cluster.children.values():
            prune(child)

    prune(root)
    return drawn


def _split_label(net: Network, parts: tuple[int, ...], top_level: bool, shapes: str) -> str:
    """A `chunk` or `split` drawn as one box: the parts' names, the split as the spec writes it, and
    the parts' shapes (`2 x 58x28x28` where they are equal)."""
    nodes = [net.nodes[j] for j in parts]
    names = ", ".join(n.path if top_level else n.path.rsplit(".", 1)[-1] for n in nodes)
    sizes = [fmt_shape(n.shape) for n in nodes]
    shown = f"{len(sizes)} x {sizes[0]}" if len(set(sizes)) == 1 else ", ".join(sizes)
    text = [(shown, "s")] if shapes != "edges" else []
    return _html(*((line, "b") for line in _wrap(names.split(", "), 30)), (split_notation(nodes[0].options), ""), *text)


def _fold(net: Network, owner: list[str], root: _Cluster) -> tuple[dict[int, tuple[int, ...]], dict[int, int]]:
    """Fold the chains of `fold_chains` whose layers are all boxes of their own (not inside a
    collapsed block): their boxes become the head's. A frame left with one box (a projection's
    conv and batchnorm, `downsample`) gives way to the box, named after the group. Returns the
    chains folded, by head, and the groups that boxes now stand for, by node."""
    folds = {
        head: chain for head, chain in fold_chains(net).items() if all(owner[n] == f"n{n}" for n in (head, *chain))
    }
    gone = set()
    for head, chain in folds.items():
        for n in chain:
            owner[n] = f"n{head}"
            gone.add(n)

    lifted: dict[int, int] = {}

    def prune(cluster: _Cluster) -> None:
        cluster.items = [(what, i) for what, i in cluster.items if what != "node" or i not in gone]
        for gi, child in list(cluster.children.items()):
            prune(child)
            if len(child.items) == 1 and child.items[0][0] == "node" and child.items[0][1] in folds:
                n = child.items[0][1]
                cluster.items[cluster.items.index(("cluster", gi))] = ("node", n)
                del cluster.children[gi]
                lifted[n] = gi

    prune(root)
    return folds, lifted


def _branch_heads(net: Network, owner: list[str], skips: set, lo: int, hi: int) -> list[list[str]]:
    """For each tensor that starts two or more branches (an Inception module's input), the boxes
    that take it, in the spec's order; shortcuts (dashed) do not count as branches."""
    heads: dict[int, list[str]] = {}
    for node in net.nodes[lo : hi + 1]:
        for u in node.inputs:
            box = owner[node.id]
            if (u, node.id) not in skips and owner[u] != box and box not in heads.setdefault(u, []):
                heads[u].append(box)
    return [boxes for boxes in heads.values() if len(boxes) > 1]


def _attrs(look: Look) -> dict[str, str]:
    style = ",".join(["filled", *look.style.split(",")]) if look.style else "filled"
    return {"shape": look.shape, "style": style, "fillcolor": look.fill}


def draw(source: str, fmt: str) -> bytes:
    """The DOT text drawn by Graphviz's `dot` in `fmt` (svg, png, pdf); the text itself for "dot".
    Raises DrawError with a one-line message when `dot` is missing or fails."""
    if fmt == "dot":
        return source.encode()
    import graphviz

    try:
        return graphviz.pipe("dot", fmt, source.encode(), quiet=True)
    except graphviz.ExecutableNotFound:
        raise DrawError(f"Graphviz's `dot` program is not installed: {INSTALL_HINT}") from None
    except graphviz.CalledProcessError as err:
        detail = (err.stderr or b"").decode(errors="replace").strip().splitlines()
        raise DrawError("Graphviz's `dot` failed" + (f": {detail[0]}" if detail else "")) from None
