"""`archspec quiz`: grade a student's answer sheet against a spec, or make a question sheet and its key.

A sheet is TOML: one table per layer (or block) name with the answers `output`, `params`, `macs`
and `rf`, a `[total]` table with `output`, `params` and `macs`, and optionally
`layout = "channels_last"` (or `"channels_first"`). Answers are taken as students write them:
`28x28x6` or `6x28x28` or `(6, 28, 28)`, `156`, `"8,320"`, `"1.5K"`, `"163.8M"` (a rounded answer is
right when the true value rounds to it at the precision written, as `expect` does).
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from fractions import Fraction

from .diagnostics import Diagnostic, did_you_mean
from .explain import Explanation, explain, step_line
from .graph import Network
from .layers.base import Step, fmt_shape
from .parse import _measure
from .receptive import Field, receptive_fields
from .syntax import Span

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

LAYER_FIELDS = ("output", "params", "macs", "rf")
TOTAL_FIELDS = ("output", "params", "macs")
ALIASES = {"shape": "output", "parameters": "params", "receptive_field": "rf", "flops": "macs"}
TOP_KEYS = ("layout", "student", "name", "network")
LAYOUTS = {"channels_first": "channels-first", "chw": "channels-first", "nchw": "channels-first",
           "channels_last": "channels-last", "hwc": "channels-last", "nhwc": "channels-last"}  # fmt: skip
LABELS = {"output": "output shape", "params": "parameters", "macs": "MACs", "rf": "receptive field"}
QUESTIONS = {
    "output": "{0}: output shape?",
    "params": "{0}: parameters?",
    "macs": "{0}: MACs?",
    "rf": "{0}: receptive field?",
}


@dataclass(frozen=True)
class Mark:
    """One graded answer."""

    layer: str  # a layer's or a block's path, or "total"
    field: str  # output, params, macs, rf
    answer: str  # as written
    correct: str  # the right value, in the sheet's layout
    status: str  # right, wrong, missing
    formula: tuple[Step, ...]  # how the right value comes about
    note: str = ""  # English, translated by archspec.i18n; `{0}`... filled from `args`
    args: tuple = ()
    span: Span | None = None

    @property
    def right(self) -> bool:
        return self.status == "right"


@dataclass(frozen=True)
class Grading:
    file: str
    sheet: str
    layout: str  # channels-first, channels-last, or "" where the sheet neither says nor shows it
    marks: tuple[Mark, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)

    @property
    def score(self) -> int:
        return sum(m.right for m in self.marks)

    @property
    def all_right(self) -> bool:
        return bool(self.marks) and all(m.right for m in self.marks)


# ----------------------------------------------------------------------------- reading the sheet


def _positions(text: str, file: str) -> dict[tuple[str, str], Span]:
    """Where each `key = value` of the sheet is, by (table path, key): the TOML reader keeps no
    positions, so the lines are scanned for table headers and keys. The table header itself is
    (path, "")."""
    spans: dict[tuple[str, str], Span] = {}
    table = ""
    header = re.compile(r"\s*\[\s*(\"[^\"]*\"|'[^']*'|[^\]]+?)\s*\]")
    key = re.compile(r"\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-.]+)\s*=\s*")
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("#"):
            continue
        if m := header.match(line):
            table = _key_text(m.group(1))
            spans[(table, "")] = Span(file, number, m.start(1) + 1, number, m.end(1) + 1)
        elif m := key.match(line):
            name = _key_text(m.group(1))
            value_end = len(line.split("#")[0].rstrip()) + 1
            spans[(table, name)] = Span(file, number, m.end() + 1, number, max(value_end, m.end() + 2))
            spans[(table, "=" + name)] = Span(file, number, m.start(1) + 1, number, m.end(1) + 1)  # the key
            if "{" in line[m.end() :]:  # an inline table: `c1 = { output = "6x28x28", params = 156 }`
                path = f"{table}.{name}" if table else name
                for inner in re.finditer(r"([A-Za-z_]+)\s*=\s*(\"[^\"]*\"|[^,}]+)", line[m.end() :]):
                    col = m.end() + inner.start(2) + 1
                    spans[(path, inner.group(1))] = Span(file, number, col, number, col + len(inner.group(2).strip()))
    return spans


def _key_text(raw: str) -> str:
    raw = raw.strip()
    if raw[:1] in "\"'":
        return raw[1:-1]
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def _answers(data: dict, prefix: str = "") -> list[tuple[str, str, object]]:
    """(table path, key, value) for every answer, nested tables (`[layer1.0.conv1]` written bare)
    flattened to their dotted path."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            path = f"{prefix}.{key}" if prefix else key
            out.extend((path, k, v) for k, v in value.items() if not isinstance(v, dict))
            out.extend(_answers({k: v for k, v in value.items() if isinstance(v, dict)}, path))
        elif not prefix:
            out.append(("", key, value))
    return out


def _toml_error(exc: Exception, file: str) -> Diagnostic:
    message = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    text = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "not valid TOML"
    # tomllib names a table by its key tuple: `cannot declare ('c1',) twice` is `[c1]`
    text = re.sub(r"\(((?:'[^']*',? ?)+)\)", lambda k: "[" + ".".join(re.findall(r"'([^']*)'", k.group(1))) + "]", text)
    span = Span(file, int(m.group(1)), int(m.group(2)), int(m.group(1)), int(m.group(2)) + 1) if m else None
    return Diagnostic(
        "sheet-syntax",
        f"the answer sheet is not valid TOML: {text[0].lower() + text[1:]}",
        span,
        "here",
        'write answers as `params = 156` or `output = "6x28x28"` under a `[layer]` header',
    )


# ----------------------------------------------------------------------------- reading answers


def parse_shape(value) -> tuple[int, ...] | None:
    """`6x28x28`, `28x28x6`, `(6, 28, 28)`, `(None, 28, 28, 6)`, `[6, 28, 28]`, `10` -> sizes."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value,)
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        return None
    text = value.strip().strip("()[]").strip()
    text = re.sub(r"^(None|N|B)\s*[x×X*,]?\s*", "", text)  # Keras' batch dimension: (None, 28, 28, 6)
    if not re.fullmatch(r"[0-9]+(\s*[x×X*,]\s*[0-9]+|\s+[0-9]+)*", text):
        return None
    return tuple(int(p) for p in re.findall(r"[0-9]+", text))


def parse_field(value) -> tuple[Fraction, ...] | None:
    """A receptive field's size: `5x5`, `5`, `[5, 5]`, or a fraction of a pixel as the table
    prints it after transposed convs and adaptive pooling (`156.5`) -> sizes."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = repr(value)
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        return None
    parts = re.split(r"\s*[x×X*,]\s*", value.strip().strip("()[]").strip())
    if not all(re.fullmatch(r"[0-9]+(\.[0-9]+)?", p) for p in parts):
        return None
    return tuple(Fraction(p) for p in parts)


def parse_number(value) -> tuple[float, float] | None:
    """(value, tolerance): `156` exactly, `1.5K` to within 50, `163.8M` to within 50,000."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value), 0.0
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str):
        return None
    text = value.strip().replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[0-9_]+(\.[0-9]+)?([eE][+-]?[0-9]+)?[kKmMgG]?", text):
        return None
    number, tolerance = _measure(text)
    return float(number), tolerance


def channels_last(shape: tuple[int, ...]) -> tuple[int, ...]:
    """(C, H, W) as Keras prints it: (H, W, C)."""
    return (*shape[1:], shape[0]) if len(shape) > 1 else shape


def from_channels_last(shape: tuple[int, ...]) -> tuple[int, ...]:
    return (shape[-1], *shape[:-1]) if len(shape) > 1 else shape


# ----------------------------------------------------------------------------- grading


@dataclass(frozen=True)
class Truth:
    output: tuple[int, ...]
    params: int
    macs: int
    rf: Field | None
    formulas: dict[str, tuple[Step, ...]]


def _truths(net: Network) -> dict[str, Truth]:
    """What each layer, block and the whole network has, with the steps that explain it."""
    fields = receptive_fields(net)
    explained: dict[int, Explanation] = {e.node.id: e for e in explain(net, [n for n in net.nodes if n.kind])}
    truths = {}
    for node in net.nodes:
        if node.kind is None:
            continue
        e = explained[node.id]
        by = {
            "output": tuple(s for s in e.steps if s.quantity in ("channels", "size", "shape", "features")),
            "params": tuple(s for s in e.steps if s.quantity == "params"),
            "macs": tuple(s for s in e.steps if s.quantity == "macs"),
            "rf": tuple(s for s in e.rf_steps if s.quantity == "rf"),
        }
        truths[node.path] = Truth(node.shape, node.params, node.macs, fields[node.id], by)
    for g in net.groups:
        params, _, macs = net.totals(g.first, g.last)
        if g.output is None:
            continue
        n = g.last - g.first + 1
        sums = {
            "params": (Step("params", "params", "sum over the block's layers", "", params, "{0} layers", (n,)),),
            "macs": (Step("macs", "MACs", "sum over the block's layers", "", macs, "{0} layers", (n,)),),
        }
        truths[g.path] = Truth(net.nodes[g.output].shape, params, macs, fields[g.output], sums)
    return truths


def _network_truth(net: Network) -> Truth:
    """The whole network's answers for `[total]`."""
    sums = {
        "params": (Step("params", "params", "sum over every layer", "", net.params),),
        "macs": (Step("macs", "MACs", "sum over every layer", "", net.macs),),
    }
    return Truth(net.output_shape, net.params, net.macs, None, sums)


def grade(net: Network, text: str, file: str) -> Grading:
    """Grade the sheet `text` (TOML) against `net`. Problems with the sheet itself come back as
    diagnostics (and no marks)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Grading(net.file, file, "", (), (_toml_error(exc, file),))
    spans = _positions(text, file)
    truths = _truths(net)
    diagnostics: list[Diagnostic] = []
    answers: list[tuple[str, str, object, Span | None]] = []
    stated = ""
    for table, key, value in _answers(data):
        span = spans.get((table, key)) or spans.get((table, ""))
        if not table:
            if key == "layout":
                stated = LAYOUTS.get(str(value).lower().replace("-", "_"), "") if isinstance(value, str) else ""
                if not stated:
                    diagnostics.append(
                        Diagnostic(
                            "bad-answer",
                            f'`layout` must be "channels_first" or "channels_last", not {value!r}',
                            span,
                            "unknown layout",
                        )
                    )
            elif key not in TOP_KEYS:
                if key in truths or key == "total":  # `c1 = 5`: an answer without its question
                    hint = f'answers go under a `[{key}]` header, as `params = 5` or `output = "6x28x28"`'
                else:
                    hint = did_you_mean(key, [*TOP_KEYS, *truths]) or "answers go under a `[layer]` header"
                where = spans.get((table, "=" + key), span)
                diagnostics.append(Diagnostic("unknown-field", f"unknown setting `{key}`", where, "unknown", hint))
            continue
        allowed = TOTAL_FIELDS if table == "total" else LAYER_FIELDS
        if table != "total" and table not in truths:
            header = spans.get((table, "")) or span
            hint = did_you_mean(table, [*truths, "total"]) or "answer for the layers the spec names"
            diagnostics.append(
                Diagnostic("unknown-layer", f"no layer `{table}` in {net.file}", header, "unknown", hint)
            )
            continue
        name = ALIASES.get(key, key)
        if name not in allowed:
            hint = did_you_mean(key, allowed) or "answer " + ", ".join(f"`{f}`" for f in allowed)
            diagnostics.append(
                Diagnostic(
                    "unknown-field",
                    f"`{table}` has no `{key}` to answer",
                    spans.get((table, "=" + key), span),
                    "unknown",
                    hint,
                )
            )
            continue
        answers.append((table, name, value, span))
    if any(d.code == "bad-answer" for d in diagnostics):  # a bad layout: the shapes cannot be graded
        return Grading(net.file, file, stated, (), tuple(diagnostics))
    layout = stated or _inferred_layout(answers, truths, net)
    marks = [_mark(table, name, value, span, truths, net, layout, bool(stated)) for table, name, value, span in answers]
    problems = diagnostics + [m for m in marks if isinstance(m, Diagnostic)]
    if problems:
        problems.sort(key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
        return Grading(net.file, file, layout, (), tuple(problems))
    return Grading(net.file, file, layout, tuple(marks))


def _true_shape(table: str, truths: dict[str, Truth], net: Network) -> tuple[int, ...]:
    return net.output_shape if table == "total" else truths[table].output


def _inferred_layout(answers, truths, net) -> str:
    """The layout the sheet's shape answers are written in, where they show it: the one under
    which more of them are right (among those the two readings tell apart)."""
    votes = {"channels-first": 0, "channels-last": 0}
    for table, name, value, _ in answers:
        shape = parse_shape(value) if name == "output" else None
        if shape is None or len(shape) < 2 or shape == from_channels_last(shape):
            continue
        truth = _true_shape(table, truths, net)
        if shape == truth:
            votes["channels-first"] += 1
        elif from_channels_last(shape) == truth:
            votes["channels-last"] += 1
    if votes["channels-first"] == votes["channels-last"] or sum(votes.values()) < 2:
        return ""  # one answer alone does not show the sheet's layout
    return max(votes, key=votes.get)


def _mark(table, name, value, span, truths, net, layout, stated) -> Mark | Diagnostic:
    if isinstance(value, bool):
        written = "true" if value else "false"  # as the sheet wrote it, not Python's True
    else:
        written = (
            value if isinstance(value, str) else (fmt_shape(tuple(value)) if isinstance(value, list) else str(value))
        )
    truth = _network_truth(net) if table == "total" else truths[table]
    formula = truth.formulas.get(name, ())
    if isinstance(value, str) and not value.strip():
        correct = _correct_text(name, truth, layout)
        return Mark(table, name, "", correct, "missing", formula, span=span)
    if name == "output":
        return _mark_shape(table, written, value, truth, formula, span, layout, stated)
    if name == "rf":
        size = parse_field(value)
        if size is None or truth.rf is None or not truth.rf.size:
            return _bad(span, table, name, written, "a size like `5x5` or `5`")
        want = tuple(truth.rf.size)
        got = size * len(want) if len(size) == 1 else size
        status = "right" if got == want else "wrong"
        return Mark(table, name, written, truth.rf.text(), status, formula, span=span)
    number = parse_number(value)
    if number is None:
        return _bad(span, table, name, written, "a number like `156`, `8,320`, `1.5K` or `163.8M`")
    got, tolerance = number
    want = truth.params if name == "params" else truth.macs
    right = abs(want - got) <= tolerance + 1e-9 * max(1.0, abs(got))
    return Mark(table, name, written, f"{want:,}", "right" if right else "wrong", formula, span=span)


def _bad(span, table, name, written, expected) -> Diagnostic:
    return Diagnostic(
        "bad-answer",
        f"`{table}.{name}`: cannot read `{written}` as {expected}",
        span,
        "not an answer",
        f"write {expected}",
    )


def _correct_text(name: str, truth: Truth, layout: str) -> str:
    if name == "output":
        return fmt_shape(channels_last(truth.output) if layout == "channels-last" else truth.output)
    if name == "rf":
        return truth.rf.text() if truth.rf else "-"
    return f"{truth.params if name == 'params' else truth.macs:,}"


def _mark_shape(table, written, value, truth, formula, span, layout, stated) -> Mark | Diagnostic:
    shape = parse_shape(value)
    if shape is None:
        return _bad(span, table, "output", written, "a shape like `6x28x28` or `28x28x6`")
    first, last = shape == truth.output, from_channels_last(shape) == truth.output
    correct = _correct_text("output", truth, layout)
    note, args = "", ()
    if first and last or not (first or last):
        status = "right" if first else "wrong"
    elif stated:
        fits = "channels-first" if first else "channels-last"
        status = "right" if fits == layout else "wrong"
        if status == "wrong":
            note, args = "right as {0}, but the sheet says {1}", (fits, layout)
    else:
        status = "right"
        fits, other = ("channels-first", "channels-last") if first else ("channels-last", "channels-first")
        if not layout:
            note, args = (
                "ambiguous: `{0}` is right as {1} but not as {2}; write `layout = ...` in the sheet",
                (
                    written,
                    fits,
                    other,
                ),
            )
        elif fits != layout:
            note = (
                "reads as channels-last ({0}); the rest of the sheet is channels-first"
                if fits == "channels-last"
                else "reads as channels-first ({0}); the rest of the sheet is channels-last"
            )
            args = (fmt_shape(truth.output),)
    if status == "right" and last and not first:  # show the right value as the student wrote it
        correct = fmt_shape(channels_last(truth.output))
    return Mark(table, "output", written, correct, status, formula, note, args, span)


# ----------------------------------------------------------------------------- output


def render(grading: Grading, t, stream) -> None:
    """The marks as a table (rich measures Korean text in terminal cells), the formulas of the
    wrong answers, and the score."""
    from rich.console import Console
    from rich.table import Table

    tty = stream.isatty()
    plain = None if tty else io.StringIO()  # piped: rich pads table rows with spaces; they are cut below
    console = Console(file=plain or stream, width=None if tty else 120, highlight=False, no_color=not tty)
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for heading in ("Layer", "Question", "Answer", "Correct", "Result"):
        table.add_column(t(heading), justify="right" if heading in ("Answer", "Correct") else "left")
    for m in grading.marks:
        style = {"right": "green", "wrong": "red", "missing": "yellow"}[m.status]
        table.add_row(m.layer, t(LABELS[m.field]), m.answer or "-", m.correct, f"[{style}]{t(m.status)}[/]")
    console.print(table)
    explained = [m for m in grading.marks if not m.right or m.note]
    if explained:
        console.print()
    for m in explained:
        head = f"{m.layer} · {t(LABELS[m.field])}: {m.correct}"
        if m.span is not None:
            head = f"{m.span.file}:{m.span.line}:{m.span.column}: " + head
        console.print(head, markup=False)
        if m.note:
            console.print("  " + t(m.note, *[t(a) if isinstance(a, str) else a for a in m.args]), markup=False)
        if not m.right:
            for step in m.formula:
                console.print("  " + t("formula: {0}", step_line(step, t)), markup=False)
    console.print()
    console.print(t("Score: {0} / {1}", grading.score, len(grading.marks)), markup=False)
    if plain is not None:
        stream.write("\n".join(line.rstrip() for line in plain.getvalue().split("\n")))


def to_json(grading: Grading, t) -> dict:
    return {
        "ok": True,
        "file": grading.file,
        "sheet": grading.sheet,
        "layout": grading.layout or None,
        "score": grading.score,
        "questions": len(grading.marks),
        "all_right": grading.all_right,
        "marks": [
            {
                "layer": m.layer,
                "question": m.field,
                "answer": m.answer,
                "correct": m.correct,
                "result": m.status,
                "formula": [step_line(s, t) for s in m.formula],
                "note": t(m.note, *[t(a) if isinstance(a, str) else a for a in m.args]) if m.note else None,
                "line": m.span.line if m.span else None,
                "column": m.span.column if m.span else None,
            }
            for m in grading.marks
        ],
    }


# ----------------------------------------------------------------------------- making a sheet


def _toml_key(path: str) -> str:
    return path if re.fullmatch(r"[A-Za-z0-9_-]+", path) else f'"{path}"'


def questions(net: Network, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` (layer, field) questions drawn with `seed`, in the network's order. Layers that
    only pass their input on (activations, dropout) are left out; MACs are asked where a layer
    has some."""
    fields = receptive_fields(net)
    pool = []
    for node in net.nodes:
        if node.kind is None or node.kind.family in ("activation", "regularization"):
            continue
        pool.append((node.path, "output"))
        pool.append((node.path, "params"))
        if node.macs:
            pool.append((node.path, "macs"))
        if fields[node.id].size and all(x.denominator == 1 for x in fields[node.id].size):
            pool.append((node.path, "rf"))
    pool += [("total", "params"), ("total", "macs")]
    order = {q: i for i, q in enumerate(pool)}
    chosen = random.Random(seed).sample(pool, min(count, len(pool)))
    return sorted(chosen, key=order.__getitem__)


def make(net: Network, file: str, count: int, seed: int, t) -> tuple[str, str]:
    """(question sheet, answer key), both TOML; the key grades as all right."""
    truths = _truths(net)
    picked = questions(net, count, seed)
    header = [
        f"# archspec quiz: {net.name or 'network'} ({file}), seed {seed}, {len(picked)} questions",
        "# " + t("Answer each question for the network in {0}.", file),
        "# " + t("Shapes as C x H x W or H x W x C; numbers exactly or rounded (1.5K, 163.8M)."),
    ]
    sheet = [*header, '# layout = "channels_last"  # uncomment if you write shapes as H x W x C']
    key = [*header, 'layout = "channels_first"']
    describe = {n.path: n.notation for n in net.nodes if n.kind}
    current = None
    for layer, name in picked:
        if layer != current:
            current = layer
            comment = f"  # {describe[layer]}" if layer in describe else ""
            sheet += ["", f"[{_toml_key(layer)}]{comment}"]
            key += ["", f"[{_toml_key(layer)}]{comment}"]
        question = t(QUESTIONS[name], layer)
        sheet.append(f'{name} = ""  # {question}')
        if layer == "total":
            value = {"params": net.params, "macs": net.macs}[name]
            key.append(f"{name} = {value}")
        else:
            truth = truths[layer]
            answer = {
                "output": f'"{fmt_shape(truth.output)}"',
                "params": str(truth.params),
                "macs": str(truth.macs),
                "rf": f'"{truth.rf.text()}"' if truth.rf else '""',
            }[name]
            key.append(f"{name} = {answer}")
    return "\n".join(sheet) + "\n", "\n".join(key) + "\n"


__all__ = ["Grading", "Mark", "grade", "make", "parse_field", "parse_number", "parse_shape", "questions", "render"]
