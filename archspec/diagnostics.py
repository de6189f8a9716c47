"""Diagnostics: one model for every error archspec reports, rendered as text or as JSON."""

from __future__ import annotations

from dataclasses import dataclass

from .syntax import Span


@dataclass(frozen=True)
class Diagnostic:
    code: str  # stable, e.g. "shape-mismatch"
    message: str
    span: Span | None
    label: str = ""  # printed beside the caret
    hint: str = ""
    severity: str = "error"
    notes: tuple[str, ...] = ()  # where it happened, for errors inside block instances

    def to_json(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.span.file if self.span else None,
            "line": self.span.line if self.span else None,
            "column": self.span.column if self.span else None,
            "hint": self.hint or None,
            "notes": list(self.notes),
        }


class ArchspecError(Exception):
    """A spec that does not check: carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic], network=None):
        self.diagnostics = list(diagnostics)
        self.network = network  # the analysed Network where only expectations failed, else None
        first = self.diagnostics[0] if self.diagnostics else None
        where = ""
        if first and first.span:
            where = f"{first.span.file}:{first.span.line}:{first.span.column}: "
        more = f" (and {len(self.diagnostics) - 1} more)" if len(self.diagnostics) > 1 else ""
        super().__init__(f"{where}{first.message if first else 'error'}{more}")


class SpecError(Exception):
    """Raised inside the compiler for one diagnostic; collected by the stage that catches it."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def fail(code: str, message: str, span: Span | None, label: str = "", hint: str = "") -> SpecError:
    return SpecError(Diagnostic(code, message, span, label, hint))


def did_you_mean(word: str, choices) -> str:
    import difflib

    choices = list(choices)
    same_but_case = [c for c in choices if c.lower() == word.lower()]  # `ReLU`, `Conv`
    close = same_but_case or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def render(diag: Diagnostic, sources: dict[str, str]) -> str:
    """Render as a compiler does: `error[code]: message`, location, source line, caret, help."""
    out = [f"{diag.severity}[{diag.code}]: {diag.message}"]
    span = diag.span
    if span is not None:
        out.append(f"  --> {span.file}:{span.line}:{span.column}")
        text = sources.get(span.file)
        lines = text.split("\n") if text is not None else []  # numbered as the parser numbers them
        if 1 <= span.line <= len(lines):
            raw = lines[span.line - 1].rstrip("\r")
            src = raw.expandtabs(8)
            # Measure in terminal cells, with tabs expanded, so the caret sits under the culprit
            # even after Korean (double-width) text.
            before = raw[: span.column - 1].expandtabs(8)
            end_col = span.end_column if span.end_line == span.line else len(raw) + 1
            culprit = raw[span.column - 1 : max(end_col - 1, span.column)]
            pad = _cells(before)
            width = max(1, _cells(culprit.expandtabs(8)))
            num = str(span.line)
            gutter = " " * len(num)
            out.append(f"{gutter} |")
            out.append(f"{num} | {src}")
            caret = " " * pad + "^" * width + (f" {diag.label}" if diag.label else "")
            out.append(f"{gutter} | {caret}")
            out.append(f"{gutter} |")
    out.extend(f"note: {note}" for note in diag.notes)
    if diag.hint:
        out.append(f"help: {diag.hint}")
    return "\n".join(out)
