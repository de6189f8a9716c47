"""`archspec export FILE --format onnx [--weights FILE] [--set NAME=VALUE] -o OUT.onnx`: a spec's
network, built as `archspec.build` builds it, written in a format other tools read (ONNX, for ONNX
Runtime, TensorRT, Netron). The spec, the options and the weight files are checked before torch
is imported; every problem is a diagnostic or one line on stderr, with an exit status."""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("onnx",)


def add_export_parser(sub) -> None:
    from archspec.cli import set_options
    from archspec.emit.onnx import OPSET

    p = sub.add_parser(
        "export",
        help="write a spec's network as an ONNX model (for ONNX Runtime, TensorRT, Netron)",
        description="Check a spec, build its network as `archspec compile` writes it, load the weights of "
        f"--weights if given (else the network is freshly initialised), and write it as an ONNX model: opset "
        f"{OPSET}, one input `input` of shape (batch, *the spec's input) with the batch dimension left open, one "
        "output `output`, the weights inside the file, in evaluation mode (dropout off, batchnorm with its "
        "running statistics). Exporting needs torch and the `onnx` extra: pip install 'archspec[onnx]'. "
        "The file is written whole or not at all. Exit status: 0 when written, 1 when the spec fails its "
        "checks, the weights do not fit or PyTorch cannot export the network, 2 for a usage error.",
    )
    p.add_argument("file", metavar="FILE", help=".arch spec file")
    p.add_argument(
        "--format", choices=FORMATS, default="onnx", help="the file format: onnx (the default and only one so far)"
    )
    p.add_argument(
        "-o", "--output", metavar="PATH", help="the file to write (default: the spec's name with .onnx, here)"
    )
    p.add_argument(
        "--weights",
        action="append",
        default=[],
        metavar="[PART=]FILE",
        help="load a local state_dict file (an `archspec train --save` checkpoint, a torch.save'd state dict, "
        "torchvision's .pth files) into the network, or PART=FILE into a named part of it; repeatable",
    )
    set_options(p)


def run_export(args) -> int:
    from archspec.cli import load_checked
    from archspec.messages import say

    def fail(message: str, code: int = EXIT_FAILED) -> int:
        print(say(f"archspec export: error: {message}"), file=sys.stderr)
        return code

    from archspec.training.weights import parse_weights_option

    weights = [(text, *parse_weights_option(text)) for text in args.weights]
    for text, _, path in weights:
        if not os.path.exists(path):
            return fail(f"--weights {text}: no such file", EXIT_USAGE)
        if os.path.isdir(path):
            return fail(f"--weights {text}: is a folder, not a weight file", EXIT_USAGE)
    out = args.output or os.path.splitext(os.path.basename(args.file))[0] + "." + args.format
    if os.path.isdir(out):
        return fail(f"cannot write {out}: is a directory", EXIT_USAGE)
    checked = load_checked(args.file, "export", "; nothing written", settings=args.settings, command="export")
    if isinstance(checked, int):
        return checked
    try:
        import torch  # noqa: F401
    except ImportError:
        return fail("exporting builds the network with PyTorch, which is not installed: pip install 'archspec[torch]'")
    from archspec.emit.onnx import OPSET, OnnxExportError, missing_packages, onnx_bytes

    missing = missing_packages()
    if missing:
        names = " and ".join(f"`{name}`" for name in missing)
        return fail(f"exporting to ONNX needs {names}, which {'is' if len(missing) == 1 else 'are'} not installed: "
                    "pip install 'archspec[onnx]'")  # fmt: skip
    import archspec
    from archspec.diagnostics import render
    from archspec.training.weights import WeightsError, load_weights, reason

    net = checked.network
    try:
        model = archspec.build(net)
    except archspec.ArchspecError as err:
        for diag in err.diagnostics:
            print(render(diag, checked.sources), file=sys.stderr)
        print("\n" + say(f"{args.file}: 1 error; nothing written"), file=sys.stderr)
        return EXIT_FAILED
    for text, part, path in weights:
        try:
            load_weights(model, path, part)
        except WeightsError as err:
            return fail(f"--weights {text}: {reason(err, path)}", EXIT_USAGE if err.unreadable else EXIT_FAILED)
    try:
        data = onnx_bytes(model, net.input_shape)
    except OnnxExportError as err:
        return fail(f"PyTorch cannot export {net.name} to ONNX: {err}")
    from archspec.views.output import write_atomically

    try:
        write_atomically({out: data})
    except OSError as err:
        return fail(f"cannot write {out}: {err.strerror or err}", EXIT_USAGE)
    print(say(f"wrote {out} (ONNX opset {OPSET}, input {_shape(net.input_shape)} with a dynamic batch dimension)"))
    return EXIT_OK


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)
