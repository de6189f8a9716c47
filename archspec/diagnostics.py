"""Diagnostics: one model for every error archspec reports, rendered as text or as JSON."""

from __future__ import annotations

from dataclasses import dataclass

from archspec.frontend.syntax import Span


@dataclass(frozen=True)
class Diagnostic:
    code: str  # stable, e.g. "shape-mismatch"
    message: str
    span: Span | None
    label: str = ""  # printed beside the caret
    hint: str = ""
    severity: str = "error"
    notes: tuple[str, ...] = ()  # where it happened, for errors inside block instances

    def to_json(self, lang: str | None = None, unit: str | None = None) -> dict:
        """The diagnostic for tools; `lang="ko"`: its message, hint and notes in Korean (the code
        and severity stay as they are: they are names, not prose). Without `lang`, the output
        language the command line set (`set_output_language`), English elsewhere."""
        diag = localise(self, lang, unit)
        return {
            "severity": diag.severity,
            "code": diag.code,
            "message": diag.message,
            "file": diag.span.file if diag.span else None,
            "line": diag.span.line if diag.span else None,
            "column": diag.span.column if diag.span else None,
            "hint": diag.hint or None,
            "notes": list(diag.notes),
        }


_OUTPUT = {"lang": "en", "unit": None}


def set_output_language(lang: str, unit: str | None = None) -> None:
    """The language (and the units of counts) that diagnostics are rendered in where no call says:
    the command line sets it from `--lang`, `--units` and the environment; Python callers get English."""
    _OUTPUT.update(lang=lang, unit=unit)


def output_language() -> tuple[str, str | None]:
    return _OUTPUT["lang"], _OUTPUT["unit"]


def say(text: str) -> str:
    """`text` in the language the command line chose. The catalogue (archspec.messages) is imported
    only where it is needed: an English `check` does without it."""
    from archspec.i18n import Language

    lang, unit = output_language()
    return Language(lang, unit).say(text)


def localise(diag: Diagnostic, lang: str | None = None, unit: str | None = None) -> Diagnostic:
    """`diag` with its message, label, hint and notes in `lang`, as far as the catalogue
    (archspec.messages) has them; what it lacks stays English."""
    from archspec.i18n import Language

    if lang is None:
        lang, unit = _OUTPUT["lang"], unit or _OUTPUT["unit"]
    speaking = Language(lang, unit)
    if speaking.english:
        return diag
    from dataclasses import replace

    t = speaking.say

    return replace(
        diag,
        message=t(diag.message),
        label=t(diag.label),
        hint=t(diag.hint),
        notes=tuple(t(n) for n in diag.notes),
    )


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


def listing(choices, limit: int = 12) -> str:
    """`a`, `b`, `c` and 5 more: names to choose from, for a hint where none is close enough to guess."""
    names = list(dict.fromkeys(choices))
    shown = ", ".join(f"`{c}`" for c in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


# control characters as the pictures Unicode has for them (NUL as ␀), others as �: a terminal would
# act on them or show nothing, and the caret under the line would stand apart from its column
_CONTROL_PICTURES = {c: 0x2400 + c for c in range(32) if c != 9} | {127: 0x2421}
_CONTROL_PICTURES |= dict.fromkeys(range(128, 160), 0xFFFD)


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


SEVERITY_KO = {"error": "오류", "warning": "경고"}


def render(diag: Diagnostic, sources: dict[str, str], lang: str | None = None, unit: str | None = None) -> str:
    """Render as a compiler does: `error[code]: message`, location, source line, caret, help.
    `lang="ko"`: in Korean (`오류[code]: ...`, `참고:`, `도움말:`), the code as it is. Without
    `lang`: the output language the command line set, English elsewhere."""
    if lang is None:
        lang, unit = _OUTPUT["lang"], unit or _OUTPUT["unit"]
    diag = localise(diag, lang, unit)
    korean = lang == "ko"
    severity = SEVERITY_KO.get(diag.severity, diag.severity) if korean else diag.severity
    out = [f"{severity}[{diag.code}]: {diag.message}"]
    span = diag.span
    if span is not None:
        out.append(f"  --> {span.file}:{span.line}:{span.column}")
        text = sources.get(span.file)
        lines = text.split("\n") if text is not None else []  # numbered as the parser numbers them
        if 1 <= span.line <= len(lines):
            raw = lines[span.line - 1].rstrip("\r").translate(_CONTROL_PICTURES)
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
    note, help_ = ("참고", "도움말") if korean else ("note", "help")
    out.extend(f"{note}: {text}" for text in diag.notes)
    if diag.hint:
        out.append(f"{help_}: {diag.hint}")
    return "\n".join(out)
