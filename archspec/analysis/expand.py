"""Syntax tree -> analysed graph: blocks instantiated, repeats unrolled, names resolved, and every
node's shape, parameters and MACs inferred as it is added (block arguments such as `in.c` and
`shortcut: project` depend on the shapes before them)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase

from archspec.analysis.expect import Expectation, Freezing, check_marks
from archspec.analysis.expr import FUNCTIONS, evaluate, truth
from archspec.analysis.graph import Group, Node, residual_norms
from archspec.analysis.infer import infer
from archspec.analysis.initialise import DEFAULT_INIT, read_init
from archspec.diagnostics import Diagnostic, SpecError, did_you_mean, fail
from archspec.frontend import syntax as s
from archspec.layers import (
    CATALOGUE,
    MERGE_NAMES,
    LayerKind,
    OptionError,
    ShapeError,
    fmt_shape,
    lookup,
    projection,
    suggest,
    suggest_kind,
)
from archspec.layers.base import MAX_SIZE, show_value
from archspec.layers.slices import part_options

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from typing import Any

MAX_NODES = 200_000
MAX_ERRORS = 200  # errors reported in full; past it they are counted (40,000 typos make 7 MB of text)


def is_sequence_block(block: s.BlockDef) -> bool:
    """A block whose body is one unnamed sequence (`conv c 3x3 bias=false, bn, relu6`) is that
    sequence: its members are numbered under the call's own path (`features.0.0`, `features.0.1`),
    as torchvision's Conv2dNormActivation, an nn.Sequential, numbers them."""
    if len(block.body) != 1 or not isinstance(block.body[0], s.Line):
        return False
    line = block.body[0]
    return not line.label and s.is_sequence(line)


def merge_kind(word: str) -> LayerKind | None:
    kind = lookup(word)
    return kind if kind is not None and kind.merge else None


MERGE_WORDS = ", ".join(f"`{name}`" for name in MERGE_NAMES)


class TooManyLayers(Exception):
    """The expansion passed the node limit; `span` ends up at the top-level line that caused it."""

    span: s.Span | None = None


@dataclass
class Scope:
    """Where a body is expanded: the path prefix, block arguments, and the names defined so far."""

    prefix: str
    env: dict[str, Any]
    in_node: int | None
    depth: int
    stack: tuple[tuple[str, s.Span], ...] = ()
    outer: Scope | None = None  # the body a sequence member sits in: its names stay visible
    names: dict[str, int | None] = field(default_factory=dict)  # every name taken -> its output node
    generated: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)  # names of lines whose error is already reported
    counters: dict[str, int] = field(default_factory=dict)
    sequence: bool = False  # the body of a block that is one sequence (`is_sequence_block`)
    # `defaults bn eps=0.001`: kind -> option -> (value, the span of the `defaults` option)
    defaults: dict[str, dict[str, tuple[Any, s.Span]]] = field(default_factory=dict)

    def auto_name(self, word: str) -> str:
        """`conv_1`, `conv_2`, ...: a name for an unnamed layer, reserved in this body."""
        n = self.counters.get(word, 0) + 1
        while f"{word}_{n}" in self.names:
            n += 1
        self.counters[word] = n
        return self.fresh(f"{word}_{n}")

    def fresh(self, name: str) -> str:
        """`name` if it is free, else the first free `name_N`; reserved as a generated name."""
        base, n = name, 0
        while name in self.names:
            n += 1
            name = f"{base}_{n}"
        self.names[name] = None
        self.generated.add(name)
        return name

    def find(self, name: str) -> tuple[str, int | None]:
        """What a name of this body (or of the bodies around a sequence member) stands for:
        ("tensor", node), ("failed", None) for a line already reported, ("pending", None) for a
        name without an output here (the line being expanded, a generated name), ("unknown", None)."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.failed:
                return "failed", None
            if name in scope.names:
                node = scope.names[name]
                return ("tensor", node) if node is not None else ("pending", None)
            scope = scope.outer
        return "unknown", None

    def claim(self, name: str, span: s.Span | None) -> None:
        """Reserve a name the spec writes (`c1:`)."""
        if name in self.names:
            what = (
                "archspec's name for an earlier unnamed layer"
                if name in self.generated
                else "already defined in this body"
            )
            raise fail(
                "duplicate-name", f"`{name}` is {what}", span, "second definition", "give each named line its own name"
            )
        self.names[name] = None


def _instance_key(block: str, env: dict, shape, depth: int) -> tuple | None:
    """What a block call's expansion depends on: the block, its arguments (with their types: `2`
    and `2.0` print apart), the input's shape and its depth; None where an argument cannot be a key."""
    key = (block, tuple((name, _typed(value)) for name, value in env.items()), shape, depth)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _typed(value: Any) -> Any:
    if type(value) is tuple:
        return tuple(_typed(v) for v in value)
    return (type(value), value)


@dataclass(frozen=True)
class Instance:
    """What one block call made (its nodes, groups and rows, ids and paths as made), to be made
    again for an identical call (same block, arguments, input shape and depth)
    with its ids shifted and its paths under the new call's: ResNet-152's 33 identical bottlenecks
    of a stage are expanded once. Only a call that reported nothing and met no `expect` or
    `freeze` line is kept, and only where its layers read nothing from outside but its input."""

    prefix: str
    input: int
    first: int  # its first node's id
    first_group: int
    nodes: list[Node]
    groups: list[Group]
    rows: list[tuple[str, int]]
    out: int | None

    @classmethod
    def record(cls, ex: Expander, before: tuple, prefix: str, cur: int, out) -> Instance | None:
        first, first_group, first_row = before[:3]
        nodes, groups = ex.nodes[first:], ex.groups[first_group:]
        inside = all(i >= first or i == cur for n in nodes for i in n.inputs)
        named = all(n.path.startswith(prefix) for n in nodes) and all(g.path.startswith(prefix) for g in groups)
        if not (inside and named) or (out is not None and out < first and out != cur):
            return None
        return cls(prefix, cur, first, first_group, nodes, groups, ex.rows[first_row:], out)

    def replay(self, ex: Expander, prefix: str, cur: int) -> int | None:
        """Append what the call made again, for a call of path `prefix` on node `cur`; its output."""
        shift, group_shift, cut = len(ex.nodes) - self.first, len(ex.groups) - self.first_group, len(self.prefix)
        old = self.input

        def moved(i: int) -> int:
            return cur if i == old else i + shift

        for n in self.nodes:
            ex.nodes.append(
                replace(
                    n,
                    id=n.id + shift,
                    path=prefix + n.path[cut:],
                    inputs=tuple(moved(i) for i in n.inputs),
                    branch_ends=tuple(moved(i) for i in n.branch_ends),
                )
            )
        for g in self.groups:
            output = None if g.output is None else moved(g.output)
            path = prefix + g.path[cut:]
            ex.groups.append(replace(g, path=path, first=g.first + shift, last=g.last + shift, output=output))
        ex.rows += [(kind, i + (shift if kind == "node" else group_shift)) for kind, i in self.rows]
        return None if self.out is None else moved(self.out)


class Expander:
    def __init__(self, blocks: dict[str, s.BlockDef], max_nodes: int = MAX_NODES):
        self.blocks = blocks
        self.max_nodes = max_nodes
        self.nodes: list[Node] = []
        self.groups: list[Group] = []
        self.rows: list[tuple[str, int]] = []
        self.diagnostics: list[Diagnostic] = []
        self.used_blocks: set[str] = set()
        self.line_input: int | None = None  # the tensor flowing into the line being expanded
        self.unreported = 0  # errors past MAX_ERRORS: counted, not reported
        self.expectations = True  # False where `--set` changed the network from what its `expect` lines describe
        self.skipped_expectations = 0  # the `expect` lines met and not checked (where it is False)
        self.init: dict[str, str | bool] = dict(DEFAULT_INIT)  # the network's `init` line
        self.init_spans: dict[str, s.Span] = {}  # the span of each option it writes
        self.marks: list[Expectation | Freezing] = []  # `expect` and `freeze` lines met, for expect.check_marks
        self.instances: dict[tuple, Instance] = {}  # block calls made once, by what they depend on
        self.arm_split: Any = _NO_ARM  # after an `if`: the split its arm taken ended with (`run_body`)

    # ------------------------------------------------------------------ diagnostics

    @property
    def capped(self) -> bool:
        """MAX_ERRORS errors are reported: the next are counted only (and get no did-you-mean)."""
        return len(self.diagnostics) >= MAX_ERRORS

    def _report(self, diagnostic: Diagnostic) -> None:
        if self.capped and diagnostic.severity == "error":
            self.unreported += 1
        else:
            self.diagnostics.append(diagnostic)

    # ------------------------------------------------------------------ nodes

    def shape(self, node: int | None) -> tuple[int, ...] | None:
        return None if node is None else self.nodes[node].shape

    def in_shape(self, scope: Scope, cur: int | None) -> tuple[int, ...] | None:
        """What `in` means: the block instance's input, or at the network level the line's input
        (for every layer of the line, as `conv 8 1x1 conv (in.c) 1` reads the line's channels)."""
        if scope.in_node is not None:
            return self.shape(scope.in_node)
        return self.shape(self.line_input if self.line_input is not None else cur)

    def add_input(self, shape: tuple[int, ...], span: s.Span | None) -> int:
        return self._append(Node(self._next_id(), "input", None, {}, (), shape, 0, 0, 0, span, 0))

    def _next_id(self) -> int:
        """The id of the node to append next (its index: `dataclasses.replace` after the fact costs `check` time)."""
        if len(self.nodes) >= self.max_nodes:
            raise TooManyLayers()
        return len(self.nodes)

    def _append(self, node: Node) -> int:
        self.nodes.append(node)
        self.rows.append(("node", node.id))
        return node.id

    def add_layer(
        self,
        kind: LayerKind,
        options: dict,
        inputs: list[int],
        path: str,
        span: s.Span,
        depth: int,
        blame: dict[str, s.Span],
        generated: bool = False,
    ) -> int:
        ins = [self.nodes[i].shape for i in inputs]
        try:
            out, params, buffers, macs = infer(kind, options, ins)
        except (OverflowError, ValueError):  # sizes like 1e300 x 8
            raise fail(
                "bad-option", f"{kind.name}: the sizes are too large (at most {MAX_SIZE:,})", span, "here"
            ) from None
        except ShapeError as err:
            where = blame.get(err.option or "", span)
            if kind.merge:
                label = "merged here"
            elif err.code == "bad-option":
                label = ""
            else:
                label = "input " + fmt_shape(ins[0])
            raise fail(err.code, err.message, where, label, err.hint) from None
        options = {k: v for k, v in options.items() if not k.startswith("_")}  # `_names`: for messages only
        node_id = self._next_id()
        node = Node(
            node_id, path, kind, options, tuple(inputs), out, params, buffers, macs, span, depth, generated=generated
        )
        return self._append(node)

    # ------------------------------------------------------------------ bodies

    def run_body(
        self, body: tuple[s.Stmt, ...], scope: Scope, cur: int | None, first_node: int, arm: bool = False
    ) -> int | None:
        """The body's statements in order; its output. `arm`: an `if`'s arm, whose lines go on after
        the `if`: one that ends with a split leaves it in `self.arm_split` for the lines after."""
        defaults = scope.defaults  # a `defaults` line holds to the end of its own body
        split: s.SplitLine | None = None  # the line before, where it split its tensor: no one tensor flows on
        for stmt in body:
            failed = False
            try:
                if split is not None and _takes_previous(stmt):
                    raise _after_split(split, stmt)
                if isinstance(stmt, s.Expect):
                    self.expect_here(stmt, cur, first_node, scope.prefix.rstrip("."), scope)
                elif isinstance(stmt, s.Freeze):
                    self.freeze(stmt, scope, first_node)
                elif isinstance(stmt, s.Init):
                    where = "a block" if scope.stack else "a merge"
                    raise fail(
                        "misplaced-init",
                        "`init` belongs to the network's body",
                        _keyword(stmt.span, "init"),
                        f"inside {where}",
                        "move it to the network's body (unindented, after `input`): it initialises the whole network",
                    )
                elif isinstance(stmt, s.Compound):
                    cur = self.run_compound(stmt, scope, cur)
                elif isinstance(stmt, s.If):
                    cur = self.run_if(stmt, scope, cur, first_node)
                elif isinstance(stmt, s.Let):
                    self.let(stmt, scope, cur)
                elif isinstance(stmt, s.Defaults):
                    self.set_defaults(stmt, scope, cur)
                elif isinstance(stmt, s.SplitLine):
                    cur = self.run_split(stmt, scope, cur)
                else:
                    cur = self.run_line(stmt, scope, cur)
            except TooManyLayers as big:
                big.span = stmt.span if not isinstance(stmt, s.Compound) else stmt.head_span
                raise
            except SpecError as err:
                self._report(self._located(err.diagnostic, scope))
                failed = True
                if isinstance(stmt, s.Init):
                    continue  # the tensor flows on past a misplaced `init`
                cur = None  # what follows has no known input: skip it quietly
            if cur is None and isinstance(stmt, (s.Line, s.Compound)):
                # failed, or skipped after an error: a merge naming it is skipped too, not a second error
                if stmt.label and stmt.label not in ("branch", "shortcut"):
                    scope.names.setdefault(stmt.label, None)
                    scope.failed.add(stmt.label)
            if cur is None and isinstance(stmt, s.SplitLine):
                for name, _ in stmt.names:
                    scope.names.setdefault(name, None)
                    scope.failed.add(name)
            if failed or isinstance(stmt, (s.Line, s.SplitLine, s.Compound)):
                split = stmt if isinstance(stmt, s.SplitLine) and not failed else None
            elif isinstance(stmt, s.If) and self.arm_split is not _NO_ARM:  # the arm taken: where it ended
                split = self.arm_split
        scope.defaults = defaults
        if arm:
            self.arm_split = split
            return cur
        if split is not None:  # a body gives one tensor: which part?
            names = ", ".join(name for name, _ in split.names)
            self._report(
                self._located(
                    Diagnostic(
                        "ambiguous-input",
                        f"the body ends with `{names}:`, which gives {len(split.names)} tensors, not one",
                        _join(split.names[0][1], split.names[-1][1]),
                        "the body's last line",
                        f"end it with a line that merges them (`concat({names})`) or starts `from {split.names[0][0]}`",
                    ),
                    scope,
                )
            )
            return None
        return cur

    # ------------------------------------------------------------------ conditions, values and defaults

    def arms(self, stmt: s.If, scope: Scope, cur: int | None):
        """Each arm of an `if` in order: its body, and whether it is the one taken. Without a shape
        (after an error, or in a block no line calls) every arm is checked for what needs none."""
        if cur is None:
            for _, body in stmt.arms:
                yield body, True
            return
        in_shape = self.in_shape(scope, cur)
        taken = False
        for cond, body in stmt.arms:
            holds = not taken and (cond is None or truth(evaluate(cond, scope.env, in_shape), cond))
            yield body, holds
            taken = taken or holds

    def run_if(self, stmt: s.If, scope: Scope, cur: int | None, first_node: int) -> int | None:
        if cur is None:  # no shapes (a block no line calls): each arm checked on its own, as one call takes one
            before, names = (dict(scope.names), set(scope.generated), dict(scope.counters)), {}
            for body, _ in self.arms(stmt, scope, cur):
                scope.names, scope.generated, scope.counters = dict(before[0]), set(before[1]), dict(before[2])
                self.run_body(body, scope, cur, first_node)
                names.update(scope.names)
            scope.names.update(names)
            self.arm_split = _NO_ARM
            return None
        split: Any = _NO_ARM
        for body, taken in self.arms(stmt, scope, cur):
            if taken:
                cur = self.run_body(body, scope, cur, first_node, arm=True)
                split = self.arm_split
            else:
                self.reserve(body, scope)
        self.arm_split = split
        return cur

    def reserve(self, body: tuple[s.Stmt, ...], scope: Scope) -> None:
        """Take the names archspec would give the unnamed layers of an arm not taken, so that a
        layer is called the same in every call of a block (`conv_2` stays `conv_2` whether or not
        the expand step before it is made), as one class names its modules once."""
        for stmt in body:
            if isinstance(stmt, s.If):
                for _, arm in stmt.arms:
                    self.reserve(arm, scope)
            elif isinstance(stmt, s.Compound):
                self.reserve(stmt.body, scope)
                if not stmt.label and merge_kind(stmt.head):
                    scope.auto_name(merge_kind(stmt.head).name)
            elif isinstance(stmt, s.Line) and (not stmt.label or stmt.label in ("branch", "shortcut")):
                if is_word(stmt, "project"):  # `shortcut`, whether or not the projection is made
                    scope.fresh("shortcut")
                    continue
                if is_word(stmt, "identity"):
                    continue  # a merge's input itself
                if s.is_sequence(stmt):
                    head = stmt.elems[0].atoms[0]
                    scope.auto_name(head.name if isinstance(head, (s.Call, s.Name)) else "seq")
                elif _is_call(stmt.elems[0]):
                    call = stmt.elems[0].atoms[0]
                    if call.name in self.blocks or merge_kind(call.name):
                        scope.auto_name(call.name if call.name in self.blocks else merge_kind(call.name).name)
                else:
                    try:
                        segments = self.split_chain(stmt.elems[0], scope)
                    except SpecError:
                        continue  # reported where the arm is taken
                    for kind, word, _, own in segments:
                        if own is not None:
                            break  # the layers after a name are named after it, not numbered
                        scope.auto_name(word.name if word.name in scope.env else kind.name)

    def let(self, stmt: s.Let, scope: Scope, cur: int | None) -> None:
        if lookup(stmt.name) is not None or stmt.name in self.blocks or stmt.name == "in":
            what = "the input" if stmt.name == "in" else "a layer kind" if lookup(stmt.name) else "a block"
            raise fail(
                "bad-name",
                f"`{stmt.name}` is {what}: a `let` value cannot take its name",
                stmt.name_span,
                "this name",
                f"e.g. `let {stmt.name}_value = ...`",
            )
        if cur is None:  # no shapes here: the value is unknown, and what reads it is checked without it
            scope.env[stmt.name] = None
            return
        try:
            scope.env[stmt.name] = evaluate(stmt.value, scope.env, self.in_shape(scope, cur))
        except SpecError:
            scope.env[stmt.name] = None  # defined, its value unknown: the lines reading it are not errors too
            raise

    def set_defaults(self, stmt: s.Defaults, scope: Scope, cur: int | None) -> None:
        kind = lookup(stmt.kind)
        if kind is None or kind.merge:
            raise self._unknown_layer(s.Name(stmt.kind, stmt.kind_span), scope)
        known = self.known_options(kind, list(stmt.options), scope)
        options = dict(scope.defaults.get(kind.name, {}))
        for opt in known:
            value = None if cur is None else evaluate(opt.value, scope.env, self.in_shape(scope, cur))
            options[opt.key] = (value, opt.span)
        scope.defaults = {**scope.defaults, kind.name: options}  # a new dict: the bodies around keep theirs

    def _located(self, diag: Diagnostic, scope: Scope) -> Diagnostic:
        """Add which block instance an error inside a block happened in, and where it was called."""
        notes = self._notes(scope)
        return replace(diag, notes=notes) if notes and not diag.notes else diag

    @staticmethod
    def _notes(scope: Scope) -> tuple[str, ...]:
        """Inside a block instance: which one, and where it was called."""
        if not scope.stack or scope.in_node is None:
            return ()
        name, call = scope.stack[-1]
        where = f"{call.file}:{call.line}:{call.column}"
        return (f"in `{scope.prefix.rstrip('.')}`, the `{name}` called at {where}",)

    def run_line(self, line: s.Line, scope: Scope, cur: int | None) -> int | None:
        elems, cur = self.take_from(line.elems, scope, cur, line.label)
        if elems is not line.elems:
            line = replace(line, elems=elems)
        for elem in line.elems:
            if elem.repeat < 1:
                raise fail(
                    "bad-repeat",
                    "a line repeats at least once",
                    elem.repeat_span,
                    "x0",
                    "remove the line, or write `x1` or more",
                )
        _check_thousands_separators(line)
        if line.label in ("branch", "shortcut"):
            raise fail(
                "misplaced-branch",
                f"`{line.label}:` belongs inside a merge ({MERGE_WORDS})",
                line.label_span,
                "outside a merge",
                "indent it under a merge",
            )
        first = len(self.nodes)
        if line.label:
            scope.claim(line.label, line.label_span)
        sequence = s.is_sequence(line)
        outer, self.line_input = self.line_input, cur
        try:
            if sequence:
                cur = self.run_sequence(line, scope, cur)
            else:
                cur = self.run_elem(line.elems[0], scope, cur, line.label, scope.prefix, scope.depth)
        finally:
            self.line_input = outer
        if line.label:
            scope.names[line.label] = cur
        if line.expect is not None:
            self.expect_here(line.expect, cur, first, (scope.prefix + line.label) if line.label else "", scope)
        return cur

    def run_sequence(self, line: s.Line, scope: Scope, cur: int | None) -> int | None:
        head = line.elems[0].atoms[0]
        word = head.name if isinstance(head, (s.Call, s.Name)) else "seq"
        group = depth = None
        if scope.sequence:  # the block is this sequence: its members are the block's own
            path, depth = scope.prefix[:-1], scope.depth - 1
        else:
            label = line.label or scope.auto_name(word)
            path, depth = scope.prefix + label, scope.depth
            group = self._open_group(path, "sequence", "", {}, line.span, depth, generated=not line.label)
        index = 0
        for elem in line.elems:
            if elem.repeat > self.max_nodes:
                raise fail(
                    "too-many-layers",
                    f"x{elem.repeat} repeats past the limit of {self.max_nodes} layers",
                    elem.repeat_span,
                    "too many",
                    "is the count a typo?",
                )
            for _ in range(elem.repeat):
                if _is_call(elem):  # a block instance, or a merge by name (which `compile` refuses)
                    cur = self.run_elem(elem, scope, cur, str(index), path + ".", depth + 1)
                    index += 1
                elif cur is None:
                    self.check_chain(elem, scope)
                else:
                    # each layer of a chain is a member of its own, numbered on: `conv 64 3x3 relu x2, maxpool 2`
                    # is members 0-4, as torchvision's `make_layers` builds VGG's `features`
                    before = len(self.nodes)
                    cur = self.run_chain(elem, scope, cur, None, path + ".", depth + 1, numbered=index)
                    index += len(self.nodes) - before
        if group is None:
            return cur
        self._close_group(group, cur)
        calls = {e.atoms[0].name for e in line.elems if _is_call(e)}
        one_block = len(calls) == 1 and all(_is_call(e) for e in line.elems)
        title = f"{index} x {calls.pop()}" if one_block else f"sequence of {index}"
        self.groups[group] = replace(self.groups[group], name=title)
        return cur

    def run_elem(
        self, elem: s.Elem, scope: Scope, cur: int | None, label: str | None, prefix: str, depth: int
    ) -> int | None:
        head = elem.atoms[0]
        if isinstance(head, s.Call):
            if len(elem.atoms) > 1:
                extra = elem.atoms[1]
                raise fail(
                    "syntax-error",
                    "a block call stands alone: nothing may follow it on the line",
                    extra.span,
                    "unexpected",
                    "put the next layer on a line of its own",
                )
            if merge_kind(head.name):
                return self.merge_by_name(head, scope, label, prefix, depth)
            return self.call_block(head, scope, cur, label, prefix, depth)
        if cur is None:
            self.check_chain(elem, scope)  # still report unknown kinds and options
            return None
        return self.run_chain(elem, scope, cur, label, prefix, depth)

    # ------------------------------------------------------------------ chains of layers

    def split_chain(self, elem: s.Elem, scope: Scope) -> list[tuple[LayerKind, s.Name, list[s.Atom], s.Label | None]]:
        """The layers of a chain: each kind with its word, its arguments and options, and the name
        written before it (`bn1: bn`), if any."""
        head = elem.atoms[0]
        if not isinstance(head, s.Name) or (head.name in scope.env and _kind_value(head, scope.env) is None):
            hides = isinstance(head, s.Name) and lookup(head.name) is not None  # `block b(layer_scale)`
            raise fail(
                "expected-layer",
                "a line starts with a layer kind or a block call",
                head.span,
                "a parameter here" if hides else "not a layer",
                f"`{head.name}` is a parameter of this block, which hides the layer kind: "
                f"rename the parameter, e.g. `{head.name}_value`"
                if hides
                else "e.g. `conv 64 3x3`, `maxpool 2`, `bottleneck(64)`",
            )
        segments: list[tuple[LayerKind, s.Name, list[s.Atom]]] = []
        labels: dict[int, s.Label] = {}  # segment -> the name written before it (`bn1: bn`)
        label: s.Label | None = None
        for atom in elem.atoms:
            if isinstance(atom, s.Label):
                if label is not None:
                    raise fail("syntax-error", "two names for one layer", atom.span, "second name")
                label = atom
                continue
            written = atom  # a layer a parameter gives is named after the parameter (`act_1`), in every call
            if isinstance(atom, s.Name) and atom.name in scope.env:
                given = _kind_value(atom, scope.env)  # `act` where the block was called with `act=hardswish`
                if given is not None:
                    atom = given
            if label is not None and not (
                isinstance(atom, s.Name) and atom.name not in scope.env and lookup(atom.name) is not None
            ):
                raise fail(
                    "expected-layer",
                    f"`{label.name}:` names the layer that follows it",
                    atom.span,
                    "not a layer kind",
                    f"write a layer kind after `{label.name}:`, e.g. `{label.name}: bn`",
                )
            if isinstance(atom, s.Name) and atom.name not in scope.env:
                kind = lookup(atom.name)
                if kind is not None and kind.merge:
                    raise fail(
                        "expected-layer",
                        f"`{kind.name}` merges tensors: it is no layer of a chain",
                        atom.span,
                        "a merge",
                        f"write `{kind.name}:` with branches, or `{kind.name}(a, b)` with names",
                    )
                if kind is not None:
                    if label is not None:
                        labels[len(segments)] = label
                        label = None
                    segments.append((kind, written, []))
                    continue
                if atom is head or atom.name not in segments[-1][0].words:
                    err = self._unknown_layer(atom, scope)  # `conv 8 3x3 bn rleu`
                    after = elem.atoms[1] if atom is head and len(elem.atoms) > 1 else None
                    if after is not None and self._starts_layer(after, scope):  # `c1 conv 16 3x3`
                        written = f"{after.name}(...)" if isinstance(after, s.Call) else after.name
                        hint = f"name a line with a colon: `{atom.name}: {written}`"
                        err = SpecError(replace(err.diagnostic, hint=hint))
                    raise err
                segments[-1][2].append(atom)
            elif isinstance(atom, s.Call) and (atom.name in self.blocks or merge_kind(atom.name)):
                raise fail(
                    "syntax-error",
                    "a block call stands alone on its line",
                    atom.span,
                    "unexpected",
                    "put it on a line of its own",
                )
            else:
                segments[-1][2].append(atom)
        if label is not None:
            raise fail(
                "expected-layer",
                f"`{label.name}:` names the layer that follows it, and none does",
                label.span,
                "names nothing",
                f"write a layer kind after `{label.name}:`, or remove the name",
            )
        return [(kind, word, atoms, labels.get(i)) for i, (kind, word, atoms) in enumerate(segments)]

    def _starts_layer(self, atom: s.Atom, scope: Scope) -> bool:
        """Whether `atom` is a layer kind (not a parameter's name) or a call of a block."""
        if isinstance(atom, s.Call):
            return atom.name in self.blocks
        return isinstance(atom, s.Name) and atom.name not in scope.env and lookup(atom.name) is not None

    def _unknown_layer(self, atom: s.Name, scope: Scope) -> SpecError:
        if self.capped:  # counted, never shown: no did-you-mean search
            return fail("unknown-layer", f"unknown layer kind `{atom.name}`", atom.span)
        if atom.name in SPLITS:
            return fail(
                "split-names",
                f"`{atom.name}` gives several tensors: name each of them",
                atom.span,
                "several tensors",
                f"write it on a line of its own, `a, b: {atom.name} ...`, and start the next line `from a,`",
            )
        if atom.name in self.blocks:
            return fail(
                "unknown-layer",
                f"`{atom.name}` is a block: call it with parentheses",
                atom.span,
                "a block",
                f"write `{atom.name}(...)`",
            )
        hint = suggest(atom.name) or did_you_mean(atom.name, [*CATALOGUE, *self.blocks, *scope.env])
        what = "layer kind or parameter" if scope.env else "layer kind"
        return fail(
            "unknown-layer",
            f"unknown {what} `{atom.name}`",
            atom.span,
            f"not a {what}",
            hint or "the layer kinds are listed in docs/language.md",
        )

    def known_options(
        self, kind: LayerKind, atoms: list[s.Atom], scope: Scope, chain: list[LayerKind] = (), index: int = 0
    ) -> list[s.Atom]:
        """`atoms` without the options `kind` does not have, each reported (with a did-you-mean)
        and dropped, so that the line and the lines after it are still checked. `chain[:index]`:
        the layers before `kind` on its line, whose option it may be (sliced only for an unknown
        option: a chain of n layers stays O(n))."""
        kept = []
        for atom in atoms:
            if isinstance(atom, s.Option) and atom.key not in kind.options:
                owner = next((k for k in reversed(chain[:index]) if atom.key in k.options), None)
                choices = list(kind.options)
                if atom.key in CATALOGUE:
                    written = atom.key + (f" {show_value_of(atom.value)}" if CATALOGUE[atom.key].positional else "")
                    hint = f"`{atom.key}` is a layer: write `{written}`"
                elif owner is not None:
                    hint = (
                        f"options belong to the layer they follow: "
                        f"put `{atom.key}=` before `{kind.name}`, after `{owner.name}`"
                    )
                else:
                    hint = did_you_mean(atom.key, choices) or (
                        f"`{kind.name}` takes " + ", ".join(f"`{c}`" for c in choices)
                        if choices
                        else f"`{kind.name}` takes no options"
                    )
                unknown = Diagnostic(
                    "unknown-option", f"`{kind.name}` has no option `{atom.key}`", atom.key_span, "unknown option", hint
                )
                self._report(self._located(unknown, scope))
            else:
                kept.append(atom)
        return kept

    def bind_options(
        self, kind: LayerKind, atoms: list[s.Atom], scope: Scope, in_shape, span: s.Span, chain=(), index=0
    ) -> tuple[dict, dict[str, s.Span]]:
        """Evaluate a layer's arguments and options; returns them resolved, with the span that
        each option's errors point at (`span`, the whole layer, where none is more precise)."""
        args, opts, blame, arg_atoms = [], {}, {}, []
        for atom in self.known_options(kind, atoms, scope, chain, index):
            if not isinstance(atom, s.Option):
                args.append(evaluate(atom, scope.env, in_shape))
                arg_atoms.append(atom)
            elif atom.key in opts:
                raise fail("bad-option", f"`{atom.key}` is given twice", atom.key_span, "again")
            else:
                opts[atom.key] = evaluate(atom.value, scope.env, in_shape)
                blame[atom.key] = atom.span
        names = kind.arg_names(args)
        for key, (value, where) in scope.defaults.get(kind.name, {}).items():
            if key not in opts and key not in names[: len(args)]:
                opts[key] = value
                blame[key] = where
        for i, atom in enumerate(arg_atoms):
            blame[f"#{i}"] = atom.span
            if i < len(names) and names[i]:
                blame.setdefault(names[i], atom.span)
        try:
            resolved = kind.resolve(kind.bind(args, opts))
        except OptionError as err:
            hint = err.hint
            bad = opts.get(err.option) if err.option in opts else dict(zip(kind.arg_names(args), args)).get(err.option)
            if isinstance(bad, str) and scope.env:
                hint = did_you_mean(bad, scope.env) or hint
            raise fail(err.code, err.message, blame.get(err.option or "", span), "", hint or kind.usage()) from None
        return resolved, blame

    def check_chain(self, elem: s.Elem, scope: Scope) -> None:
        """Without an input shape, still report what can be known: unknown kinds and options."""
        segments = self.split_chain(elem, scope)
        kinds = [seg[0] for seg in segments]
        for index, (kind, _, atoms, _) in enumerate(segments):
            self.known_options(kind, atoms, scope, kinds, index)

    def run_chain(
        self,
        elem: s.Elem,
        scope: Scope,
        cur: int,
        label: str | None,
        prefix: str,
        depth: int,
        numbered: int | None = None,
    ) -> int:
        """Add a chain's layers. Each is named by the name written before it (`bn1: bn`), else after
        the last name on the line (`conv1_relu`), else `relu_1`; in a sequence (`numbered`), by its
        position from `numbered` on."""
        segments = self.split_chain(elem, scope)
        kinds = [seg[0] for seg in segments]
        if numbered is not None and any(seg[3] for seg in segments):
            first = next(seg[3] for seg in segments if seg[3])
            raise fail(
                "syntax-error",
                "the layers of a sequence are numbered: they take no names",
                first.span,
                "a name",
                "write the layer on a line of its own to name it",
            )
        for index, (kind, word, atoms, own) in enumerate(segments):
            in_shape = self.in_shape(scope, cur)
            span = _join(word.span, atoms[-1].span) if atoms else word.span
            options, blame = self.bind_options(kind, atoms, scope, in_shape, span, kinds, index)
            generated = False
            if numbered is not None:
                name = str(numbered + index)
            elif own is not None:
                scope.claim(own.name, own.span)
                name = label = own.name
            elif label is None:
                name, generated = scope.auto_name(word.name if word.name in scope.env else kind.name), True
            elif index == 0:
                name = label
            else:
                name, generated = scope.fresh(f"{label}_{word.name}"), True
            cur = self.add_layer(kind, options, [cur], prefix + name, span, depth, blame, generated)
            if numbered is None and (index or label is None or own is not None):
                scope.names[name] = cur  # generated names are tensors too: `add(a, conv_1)`
        return cur

    # ------------------------------------------------------------------ blocks

    def call_block(
        self, call: s.Call, scope: Scope, cur: int | None, label: str | None, prefix: str, depth: int
    ) -> int | None:
        block = self.blocks.get(call.name)
        if block is None:
            if lookup(call.name):
                raise fail(
                    "unknown-block",
                    f"`{call.name}` is a layer kind, not a block",
                    call.name_span,
                    "a layer",
                    f"write `{call.name} ...` without parentheses",
                )
            raise fail(
                "unknown-block",
                f"no block named `{call.name}`",
                call.name_span,
                "undefined",
                _foreign_call_hint(call.name)
                or did_you_mean(call.name, self.blocks)
                or "define it with `block NAME(...):` or import it",
            )
        callers = [name for name, _ in scope.stack]
        if call.name in callers:
            cycle = " -> ".join([*callers[callers.index(call.name) :], call.name])
            raise fail(
                "recursive-block",
                f"block `{call.name}` calls itself: {cycle}",
                call.name_span,
                "recursive call",
                "a block cannot contain itself; repeat it with `xN` instead",
            )
        self.used_blocks.add(block.name)
        name = label or scope.auto_name(block.name)
        if cur is None:
            return None
        env = self.bind_args(block, call, scope, self.in_shape(scope, cur), self.shape(cur))
        path = prefix + name
        group = self._open_group(path, "block", block.name, env, call.span, depth, generated=not label)
        key = _instance_key(block.name, env, self.shape(cur), depth)
        made = self.instances.get(key) if key is not None else None
        if made is not None and len(self.nodes) + len(made.nodes) <= self.max_nodes:
            out = made.replay(self, path + ".", cur)
        else:
            inner = Scope(path + ".", dict(env), cur, depth + 1, scope.stack + ((call.name, call.span),))
            inner.sequence = is_sequence_block(block)
            before = (len(self.nodes), len(self.groups), len(self.rows), len(self.diagnostics), len(self.marks))
            out = self.run_body(block.defaults + block.body, inner, cur, self.groups[group].first)
            if key is not None and before[3:] == (len(self.diagnostics), len(self.marks)):
                made = Instance.record(self, before, path + ".", cur, out)
                if made is not None:
                    self.instances[key] = made
        self._close_group(group, out)
        return out

    def bind_args(self, block: s.BlockDef, call: s.Call, scope: Scope, in_shape, call_input) -> dict[str, Any]:
        """The call's arguments (`in` in them is the caller's: at the network's level the line's input),
        then the defaults of the others (`in` in them is the block's own: the call's input)."""
        names = [p.name for p in block.params]
        if len(call.args) > len(names):
            raise fail(
                "bad-argument",
                f"`{block.name}` takes {len(names)} argument{'s' if len(names) != 1 else ''}, not {len(call.args)}",
                call.args[len(names)].span,
                "one too many",
                f"{block.name}({', '.join(names)})",
            )
        env = {n: evaluate(a, scope.env, in_shape) for n, a in zip(names, call.args)}
        for opt in call.options:
            if opt.key not in names:
                raise fail(
                    "bad-argument",
                    f"`{block.name}` has no parameter `{opt.key}`",
                    opt.key_span,
                    "unknown",
                    did_you_mean(opt.key, names) or f"{block.name}({', '.join(names)})",
                )
            if opt.key in env:
                raise fail("bad-argument", f"`{opt.key}` is given twice", opt.key_span, "again")
            env[opt.key] = evaluate(opt.value, scope.env, in_shape)
        for p in block.params:
            if p.name not in env:
                if p.default is None:
                    raise fail(
                        "bad-argument",
                        f"`{block.name}` needs `{p.name}`",
                        call.span,
                        "missing argument",
                        f"{block.name}({', '.join(names)})",
                    )
                env[p.name] = evaluate(p.default, env, call_input)
        return env

    # ------------------------------------------------------------------ merges

    def run_compound(self, comp: s.Compound, scope: Scope, cur: int | None) -> int | None:
        if comp.head in ("branch", "shortcut"):
            raise fail(
                "misplaced-branch",
                f"`{comp.head}:` belongs inside a merge ({MERGE_WORDS})",
                comp.head_span,
                "outside a merge",
                "indent it under a merge",
            )
        kind = merge_kind(comp.head)
        if kind is None:
            raise fail(
                "unknown-merge",
                f"`{comp.head}:` is not a merge",
                comp.head_span,
                f"expected {MERGE_WORDS}",
                did_you_mean(comp.head, [w for w, k in CATALOGUE.items() if k.merge])
                or f"an indented body follows a merge ({MERGE_WORDS}), `branch:` or `shortcut:`",
            )
        if comp.label:
            scope.claim(comp.label, comp.span)
        outs, names = [], []
        entries = list(self._run_entries(comp, kind, scope, cur, outs, names))
        project = entries[0] if entries else None
        return self._merge(comp, kind, scope, cur, outs, names, project)

    def _run_entries(self, comp, kind, scope, cur, outs, names):
        """Run a merge's branches into `outs` (and their names into `names`); yields the index of the
        projected shortcut, if there is one."""
        project = None
        for number, stmt in enumerate(self.entries(comp.body, scope, cur), 1):
            head = stmt.head if isinstance(stmt, s.Compound) else stmt.label if isinstance(stmt, s.Line) else None
            named = isinstance(stmt, s.Line) and head is not None and head not in ("branch", "shortcut")
            if head not in ("branch", "shortcut") and not named:
                where = stmt.span if not isinstance(stmt, s.Compound) else stmt.head_span
                raise fail(
                    "expected-branch",
                    f"the body of `{comp.head}:` is made of `branch:` and `shortcut:` entries",
                    where,
                    "not a branch",
                    "write `branch:` before each parallel path",
                )
            what = "the shortcut" if head == "shortcut" else f"`{head}`" if named else f"branch {number}"
            if isinstance(stmt, s.Line) and is_word(stmt, "project"):
                if head == "branch" or not kind.residual:
                    raise fail(
                        "bad-shortcut",
                        "`project` is a shortcut of `add:`",
                        stmt.span,
                        "here",
                        "write `shortcut: project` inside `add:`",
                    )
                if project is not None:
                    raise fail(
                        "bad-shortcut",
                        "an `add:` has one projected shortcut",
                        stmt.span,
                        "second one",
                        "remove one of them",
                    )
                if named:
                    scope.claim(head, stmt.label_span)
                project = len(outs)
                outs.append(None)
                names.append(what)
                continue
            if isinstance(stmt, s.Line) and is_word(stmt, "identity"):
                outs.append(cur)
            elif named:  # `branch1: conv 64 1x1`: a branch with a name, as torchvision's Inception names them
                outs.append(self.run_line(stmt, scope, cur))
            elif isinstance(stmt, s.Line):
                branch_line = replace(stmt, label=None, label_span=None)
                outs.append(self.run_line(branch_line, scope, cur))
            else:
                outs.append(self.run_body(stmt.body, scope, cur, len(self.nodes)))
            names.append(what)
        if project is not None:
            yield project

    def _merge(self, comp, kind, scope, cur, outs, names, project) -> int | None:
        if cur is None or any(o is None for i, o in enumerate(outs) if i != project):
            return None
        if len(outs) == 1 and project is None and any(isinstance(x, s.If) for x in comp.body):
            # `if stride == 1: branch: identity` left one branch: the merge is that branch
            if comp.label:
                scope.names[comp.label] = outs[0]
            else:
                scope.auto_name(kind.name)  # its name is taken as where the merge is made
            return outs[0]
        if len(outs) < 2:
            raise fail(
                "expected-branch",
                f"`{comp.head}:` needs at least two branches",
                comp.head_span,
                "one branch",
                "add `shortcut: project` or `branch: identity`",
            )
        if project is not None:
            other = next(o for i, o in enumerate(outs) if i != project)
            try:
                shortcut = comp.body[project]
                outs[project] = self.project(cur, other, scope, shortcut.span, shortcut.label)
            except SpecError as err:  # the branch is to blame, not the shortcut: point at it
                d = err.diagnostic
                span, shape = self._branch_line(other, cur)
                raise fail(d.code, d.message, span or d.span, f"gives {shape}", d.hint) from None
        name = comp.label or scope.auto_name(kind.name)
        try:
            out = self.add_layer(
                kind, {"_names": names}, outs, scope.prefix + name, comp.head_span, scope.depth, {},
                generated=not comp.label,
            )  # fmt: skip
        except SpecError as err:
            raise self._blame_branch(err, outs, cur) from None
        if kind.residual:  # the branches of its own layers, for `init zero_init_residual=true`
            ends = tuple(o for i, o in enumerate(outs) if i != project and o > cur)
            self.nodes[out] = replace(self.nodes[out], branch_ends=ends)
        if comp.label:
            scope.names[comp.label] = out
        return out

    def entries(self, body: tuple[s.Stmt, ...], scope: Scope, cur: int | None):
        """The branches of a merge's body, the arms of its `if`s chosen; its `let` and `defaults`
        lines act where they stand."""
        for stmt in body:
            if isinstance(stmt, s.If):
                for arm, taken in self.arms(stmt, scope, cur):
                    if taken:
                        yield from self.entries(arm, scope, cur)
                    else:
                        self.reserve(arm, scope)
            elif isinstance(stmt, s.Let):
                self.let(stmt, scope, cur)
            elif isinstance(stmt, s.Defaults):
                self.set_defaults(stmt, scope, cur)
            else:
                yield stmt

    def _blame_branch(self, err: SpecError, outs: list[int], cur: int) -> SpecError:
        """Point a merge's shape error at the last layer of a branch that gives an odd shape
        (rather than at the `add:` line), as rustc points at the expression, not the statement."""
        d = err.diagnostic
        if d.code != "shape-mismatch":
            return err
        shapes = [self.nodes[o].shape for o in outs]
        odd = [i for i, sh in enumerate(shapes) if sh != shapes[0]] or [0]
        own = [i for i in [*odd, 0] if outs[i] > cur]  # branches that end in a layer of their own
        if not own:
            return err
        span, shape = self._branch_line(outs[own[0]], cur)
        return fail(d.code, d.message, span, f"gives {shape}", d.hint)

    def _branch_line(self, out: int, cur: int) -> tuple[s.Span | None, str]:
        """The span of the last line of a branch ending in node `out` (the whole chain on that
        line: `conv width 1x1 bias=false bn`), and the shape it gives."""
        end = self.nodes[out]
        if out <= cur or end.span is None:
            return None, fmt_shape(end.shape)
        start = end
        while start.id > cur + 1 and (prev := self.nodes[start.id - 1]).span and prev.span.line == end.span.line:
            start = prev
        return _join(start.span, end.span), fmt_shape(end.shape)

    def project(self, cur: int, other: int, scope: Scope, span: s.Span, label: str = "shortcut") -> int:
        """The shortcut of a residual block: the input itself where its shape is the other
        branch's, else the projection the catalogue gives (a 1x1 conv and a batchnorm): named
        `shortcut` and `shortcut_bn` for `shortcut: project`, and a sequence `NAME.0`, `NAME.1` for
        `NAME: project` (torchvision's `downsample`). `shortcut` is taken whether or not the
        projection is made, so that a later one is named alike for every call of a block."""
        source, target = self.nodes[cur].shape, self.nodes[other].shape
        name = scope.fresh("shortcut") if label == "shortcut" else label
        if source == target:
            return cur
        try:
            layers = projection(source, target)
        except ShapeError as err:
            raise fail(err.code, err.message, span, "", err.hint) from None
        if label != "shortcut":
            group = self._open_group(
                scope.prefix + label, "sequence", f"sequence of {len(layers)}", {}, span, scope.depth
            )
            for index, (_, kind, options) in enumerate(layers):
                path = f"{scope.prefix}{label}.{index}"
                cur = self.add_layer(kind, options, [cur], path, span, scope.depth + 1, {})
            self._close_group(group, cur)
            return cur
        for suffix, kind, options in layers:
            path = scope.fresh(f"{name}_{suffix}") if suffix else name
            # `shortcut` is the spec's word (`shortcut: project`); `shortcut_bn` is archspec's
            cur = self.add_layer(kind, options, [cur], scope.prefix + path, span, scope.depth, {}, bool(suffix))
        return cur

    def merge_by_name(self, call: s.Call, scope: Scope, label: str | None, prefix: str, depth: int) -> int | None:
        kind = merge_kind(call.name)
        if call.options:
            raise fail("unknown-option", f"`{call.name}(...)` takes names only", call.options[0].key_span, "unexpected")
        if len(call.args) < 2:
            raise fail(
                "expected-branch",
                f"`{call.name}(...)` merges at least two named tensors",
                call.span,
                "too few",
                f"e.g. `{call.name}(up1, enc1)`",
            )
        inputs, names = [], []
        for arg in call.args:
            if not isinstance(arg, s.Name):
                raise fail("undefined-name", f"`{call.name}(...)` takes names of earlier lines", arg.span, "not a name")
            node = self.named_tensor(arg, scope, label, "merge the outputs of earlier lines")
            if node is None:
                return None  # that line's error is already reported
            inputs.append(node)
            names.append(f"`{arg.name}`")
        name = label or scope.auto_name(kind.name)
        return self.add_layer(kind, {"_names": names}, inputs, prefix + name, call.span, depth, {}, generated=not label)

    def named_tensor(self, arg: s.Name, scope: Scope, label: str | None, own_hint: str) -> int | None:
        """The output an earlier line's name stands for (`in`: the block's input), for a merge by name
        or a line that starts `from NAME`; None where that line's error is already reported."""
        status, node = scope.find(arg.name)
        if arg.name == label:
            raise fail(
                "undefined-name",
                f"`{arg.name}` is this line's own name: it has no output yet",
                arg.span,
                "this line",
                own_hint,
            )
        if arg.name == "in" and scope.stack:  # the block's input (None where the block is checked without shapes)
            return scope.in_node
        if status == "failed":
            return None
        if status != "tensor":
            tensors = [n for n, v in scope.names.items() if v is not None]
            what = "has no output here" if status == "pending" else "is not defined before this line"
            raise fail(
                "undefined-name",
                f"`{arg.name}` {what}",
                arg.span,
                "no tensor",
                did_you_mean(arg.name, tensors) or "name a line with `NAME: ...` to refer to its output",
            )
        return node

    # ------------------------------------------------------------------ several outputs, and lines from a name

    def take_from(
        self, elems: tuple[s.Elem, ...], scope: Scope, cur: int | None, label: str | None
    ) -> tuple[tuple[s.Elem, ...], int | None]:
        """A line's elements after `from NAME` and the tensor NAME stands for (None where its line
        failed); the elements as they are and `cur` where the line takes the previous line's output."""
        for elem in elems[1:]:
            name = from_name(elem)
            if name is not None:
                raise fail(
                    "syntax-error",
                    "`from` starts a line",
                    elem.atoms[0].span,
                    "not at the start",
                    f"write `from {name.name}` first on the line, then a comma and the layers",
                )
        name = from_name(elems[0])
        if name is None:
            return elems, cur
        if len(elems) == 1:
            raise fail(
                "expected-layer",
                f"a line that starts `from {name.name}` needs a layer after it",
                elems[0].span,
                "no layer",
                f"write the layers after a comma, `from {name.name}, conv ...`, or use the name `{name.name}` itself",
            )
        return elems[1:], self.named_tensor(name, scope, label, "start from the output of an earlier line")

    def run_split(self, line: s.SplitLine, scope: Scope, cur: int | None) -> int | None:
        """`x1, x2: chunk 2`, `a, b: split (d, in.c - d)`: one slice node per part, each named. Returns
        the last part (the body goes on only from a name: `from x2, ...`, `concat(x1, b)`)."""
        elems, cur = self.take_from(line.elems, scope, cur, None)
        for name, span in line.names:
            scope.claim(name, span)
        names_span = _join(line.names[0][1], line.names[-1][1])
        head = elems[0].atoms[0]
        word = head.name if isinstance(head, s.Name) else ""
        if len(elems) > 1 or word not in SPLITS:
            written = ", ".join(name for name, _ in line.names)
            raise fail(
                "split-names",
                f"`{written}:` names the parts of `chunk` or `split`",
                elems[0].span if word not in SPLITS else elems[1].span,
                "not a split" if word not in SPLITS else "unexpected",
                f"write `{written}: chunk {len(line.names)}` or `{written}: split (...)`; "
                "a line of layers takes one name, and the layers after a split go on lines of their own",
            )
        elem = elems[0]
        if elem.repeat != 1:
            raise fail("syntax-error", f"`{word}` is not repeated", elem.repeat_span, "a repeat", "remove it")
        args = []
        for atom in elem.atoms[1:]:
            if isinstance(atom, s.Option):
                raise fail(
                    "unknown-option", f"`{word}` takes no options", atom.key_span, "unknown option", _usage(word)
                )
            if isinstance(atom, (s.Label, s.Call)) or (
                isinstance(atom, s.Name) and atom.name not in scope.env and lookup(atom.name) is not None
            ):
                raise fail(
                    "syntax-error",
                    f"`{word}` stands alone: the layers after it go on lines of their own",
                    atom.span,
                    "unexpected",
                    f"on the next line: `from {line.names[0][0]}, {getattr(atom, 'name', 'conv')} ...`",
                )
            args.extend(atom.items if isinstance(atom, s.Tuple) else [atom])
        if not args or (word == "chunk" and len(args) > 1):
            raise fail("bad-split", f"`{word}` needs {_needs(word)}", elem.span, "", _usage(word))
        if cur is None:  # no input shape: what the text says is all there is to check
            count = len(args) if word == "split" else getattr(args[0], "value", None)
            if isinstance(count, int) and count != len(line.names):
                raise _name_count(line, word, count, names_span)
            return None
        shape = self.shape(cur)
        outer, self.line_input = self.line_input, cur  # `in` at the network level: the tensor split
        try:
            values = [evaluate(a, scope.env, self.in_shape(scope, cur), words_ok=False) for a in args]
        finally:
            self.line_input = outer
        for atom, value in zip(args, values):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
                what = "the number of chunks" if word == "chunk" else "a split's size"
                raise fail(
                    "bad-split",
                    f"{what} is a whole number of at least 1, not {show_value(value)}",
                    atom.span,
                    "",
                    _usage(word),
                )
        values = [int(v) for v in values]
        channels = shape[0]
        if word == "chunk":
            count = values[0]
            if count != len(line.names):
                raise _name_count(line, word, count, names_span)
            if channels % count:
                divisors = [str(d) for d in range(2, min(channels, 16) + 1) if channels % d == 0][:4]
                raise fail(
                    "bad-split",
                    f"{channels} channels do not make {count} equal chunks",
                    elem.span,
                    f"input {fmt_shape(shape)}",
                    (f"chunk into {' or '.join(divisors)}, or " if divisors else "")
                    + "give each part's size: `split (...)`",
                )
            sizes = [channels // count] * count
        else:
            sizes = values
            if len(sizes) != len(line.names):
                raise _name_count(line, word, len(sizes), names_span)
            if sum(sizes) != channels:
                sums = " + ".join(map(str, sizes))
                hint = "the sizes must add up to the input's channels, `in.c`"
                if len(sizes) == 2 and sizes[0] < channels:
                    hint += f": e.g. `split ({sizes[0]}, in.c - {sizes[0]})`"
                raise fail(
                    "bad-split",
                    f"the sizes add up to {sum(sizes)} ({sums}), but the input has {channels} channels",
                    _join(args[0].span, args[-1].span),
                    f"input {fmt_shape(shape)}",
                    hint,
                )
        # `split (num_1x1_c, inc)` in a block: the sizes' expressions, kept for `compile`
        start, source = 0, cur
        for part, ((name, _), size) in enumerate(zip(line.names, sizes)):
            options = part_options(
                start, start + size, part, chunks=len(sizes) if word == "chunk" else None,
                sizes=() if word == "chunk" else tuple(sizes),
            )  # fmt: skip
            cur = self.add_layer(SLICE, options, [source], scope.prefix + name, elem.span, scope.depth, {})
            scope.names[name] = cur
            start += size
        return cur

    # ------------------------------------------------------------------ groups and expectations

    def _open_group(self, path, kind, name, args, span, depth, generated=False) -> int:
        """Start a group at the next node; returns its index for `_close_group`."""
        self.groups.append(Group(path, kind, name, dict(args), len(self.nodes), -1, None, span, depth, generated))
        self.rows.append(("group", len(self.groups) - 1))
        return len(self.groups) - 1

    def _close_group(self, index: int, out: int | None) -> None:
        self.groups[index] = replace(self.groups[index], last=len(self.nodes) - 1, output=out)

    def freeze(self, stmt: s.Freeze, scope: Scope, first: int) -> None:
        """Mark (or unmark) as frozen the layers under each path: the layers and blocks of this body
        made so far, named relative to it, as Keras's `layer.trainable = False` does at that point."""
        if scope.in_node is None and first == 0:
            return  # a block no line calls, or a network without input: nothing to freeze yet
        paths = {n.path: (n.id, n.id) for n in self.nodes[first:]}
        paths.update({g.path: (g.first, g.last) for g in self.groups if g.first >= first and g.path})
        for pattern, span in stmt.paths:
            full = scope.prefix + pattern
            if "*" in pattern:
                hits = [p for p in paths if _matches(p, full) and not _inside_any(p, full)]
            else:
                hits = [full] if full in paths else []
            if not hits:
                if pattern.split(".")[0] in scope.failed:
                    continue  # its line's error is already reported
                near = [p[len(scope.prefix) :] for p in paths if p.startswith(scope.prefix)]
                where = "in the network" if span.file == "<command line>" else "before this line"
                raise fail(
                    "undefined-name",
                    f"no layer or block `{pattern}` {where}",
                    span,
                    "not found",
                    did_you_mean(pattern, near) or "name a layer or block defined above, as `check` lists it",
                )
            self.marks.append(Freezing(tuple(paths[hit] for hit in hits), stmt.frozen))

    def check_marks(self) -> None:
        """The pass after expansion: freezing applied, `expect` lines checked (`expect.check_marks`)."""
        self.nodes = check_marks(self.nodes, self.marks, self._report)
        self.marks = []

    def read_inits(self, stmts: list[s.Init]) -> None:
        """The network's `init` line: its options, each checked (a second line is an error)."""
        for number, stmt in enumerate(stmts):
            if number:
                self._report(
                    Diagnostic(
                        "duplicate-init",
                        "the network already has an `init` line",
                        _keyword(stmt.span, "init"),
                        "second `init`",
                        f"write all the options on the first one, at line {stmts[0].span.line}",
                    )
                )
                continue
            self.init, self.init_spans, problems = read_init(stmt)
            self.diagnostics.extend(problems)

    def check_zero_init(self) -> None:
        """`zero_init_residual=true` needs a residual branch that ends in a batchnorm."""
        if self.init["zero_init_residual"] and not residual_norms(self.nodes):
            self._report(
                Diagnostic(
                    "bad-option",
                    "`zero_init_residual=true`: no residual branch of the network ends in a batchnorm",
                    self.init_spans["zero_init_residual"],
                    "nothing to set to 0",
                    "it zeroes the last batchnorm of each `add:` branch, as torchvision's ResNet does "
                    "(not a projected shortcut's): remove it, or end the branches with `bn`",
                )
            )

    def expect_here(self, expect: s.Expect, cur: int | None, first: int, where: str, scope: Scope) -> None:
        """Mark `expect` for the pass after expansion (`expect.check_marks`): the tensor `cur`, the
        nodes made since `first`."""
        if cur is not None and not self.expectations:
            self.skipped_expectations += 1
        if cur is None or not self.expectations:
            return
        self.marks.append(Expectation(expect, cur, first, len(self.nodes), where, self._notes(scope)))


SLICE = CATALOGUE["slice"]
_NO_ARM = object()  # `Expander.arm_split` after an `if` none of whose arms was taken: the split before stands
SPLITS = ("chunk", "split")  # the words of a line with several names: `x1, x2: chunk 2`


def from_name(elem: s.Elem) -> s.Name | None:
    """The name of `from NAME` (the parser makes it an element of the two words), or None."""
    atoms = elem.atoms
    if len(atoms) == 2 and isinstance(atoms[0], s.Name) and atoms[0].name == "from" and isinstance(atoms[1], s.Name):
        return atoms[1]
    return None


def _takes_previous(stmt: s.Stmt) -> bool:
    """Whether a statement reads the tensor the line before it gives: not a line that starts from a
    name or merges names, nor `freeze` or `init`, nor an `if` each of whose arms starts so."""
    if isinstance(stmt, (s.Freeze, s.Init)):
        return False
    if isinstance(stmt, s.If):
        return any(_takes_previous(first) for _, arm in stmt.arms for first in arm[:1])
    if isinstance(stmt, (s.Line, s.SplitLine)):
        head = stmt.elems[0]
        call = head.atoms[0]
        return from_name(head) is None and not (isinstance(call, s.Call) and merge_kind(call.name))
    return True


def _after_split(split: s.SplitLine, stmt: s.Stmt) -> SpecError:
    """A statement that would take the output of a line that gives several tensors."""
    names = ", ".join(name for name, _ in split.names)
    if isinstance(stmt, s.Compound):
        where = stmt.head_span
    elif isinstance(stmt, (s.Line, s.SplitLine)):
        where = stmt.elems[0].span
    else:
        where = stmt.span
    return fail(
        "ambiguous-input",
        f"the line before gives {len(split.names)} tensors ({names}): this line does not say which it takes",
        where,
        "takes which?",
        f"start it with `from {split.names[0][0]},` (or another part), or merge the parts: `concat({names})`",
    )


def _name_count(line: s.SplitLine, word: str, count: int, span: s.Span) -> SpecError:
    wanted = ", ".join(chr(ord("a") + i) if i < 26 else f"p{i}" for i in range(count))
    return fail(
        "split-names",
        f"`{word}` gives {count} tensors, but {len(line.names)} names are written",
        span,
        f"{len(line.names)} names",
        f"write {count} names: `{wanted}: {word} ...`" if count > 1 else "a split gives at least two tensors",
    )


def _needs(word: str) -> str:
    return "the number of parts: `chunk 2`" if word == "chunk" else "each part's size: `split (24, 40)`"


def _usage(word: str) -> str:
    if word == "chunk":
        return "write `a, b: chunk 2`: equal parts of the channels, as PyTorch's `x.chunk(2, dim=1)`"
    return "write `a, b: split (24, 40)`: parts of the channels of these sizes, as `torch.split(x, [24, 40], dim=1)`"


def _foreign_call_hint(name: str) -> str:
    """`Conv2D(32, 3)`: what archspec calls it, and how it is written here."""
    if name in FUNCTIONS:
        return f"`{name}(...)` gives a number: use it in a layer's arguments, e.g. `conv ({name}(8, w)) 1`"
    kind = suggest_kind(name)
    if kind is None:
        return ""
    if kind.merge:
        return f"{suggest(name)}: `{kind.name}(a, b)` merges named tensors"
    return f"{suggest(name)}, without parentheses"


def _check_thousands_separators(line: s.Line) -> None:
    """`dense 1,000` parses as two elements, `dense 1` and `000`: say what was meant."""
    for i, before in enumerate(line.elems[:-1]):
        last = before.atoms[-1]
        number = last.value if isinstance(last, s.Option) else last
        if not isinstance(number, s.Number) or not isinstance(number.value, int):
            continue
        groups, end = [], number.span
        for after in line.elems[i + 1 :]:
            head = after.atoms[0]
            width = head.span.end_column - head.span.column
            adjacent = (head.span.line, head.span.column) == (end.end_line, end.end_column + 1)
            if not (isinstance(head, s.Number) and isinstance(head.value, int) and width == 3 and adjacent):
                break
            groups.append(f"{head.value:03}")
            end = head.span
            if len(after.atoms) > 1:
                break
        if groups:
            whole = str(number.value) + "".join(groups)
            raise fail(
                "syntax-error",
                "numbers are written without thousands separators",
                _join(number.span, end),
                "one number?",
                f"write `{whole}` or `{number.value}_{'_'.join(groups)}`",
            )


def show_value_of(expr: s.Expr) -> str:
    """An option's value as written, for hints: `0.5`, `same`, `3x3`."""
    if isinstance(expr, s.Number):
        return str(expr.value)
    if isinstance(expr, s.Name):
        return expr.name
    if isinstance(expr, s.Dims):
        return fmt_shape(expr.sizes)
    return "..."


def _matches(path: str, pattern: str) -> bool:
    """Whether a module path matches a `freeze` pattern, whose `*` matches within a name: `n*.1`
    matches `n2.1`, not `n.c.1`."""
    parts, wanted = path.split("."), pattern.split(".")
    return len(parts) == len(wanted) and all(fnmatchcase(a, b) for a, b in zip(parts, wanted))


def _inside_any(path: str, pattern: str) -> bool:
    """Whether `path` lies inside a shorter path `pattern` also matches (`features.2*` matches
    `features.24`, and its layers are frozen with it)."""
    parts = path.split(".")
    return any(_matches(".".join(parts[:i]), pattern) for i in range(1, len(parts)))


def _is_call(elem: s.Elem) -> bool:
    return isinstance(elem.atoms[0], s.Call)


def _kind_value(atom: s.Name, env: dict[str, Any]) -> s.Name | None:
    """A parameter whose value is a layer kind (`act` of a block called with `act=hardswish`), as
    the word of that kind at the parameter's place; None for any other parameter."""
    value = env.get(atom.name)
    if isinstance(value, str) and atom.name not in CATALOGUE:
        kind = lookup(value)
        if kind is not None and not kind.merge:
            return s.Name(value, atom.span)
    return None


def is_word(line: s.Line, word: str) -> bool:
    """Whether a line is one word alone (`identity`, `project`)."""
    elem = line.elems[0]
    return (
        len(line.elems) == 1
        and len(elem.atoms) == 1
        and isinstance(elem.atoms[0], s.Name)
        and elem.atoms[0].name == word
        and elem.repeat == 1
    )


def _keyword(span: s.Span, word: str) -> s.Span:
    """The span of the keyword that starts a statement (`init`), rather than of the whole line."""
    return s.Span(span.file, span.line, span.column, span.line, span.column + len(word))


def _join(a: s.Span, b: s.Span) -> s.Span:
    return s.Span(a.file, a.line, a.column, b.end_line, b.end_column)
