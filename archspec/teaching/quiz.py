"""`archspec quiz`: grade a student's answer sheet against a spec, or make a question sheet and its key.

A sheet is TOML: one table per layer (or block) name with the answers `output`, `params`, `macs`
and `rf`, a `[total]` table with `output`, `params` and `macs`, and optionally
`layout = "channels_last"` (or `"channels_first"`). Answers are taken as students write them:
`28x28x6` or `6x28x28` or `(6, 28, 28)`, `156`, `"8,320"`, `"1.5K"`, `"163.8M"` (a rounded answer is
right when the true value rounds to it at the precision written, as `expect` does).
"""

from __future__ import annotations

import io
import os
import random
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from archspec.analysis.graph import Network
from archspec.analysis.receptive import Field, receptive_fields
from archspec.diagnostics import ArchspecError, Diagnostic, SpecError, did_you_mean, listing
from archspec.frontend.parse import _measure
from archspec.frontend.syntax import Span
from archspec.i18n import Message, count
from archspec.layers.base import Step, fmt_shape, show_value
from archspec.teaching.explain import Explanation, explain, step_line
from archspec.teaching.mistakes import typical

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
class Policy:
    """How numbers (parameters, MACs) are graded. `rounded` (the default): an exact answer, or the
    true value rounded to the digits written with at least two significant digits (62,006 is `62K`
    or `0.062M`, not `0.1M`); `exact`: every digit; `tolerance`: within a relative error `tolerance`.
    Shapes and receptive fields are whole numbers and always graded exactly."""

    name: str = "rounded"
    tolerance: float = 0.0

    def accepts(self, want: int, written: str | int | float) -> bool | None:
        """Whether the answer `written` is right for `want`; None where it is not a number."""
        number = parse_number(written)
        if number is None:
            return None
        got, half_unit = number
        exact = abs(want - got) <= 1e-9 * max(1.0, abs(got))
        if self.name == "exact" or exact:
            return exact
        if self.name == "tolerance":
            return abs(want - got) <= self.tolerance * abs(want) + 1e-9 * max(1.0, abs(got))
        return abs(want - got) <= half_unit + 1e-9 * max(1.0, abs(got)) and significant_digits(written) >= 2

    def describe(self, t) -> str:
        if self.name == "exact":
            return t("exact: every digit of parameters and MACs")
        if self.name == "tolerance":
            return t("tolerance: parameters and MACs within {0} of the true value", f"{self.tolerance:.4g}")
        return t("rounded: exact, or the true value rounded to at least two significant digits")

    def to_json(self, t) -> dict:
        return {"name": self.name, "tolerance": self.tolerance if self.name == "tolerance" else None,
                "text": self.describe(t)}  # fmt: skip

    def moodle_tolerance(self, want: int) -> float:
        """The absolute tolerance of a Moodle numerical answer `want` under this policy: 0 for exact,
        `tolerance * want`, or for rounded answers half a unit of the second significant digit (the
        narrowest interval around the true value holding every rounding this policy accepts)."""
        if self.name == "exact" or want == 0:
            return 0.0
        if self.name == "tolerance":
            return self.tolerance * abs(want)
        unit = 10 ** (len(str(abs(int(want)))) - 2)
        return 0.0 if unit < 1 else unit / 2


ROUNDED = Policy()


def significant_digits(written) -> int:
    """The significant digits an answer is written with: `62K` 2, `0.062M` 2, `0.1M` 1, `650K` 3
    (trailing zeros of a whole mantissa count: written to the thousand, 650K is three digits)."""
    if isinstance(written, int) and not isinstance(written, bool):
        written = str(written)
    if isinstance(written, float):
        written = repr(written)
    text = str(written).strip().replace(",", "").replace("_", "").replace(" ", "")
    if re.search("[만억조]", text):  # the digits down to the last one written: `62만` 2, `1억 2만` 5
        number = korean_number(text)
        if number is None or not number[1]:
            return len(text)
        return len(str(round(number[0] / (2 * number[1]))).lstrip("0"))
    mantissa = re.split(r"[eE]", text.rstrip("kKmMgG"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return len(digits)


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
    policy: Policy = ROUNDED

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
        Message("sheet.not-toml", error=text[0].lower() + text[1:]),
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
    if KOREAN_NUMBER.fullmatch(text) and re.search("[만억조]", text):
        return korean_number(text)
    if not re.fullmatch(r"[0-9_]+(\.[0-9]+)?([eE][+-]?[0-9]+)?[kKmMgG]?", text):
        return None
    number, tolerance = _measure(text)
    return float(number), tolerance


KOREAN_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4}
KOREAN_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?[조억만])+(?:[0-9]+)?")
_KOREAN_GROUP = re.compile(r"([0-9]+(?:\.[0-9]+)?)([조억만]?)")


def korean_number(text: str) -> tuple[float, float] | None:
    """A count written in 만 (10^4), 억 (10^8) and 조 (10^12), as Korean writes it and archspec
    prints it under Korean (`6만 1706`, `11만 7600`, `1억 2만`, `1.5만`; spaces and commas already
    taken out) -> (value, tolerance): exact where it ends in plain digits, else to half a unit of its
    last digit (`1.5만` within 500, `62만` within 5,000). None where the units do not go down, or the
    digits after the last unit are not below 10,000."""
    groups = _KOREAN_GROUP.findall(text)
    value, last, tolerance = Fraction(0), None, 0.0
    for digits, unit in groups:
        if not digits:
            continue
        scale = KOREAN_UNITS.get(unit, 1)
        if last is not None and scale >= last or (not unit and (int(digits) >= 10_000 or "." in digits)):
            return None
        value += Fraction(digits) * scale
        decimals = len(digits.partition(".")[2])
        tolerance = 0.0 if not unit else scale / 10**decimals / 2
        last = scale
    return float(value), tolerance


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


def grade(net: Network, text: str, file: str, policy: Policy = ROUNDED) -> Grading:
    """Grade the sheet `text` (TOML) against `net` under `policy`. Problems with the sheet itself
    come back as diagnostics (and no marks)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Grading(net.file, file, "", (), (_toml_error(exc, file),), policy)
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
                            Message("sheet.bad-layout", value=repr(value)),
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
                message = Message("sheet.unknown-setting", key=key)
                diagnostics.append(Diagnostic("unknown-field", message, where, "unknown", hint))
            continue
        allowed = TOTAL_FIELDS if table == "total" else LAYER_FIELDS
        if table != "total" and table not in truths:
            header = spans.get((table, "")) or span
            written = [n.path for n in net.nodes[1:] if not n.generated and n.path in truths] or list(truths)
            hint = did_you_mean(table, [*truths, "total"]) or Message("sheet.layers-are", names=listing(written))
            message = Message("sheet.no-layer", table=table, file=net.file)
            diagnostics.append(Diagnostic("unknown-layer", message, header, "unknown", hint))
            continue
        name = ALIASES.get(key, key)
        if name not in allowed:
            hint = did_you_mean(key, allowed) or "answer " + ", ".join(f"`{f}`" for f in allowed)
            diagnostics.append(
                Diagnostic(
                    "unknown-field",
                    Message("sheet.no-question", table=table, key=key),
                    spans.get((table, "=" + key), span),
                    "unknown",
                    hint,
                )
            )
            continue
        answers.append((table, name, value, span))
    if any(d.code == "bad-answer" for d in diagnostics):  # a bad layout: the shapes cannot be graded
        return Grading(net.file, file, stated, (), tuple(diagnostics), policy)
    layout = stated or _inferred_layout(answers, truths, net)
    marks = [
        _mark(table, name, value, span, truths, net, layout, bool(stated), policy)
        for table, name, value, span in answers
    ]
    problems = diagnostics + [m for m in marks if isinstance(m, Diagnostic)]
    if problems:
        problems.sort(key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
        return Grading(net.file, file, layout, (), tuple(problems), policy)
    return Grading(net.file, file, layout, tuple(marks), policy=policy)


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


def _mark(table, name, value, span, truths, net, layout, stated, policy=ROUNDED) -> Mark | Diagnostic:
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
        mark = _mark_shape(table, written, value, truth, formula, span, layout, stated)
        if isinstance(mark, Mark) and mark.status == "wrong" and not mark.note:
            shape = parse_shape(value)
            ways = [shape] if layout == "channels-first" else [from_channels_last(shape)] if layout else []
            ways = ways or [shape, from_channels_last(shape)]
            note = next((m.feedback for m, v in typical(net, table, "output") if v in ways), "")
            mark = replace(mark, note=note) if note else mark
        return mark
    if name == "rf":
        size = parse_field(value)
        if size is None or truth.rf is None or not truth.rf.size:
            return _bad(span, table, name, written, "a size like `5x5` or `5`")
        want = tuple(truth.rf.size)
        got = size * len(want) if len(size) == 1 else size
        status = "right" if got == want else "wrong"
        return Mark(table, name, written, truth.rf.text(), status, formula, span=span)
    want = truth.params if name == "params" else truth.macs
    right = policy.accepts(want, value)
    if right is None:
        return _bad(span, table, name, written, "a number like `156`, `8,320`, `1.5K` or `163.8M`")
    note, args = "", ()
    if not right and policy.name == "rounded" and parse_number(value)[1] and significant_digits(value) < 2:
        note, args = "`{0}` has one significant digit: write at least two", (written,)
    elif not right:  # the answer a typical mistake gives: say which
        note = next((m.feedback for m, v in typical(net, table, name) if policy.accepts(v, value)), "")
    return Mark(table, name, written, f"{want:,}", "right" if right else "wrong", formula, note, args, span)


def _bad(span, table, name, written, expected) -> Diagnostic:
    return Diagnostic(
        "bad-answer",
        Message("sheet.cannot-read", table=table, field=name, written=written, expected=expected),
        span,
        "not an answer",
        Message("sheet.write-as", expected=expected),
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


def shown(text: str, unit: str) -> str:
    """A right value as the table shows it: a count in the chosen units (`24만` in Korean's,
    `240,000` in English), anything else (a shape) as it is."""
    if unit == "ko" and re.fullmatch(r"[0-9][0-9,]*", text):
        return count(int(text.replace(",", "")), unit)
    return text


def render(grading: Grading, t, stream, unit: str = "en") -> None:
    """The marks as a table (rich measures Korean text in terminal cells), the formulas of the
    wrong answers, and the score; counts in `unit` (archspec.i18n.count)."""
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
        correct = shown(m.correct, unit)
        table.add_row(m.layer, t(LABELS[m.field]), m.answer or "-", correct, f"[{style}]{t(m.status)}[/]")
    console.print(table)
    explained = [m for m in grading.marks if not m.right or m.note]

    def say(text: str = "") -> None:  # piped: one line each, however long (a terminal wraps them)
        console.print(text, markup=False, soft_wrap=not tty)

    if explained:
        say()
    for m in explained:
        head = f"{m.layer} · {t(LABELS[m.field])}: {shown(m.correct, unit)}"
        if m.span is not None:
            head = f"{m.span.file}:{m.span.line}:{m.span.column}: " + head
        say(head)
        if m.note:
            say("  " + t(m.note, *[t(a) if isinstance(a, str) else a for a in m.args]))
        if not m.right:
            for step in m.formula:
                say("  " + t("formula: {0}", step_line(step, t)))
    say()
    say(t("Graded {0}", grading.policy.describe(t)))
    say(t("Score: {0} / {1}", grading.score, len(grading.marks)))
    if plain is not None:
        stream.write("\n".join(line.rstrip() for line in plain.getvalue().split("\n")))


def to_json(grading: Grading, t, unit: str = "en") -> dict:
    return {
        "ok": True,
        "file": grading.file,
        "sheet": grading.sheet,
        "layout": grading.layout or None,
        "policy": grading.policy.to_json(t),
        "score": grading.score,
        "questions": len(grading.marks),
        "all_right": grading.all_right,
        "marks": [
            {
                "layer": m.layer,
                "question": m.field,
                "answer": m.answer,
                "correct": shown(m.correct, unit),
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

# options that change none of the answers asked (output, parameters, MACs, receptive field)
SILENT_OPTIONS = ("eps", "momentum", "alpha", "beta", "k", "p", "dim", "count_include_pad", "scale", "offset")


@dataclass(frozen=True)
class Question:
    layer: str  # a layer's or a block's path as the spec names it, or "total"
    field: str  # output, params, macs, rf
    statement: str  # the layer with every option its answers depend on, or the block's call
    line: int | None = None  # the sheet's line (of its listing of the network) that makes the layer
    call: int | None = None  # for a layer or block inside a block: the network's line that calls it

    def where(self, t) -> str:
        """`c3 (line 6)`, `layer1.0.conv1 (line 4, called on line 16)`, `the whole network`."""
        if self.layer == "total":
            return t("the whole network")
        if self.line is None:
            return self.layer
        if self.call is not None and self.call != self.line:
            return t("{0} (line {1}, called on line {2})", self.layer, self.line, self.call)
        return t("{0} (line {1})", self.layer, self.line)


@dataclass(frozen=True)
class Quiz:
    """A question sheet and its answers: what `make` writes as TOML, `moodle` as Moodle XML or a
    printable sheet."""

    name: str  # the network's name
    file: str
    seed: int
    asked: int  # how many questions were asked for
    available: int  # how many the spec gives
    questions: tuple[Question, ...]
    answers: dict[tuple[str, str], object]  # (layer, field) -> int, or the text of a shape or field
    listing: tuple[str, ...] = ()  # the network as the sheet prints it, numbered (archspec.teaching.listing)
    # (layer, field) -> the typical wrong answers and the mistakes that give them (archspec.teaching.mistakes)
    mistakes: dict[tuple[str, str], tuple] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The spec's file name, never the folder it is in (a teacher's path is no business of the sheet's)."""
        return os.path.basename(self.file)

    def answer_text(self, q: Question) -> str:
        value = self.answers[(q.layer, q.field)]
        return f"{value:,}" if isinstance(value, int) else str(value)


def statement(node) -> str:
    """The layer as a spec line writes it, with every option its answers depend on written out:
    `maxpool 3x3 stride=1 pad=1 ceil_mode=false dilation=1`, not the table's `maxpool 3x3`."""
    kind, rank = node.kind, len(node.shape) - 1
    options = {  # a size written once stands for every spatial dimension: `1` is `1x1` for a 2-D input
        k: (v,) * rank
        if rank >= 1 and k in kind.positional and kind.options[k].type == "size" and type(v) is int
        else v
        for k, v in node.options.items()
    }
    positional = [k for k in kind.positional if options.get(k) is not None]
    parts = [kind.name, *(show_value(options[k]) for k in positional)]
    parts += [
        f"{k}={show_value(v)}"
        for k, v in options.items()
        if k not in positional and v is not None and k not in SILENT_OPTIONS
    ]
    return " ".join(parts)


def _group_statement(group, net: Network) -> str:
    if group.kind == "block":
        return f"{group.name}(" + ", ".join(f"{k}={show_value(v)}" for k, v in group.args.items()) + ")"
    members = [g for g in net.groups if g.depth == group.depth + 1 and group.first <= g.first <= group.last]
    if not members or members[0].first != group.first:
        return f"{group.name} ({group.path}.0 ... {net.nodes[group.last].path})"
    calls: list[list] = []
    for m in members:
        text = _group_statement(m, net)
        if calls and calls[-1][0] == text:
            calls[-1][1] += 1
        else:
            calls.append([text, 1])
    return ", ".join(text + (f" x{n}" if n > 1 else "") for text, n in calls)


def candidates(net: Network) -> list[Question]:
    """Every question a teacher would set about `net`, in the network's order: about the layers and
    blocks the spec names (not archspec's names: `conv_4`, `flatten_1`), and only where the kind does
    not fix the answer (a pool's 0 parameters, the whole input a dense layer sees); then the totals."""
    fields = receptive_fields(net)
    made = [g.path + "." for g in net.groups if g.generated]
    named = {n.id: not n.generated and not any(n.path.startswith(p) for p in made) for n in net.nodes}
    lines: dict[tuple, list] = {}
    for node in net.nodes:
        if node.kind is not None and node.span is not None:
            lines.setdefault((node.span.file, node.span.line, node.path.rpartition(".")[0]), []).append(node)
    blocks = [g for g in net.groups if g.kind == "block"]
    pool: list[Question] = []
    for row, index in net.rows:
        if row == "group":
            g = net.groups[index]
            inside = any(b.path != g.path and g.path.startswith(b.path + ".") for b in blocks)
            if g.generated or g.output is None or any(g.path.startswith(p) for p in made):
                continue
            if g.kind == "sequence" and inside:  # `downsample: project`: archspec's layers
                continue
            text = _group_statement(g, net)
            params, _, macs = net.totals(g.first, g.last)
            pool.append(Question(g.path, "output", text))
            pool += [Question(g.path, f, text) for f, v in (("params", params), ("macs", macs)) if v]
            continue
        node = net.nodes[index]
        if node.kind is None or not named[node.id] or node.kind.family in ("activation", "regularization"):
            continue
        if node.kind.name == "slice":  # its channels are written on its line (`slice 0 58`, `chunk 2`); the rest is 0
            continue
        line = lines.get((node.span.file, node.span.line, node.path.rpartition(".")[0]), []) if node.span else []
        if any(o.generated and o.id > node.id and (o.params or o.shape != node.shape) for o in line):
            continue  # `conv2: conv 64 1x1 relu conv 192 3x3`: the label reads as the whole line's
        text = statement(node)
        family = node.kind.family
        if family != "norm":
            pool.append(Question(node.path, "output", text))
        if node.params or node.options.get("affine") is False:
            pool.append(Question(node.path, "params", text))
        if node.macs:
            pool.append(Question(node.path, "macs", text))
        size = fields[node.id].size
        if (
            family in ("conv", "pool")
            and not node.kind.name.startswith(("global_", "adaptive_"))
            and size
            and all(x.denominator == 1 for x in size)
        ):
            pool.append(Question(node.path, "rf", text))
    return [*pool, Question("total", "params", ""), Question("total", "macs", "")]


def build(
    net: Network, file: str, count: int, seed: int, only: list[tuple[str, str]] | None = None, text: str | None = None
) -> Quiz:
    """`count` questions drawn with `seed` from `candidates`, in the network's order, with their
    answers; or, with `only`, those (layer, field) questions (a variant of another sheet). `text`: the
    spec as `net` was analysed from it (else read from `net.file`), printed at the head of the sheet."""
    shown, pool = _placed(net, candidates(net), text)
    order = {(q.layer, q.field): i for i, q in enumerate(pool)}
    if only is not None:
        chosen = [q for q in pool if (q.layer, q.field) in set(only)]
    else:
        chosen = random.Random(seed).sample(pool, min(count, len(pool)))
    chosen = sorted(chosen, key=lambda q: order[(q.layer, q.field)])
    truths = _truths(net)
    answers: dict[tuple[str, str], object] = {}
    for q in chosen:
        truth = _network_truth(net) if q.layer == "total" else truths[q.layer]
        answers[(q.layer, q.field)] = _answer(q.field, truth)
    mistakes = {(q.layer, q.field): tuple(typical(net, q.layer, q.field)) for q in chosen}
    return Quiz(net.name or "network", file, seed, count, len(pool), tuple(chosen), answers, shown, mistakes)


def _placed(net: Network, pool: list[Question], text: str | None) -> tuple[tuple[str, ...], list[Question]]:
    """The network's listing, and the questions with the listing's line of their layer (and of the
    network's line that calls it, inside a block)."""
    from archspec.teaching.listing import listing

    if text is None:
        try:
            with open(net.file, encoding="utf-8-sig") as f:
                text = f.read()
        except (OSError, ValueError):
            return (), pool
    used = {g.name for g in net.groups if g.kind == "block"}
    try:
        shown = listing(text, net.file, used)
    except (ArchspecError, SpecError):  # the text is not the one `net` was analysed from: no listing
        return (), pool
    nodes = {n.path: n for n in net.nodes if n.kind is not None}
    groups = {g.path: g for g in net.groups}

    def calling(first: int, last: int, depth: int) -> int | None:
        outer = [g for g in net.groups if g.depth < depth and g.first <= first and last <= g.last]
        for g in sorted(outer, key=lambda g: g.depth):
            if g.span is not None and g.span.file == net.file and shown.line_of(g.span):
                return shown.line_of(g.span)
        return None

    placed = []
    for q in pool:
        line = call = None
        if q.layer in groups:
            g = groups[q.layer]
            line, call = shown.line_of(g.span), calling(g.first, g.last, g.depth)
        elif q.layer in nodes:
            node = nodes[q.layer]
            line, call = shown.line_of(node.span), calling(node.id, node.id, 1 << 30)
        placed.append(replace(q, line=line, call=call))
    return shown.numbered(), placed


def _answer(name: str, truth: Truth) -> object:
    if name == "output":
        return fmt_shape(truth.output)
    if name == "rf":
        return truth.rf.text() if truth.rf else ""
    return truth.params if name == "params" else truth.macs


def _toml_key(path: str) -> str:
    return path if re.fullmatch(r"[A-Za-z0-9_-]+", path) else f'"{path}"'


def questions(net: Network, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` (layer, field) questions drawn with `seed`, in the network's order (see `candidates`)."""
    return [(q.layer, q.field) for q in build(net, "", count, seed).questions]


def header(quiz: Quiz, t) -> list[str]:
    return [
        t("archspec quiz: {0} ({1}), seed {2}, {3} questions", quiz.name, quiz.source, quiz.seed, len(quiz.questions)),
        t("Answer each question for the network {0} below.", quiz.name)
        if quiz.listing
        else t("Answer each question for the network in {0}.", quiz.source),
        t("Shapes as C x H x W or H x W x C; numbers exactly or rounded (1.5K, 163.8M).")
        + " "
        + t("A rounded number needs at least two significant digits (62K, not 0.1M)."),
    ]


def to_toml(quiz: Quiz, t) -> tuple[str, str]:
    """(question sheet, answer key), both TOML; the key grades as all right."""
    top = ["# " + line for line in header(quiz, t)]
    if quiz.listing:
        top += ["#", *("#   " + line for line in quiz.listing), "#"]
    sheet = [*top, '# layout = "channels_last"  # ' + t("uncomment if you write shapes as H x W x C")]
    key = [*top, 'layout = "channels_first"']
    current = None
    for q in quiz.questions:
        if q.layer != current:
            current = q.layer
            comment = f"  # {q.statement}" if q.statement else ""
            if q.line is not None:
                comment = f"  # {t('line {0}', q.line)}: {q.statement}"
            sheet += ["", f"[{_toml_key(q.layer)}]{comment}"]
            key += ["", f"[{_toml_key(q.layer)}]{comment}"]
        sheet.append(f'{q.field} = ""  # {t(QUESTIONS[q.field], q.where(t))}')
        value = quiz.answers[(q.layer, q.field)]
        key.append(f"{q.field} = {value}" if isinstance(value, int) else f'{q.field} = "{value}"')
    return "\n".join(sheet) + "\n", "\n".join(key) + "\n"


def make(net: Network, file: str, count: int, seed: int, t) -> tuple[str, str]:
    """(question sheet, answer key), both TOML; the key grades as all right."""
    return to_toml(build(net, file, count, seed), t)


__all__ = [
    "Grading",
    "Mark",
    "Policy",
    "Question",
    "Quiz",
    "build",
    "candidates",
    "grade",
    "make",
    "parse_field",
    "parse_number",
    "parse_shape",
    "questions",
    "render",
    "to_toml",
]
