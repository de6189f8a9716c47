"""`archspec import TARGET --input SHAPE [-o OUT.arch]`: a PyTorch model as a spec
(archspec.frontend.from_torch). TARGET names a module and what in it makes the model:
`torchvision.models:resnet18` (called without arguments), `models.py:Net` (a file), or an
instance's name. The spec written is checked before it is written."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_import_parser(sub) -> None:
    p = sub.add_parser(
        "import",
        help="write a PyTorch model as a spec (traced with torch.fx; names as the model's attributes)",
        description="Trace a PyTorch model with torch.fx on an input of SHAPE and write it as a spec: each "
        "layer a line named as its attribute (so the spec's module has the model's state_dict keys), each "
        "nn.Sequential a sequence, each class of the model's own a block (instances with the same operations "
        "are calls of one block, the numbers they differ in its parameters). Operations with no layer kind "
        "are named in the error; nothing is guessed. The spec is checked before it is written. Importing runs "
        "the target's own code (as importing its module would): import only models you trust. Needs torch. "
        "Exit status: 0 when written, 1 when the model cannot be traced or has operations archspec cannot "
        "write, 2 for a usage error (TARGET not found).",
    )
    p.add_argument(
        "target",
        metavar="TARGET",
        help="MODULE:NAME or FILE.py:NAME: a model class or function (called without arguments) or an instance, "
        "e.g. torchvision.models:resnet18 or models.py:Net",
    )
    p.add_argument("--input", required=True, metavar="SHAPE", help="the input's shape without the batch: 3x224x224")
    p.add_argument("-o", "--output", metavar="PATH", help="write the spec to PATH (default: standard output)")
    p.add_argument("--name", metavar="NAME", help="the network's name (default: the model's class)")


def run_import(args) -> int:
    from archspec.messages import say

    def fail(message: str, code: int = EXIT_FAILED) -> int:
        print(say(f"archspec import: error: {message}"), file=sys.stderr)
        return code

    import re

    if not re.fullmatch(r"[0-9]+(x[0-9]+)*", args.input) or "x0" in f"x{args.input}":
        return fail(f"--input must be a shape like 3x224x224 (no batch dimension), not {args.input!r}", EXIT_USAGE)
    where, sep, name = args.target.rpartition(":")
    if not sep or not where or not name.isidentifier():
        return fail(f"TARGET must be MODULE:NAME or FILE.py:NAME, e.g. torchvision.models:resnet18, not "
                    f"{args.target!r}", EXIT_USAGE)  # fmt: skip
    try:
        import torch
    except ImportError:
        return fail("importing a model needs PyTorch, which is not installed: pip install 'archspec[torch]'")
    try:
        if where.endswith(".py"):
            if not os.path.isfile(where):
                return fail(f"{where}: no such file", EXIT_USAGE)
            spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(where))[0], where)
            module = importlib.util.module_from_spec(spec)
            sys.path.insert(0, os.path.dirname(os.path.abspath(where)))
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(where)
    except SystemExit:
        return fail(f"importing {where} exited")
    except BaseException as exc:  # the user's code raises anything
        if isinstance(exc, KeyboardInterrupt):
            raise
        return fail(f"cannot import {where}: {type(exc).__name__}: {exc}", EXIT_USAGE)
    if not hasattr(module, name):
        return fail(f"{where} has no `{name}`", EXIT_USAGE)
    made = getattr(module, name)
    if not isinstance(made, torch.nn.Module):
        try:
            made = made()
        except Exception as exc:
            return fail(f"{args.target}() failed: {type(exc).__name__}: {exc}")
    if not isinstance(made, torch.nn.Module):
        return fail(f"{args.target} is not a torch.nn.Module, nor makes one", EXIT_USAGE)
    from archspec.frontend.from_torch import ImportFailed, from_torch

    try:
        text = from_torch(made, args.input, args.name)
    except ImportFailed as err:
        return fail(str(err))
    from archspec.analysis.load import analyse
    from archspec.diagnostics import render

    result = analyse(text, args.output or "<import>")
    if not result.ok:  # a bug of the importer: show what it wrote, write nothing
        for diag in result.diagnostics:
            print(render(diag, result.sources), file=sys.stderr)
        return fail(f"the spec made of {args.target} does not check (above); nothing written")
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from archspec.views.output import write_atomically

    try:
        write_atomically({args.output: text.encode()})
    except OSError as err:
        return fail(f"cannot write {args.output}: {err.strerror or err}", EXIT_USAGE)
    print(say(f"wrote {args.output}"))
    return EXIT_OK
