"""The teaching commands of the command line: `explain`, `calc` and `quiz`."""

from __future__ import annotations

import json
import os
import sys

from archspec.diagnostics import render
from archspec.i18n import Language, Message, count, language, translator, units

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _said(text: str) -> str:
    """`text` in the language the command line chose (archspec.messages' catalogue)."""
    from archspec.messages import say

    return say(text)


def usage_error(command: str, message: str) -> int:
    from archspec.messages import say

    print(say(Message("usage.error", command=command, message=message)), file=sys.stderr)
    return EXIT_USAGE


def _report(diagnostics, sources) -> None:
    for diag in diagnostics:
        print(render(diag, sources), file=sys.stderr)
        print(file=sys.stderr)


def _dump(payload) -> None:
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _analysed(path: str, as_json: bool, settings=()):
    """(network or None, exit status): the spec's network where it checks far enough to teach from
    (`settings`: `--set`'s values of the network's parameters). Without one, and `as_json`, the
    diagnostics are printed as JSON as well, as `calc --json` does."""
    from archspec.analysis.load import analyse_file

    result = analyse_file(path, settings=settings)
    _report(result.diagnostics, result.sources)
    net, status = _teachable(path, result)
    if net is None and as_json:
        _dump({"ok": False, "diagnostics": [d.to_json() for d in result.diagnostics]})
    return net, status


def _teachable(path: str, result):
    """(network or None, exit status), saying on stderr why there is none."""
    from archspec.messages import say

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
    from archspec.teaching.explain import UnknownLayer, explain, render_text, select, to_json

    net, status = _analysed(args.file, args.json, args.settings)
    if net is None:
        return status
    try:
        nodes = select(net, args.layers)
    except UnknownLayer as err:
        return usage_error("explain", Message("explain.no-layer", name=err.name, file=args.file, hint=err.hint))
    lang = language(args.lang)
    t = translator(lang)
    if not nodes and not args.json:  # `input 3x8x8` alone, or only `input` named
        print(f"{args.file}: {t('no layer to explain: the network is its input alone')}", file=sys.stderr)
        return status
    explanations = explain(net, nodes)
    if args.json:
        _dump([to_json(e, t) for e in explanations])
    else:
        sys.stdout.write(render_text(explanations, t, units(getattr(args, "units", None), lang)))
    return status


def calc_command(args) -> int:
    from archspec.teaching.calc import calc, needs_image, parse_shape
    from archspec.teaching.calc import channels_only as calc_channels_only
    from archspec.teaching.explain import explain, render_text, select, to_json
    from archspec.views.report import human

    shape = parse_shape(args.input)
    if shape is None or not shape or any(d < 1 for d in shape):
        return usage_error("calc", Message("calc.bad-input", value=repr(args.input)))
    if not args.ops.replace(";", "").strip():
        return usage_error("calc", Message("calc.no-operation"))
    run = calc(args.ops, shape)
    channels_only = False
    if len(shape) == 1 and needs_image(run):  # `--input 64` for a conv: a channel count, no image size
        image_run, fixed = calc_channels_only(args.ops, shape[0])
        if image_run.result.complete and not fixed:
            return usage_error("calc", Message("calc.channels-only", given=args.input, channels=shape[0]))
        if image_run.result.complete:
            run, channels_only = image_run, True
    _report(run.diagnostics, run.sources)
    net = run.result.network
    if not run.result.complete:
        if args.json:
            _dump({"ok": False, "diagnostics": [d.to_json() for d in run.diagnostics]})
        return EXIT_FAILED
    status = EXIT_OK if run.result.ok else EXIT_FAILED  # an `expect` that fails: the numbers are right, it is not
    t = translator(language(args.lang))
    explanations = explain(net, select(net, []))
    if channels_only:
        return _calc_channels_only(args, shape[0], net, run, explanations, status, t)
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
    lang = language(args.lang)
    unit = units(getattr(args, "units", None), lang)  # 만 and 억 under Korean, as the notes count
    sys.stdout.write(render_text(explanations, t, unit))
    print()
    print(t("Total params: {0}", count(net.params, unit)))
    rounded = f" ({human(net.macs)})" if net.macs >= 1000 else ""  # not `30 (30)`
    print(t("MACs: {0}", f"{count(net.macs, unit)}{rounded}"))
    print(t("Output shape: {0}", "x".join(map(str, net.output_shape))))
    return status


# what a channels-only `calc` shows: what does not depend on the image size
SIZE_FREE = ("channels", "params", "buffers")
CHANNELS_ONLY = (
    "channels only, no image size: parameters and channels hold for any image size; "
    "output sizes and MACs need one (--input {0}xHxW)"
)


def _calc_channels_only(args, channels: int, net, run, explanations, status: int, t) -> int:
    """`calc "conv 128 1x1" --input 64`: each layer's channels and parameters (and receptive field,
    which does not depend on the image size either); sizes and MACs need an image size."""
    from dataclasses import replace

    from archspec.teaching.explain import render_text, to_json

    note = t(CHANNELS_ONLY, channels)
    kept = [replace(e, steps=tuple(s for s in e.steps if s.quantity in SIZE_FREE), notes=()) for e in explanations]
    if args.json:
        layers = []
        for e in kept:
            layer = to_json(e, t)
            layer.update(inputs=None, output=None, macs=None)
            layer["input_channels"] = [net.nodes[i].shape[0] for i in e.node.inputs]
            layer["output_channels"] = e.node.shape[0]
            layers.append(layer)
        _dump(
            {
                "ok": run.result.ok,
                "input": [channels],
                "channels_only": True,
                "note": note,
                "output": None,
                "output_channels": net.output_shape[0],
                "params": net.params,
                "buffers": net.buffers,
                "macs": None,
                "layers": layers,
                "diagnostics": [d.to_json() for d in run.diagnostics],
            }
        )
        return status
    print(note)
    print()
    text = render_text(kept, t)
    for e in kept:  # the layer's input line: channels, not the stand-in image
        ins = ", ".join(str(net.nodes[i].shape[0]) for i in e.node.inputs)
        old = "  " + t("{0} -> {1}", t("input {0}", ", ".join("x".join(map(str, s)) for s in e.inputs)),
                       "x".join(map(str, e.node.shape)))  # fmt: skip
        new = "  " + t("{0} -> {1}", t("input {0}", t("{0} channels", ins)), t("{0} channels", e.node.shape[0]))
        text = text.replace(old + "\n", new + "\n", 1)
    sys.stdout.write(text)
    print()
    print(t("Total params: {0}", f"{net.params:,}"))
    print(t("MACs: need an image size (--input {0}xHxW)", channels))
    print(t("Output channels: {0}", net.output_shape[0]))
    return status


def _policy(args):
    from archspec.teaching.quiz import Policy

    if args.exact:
        return Policy("exact")
    if args.tolerance is not None:
        return Policy("tolerance", args.tolerance)
    return Policy()


def quiz_command(args) -> int:
    from archspec.teaching import quiz

    net, status = _analysed(args.file, args.json and not args.make)
    if net is None:
        return status
    speaking = Language.of(args.lang, getattr(args, "units", None))
    t = speaking.t
    if args.make:
        return _make(args, net, t)
    try:
        with open(args.answers, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as err:
        return usage_error("quiz", Message("sheet.unreadable", path=args.answers, reason=err.strerror or err))
    except ValueError:  # not UTF-8
        return usage_error("quiz", Message("sheet.not-utf8", path=args.answers))
    grading = quiz.grade(net, text, args.answers, _policy(args))
    if grading.diagnostics:
        _report(grading.diagnostics, {args.answers: text})
        count = len(grading.diagnostics)
        said = Message("sheet.errors" if count != 1 else "sheet.error", path=args.answers, n=count)
        print(speaking.say(said), file=sys.stderr)
        if args.json:
            _dump({"ok": False, "diagnostics": [d.to_json() for d in grading.diagnostics]})
        return EXIT_FAILED
    unit = speaking.unit
    if args.json:
        _dump(quiz.to_json(grading, t, unit))
    elif not grading.marks:  # not an empty table and `Score: 0 / 0`
        print(speaking.say(Message("sheet.no-answers", path=args.answers)), file=sys.stderr)
    else:
        quiz.render(grading, t, sys.stdout, unit)
    return EXIT_OK if grading.all_right else EXIT_FAILED


SUFFIXES = {"toml": ".toml", "moodle": ".xml", "print": ".md"}


def _split(path: str) -> tuple[str, str]:
    """`out/quiz.toml` -> (`out/quiz`, `.toml`)."""
    root, ext = os.path.splitext(path)
    return root, ext


def _render(made, fmt: str, t, policy) -> tuple[str, str]:
    from archspec.teaching import moodle, quiz

    if fmt == "moodle":
        return moodle.to_moodle(made, t, policy), quiz.to_toml(made, t)[1]
    if fmt == "print":
        return moodle.to_print(made, t)
    return quiz.to_toml(made, t)


def _write(files: dict[str, str]) -> int | None:
    from archspec.views.output import write_atomically

    try:
        write_atomically({path: text.encode("utf-8") for path, text in files.items()})
    except OSError as err:
        return usage_error("quiz", f"cannot write {err.filename or ', '.join(files)}: {err.strerror or err}")
    return None


def _make(args, net, t) -> int:
    """`quiz --make`: the sheet (stdout or -o) and its key, always written (--answers-out, else beside
    the sheet, else in the current folder) and named on stderr; with --variants, N pairs of files."""
    from archspec.teaching import quiz

    policy = _policy(args)
    suffix = SUFFIXES[args.format]
    key_suffix = ".md" if args.format == "print" else ".toml"
    stem = os.path.splitext(os.path.basename(args.file))[0]
    if args.variants:
        return _make_variants(args, net, t, policy, suffix, key_suffix, stem)
    made = quiz.build(net, args.file, args.count, args.seed)
    if len(made.questions) < args.count:
        print(t(FEWER, args.count, args.file, len(made.questions)), file=sys.stderr)
    sheet, key = _render(made, args.format, t, policy)
    key_path = args.answers_out or (
        _split(args.output)[0] + "-key" + key_suffix if args.output else f"{stem}-quiz-key{key_suffix}"
    )
    files = {path: text for path, text in ((args.output, sheet), (key_path, key)) if path}
    failed = _write(files)
    if failed is not None:
        return failed
    if not args.output:
        sys.stdout.write(sheet)
    print(t("wrote the answer key to {0}", key_path), file=sys.stderr)
    return EXIT_OK


FEWER = (
    "asked for {0} questions; {1} gives {2}: one per quantity of a layer or block it names that the kind does not fix"
)


def _make_variants(args, net, t, policy, suffix, key_suffix, stem) -> int:
    from archspec.teaching import quiz
    from archspec.teaching.variants import relocated, variants

    try:
        with open(args.file, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, ValueError) as err:
        return usage_error("quiz", f"cannot read {args.file}: {err}")
    original = quiz.build(net, args.file, args.count, args.seed)
    if len(original.questions) < args.count:
        print(t(FEWER, args.count, args.file, len(original.questions)), file=sys.stderr)
    asked = [(q.layer, q.field) for q in original.questions]

    def same_questions(variant) -> bool:
        return set(asked) <= {(q.layer, q.field) for q in quiz.candidates(variant)}

    found = variants(text, args.file, args.variants, args.seed, same_questions)
    if len(found) < args.variants:
        print(_said(Message("quiz.fewer-variants", n=args.variants, k=len(found), file=args.file)), file=sys.stderr)
    if not found:
        return EXIT_FAILED
    base = _split(args.output)[0] if args.output else f"{stem}-quiz"
    key_base = _split(args.answers_out)[0] if args.answers_out else base
    files: dict[str, str] = {}
    for number, variant in enumerate(found, 1):
        spec_path = f"{base}-v{number}.arch"
        made = quiz.build(variant.network, spec_path, args.count, args.seed, only=asked, text=variant.text)
        sheet, key = _render(made, args.format, t, policy)
        files[f"{base}-v{number}{suffix}"] = sheet
        files[f"{key_base}-v{number}-key{key_suffix}"] = key
        files[spec_path] = relocated(variant.text, args.file, spec_path)
    failed = _write(files)
    if failed is not None:
        return failed
    for path in files:
        print(t("wrote {0}", path), file=sys.stderr)
    return EXIT_OK
