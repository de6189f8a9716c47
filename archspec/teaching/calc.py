"""`archspec calc "conv 128 1x1" --input 64x32x32`: one operation, or a chain separated by `;`, on
an input shape, without a spec file. The operations become a tiny spec that the analyzer checks
as it checks any other; errors point back into the command-line text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archspec.analysis.load import Result, analyse
from archspec.diagnostics import Diagnostic
from archspec.frontend.syntax import Span

SOURCE = "<calc>"  # the spec built from the command line
COMMAND = "<command line>"  # the operations as typed, where errors point
FIRST_LINE = 3  # the spec's lines: `network calc`, `input ...`, then one line per operation


@dataclass(frozen=True)
class Calc:
    text: str  # the operations as typed
    spec: str
    offsets: tuple[int, ...]  # where each operation starts in `text`
    result: Result

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The analyzer's diagnostics, pointing into the command-line text."""
        return [self._locate(d) for d in self.result.diagnostics]

    @property
    def sources(self) -> dict[str, str]:
        return {COMMAND: self.text}

    def _locate(self, d: Diagnostic) -> Diagnostic:
        span = d.span
        if span is not None and span.file == SOURCE and span.line == FIRST_LINE - 1:  # about the `input` line
            return replace(d, span=None, hint=d.hint and d.hint.replace("`input ", "`--input "))
        if span is None or span.file != SOURCE or not FIRST_LINE <= span.line < FIRST_LINE + len(self.offsets):
            return replace(d, span=None)
        start = self.offsets[span.line - FIRST_LINE]
        end = span.end_column if span.end_line == span.line else len(self.spec.split("\n")[span.line - 1]) + 1
        return replace(d, span=Span(COMMAND, 1, start + span.column, 1, start + end))


def parse_shape(text: str) -> tuple[int, ...] | None:
    """`64x32x32` (or `64×32×32`, `64,32,32`) -> (64, 32, 32); None if it is not a shape."""
    parts = re.split(r"\s*[x×X,]\s*", text.strip().strip("()[]"))
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def calc(text: str, shape: tuple[int, ...]) -> Calc:
    """Analyse the operations of `text` (separated by `;`) on an input of `shape`."""
    ops, offsets, at = [], [], 0
    for piece in text.replace("\n", ";").split(";"):  # a line break separates as `;` does
        stripped = piece.strip()
        if stripped:
            ops.append(stripped)
            offsets.append(at + len(piece) - len(piece.lstrip()))
        at += len(piece) + 1
    spec = "network calc\ninput " + "x".join(map(str, shape)) + "\n" + "\n".join(ops) + "\n"
    return Calc(text, spec, tuple(offsets), analyse(spec, SOURCE))


# the stand-in image sizes of a channels-only input (`--input 64`): large enough for any short chain
# of windows and strides; two of them, to find the parameters that depend on the size after all
STAND_IN = (1024, 1031)


def needs_image(run: Calc) -> bool:
    """Whether the operations failed only because the flat input is no image (`conv` on `64`)."""
    return any(d.code == "bad-input-rank" for d in run.result.diagnostics)


def channels_only(text: str, channels: int) -> tuple[Calc, bool]:
    """The operations on `channels` channels of an image whose size is not given: analysed on a
    stand-in size. Returns (the analysis, whether its parameters hold for any image size): they do
    not where a flatten feeds a dense layer, whose weights count every position."""
    runs = [calc(text, (channels, size, size)) for size in STAND_IN]
    first, second = runs
    same = (
        first.result.complete
        and second.result.complete
        and [n.params for n in first.result.network.nodes] == [n.params for n in second.result.network.nodes]
    )
    return first, same
