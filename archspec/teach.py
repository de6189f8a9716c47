"""The teaching commands of the command line: `explain`, `calc` and `quiz`."""

from __future__ import annotations

import json
import sys

from .diagnostics import render
from .i18n import count, language, translator, units

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def usage_error(command: str, message: str) -> int:
    from .messages import say

    print(say(f"archspec {command}: error: {message}"), file=sys.stderr)
    return EXIT_USAGE


def _report(diagnostics, sources) -> None:
    for diag in diagnostics:
        print(render(diag, sources), file=sys.stderr)
        print(file=sys.stderr)


def _dump(payload) -> None:
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _analysed(path: str, as_json: bool):
    """(network or None, exit status): the spec's network where it checks far enough to teach from.
    Without one, and `as_json`, the diagnostics are printed as JSON as well, as `calc --json` does."""
    from .load import analyse_file

    result = analyse_file(path)
    _report(result.diagnostics, result.sources)
    net, status = _teachable(path, result)
    if net is None and as_json:
        _dump({"ok": False, "diagnostics": [d.to_json() for d in result.diagnostics]})
    return net, status


def _teachable(path: str, result):
    """(network or None, exit status), saying on stderr why there is none."""
    from .messages import say

    if result.unreadable:
        return None, EXIT_USAGE
    net = result.network
    if result.ok and net is not None and not net.nodes:  # an empty file, or one of blocks for others to import
        blocks = ", ".join(net.blocks) if net.blocks else "nothing"
        print(say(f"{path}: no network to teach from; the file defines {blocks}"), file=sys.stderr)
        return None, EXIT_FAILED
    if not result.complete:
        count = sum(d.severity == "error" for d in result.diagnostics)
        print(say(f"{path}: {count} error{'s' if count != 1 else ''}"), file=sys.stderr)
        return None, EXIT_FAILED
    return net, EXIT_OK if result.ok else EXIT_FAILED


def explain_command(args) -> int:
    from .explain import UnknownLayer, explain, render_text, select, to_json

    net, status = _analysed(args.file, args.json)
    if net is None:
        return status
    try:
        nodes = select(net, args.layers)
    except UnknownLayer as err:
        hint = f"; {err.hint}" if err.hint else ""
        return usage_error("explain", f"no layer `{err.name}` in {args.file}{hint}")
    t = translator(language(args.lang))
    if not nodes and not args.json:  # `input 3x8x8` alone, or only `input` named
        print(f"{args.file}: {t('no layer to explain: the network is its input alone')}", file=sys.stderr)
        return status
    explanations = explain(net, nodes)
    if args.json:
        _dump([to_json(e, t) for e in explanations])
    else:
        sys.stdout.write(render_text(explanations, t))
    return status


def calc_command(args) -> int:
    from .calc import calc, parse_shape
    from .explain import explain, render_text, select, to_json
    from .report import human

    shape = parse_shape(args.input)
    if shape is None or not shape or any(d < 1 for d in shape):
        return usage_error(
            "calc", f"--input must be a shape like 3x32x32 (channels x height x width), not {args.input!r}"
        )
    if not args.ops.replace(";", "").strip():
        return usage_error("calc", 'give at least one operation, e.g. "conv 64 3x3"')
    run = calc(args.ops, shape)
    _report(run.diagnostics, run.sources)
    net = run.result.network
    if not run.result.complete:
        if args.json:
            _dump({"ok": False, "diagnostics": [d.to_json() for d in run.diagnostics]})
        return EXIT_FAILED
    status = EXIT_OK if run.result.ok else EXIT_FAILED  # an `expect` that fails: the numbers are right, it is not
    t = translator(language(args.lang))
    explanations = explain(net, select(net, []))
    if args.json:
        _dump(
            {
                "ok": run.result.ok,
                "input": list(shape),
                "output": list(net.output_shape),
                "params": net.params,
                "buffers": net.buffers,
                "macs": net.macs,
                "layers": [to_json(e, t) for e in explanations],
                "diagnostics": [d.to_json() for d in run.diagnostics],
            }
        )
        return status
    sys.stdout.write(render_text(explanations, t))
    print()
    lang = language(args.lang)
    unit = units(getattr(args, "units", None), lang)  # 만 and 억 under Korean, as the notes count
    print(t("Total params: {0}", count(net.params, unit)))
    rounded = f" ({human(net.macs)})" if net.macs >= 1000 else ""  # not `30 (30)`
    print(t("MACs: {0}", f"{count(net.macs, unit)}{rounded}"))
    print(t("Output shape: {0}", "x".join(map(str, net.output_shape))))
    return status


def quiz_command(args) -> int:
    from . import quiz

    net, status = _analysed(args.file, args.json and not args.make)
    if net is None:
        return status
    t = translator(language(args.lang))
    if args.make:
        sheet, key = quiz.make(net, args.file, args.count, args.seed, t)
        from .output import write_atomically

        files = {path: text.encode("utf-8") for path, text in ((args.output, sheet), (args.answers_out, key)) if path}
        try:
            write_atomically(files)
        except OSError as err:
            return usage_error("quiz", f"cannot write {err.filename or ', '.join(files)}: {err.strerror or err}")
        if not args.output:
            sys.stdout.write(sheet)
        return EXIT_OK
    try:
        with open(args.answers, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as err:
        return usage_error("quiz", f"cannot read the answer sheet {args.answers}: {err.strerror or err}")
    except ValueError:  # not UTF-8
        return usage_error("quiz", f"cannot read the answer sheet {args.answers}: it is not UTF-8 text")
    grading = quiz.grade(net, text, args.answers)
    if grading.diagnostics:
        _report(grading.diagnostics, {args.answers: text})
        count = len(grading.diagnostics)
        print(f"{args.answers}: {count} error{'s' if count != 1 else ''}", file=sys.stderr)
        if args.json:
            _dump({"ok": False, "diagnostics": [d.to_json() for d in grading.diagnostics]})
        return EXIT_FAILED
    if args.json:
        _dump(quiz.to_json(grading, t))
    elif not grading.marks:  # not an empty table and `Score: 0 / 0`
        print(f"{args.answers}: the sheet answers no question; see `archspec quiz --make`", file=sys.stderr)
    else:
        quiz.render(grading, t, sys.stdout)
    return EXIT_OK if grading.all_right else EXIT_FAILED
