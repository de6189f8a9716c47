"""archspec for the browser playground: spec text in, plain JSON-able dicts out.

The playground (playground/ in the repository) runs this module in Pyodide, so the page shows
exactly what the command line shows: the rows and totals of `archspec check --json`, the
diagnostics as `check` prints them, the DOT text of `archspec render`, `explain`'s steps and
`quiz`'s grading. Nothing here prints, reads the network or needs a terminal; each function
takes the spec's text (and the file name it stands for, which places its imports) and never
raises for bad input.

The last analysis is kept, so that the table, the diagram, `explain` and a quiz answer given for
the same text analyse it once.
"""

from __future__ import annotations

import json

from archspec.analysis.graph import CONVENTIONS
from archspec.analysis.load import Result
from archspec.analysis.load import analyse as _analyse_text
from archspec.diagnostics import Diagnostic
from archspec.frontend.parse import parse as _parse
from archspec.i18n import Message

DEFAULT_FILE = "spec.arch"
_last: tuple[str, str, Result] | None = None
_parsed: dict[tuple[str, str], object] = {}


def _parse_cached(text: str, file: str):
    """archspec's parser, remembering the last few files: an imported file (`blocks.arch`) is
    parsed once, not at every keystroke. The parsed spec is immutable; a spec that does not parse
    raises as it did."""
    key = (text, file)
    if key not in _parsed:
        if len(_parsed) >= 8:
            _parsed.pop(next(iter(_parsed)))
        _parsed[key] = _parse(text, file)
    return _parsed[key]


def _use_parse_cache() -> None:
    from archspec.analysis import load

    load.parse = _parse_cached


def _result(text: str, file: str) -> Result:
    global _last
    if _last is not None and _last[0] == text and _last[1] == file:
        return _last[2]
    import gc

    _use_parse_cache()
    gc.disable()  # as `check` does: the collector's passes cost a third of the analysis
    try:
        result = _analyse_text(text, file)
    finally:
        gc.enable()
    _last = (text, file, result)
    return result


LAYER_KEYS = ("path", "kind", "output", "params", "trainable", "buffers", "macs", "file", "line", "column", "depth")


def check_json(result: Result, file: str) -> dict:
    """`archspec check --json`'s object, but for the layers' receptive fields (`rf`), which take a
    third of the time of a check and the page does not show (`explain` gives them)."""
    from archspec.views.report import to_json

    if not result.complete:
        return to_json(result, file)
    net = result.network
    layers = []
    for row in net.layers:
        layer = {k: row[k] for k in LAYER_KEYS}
        if row["kind"] == "block":
            layer["block"] = row["name"]
            layer["args"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in row["args"].items()}
        layers.append(layer)
    return {
        "file": file,
        "ok": result.ok,
        "network": net.name,
        "input": list(net.input_shape),
        "output": list(net.output_shape),
        "params": net.params,
        "trainable_params": net.trainable_params,
        "non_trainable_params": net.non_trainable_params,
        "frozen": list(net.frozen),
        "init": dict(net.init),
        "buffers": net.buffers,
        "macs": net.macs,
        "memory": net.memory_as("torchsummary").to_json(),
        "memory_conventions": {name: net.memory_as(name).to_json() for name in CONVENTIONS},
        "layers": layers,
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }


def diagnostic_json(diag: Diagnostic, sources: dict[str, str]) -> dict:
    """A diagnostic as `check --json` gives it, with where it ends, its label and the text
    `check` prints for it (source line, caret, help)."""
    from archspec.diagnostics import render

    out = diag.to_json()
    span = diag.span
    out["end_line"] = span.end_line if span else None
    out["end_column"] = span.end_column if span else None
    out["label"] = diag.label or None
    out["rendered"] = render(diag, sources)
    return out


def analyse(text: str, file: str = DEFAULT_FILE, lang: str = "en") -> dict:
    """Everything the page shows for a spec but the diagram: the `check --json` object
    (`check`), the table's rows as `check` prints them (`rows`: cells and style) with the line each
    comes from, the totals' lines, and the diagnostics with their printed text, in `lang` as the
    command line gives them under `--lang`. The layers of `check` have no `rf` (see `check_json`)."""
    from archspec.diagnostics import output_language, set_output_language
    from archspec.i18n import units

    before = output_language()
    set_output_language(lang, units(None, lang))
    try:
        return _analysis(text, file, lang)
    finally:
        set_output_language(*before)


def _analysis(text: str, file: str, lang: str) -> dict:
    from archspec.i18n import units
    from archspec.messages import localise_table
    from archspec.views.report import table_lines, table_rows

    result = _result(text, file)
    check = check_json(result, file)
    check["diagnostics"] = [diagnostic_json(d, result.sources) for d in result.diagnostics]
    net = result.network
    out = {"check": check, "rows": [], "header": [], "totals": [], "complete": result.complete}
    if result.complete:
        frozen = net.non_trainable_params > 0
        out["header"] = ["Layer", "Kind", "Output", "Params", *(["Trainable"] if frozen else []), "MACs"]
        cells = table_rows(net)
        for layer, row in zip(check["layers"], cells):
            *values, style = row
            out["rows"].append(
                {
                    "path": layer["path"],
                    "kind": layer["kind"],
                    "depth": layer["depth"],
                    "line": layer["line"] if layer["file"] == file else None,
                    "cells": list(values),
                    "style": style,
                    "quiz": layer["kind"] != "input" and layer["output"] is not None,
                }
            )
        lines = localise_table(table_lines(net, 0), lang, units(None, lang))  # the totals follow the last rule
        rule = max(i for i, (line, style) in enumerate(lines) if style == "dim" and line.startswith("─"))
        out["totals"] = [line for line, _ in lines[rule + 1 :]]
    return out


def diagram(
    text: str, file: str = DEFAULT_FILE, expanded: bool = False, direction: str = "TB", lang: str = "en"
) -> dict:
    """The DOT text `archspec render --format dot` writes (`--expand` where `expanded`), its words in
    `lang`, or why there is none."""
    from archspec.views.diagram import dot_source

    result = _result(text, file)
    net = result.network
    if not (result.ok or result.complete) or net is None or not net.nodes:
        return {"ok": False, "dot": None, "error": _said(Message("web.nothing-to-draw"), lang)}
    lang = lang if lang in ("en", "ko") else "en"
    return {"ok": True, "dot": dot_source(net, None if expanded else 0, direction, lang=lang), "error": None}


def _said(text: str, lang: str) -> str:
    """A message in `lang`, by archspec's message catalogues."""
    from archspec.i18n import Language

    return Language(lang).say(text)


def _translator(lang: str):
    from archspec.i18n import translator

    return translator(lang if lang in ("en", "ko") else "en")


def explain(text: str, path: str, lang: str = "en", file: str = DEFAULT_FILE) -> dict:
    """`archspec explain FILE PATH --lang LANG`: the steps of the layer at `path` (every layer in it
    for a block) as JSON (`layers`) and as the text the command prints (`text`)."""
    from archspec.teaching.explain import UnknownLayer, render_text, select, to_json
    from archspec.teaching.explain import explain as explain_nodes

    result = _result(text, file)
    if not result.complete:
        return {
            "ok": False,
            "error": _said(Message("web.nothing-to-explain"), lang),
            "layers": [],
            "text": "",
        }
    t = _translator(lang)
    try:
        nodes = select(result.network, [path])
    except UnknownLayer as err:
        error = _said(Message("explain.no-layer-here", name=path, hint=err.hint), lang)
        return {"ok": False, "error": error, "layers": [], "text": ""}
    if not nodes:  # the input row
        return {
            "ok": True,
            "error": None,
            "layers": [],
            "text": t("no layer to explain: the network is its input alone"),
        }
    explanations = explain_nodes(result.network, nodes)
    return {
        "ok": True,
        "error": None,
        "layers": [to_json(e, t) for e in explanations],
        "text": render_text(explanations, t),
    }


def answer_sheet(path: str, field: str, answer: str) -> str:
    """The TOML answer sheet of `archspec quiz` with one answer: `["layer1.0"]` / `params = "1.5K"`."""
    return f"[{json.dumps(path)}]\n{field} = {json.dumps(answer)}\n"


def grade(text: str, path: str, field: str, answer: str, lang: str = "en", file: str = DEFAULT_FILE) -> dict:
    """One answer graded as `archspec quiz` grades it: `path` a layer's or block's path (or
    "total"), `field` output, params, macs or rf. `result` is right, wrong or missing, or `bad`
    where the answer cannot be read (then `message` and `hint` say why)."""
    from archspec.teaching import quiz

    result = _result(text, file)
    if not result.complete:
        message = _said(Message("web.nothing-to-grade"), lang)
        return {"ok": False, "result": None, "message": message, "hint": None}
    t = _translator(lang)
    grading = quiz.grade(result.network, answer_sheet(path, field, answer), "answers.toml")
    if grading.diagnostics:
        d = grading.diagnostics[0]
        return {"ok": False, "result": "bad", "message": _said(d.message, lang), "hint": _said(d.hint, lang) or None}
    from archspec.i18n import units

    mark = quiz.to_json(grading, t, units(None, lang))["marks"][0]
    mark.update(ok=True, label=t(quiz.LABELS[mark["question"]]), status=t(mark["result"]))
    return mark


def texts(lang: str) -> dict:
    """The words of `archspec quiz` and `explain` the page shows, in `lang`."""
    from archspec.teaching.quiz import LABELS

    t = _translator(lang)
    words = ["Layer", "Question", "Answer", "Correct", "Result", "right", "wrong", "missing"]
    return {**{w: t(w) for w in words}, **{k: t(v) for k, v in LABELS.items()}}


def call(name: str, args_json: str) -> str:
    """The page's one entry point: `name` one of the functions above, its arguments and its
    answer as JSON text (so the browser needs no proxies of Python objects)."""
    functions = {"analyse": analyse, "diagram": diagram, "explain": explain, "grade": grade, "texts": texts}
    return json.dumps(functions[name](**json.loads(args_json)), ensure_ascii=False)
