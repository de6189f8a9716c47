"""The network a question sheet asks about, as the sheet prints it: the spec's lines, numbered,
without its comments and `expect` clauses (they would give answers away), and with the imported
blocks the network calls written out in place of their `import` line, so that a sheet can be
answered on its own. `where` says which printed line each source line became, so a question can
point at its layer's line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from archspec.diagnostics import ArchspecError, SpecError
from archspec.frontend import syntax as s
from archspec.frontend.parse import parse
from archspec.frontend.syntax import Span

MAX_DEPTH = 8  # imports of imports followed this deep


@dataclass(frozen=True)
class Listing:
    lines: tuple[str, ...]  # the printed lines; line n of the sheet is lines[n - 1]
    where: dict[tuple[str, int], int] = field(default_factory=dict)  # (file, source line) -> printed line

    def line_of(self, span: Span | None) -> int | None:
        return None if span is None else self.where.get((span.file, span.line))

    def numbered(self) -> list[str]:
        """`  1  network LeNet5`: each line with its number, right-aligned."""
        width = len(str(len(self.lines)))
        return [f"{n:>{width}}  {text}".rstrip() for n, text in enumerate(self.lines, 1)]


def _expect_spans(spec: s.SpecFile) -> list[Span]:
    bodies = [spec.body, *(b.body for b in spec.blocks)]
    spans = []
    for body in bodies:
        for stmt in s.statements(body):
            if isinstance(stmt, s.Line) and stmt.expect is not None:
                spans.append(stmt.expect.span)
            elif isinstance(stmt, s.Expect):
                spans.append(stmt.span)
    return spans


def _cleaned(text: str, spec: s.SpecFile) -> list[str]:
    """The file's lines, one for one, without `expect` clauses and comments."""
    lines = text.split("\n")
    for span in sorted(_expect_spans(spec), key=lambda sp: (sp.line, sp.column), reverse=True):
        if span.end_line == span.line:
            row = lines[span.line - 1]
            lines[span.line - 1] = row[: span.column - 1] + row[span.end_column - 1 :]
        else:  # a clause over several lines: each of its lines emptied
            lines[span.line - 1] = lines[span.line - 1][: span.column - 1]
            for number in range(span.line + 1, span.end_line + 1):
                lines[number - 1] = lines[number - 1][span.end_column - 1 :] if number == span.end_line else ""
    out = []
    for line in lines:
        if not line.lstrip().startswith("import"):
            line = line.split("#")[0]
        out.append(line.rstrip())
    return out


def listing(text: str, file: str, used: set[str] | None = None) -> Listing:
    """The network file `text` (read from `file`, the name its spans carry) as a sheet prints it;
    `used`: the names of the blocks the network calls (imported blocks it does not call are left out;
    None: all of them)."""
    printed: list[str] = []
    where: dict[tuple[str, int], int] = {}

    def emit(source: str, number: int | None, line: str) -> None:
        if not line.strip() and (not printed or not printed[-1].strip()):
            return  # no blank line first, nor two in a row
        printed.append(line)
        if number is not None:
            where[(source, number)] = len(printed)

    def imported(spec: s.SpecFile, depth: int, seen: set[str]) -> None:
        """The blocks an import brings that the network calls, each written as its file has it."""
        base = os.path.dirname(spec.file) if not spec.file.startswith("<") else os.getcwd()
        for imp in spec.imports:
            target = os.path.normpath(os.path.join(base, imp.path))
            if target in seen or depth > MAX_DEPTH:
                continue
            seen.add(target)
            try:
                with open(target, encoding="utf-8-sig") as f:
                    source = f.read()
                inner = parse(source, target)
            except (OSError, ValueError, ArchspecError, SpecError):  # the analysis has said what is wrong
                emit(spec.file, None, f'import "{imp.path}"')
                continue
            imported(inner, depth + 1, seen)
            rows = _cleaned(source, inner)
            for block in inner.blocks:
                if used is not None and block.name not in used:
                    continue
                emit(target, None, "")
                for number in range(block.span.line, block.span.end_line + 1):
                    if number <= len(rows) and (number < block.span.end_line or block.span.end_column > 1):
                        emit(target, number, rows[number - 1])

    spec = parse(text, file)
    rows = _cleaned(text, spec)
    import_lines = {imp.span.line for imp in spec.imports}
    for number, line in enumerate(rows, 1):
        if number in import_lines:
            if number == min(import_lines):
                imported(spec, 1, {os.path.normpath(file)})
                emit(file, None, "")
            continue
        emit(file, number, line)
    while printed and not printed[-1].strip():
        printed.pop()
    return Listing(tuple(printed), where)


def renamed(text: str, name: str) -> str:
    """The spec `text` with its network called `name` (`network LeNet5` -> `network LeNet5_v1`)."""
    return re.sub(r"^(\s*network\s+)[A-Za-z_]\w*", lambda m: m.group(1) + name, text, count=1, flags=re.M)


__all__ = ["Listing", "listing", "renamed"]
