"""What the language server answers, as plain functions of a document's text: diagnostics, hovers,
inlay hints, definitions, completions, symbols and formatting. Positions here are (0-based line,
character index) pairs; `Encoder` turns them into the client's units (UTF-16 by default)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp

from archspec.analysis.load import MAX_SPEC_BYTES, Result, _collect_blocks, analyse
from archspec.diagnostics import ArchspecError, Diagnostic, localise
from archspec.frontend import syntax as s
from archspec.frontend.parse import parse

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEYWORDS = (
    "network", "input", "block", "import", "expect", "let", "if", "elif", "else", "init", "freeze",
    "unfreeze", "defaults", "branch", "shortcut", "project", "identity", "from",
)  # fmt: skip
# Analysing takes about 10 s per 100,000 lines: beyond this, an editor would wait on every keystroke
# (`archspec check` reads up to MAX_SPEC_BYTES). A 40,000-layer spec is 400 KB.
MAX_DOCUMENT_BYTES = 512 * 1024
SHOWN_INSTANCES = 8  # block instances listed in a hover on a line of a block's definition


def uri_to_path(uri: str) -> str:
    """The file a `file:` URI names; other URIs (`untitled:1`) as they are."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    path = unquote(parsed.path)
    if os.name == "nt" and re.match(r"/[A-Za-z]:", path):  # pragma: no cover
        path = path[1:]
    return path


def path_to_uri(path: str) -> str:
    from pathlib import Path

    try:
        return Path(os.path.abspath(path)).as_uri()
    except ValueError:  # pragma: no cover
        return path


class Encoder:
    """Character indexes <-> the client's position units (utf-8, utf-16 or utf-32 code units)."""

    def __init__(self, encoding: str = "utf-16"):
        self.encoding = str(getattr(encoding, "value", encoding) or "utf-16")

    def units(self, text: str) -> int:
        if self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, lines: list[str], line: int, char: int) -> lsp.Position:
        text = lines[line] if 0 <= line < len(lines) else ""
        return lsp.Position(line=max(0, line), character=self.units(text[: max(0, char)]))

    def char(self, lines: list[str], position: lsp.Position) -> int:
        """The character index in its line of a client's position."""
        if not 0 <= position.line < len(lines):
            return 0
        text, units = lines[position.line], 0
        for i, c in enumerate(text):
            if units >= position.character:
                return i
            units += self.units(c)
        return len(text)


@dataclass
class Document:
    """One analysed text: the check's result, and its syntax tree where it parses."""

    uri: str
    path: str
    text: str
    lines: list[str]
    result: Result
    tree: s.SpecFile | None


def analyse_document(uri: str, text: str) -> Document:
    path = uri_to_path(uri)
    lines = text.split("\n")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
        reason = f"is larger than {MAX_DOCUMENT_BYTES // 1024} KB: the editor's checks stop there"
        diag = Diagnostic("bad-file", f"{path}: {reason}", None, "", "`archspec check` checks it (up to 4 MB)")
        return Document(uri, path, text, lines, Result(None, [diag], {}), None)
    try:
        tree = parse(text, path)
    except ArchspecError:
        tree = None
    except RecursionError:  # pragma: no cover - analyse reports it
        tree = None
    return Document(uri, path, text, lines, analyse(text, path), tree)


# ------------------------------------------------------------------------------------ diagnostics
def span_range(span: s.Span, lines: list[str], enc: Encoder) -> lsp.Range:
    end_line = span.end_line if span.end_line else span.line
    end_column = span.end_column if span.end_column else span.column + 1
    if (end_line, end_column) <= (span.line, span.column):
        end_line, end_column = span.line, span.column + 1
    return lsp.Range(
        start=enc.position(lines, span.line - 1, span.column - 1),
        end=enc.position(lines, end_line - 1, end_column - 1),
    )


def diagnostics(doc: Document, lang: str, unit: str | None, enc: Encoder) -> list[lsp.Diagnostic]:
    """The diagnostics `archspec check` gives the document, each at its span; one in another file
    (an imported spec) at the `import` line that brings it in, or at the start."""
    from archspec.messages import translate

    helps = "도움말" if lang == "ko" else "help"
    out = []
    for diag in doc.result.diagnostics:
        d = localise(diag, lang, unit)
        message = d.message
        if d.label and d.span is not None:
            message += f" ({d.label})"
        if d.span is not None and d.span.file == doc.path:
            where = span_range(d.span, doc.lines, enc)
        else:
            where = _import_range(doc, d.span.file if d.span else None, enc)
            if d.span is not None:
                message = f"{d.span.file}:{d.span.line}:{d.span.column}: {message}"
        if d.hint:
            message += f"\n{helps}: {d.hint}"
        for note in d.notes:
            message += f"\n{translate(note, lang, unit) if lang != 'en' else note}"
        out.append(
            lsp.Diagnostic(
                range=where,
                message=message,
                severity=lsp.DiagnosticSeverity.Warning if d.severity == "warning" else lsp.DiagnosticSeverity.Error,
                code=d.code,
                source="archspec",
            )
        )
    return out


def _import_range(doc: Document, file: str | None, enc: Encoder) -> lsp.Range:
    if file is not None and doc.tree is not None:
        base = os.path.dirname(doc.path)
        for imp in doc.tree.imports:
            if os.path.normpath(os.path.join(base, imp.path)) == os.path.normpath(file):
                return span_range(imp.span, doc.lines, enc)
    zero = lsp.Position(line=0, character=0)
    return lsp.Range(start=zero, end=zero)


# ---------------------------------------------------------------------------------------- words
def word_at(doc: Document, line: int, char: int) -> tuple[str, int, int] | None:
    """The name under (line, char): its text and its start and end characters."""
    if not 0 <= line < len(doc.lines):
        return None
    text = doc.lines[line]
    for m in _WORD.finditer(text):
        if m.start() <= char <= m.end():
            if "#" in text[: m.start()]:
                return None  # in a comment
            return m.group(), m.start(), m.end()
    return None


def _fmt(shape) -> str:
    return "x".join(str(d) for d in shape) if shape else "-"


# ------------------------------------------------------------------------------------------ hover
def _here(doc: Document, line: int):
    """The nodes and block instances written on 0-based `line` of the document."""
    net = doc.result.network
    if net is None:
        return [], []
    nodes = [n for n in net.nodes if n.span is not None and n.span.file == doc.path and n.span.line == line + 1]
    groups = [g for g in net.groups if g.span is not None and g.span.file == doc.path and g.span.line == line + 1]
    return nodes, groups


def hover(doc: Document, line: int, char: int, lang: str, unit: str | None, enc: Encoder) -> lsp.Hover | None:
    from archspec.i18n import count
    from archspec.layers import CATALOGUE

    found = word_at(doc, line, char)
    nodes, groups = _here(doc, line)
    net = doc.result.network
    t = _translate(lang, unit)
    n_ = lambda v: count(v, unit or ("ko" if lang == "ko" else "en"))  # noqa: E731
    text = ""
    word = found[0] if found else None
    if found and doc.lines[line][found[2] :].lstrip().startswith(":"):
        word = None  # a label (`maxpool: maxpool 3x3`) speaks of its line, not of a kind
    called = [g for g in groups if g.name == word and g.kind == "block"] if word else []
    if called:
        rows = []
        for g in called[:SHOWN_INSTANCES]:
            inside = net.nodes[g.first : g.last + 1]
            out = net.nodes[g.output].shape if g.output is not None else inside[-1].shape
            rows.append(
                f"{g.path}: {g.name}  → {_fmt(out)}  {t('Params')} {n_(sum(n.params for n in inside))}  "
                f"{t('MACs')} {n_(sum(n.macs for n in inside))}  ({len(inside)} {t('layers')})"
            )
        if len(called) > SHOWN_INSTANCES:
            rows.append(f"... (+{len(called) - SHOWN_INSTANCES})")
        text = "\n".join(rows)
    elif word in CATALOGUE and any(n.kind is CATALOGUE[word] for n in nodes):
        node = next(n for n in nodes if n.kind is CATALOGUE[word])
        text = _explained(net, node, lang, unit)
    elif nodes:
        text = _node_rows(net, nodes, t, n_)
    elif word in CATALOGUE:
        text = _kind_text(CATALOGUE[word], t)
    if not text:
        return None
    rng = None
    if found:
        rng = lsp.Range(start=enc.position(doc.lines, line, found[1]), end=enc.position(doc.lines, line, found[2]))
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=f"```\n{text}\n```"), range=rng)


def _translate(lang: str, unit: str | None):
    if lang == "en":
        return lambda text: text
    from archspec.messages import PHRASES, translate

    extra = {"layers": "층", "receptive field": "수용 영역", "options": "옵션", "first of": "첫 번째 인스턴스"}

    def t(text: str) -> str:
        return extra.get(text) or PHRASES.get(text) or translate(text, lang, unit)

    return t


def _node_rows(net, nodes, t, n_) -> str:
    from archspec.analysis.receptive import receptive_fields

    fields = receptive_fields(net)
    rows = []
    for node in nodes[:SHOWN_INSTANCES]:
        rows.append(
            f"{node.path}: {node.notation}  → {_fmt(node.shape)}  {t('Params')} {n_(node.params)}  "
            f"{t('MACs')} {n_(node.macs)}  {t('RF')} {fields[node.id].text()}"
        )
    if len(nodes) > SHOWN_INSTANCES:
        rows.append(f"... (+{len(nodes) - SHOWN_INSTANCES})")
    return "\n".join(rows)


def _explained(net, node, lang: str, unit: str | None) -> str:
    from archspec.i18n import translator
    from archspec.teaching.explain import explain, render_text

    return render_text(explain(net, [node]), translator(lang), unit or ("ko" if lang == "ko" else "en")).rstrip()


def _kind_text(kind, t) -> str:
    title = t(kind.title) if kind.title else kind.name
    options = _options(kind, skip=kind.positional)
    words = [kind.name, *kind.positional]
    return f"{' '.join(words)}: {title}\n{t('options')}: {options}" if options else f"{' '.join(words)}: {title}"


def _value(value) -> str:
    """An option's value as a spec writes it: `true`, `3x3`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def _options(kind, skip=()) -> str:
    return " ".join(
        f"{key}={_value(opt.default)}" if opt.default is not None else key
        for key, opt in kind.options.items()
        if key not in skip
    )


# ------------------------------------------------------------------------------------ inlay hints
def inlay_hints(doc: Document, first: int, last: int, enc: Encoder) -> list[lsp.InlayHint]:
    """Each line's output shape at its end: the shape of the last layer or block call written on
    it (on a line of a block's definition, the shapes its calls give, when they differ: `a | b`)."""
    net = doc.result.network
    if net is None:
        return []
    ends: dict[int, list[tuple[int, int]]] = {}  # line -> (position in the run, node id) per instance
    for node in net.nodes:
        if node.span is not None and node.span.file == doc.path and node.kind is not None:
            ends.setdefault(node.span.line - 1, []).append((node.id, node.id))
    for g in net.groups:
        if g.span is not None and g.span.file == doc.path:
            output = g.output if g.output is not None else g.last
            ends.setdefault(g.span.line - 1, []).append((g.last, output))
    hints = []
    for line in sorted(ends):
        if not first <= line <= last or line >= len(doc.lines):
            continue
        shapes = _line_shapes(net, ends[line])
        label = " | ".join(shapes[:3]) + (" | ..." if len(shapes) > 3 else "")
        text = doc.lines[line].rstrip("\r")
        hints.append(
            lsp.InlayHint(
                position=enc.position(doc.lines, line, len(text)),
                label=f"→ {label}",
                kind=lsp.InlayHintKind.Type,
                padding_left=True,
            )
        )
    return hints


def _line_shapes(net, ends: list[tuple[int, int]]) -> list[str]:
    """The distinct output shapes of a line: per instance of it, its last layer's."""
    # a line in a block's definition runs once per call of the block: its nodes come in runs
    by_instance: dict[str, tuple[int, int]] = {}
    for last, output in ends:
        path = net.nodes[output].path
        instance = path.rsplit(".", 1)[0] if "." in path else ""
        if instance not in by_instance or last > by_instance[instance][0]:
            by_instance[instance] = (last, output)
    shapes: list[str] = []
    for _, output in sorted(by_instance.values()):
        shape = _fmt(net.nodes[output].shape)
        if shape not in shapes:
            shapes.append(shape)
    return shapes


# ------------------------------------------------------------------------------------- definition
def _blocks(doc: Document) -> dict[str, s.BlockDef]:
    if doc.tree is None:
        return {}
    try:
        return _collect_blocks(doc.tree, {}, [], (os.path.normpath(doc.path),))
    except Exception:  # an import the analysis would report: go to what is known
        return {b.name: b for b in doc.tree.blocks}


def _enclosing(doc: Document, line: int) -> s.BlockDef | None:
    for block in doc.tree.blocks:
        if block.span.line <= line + 1 <= block.span.end_line:
            return block
    return None


def definition(doc: Document, line: int, char: int, enc: Encoder) -> list[lsp.Location]:
    """Where the name under the cursor is defined: a block (in this file or an imported one), a
    named line (`enc1: conv ...`, the last one before the cursor in the same body), a `let`, a
    parameter of the enclosing block or of the network."""
    found = word_at(doc, line, char)
    if found is None or doc.tree is None:
        return []
    word = found[0]
    block = _enclosing(doc, line)
    body = block.body if block is not None else doc.tree.body
    candidates: list[s.Span] = []
    for stmt in s.statements(body):
        if isinstance(stmt, s.Line) and stmt.label == word and stmt.label_span is not None:
            candidates.append(stmt.label_span)
        elif isinstance(stmt, s.SplitLine):
            candidates.extend(span for name, span in stmt.names if name == word)
        elif isinstance(stmt, s.Let) and stmt.name == word:
            candidates.append(stmt.name_span)
    before = [c for c in candidates if c.line - 1 < line or (c.line - 1 == line and c.column - 1 <= found[1])]
    if before:
        return [_location(doc, max(before, key=lambda c: (c.line, c.column)), enc)]
    params = block.params if block is not None else doc.tree.network_params
    for param in params:
        if param.name == word:
            return [_location(doc, param.span, enc, len(word))]
    blocks = _blocks(doc)
    if word in blocks:
        return [_location(doc, blocks[word].name_span, enc)]
    if candidates:
        return [_location(doc, candidates[0], enc)]
    return []


def _location(doc: Document, span: s.Span, enc: Encoder, length: int | None = None) -> lsp.Location:
    if span.file == doc.path:
        lines = doc.lines
    else:
        try:
            with open(span.file, encoding="utf-8-sig") as f:
                lines = f.read(MAX_SPEC_BYTES).split("\n")
        except (OSError, ValueError):
            lines = []
    if length is not None:
        span = s.Span(span.file, span.line, span.column, span.line, span.column + length)
    uri = doc.uri if span.file == doc.path else path_to_uri(span.file)
    return lsp.Location(uri=uri, range=span_range(span, lines, enc))


# ------------------------------------------------------------------------------------- completion
def completion(doc: Document, line: int, char: int, lang: str, unit: str | None) -> list[lsp.CompletionItem]:
    """Layer kinds (their options in the detail), blocks with their parameters, keywords; after
    a layer kind on the line, its options as `key=`."""
    from archspec.layers import ALL, CATALOGUE

    t = _translate(lang, unit)
    items: list[lsp.CompletionItem] = []
    before = doc.lines[line][:char] if 0 <= line < len(doc.lines) else ""
    words = _WORD.findall(before.split("#")[0])
    kinds_on_line = [w for w in words if w in CATALOGUE]
    if kinds_on_line:
        kind = CATALOGUE[kinds_on_line[-1]]
        for key, opt in kind.options.items():
            default = "" if opt.default is None else f" ({_value(opt.default)})"
            items.append(
                lsp.CompletionItem(
                    label=f"{key}=",
                    kind=lsp.CompletionItemKind.Property,
                    detail=f"{kind.name}: {opt.type}{default}",
                    sort_text=f"0{key}",
                )
            )
    for kind in ALL:
        options = _options(kind, skip=kind.positional)
        for word in (kind.name, *kind.aliases):
            items.append(
                lsp.CompletionItem(
                    label=word,
                    kind=lsp.CompletionItemKind.Function,
                    detail=t(kind.title) if kind.title else kind.name,
                    documentation=f"{' '.join([kind.name, *kind.positional])}\n{options}".strip(),
                    sort_text=f"1{word}",
                )
            )
    for name, block in _blocks(doc).items():
        params = ", ".join(p.name for p in block.params)
        items.append(
            lsp.CompletionItem(
                label=name,
                kind=lsp.CompletionItemKind.Module,
                detail=f"block {name}({params})",
                insert_text=f"{name}(",
                sort_text=f"1{name}",
            )
        )
    for word in KEYWORDS:
        items.append(lsp.CompletionItem(label=word, kind=lsp.CompletionItemKind.Keyword, sort_text=f"2{word}"))
    return items


# ------------------------------------------------------------------------------------------ symbols
def symbols(doc: Document, enc: Encoder) -> list[lsp.DocumentSymbol]:
    """The blocks (their named lines inside) and the network (its named lines)."""
    if doc.tree is None:
        return []

    def named(body) -> list[lsp.DocumentSymbol]:
        out = []
        for stmt in s.statements(body):
            label = getattr(stmt, "label", None)
            span = getattr(stmt, "label_span", None) or (stmt.head_span if isinstance(stmt, s.Compound) else None)
            if label and span is not None:
                out.append(_symbol(doc, label, lsp.SymbolKind.Field, stmt.span, span, enc))
        return out

    result = []
    for block in doc.tree.blocks:
        if block.span.file != doc.path:
            continue
        params = ", ".join(p.name for p in block.params)
        sym = _symbol(doc, block.name, lsp.SymbolKind.Function, block.span, block.name_span, enc, f"({params})")
        sym.children = named(block.body)
        result.append(sym)
    if doc.tree.network is not None and doc.tree.network_span is not None:
        last = doc.tree.body[-1].span if doc.tree.body else doc.tree.network_span
        whole = s.Span(doc.path, doc.tree.network_span.line, 1, last.end_line, last.end_column)
        sym = _symbol(doc, doc.tree.network, lsp.SymbolKind.Class, whole, doc.tree.network_span, enc, "network")
        sym.children = named(doc.tree.body)
        result.append(sym)
    return result


def _symbol(doc, name, kind, span, selection, enc, detail=None) -> lsp.DocumentSymbol:
    whole = span_range(span, doc.lines, enc)
    pick = span_range(selection, doc.lines, enc)
    if (pick.start.line, pick.start.character) < (whole.start.line, whole.start.character) or (
        pick.end.line,
        pick.end.character,
    ) > (whole.end.line, whole.end.character):
        pick = whole
    return lsp.DocumentSymbol(name=name, kind=kind, range=whole, selection_range=pick, detail=detail)


# ------------------------------------------------------------------------------------------ format
def formatting(doc: Document, enc: Encoder) -> list[lsp.TextEdit] | None:
    """`archspec fmt` of the document: one edit of the whole text; none where it does not parse."""
    from archspec.frontend.format import format_text

    try:
        formatted = format_text(doc.text, doc.path)
    except (ArchspecError, AssertionError, RecursionError):
        return None
    if formatted == doc.text:
        return []
    end = enc.position(doc.lines, len(doc.lines) - 1, len(doc.lines[-1]))
    return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=formatted)]
