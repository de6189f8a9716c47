"""Files -> analysed Network: parse, resolve imports, expand and infer, collect diagnostics."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace

from archspec.analysis.expand import MAX_ERRORS, Expander, Scope, TooManyLayers
from archspec.analysis.expr import evaluate
from archspec.analysis.graph import Network
from archspec.diagnostics import ArchspecError, Diagnostic, SpecError, did_you_mean, fail
from archspec.frontend import syntax as s
from archspec.frontend.parse import parse
from archspec.layers.base import MAX_SIZE, fmt_shape, show_value

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from typing import Any


@dataclass
class Result:
    """Everything one check produced: the network (possibly partial), diagnostics, source texts."""

    network: Network | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    finished: bool = False  # the expansion reached the network's output

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def unreadable(self) -> bool:
        """The file could not be read: a usage error (exit 2), not a failed check."""
        return self.network is None and any(d.code in ("file-not-found", "bad-file") for d in self.diagnostics)

    @property
    def complete(self) -> bool:
        """The whole network was analysed: the only errors, if any, are failed expectations,
        so its table and totals are right and worth showing beside them."""
        net = self.network
        return self.finished and net is not None and bool(net.nodes) and not _real_errors(self.diagnostics)


EXPECT_CODES = ("expect-failed", "unknown-expect", "bad-expect")


def _real_errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Errors other than failed or malformed expectations."""
    return [d for d in diagnostics if d.severity == "error" and d.code not in EXPECT_CODES]


MAX_SPEC_BYTES = 4 * 2**20  # the zoo's largest spec is 4 KB; a 40,000-layer one, 400 KB
MAX_LINE_CHARS = 100_000


class BadFile(Exception):
    """A file archspec will not read as a spec (a pipe, a device, too large, not UTF-8): `reason`
    says why; `span`, and `shown` (the text to show it in), where the problem has a place."""

    def __init__(self, reason: str, span: s.Span | None = None, shown: str | None = None):
        super().__init__(reason)
        self.reason, self.span, self.shown = reason, span, shown


def _read(path: str) -> str:
    """A spec's text; a byte-order mark (as some Windows editors write) is dropped. Only a regular
    file of at most MAX_SPEC_BYTES, in UTF-8, with lines of at most MAX_LINE_CHARS, is read: a
    FIFO would wait forever and /dev/zero never ends."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        raise BadFile("is not a regular file (a pipe or a device?)")
    too_large = f"is larger than {MAX_SPEC_BYTES // 2**20} MB, more than a spec can sensibly be"
    if info.st_size > MAX_SPEC_BYTES:
        raise BadFile(too_large)
    with open(path, "rb") as f:
        data = f.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise BadFile(too_large)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")) + 1
        shown = data.decode("utf-8-sig", errors="replace")
        short = len(shown.split("\n")[line - 1]) <= 1000
        raise BadFile(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, column {column})",
            s.Span(path, line, column, line, column + 1) if short else None,
            shown if short else None,
        ) from None
    longest = max(text.split("\n"), key=len)
    if len(longest) > MAX_LINE_CHARS:
        line = text.split("\n").index(longest) + 1
        raise BadFile(f"has a line of {len(longest):,} characters (line {line}); a line may have {MAX_LINE_CHARS:,}")
    return text


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, BadFile):
        return exc.reason
    if isinstance(exc, FileNotFoundError):
        return "not found"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied)"
    return f"cannot be read ({exc.__class__.__name__})"


def _collect_blocks(
    spec: s.SpecFile, sources: dict[str, str], diagnostics: list[Diagnostic], chain: tuple[str, ...]
) -> dict[str, s.BlockDef]:
    """The blocks visible in `spec`: its imports' (recursively), then its own."""
    blocks: dict[str, s.BlockDef] = {}
    base = os.path.dirname(spec.file) if not spec.file.startswith("<") else os.getcwd()
    for imp in spec.imports:
        target = os.path.normpath(os.path.join(base, imp.path))
        try:
            if target in chain:
                cycle = " -> ".join(
                    [*(os.path.basename(c) for c in chain[chain.index(target) :]), os.path.basename(target)]
                )
                raise fail("import-cycle", f"imports go round in a circle: {cycle}", imp.span, "imported again")
            try:
                text = _read(target)
            except (OSError, ValueError, BadFile) as exc:  # ValueError: a NUL in the path
                reason = _unreadable(exc)
                raise fail(
                    "import-not-found",
                    f"`{imp.path}` {reason} (looked for {target})",
                    imp.span,
                    reason,
                    "import paths are relative to the importing file",
                ) from None
            sources[target] = text
            imported = parse(text, target)
        except SpecError as err:
            diagnostics.append(err.diagnostic)
            continue
        except ArchspecError as err:
            diagnostics.extend(err.diagnostics)
            continue
        blocks.update(_collect_blocks(imported, sources, diagnostics, chain + (target,)))
    seen: set[str] = set()
    for block in spec.blocks:
        if block.name in seen:
            diagnostics.append(
                Diagnostic(
                    "duplicate-name",
                    f"block `{block.name}` is defined twice",
                    block.name_span,
                    "second definition",
                    "rename one of them",
                )
            )
        seen.add(block.name)
        blocks[block.name] = block
    return blocks


COMMAND_LINE = "<command line>"


def freezes_from(options: list[tuple[str, str]], first: int = 1) -> tuple[list[str], tuple[s.Freeze, ...]]:
    """`--freeze PATH` and `--unfreeze PATH` options, in their order, as `freeze` lines placed after
    the network's body, with the lines of the command line's source text (one per option, numbered
    from `first`) that the diagnostics point into."""
    lines, stmts = [], []
    for number, (verb, pattern) in enumerate(options, first):
        text = f"--{verb} {pattern}"
        lines.append(text)
        column = len(verb) + 4
        span = s.Span(COMMAND_LINE, number, column, number, column + len(pattern))
        whole = s.Span(COMMAND_LINE, number, 1, number, len(text) + 1)
        stmts.append(s.Freeze(verb == "freeze", ((pattern, span),), whole))
    return lines, tuple(stmts)


def analyse(
    text: str,
    file: str = "<string>",
    max_nodes: int | None = None,
    freeze: list[tuple[str, str]] = (),
    settings: list[tuple[str, str]] = (),
) -> Result:
    """Check one spec text. Never raises for bad input: problems come back as diagnostics.
    `freeze`: ("freeze" | "unfreeze", path) options from the command line, applied after the spec's
    body; `settings`: (name, value) of `--set`, the values of the network's parameters."""
    try:
        return _analyse(text, file, max_nodes, list(freeze), list(settings))
    except RecursionError:  # e.g. an expression of thousands of terms
        span = s.Span(file, 1, 1, 1, 2)
        return Result(
            None,
            [
                Diagnostic(
                    "too-deep",
                    "the spec nests too deeply to analyse",
                    span,
                    "in this file",
                    "split long expressions and deeply nested blocks",
                )
            ],
            {file: text},
        )


def _analyse(
    text: str, file: str, max_nodes: int | None, freeze: list[tuple[str, str]], settings: list[tuple[str, str]]
) -> Result:
    sources = {file: text}
    diagnostics: list[Diagnostic] = []
    try:
        spec = parse(text, file)
    except ArchspecError as err:
        return Result(None, err.diagnostics, sources)
    command_line = [f"--set {name}={value}" for name, value in settings]  # what the diagnostics point into
    if freeze:
        lines, extra = freezes_from(freeze, len(command_line) + 1)
        command_line += lines
        spec = replace(spec, body=spec.body + extra)
    if command_line:
        sources[COMMAND_LINE] = "\n".join(command_line) + "\n"
    values = network_settings(spec, settings, diagnostics)
    blocks = _collect_blocks(spec, sources, diagnostics, (os.path.normpath(file),))
    expander = Expander(blocks, **({"max_nodes": max_nodes} if max_nodes else {}))
    changed = [name for name, value in values.items() if value != _default_settings(spec).get(name)]
    skipped: tuple = ()  # (where in the diagnostics, the warning) that `expect` lines are not checked
    if changed:
        # the spec's `expect` lines hold the figures of its own values (torchvision's 1000 classes)
        expander.expectations = False
        names = ", ".join(f"`{name}`" for name in changed)
        warning = Diagnostic(
            "expect-skipped",
            f"`expect` lines are not checked: --set changes {names}",
            s.Span(COMMAND_LINE, 1, 1, 1, len(command_line[0]) + 1),
            "here",
            "the spec's `expect` lines describe the network with its own values",
            severity="warning",
        )
        skipped = (len(diagnostics), warning)
    finished = False
    try:
        finished = _expand_network(spec, expander, diagnostics, values)
        for block in blocks.values():  # blocks no line calls are still checked, without shapes
            if block.name not in expander.used_blocks:
                expander.run_body(
                    block.defaults + block.body,
                    Scope(
                        block.name + ".",
                        # a parameter whose default is a layer kind stands for a layer (`act`), as in a call
                        {p.name: p.default.name if isinstance(p.default, s.Name) else None for p in block.params},
                        None,
                        0,
                        ((block.name, block.name_span),),
                    ),
                    None,
                    0,
                )
    except TooManyLayers as big:
        diagnostics.append(
            Diagnostic(
                "too-many-layers",
                f"the network expands to more than {expander.max_nodes:,} layers",
                big.span,
                "expands too far",
                "check the repeat counts (`xN`) and nested blocks",
            )
        )
    expander.check_marks()
    if skipped and expander.skipped_expectations:  # only where the spec has some
        diagnostics.insert(*skipped)
    given = ", ".join(f"{name}={values[name]}" for name in changed)
    for d in expander.diagnostics:
        if changed and d.severity == "error" and d.span is not None and d.span.file != COMMAND_LINE:
            d = replace(d, notes=(*d.notes, f"with the network's parameters as --set gives them: {given}"))
        diagnostics.append(d)
    diagnostics = _unique(diagnostics)
    if expander.unreported:
        diagnostics.append(
            Diagnostic(
                "too-many-errors",
                f"{expander.unreported:,} more errors not shown (archspec shows the first {MAX_ERRORS})",
                None,
                hint="fix the errors above and check again",
            )
        )
    network = Network(
        name=spec.network,
        file=file,
        input_shape=spec.input_shape,
        nodes=tuple(expander.nodes),
        groups=tuple(expander.groups),
        rows=tuple(expander.rows),
        blocks=tuple(blocks),
        definitions=blocks,
        warnings=tuple(d for d in diagnostics if d.severity == "warning"),
        init=expander.init,
        settings=values,
        body=spec.body,
        signature=spec.network_params,
    )
    return Result(network, diagnostics, sources, finished)


def network_settings(
    spec: s.SpecFile, settings: list[tuple[str, str]], diagnostics: list[Diagnostic]
) -> dict[str, Any]:
    """The values of the network's parameters (`network R(num_classes=1000)`): their defaults, then
    the command line's `--set NAME=VALUE` (numbers read as numbers, other text as a word). A name the
    network does not take is an error pointing into the command line."""
    env = _default_settings(spec, diagnostics)
    names = [p.name for p in spec.network_params]
    for number, (name, text) in enumerate(settings, 1):
        if name not in env:
            span = s.Span(COMMAND_LINE, number, 7, number, 7 + len(name))
            taken = ", ".join(f"`{n}`" for n in names) or "none: write them as `network NAME(p=VALUE, ...)`"
            hint = did_you_mean(name, names) or f"the network's parameters: {taken}"
            diagnostics.append(
                Diagnostic("bad-argument", f"the network has no parameter `{name}`", span, "not a parameter", hint)
            )
            continue
        value = _setting_value(text)
        wanted = _setting_kind(env[name])
        if wanted is not None and not isinstance(value, wanted[0]):
            start = 7 + len(name) + 1
            span = s.Span(COMMAND_LINE, number, start, number, start + max(len(text), 1))
            message = f"`{name}` must be {wanted[1]}, not `{text}`"
            hint = f"as its default: `--set {name}={show_value(env[name])}`"
            diagnostics.append(Diagnostic("bad-argument", message, span, f"not {wanted[1]}", hint))
            continue
        env[name] = value
    return env


def _setting_kind(default: Any) -> tuple[tuple[type, ...], str] | None:
    """What a `--set` value must be, judged by the parameter's default: the types, and in words."""
    if isinstance(default, bool):
        return None
    if isinstance(default, int):
        return (int,), "a whole number"
    if isinstance(default, float):
        return (int, float), "a number"
    return None


def _default_settings(spec: s.SpecFile, diagnostics: list[Diagnostic] | None = None) -> dict[str, Any]:
    """The network's parameters at their defaults (an error in one goes to `diagnostics`, if given)."""
    env: dict[str, Any] = {}
    for p in spec.network_params:
        try:
            env[p.name] = evaluate(p.default, env, None)
        except SpecError as err:
            if diagnostics is not None:
                diagnostics.append(err.diagnostic)
    return env


def _setting_value(text: str) -> Any:
    """`10` -> 10, `0.5` -> 0.5, `same` -> "same": a `--set` value as the spec would read it."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _expand_network(
    spec: s.SpecFile, expander: Expander, diagnostics: list[Diagnostic], settings: dict[str, Any]
) -> bool:
    """Expand the network's body; True when it reached the output."""
    scope = Scope("", dict(settings), None, 0)
    expander.read_inits([stmt for stmt in spec.body if isinstance(stmt, s.Init)])
    spec = replace(spec, body=tuple(stmt for stmt in spec.body if not isinstance(stmt, s.Init)))
    if spec.input_shape is None:
        if any(not isinstance(stmt, s.Defaults) for stmt in spec.body):  # a blocks file may set defaults
            where = spec.network_span or spec.body[0].span
            diagnostics.append(
                Diagnostic(
                    "no-input",
                    "the network has no `input` shape",
                    where,
                    "before any layer",
                    "add a line like `input 3x224x224` (channels x height x width)",
                )
            )
            expander.run_body(spec.body, scope, None, 0)  # still report what needs no shapes
        return False
    if any(d <= 0 for d in spec.input_shape):
        diagnostics.append(Diagnostic("bad-input", "every input size must be positive", spec.input_span, "here"))
        return False
    if any(d > MAX_SIZE for d in spec.input_shape):
        diagnostics.append(
            Diagnostic("bad-input", f"an input size is too large (at most {MAX_SIZE:,})", spec.input_span, "here")
        )
        return False
    diagnostics.extend(_layout_warnings(spec.input_shape, spec.input_span))
    cur = expander.add_input(spec.input_shape, spec.input_span)
    out = expander.run_body(spec.body, scope, cur, 1)
    if out is not None:
        expander.check_zero_init()
    if out is None and not _real_errors(expander.diagnostics):
        # every path that loses the tensor must have reported why; say so rather than pass quietly
        diagnostics.append(
            Diagnostic(
                "internal-error",
                "archspec lost track of the network's output without an error",
                spec.network_span or spec.input_span,
                "here",
                "this is a bug in archspec: please report it with this spec",
            )
        )
    return out is not None


def _layout_warnings(shape: tuple[int, ...], span: s.Span | None) -> list[Diagnostic]:
    """Shapes written as Keras or torchinfo print them: channels last, or with the batch in front."""
    written = fmt_shape(shape)
    if len(shape) == 3 and shape[2] in (1, 3, 4) and shape[0] > 4 and shape[1] > 4:
        fixed = fmt_shape((shape[2], shape[0], shape[1]))
        return [
            Diagnostic(
                "input-layout",
                f"`{written}` looks channels-last; archspec reads channels x height x width",
                span,
                "channels last?",
                f"write `input {fixed}`",
                severity="warning",
            )
        ]
    if len(shape) == 4 and shape[0] == 1 and shape[1] in (1, 3) and shape[2] == shape[3] and shape[2] >= 8:
        fixed = fmt_shape(shape[1:])
        return [
            Diagnostic(
                "input-layout",
                f"does `{written}` include the batch dimension? archspec's shapes leave it out",
                span,
                "batch first?",
                f"write `input {fixed}` (or ignore this for a 3-D input)",
                severity="warning",
            )
        ]
    return []


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diagnostics:
        key = (d.code, d.message, d.span)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return sorted(out, key=lambda d: (d.span.file, d.span.line, d.span.column) if d.span else ("", 0, 0))


def analyse_file(path: str, freeze: list[tuple[str, str]] = (), settings: list[tuple[str, str]] = ()) -> Result:
    try:
        text = _read(path)
    except BadFile as bad:
        sources = {path: bad.shown} if bad.shown is not None else {}
        hint = "save the file as UTF-8" if "UTF-8" in bad.reason else "a spec is a text file of .arch lines"
        return Result(None, [Diagnostic("bad-file", f"{path}: {bad.reason}", bad.span, "here", hint)], sources)
    except (OSError, ValueError) as exc:
        return Result(None, [Diagnostic("file-not-found", f"{path}: {_unreadable(exc)}", None)], {})
    return analyse(text, path, freeze=freeze, settings=settings)


def _raise_or_return(result: Result) -> Network:
    if not result.ok:
        raise ArchspecError(result.diagnostics, result.network if result.complete else None)
    assert result.network is not None
    return result.network


def load(path: str | os.PathLike) -> Network:
    """Parse and analyse a `.arch` file. Raises ArchspecError carrying every diagnostic."""
    return _raise_or_return(analyse_file(os.fspath(path)))


def loads(text: str, file: str = "<string>") -> Network:
    """Parse and analyse spec text. Raises ArchspecError carrying every diagnostic."""
    return _raise_or_return(analyse(text, file))


def instantiate(path: str | os.PathLike, block: str, args: dict[str, Any], input_shape: tuple[int, ...]) -> Result:
    """One block of a file called with `args` (Python values: numbers, `True`/`False`, words, tuples
    of whole numbers) on an input of `input_shape`: the analysis of that call as a network of its
    own, named after the block, its layers under the block's name (`bottleneck.conv1`). How
    `build(..., block=...)` and `archspec render --block` take one block alone, without writing a
    spec. The file's own diagnostics come first; a bad argument is a `bad-argument` diagnostic."""
    path = os.fspath(path)
    try:
        text = _read(path)
    except (BadFile, OSError, ValueError):
        return analyse_file(path)
    sources = {path: text}
    diagnostics: list[Diagnostic] = []
    try:
        spec = parse(text, path)
    except ArchspecError as err:
        return Result(None, err.diagnostics, sources)
    blocks = _collect_blocks(spec, sources, diagnostics, (os.path.normpath(path),))
    if block not in blocks:
        known = ", ".join(f"`{b}`" for b in blocks) or "none"
        diagnostics.append(Diagnostic("unknown-block", f"no block named `{block}`", None, hint=f"the blocks: {known}"))
        return Result(None, diagnostics, sources)
    # the call, as text its diagnostics can point into: `bottleneck(width=64, stride=2)`
    shown = f"{block}(" + ", ".join(f"{k}={_value_text(v)}" for k, v in args.items()) + ")"
    sources[CALL] = shown
    whole = s.Span(CALL, 1, 1, 1, len(shown) + 1)
    options, column = [], len(block) + 2
    for key, value in args.items():
        width = len(f"{key}={_value_text(value)}")
        span = s.Span(CALL, 1, column, 1, column + width)
        options.append(s.Option(key, _value_expr(value, span), span, s.Span(CALL, 1, column, 1, column + len(key))))
        column += width + 2
    call = s.Call(block, (), tuple(options), whole, s.Span(CALL, 1, 1, 1, len(block) + 1))
    expander = Expander(blocks)
    finished = False
    try:
        first = expander.add_input(tuple(input_shape), None)
        out = expander.call_block(call, Scope("", {}, None, 0), first, block, "", 0)
        finished = out is not None
    except SpecError as err:
        expander.diagnostics.append(err.diagnostic)
    except TooManyLayers:
        expander.diagnostics.append(Diagnostic("too-many-layers", "the block expands past the layer limit", None))
    expander.check_marks()
    diagnostics += expander.diagnostics
    network = Network(
        name=block,
        file=path,
        input_shape=tuple(input_shape),
        nodes=tuple(expander.nodes),
        groups=tuple(expander.groups),
        rows=tuple(expander.rows),
        blocks=tuple(blocks),
        definitions=blocks,
        body=(s.Line(block, (s.Elem((call,), 1, whole, None),), None, whole, whole),),  # `block: block(...)`
    )
    return Result(network, diagnostics, sources, finished)


CALL = "<call>"  # the block call `instantiate` makes, as its diagnostics show it


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def _value_expr(value: Any, span: s.Span) -> s.Expr:
    """A Python value as the expression a spec would write for it."""
    if isinstance(value, bool):
        return s.Name("true" if value else "false", span)
    if isinstance(value, (int, float)):
        return s.Number(value, span)
    if isinstance(value, str):
        return s.Name(value, span)
    if isinstance(value, tuple):
        return s.Dims(tuple(value), span)
    raise ValueError(f"a block argument is a number, a word or a tuple of whole numbers, not {value!r}")
