"""The `archspec` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archspec",
        description="Check convolutional networks described in .arch specs: every tensor shape, "
        "parameter count, MAC count and memory estimate, from the spec alone; write them as PyTorch source.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"archspec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser(
        "check",
        help="parse specs, infer every shape, count params, MACs and memory, and verify `expect` lines",
        description="Parse each spec, infer every tensor shape, count parameters, MACs and memory "
        "(as torchsummary estimates it), and verify the spec's `expect` lines. "
        "Exit status: 0 when every file checks, 1 when any fails, 2 for a usage error.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help=".arch spec files")
    check.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    check.add_argument("--json", action="store_true", help="print JSON: an object for one file, a list for several")
    check.add_argument(
        "--depth",
        type=_depth,
        default=None,
        metavar="N",
        help="show table rows down to N levels of blocks (default: all)",
    )
    check.add_argument(
        "--rf",
        action="store_true",
        help="add each layer's receptive field to the table: size, jump (product of strides) and start "
        "(centre of the first output's field, in input pixels); the JSON always has them",
    )
    freeze_options(check)
    _add_compile(sub)
    _add_render(sub)
    _add_tree(sub)
    _teaching_commands(sub)
    _add_playground(sub)
    from .train_cli import add_train_parser

    add_train_parser(sub)
    return parser


def _add_render(sub) -> None:
    from .diagram import DIRECTIONS, FORMATS

    render = sub.add_parser(
        "render",
        help="draw a spec's network as a diagram (SVG, PNG, PDF or Graphviz DOT)",
        description="Draw the network of a spec through Graphviz: a box per layer or per block, its kind in the "
        "notation of lecture tables and its output shape, tensor shapes on the arrows, shortcuts dashed. "
        "Blocks and sequences are one box each unless expanded. SVG, PNG and PDF need Graphviz's `dot` "
        "program; `--format dot` writes the DOT text without it. The file is written only when drawing "
        "succeeds. Exit status: 0 when drawn, 1 when the spec has errors or drawing fails, 2 for a usage error.",
    )
    render.add_argument("file", metavar="FILE", help=".arch spec file")
    render.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="where to write the diagram, `-` for standard output (default: the spec's name with the format's "
        "suffix, in the current directory: specs/lenet5.arch -> lenet5.svg)",
    )
    render.add_argument(
        "--format",
        choices=FORMATS,
        help="svg, png, pdf, or dot (Graphviz's text, needs no Graphviz) (default: from OUT's suffix, else svg)",
    )
    render.add_argument(
        "--direction",
        choices=DIRECTIONS,
        default="TB",
        help="TB: top to bottom (default); LR: left to right",
    )
    render.add_argument(
        "--only",
        metavar="PATH",
        help="draw one block instance or sequence alone, expanded, by its path as `archspec tree` shows it "
        "(`inc3a`, `layer2.0`); with --depth N, N levels of the blocks inside it",
    )
    levels = render.add_mutually_exclusive_group()
    levels.add_argument("--expand", action="store_true", help="draw every layer, all blocks expanded")
    levels.add_argument(
        "--depth",
        type=_depth,
        default=None,
        metavar="N",
        help="expand N levels of blocks (default 0: each top-level block or sequence is one box; "
        "2 opens resnet50's sequences and their bottlenecks; with --only, default all)",
    )


def _add_playground(sub) -> None:
    playground = sub.add_parser(
        "playground",
        help="serve the browser playground (playground/dist) locally and open it",
        description="Serve the built browser playground, where archspec checks a spec as you type, on "
        "127.0.0.1 and open it in the browser. Build it first: cd playground && npm ci && npm run build. "
        "Exit status: 0 when stopped with Ctrl-C, 1 when the playground is not built, 2 when the port is taken.",
    )
    playground.add_argument(
        "--port", type=int, default=8000, metavar="N", help="port to listen on (default 8000; 0: any)"
    )
    playground.add_argument("--no-browser", action="store_true", help="only serve; do not open a browser")


def _add_tree(sub) -> None:
    tree = sub.add_parser(
        "tree",
        help="print a spec's block hierarchy as a tree: calls, output shapes, params",
        description="Print the network of a spec as a tree: every block and sequence with its call, output "
        "shape and parameters, and the layers outside blocks. Plain text when the output is not a terminal. "
        "Exit status: 0 when printed, 1 when the spec has errors, 2 for a usage error.",
    )
    tree.add_argument("file", metavar="FILE", help=".arch spec file")
    tree.add_argument(
        "--depth",
        type=_depth,
        default=None,
        metavar="N",
        help="show every row, layers inside blocks included, down to N levels of blocks "
        "(default: blocks at every level, layers only outside blocks)",
    )


def _lang_option(command: argparse.ArgumentParser) -> None:
    from .i18n import LANGUAGES

    command.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the output: en (English, the default) or ko (Korean, in the lecture notes' terms); "
        "without it, LC_ALL, LC_MESSAGES or LANG starting with `ko` choose Korean",
    )


def _teaching_commands(sub) -> None:
    explain = sub.add_parser(
        "explain",
        help="write out each layer's output size, parameters, MACs and receptive field with the numbers put in",
        description="For each layer (all, or the LAYERs named: a block's name stands for every layer in it), "
        "the formulas of its output size, parameters, MACs and receptive field, with the layer's numbers "
        "put in, as the lecture notes derive them: `H = floor((32 + 2*0 - 5) / 1) + 1 = 28`. "
        "Exit status: 0, 1 when the spec does not check, 2 for a usage error (an unknown LAYER).",
    )
    explain.add_argument("file", metavar="FILE", help="an .arch spec file")
    explain.add_argument("layers", nargs="*", metavar="LAYER", help="layer or block names, e.g. c1 layer1.0")
    explain.add_argument("--json", action="store_true", help="print JSON: one object per layer with its steps")
    _lang_option(explain)

    calc = sub.add_parser(
        "calc",
        help='one operation (or a chain separated by ";") on an input shape, without a spec file',
        description='Analyse one operation, or a short chain separated by ";", written as in a spec '
        '(e.g. "conv 128 1x1" or "conv 16 1x1; conv 32 5x5 pad=2"), on the --input shape: every output '
        "shape, parameter count, MAC count and receptive field, with the formulas. "
        "Exit status: 0, 1 when an operation does not fit, 2 for a usage error.",
    )
    calc.add_argument("ops", metavar="OPS", help='the operations, e.g. "conv 128 1x1 stride=1 pad=0"')
    calc.add_argument(
        "--input",
        required=True,
        metavar="SHAPE",
        help="the input shape without the batch dimension, channels first: 64x32x32 (C x H x W), 16x128, 784",
    )
    calc.add_argument("--json", action="store_true", help="print JSON: the layers with their steps, and the totals")
    _lang_option(calc)

    quiz = sub.add_parser(
        "quiz",
        help="grade a student's answer sheet for a spec (--answers), or make a question sheet and its key (--make)",
        description="With --answers, grade a TOML answer sheet against the spec: per layer the output shape, "
        "parameters, MACs and receptive field, and the totals; print right and wrong with the correct value "
        "and its formula. Exit status: 0 when every answer is right, 1 when any is wrong or the sheet has "
        "errors, 2 for a usage error. With --make, write a question sheet (to stdout or -o) and its answer "
        "key (--answers-out), the same for the same --seed.",
    )
    quiz.add_argument("file", metavar="FILE", help="an .arch spec file")
    mode = quiz.add_mutually_exclusive_group(required=True)
    mode.add_argument("--answers", metavar="SHEET", help="the student's answer sheet (TOML) to grade")
    mode.add_argument("--make", action="store_true", help="write a question sheet for the spec")
    quiz.add_argument("--count", type=_count, default=10, metavar="N", help="with --make: N questions (default 10)")
    quiz.add_argument("--seed", type=int, default=0, metavar="S", help="with --make: the random seed (default 0)")
    quiz.add_argument("-o", "--output", metavar="FILE", help="with --make: write the question sheet here")
    quiz.add_argument("--answers-out", metavar="KEY", help="with --make: write the answer key (TOML) here")
    quiz.add_argument("--json", action="store_true", help="with --answers: print the grading as JSON")
    _lang_option(quiz)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of questions (1 or more), not {text!r}")
    return int(text)


def _add_compile(sub) -> None:
    compile_ = sub.add_parser(
        "compile",
        help="write the PyTorch source of a spec's network (an nn.Module class per block, the network last)",
        description="Check a spec and write its network as PyTorch source: one nn.Module class per block "
        "definition, the network's class last, submodules named as the spec names its layers (so state_dict "
        "keys follow the spec's paths). Nothing is written unless the spec checks clean. Writing the source "
        "needs no torch. Exit status: 0 when the source is written, 1 when the spec fails its checks, "
        "2 for a usage error.",
    )
    compile_.add_argument("file", metavar="FILE", help=".arch spec file")
    compile_.add_argument("-o", "--output", metavar="PATH", help="write the source to PATH (default: standard output)")
    compile_.add_argument(
        "--class-name",
        type=_class_name,
        metavar="NAME",
        help="the network class's name (default: the spec's network name)",
    )
    freeze_options(compile_)


def _class_name(text: str) -> str:
    from .pynames import valid_class_name

    if not valid_class_name(text):
        raise argparse.ArgumentTypeError(f"expected a Python class name like ResNet50, not {text!r}")
    return text


def _depth(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of levels (0 or more), not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # name the command whose options were wrong, with its usage, not the top level's
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
        commands.get(args.command, parser).error("unrecognized arguments: " + " ".join(extra))
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command == "check":
        import gc

        # A check allocates many small objects and frees them all at exit: the cyclic garbage
        # collector's passes would take more than half the time of a 10,000-layer spec.
        gc.disable()
        try:
            return _check(args)
        finally:
            gc.enable()
    if args.command == "render":
        return _render(args)
    if args.command == "tree":
        return _tree(args)
    if args.command == "playground":
        from .playground import serve

        return serve(args.port, not args.no_browser)
    from . import teach

    if args.command == "explain":
        return teach.explain_command(args)
    if args.command == "calc":
        return teach.calc_command(args)
    if args.command == "quiz":
        return teach.quiz_command(args)
    if args.command == "compile":
        return _compile(args)
    if args.command == "train":
        from .train_cli import run_train

        return run_train(args)
    return EXIT_USAGE


class _FreezeAction(argparse.Action):
    """`--freeze PATH` / `--unfreeze PATH`, kept in the order given (in `args.freeze`)."""

    def __call__(self, parser, namespace, value, option_string=None):
        namespace.freeze = [*(getattr(namespace, "freeze", None) or []), (option_string.lstrip("-"), value)]


def freeze_options(command: argparse.ArgumentParser) -> None:
    """`--freeze PATH` and `--unfreeze PATH`: `freeze` lines added after the spec's own."""
    command.set_defaults(freeze=[])
    for verb, what in (("freeze", "do not train"), ("unfreeze", "train again")):
        command.add_argument(
            f"--{verb}",
            action=_FreezeAction,
            metavar="PATH",
            help=f"{what} the layer or block at PATH (`{verb} PATH` after the spec's lines; repeatable, "
            "applied in order; `*` matches within a name, e.g. 'features.2*')",
        )


def load_checked(
    path: str, verb: str = "show", consequence: str = "", quiet: bool = False, freeze: list[tuple[str, str]] = ()
):
    """The analysis of one spec with a network for `compile`, `train`, `render` and `tree`, or an exit
    status after printing the diagnostics (as `check` does; nothing when `quiet`) when the spec has
    errors or defines no network. `verb` and `consequence` finish the messages: "no network to
    {verb}", "2 errors{consequence}"."""
    from .diagnostics import render
    from .load import analyse_file

    result = analyse_file(path, freeze)

    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr)

    for diag in result.diagnostics:
        say(render(diag, result.sources) + "\n")
    if result.unreadable:
        return EXIT_USAGE
    if not result.ok:
        count = sum(d.severity == "error" for d in result.diagnostics)
        say(f"{path}: {count} error{'s' if count != 1 else ''}{consequence}")
        return EXIT_FAILED
    net = result.network
    if not net.nodes:
        blocks = ", ".join(net.blocks) if net.blocks else "nothing"
        say(f"{path}: no network to {verb}; the file defines {blocks}")
        return EXIT_FAILED
    return result


def _render(args) -> int:
    from .diagram import FORMATS, DrawError, dot_source, draw

    fmt, out = args.format, args.output
    suffix = os.path.splitext(out)[1].lstrip(".").lower() if out and out != "-" else ""
    if fmt is None:
        fmt = suffix if suffix in FORMATS else "svg"
    elif suffix in FORMATS and suffix != fmt:
        print(f"archspec render: error: `-o {out}` says {suffix}, `--format` says {fmt}", file=sys.stderr)
        return EXIT_USAGE
    if out is None:
        out = os.path.splitext(os.path.basename(args.file))[0] + "." + fmt
    result = load_checked(args.file)
    if isinstance(result, int):
        return result
    net = result.network
    depth = args.depth
    if args.expand or (depth is None and args.only):
        depth = None
    elif depth is None:
        depth = 0
    try:
        source = dot_source(net, depth, args.direction, args.only)
    except ValueError as err:  # --only names no block
        print(f"archspec render: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError:
        print("archspec render: error: the `graphviz` Python package is missing: pip install graphviz", file=sys.stderr)
        return EXIT_FAILED
    try:
        data = draw(source, fmt)
    except DrawError as err:
        print(f"archspec render: error: {err}", file=sys.stderr)
        return EXIT_FAILED
    if out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return EXIT_OK
    from .output import write_atomically

    try:
        write_atomically({out: data})
    except OSError as err:
        print(f"archspec render: error: cannot write {out}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {out}")
    return EXIT_OK


def _tree(args) -> int:
    from .tree import render_tree

    result = load_checked(args.file)
    if isinstance(result, int):
        return result
    net = result.network
    render_tree(net, sys.stdout, args.depth)
    return EXIT_OK


def _check(args) -> int:
    from .diagnostics import render
    from .load import analyse_file
    from .report import render_table, to_json

    results, failed, unreadable = [], False, False
    for path in args.files:
        result = analyse_file(path, args.freeze)
        failed |= not result.ok
        unreadable |= result.unreadable
        if args.json:
            results.append(to_json(result, path))
            continue
        net = result.network
        if (result.ok or result.complete) and not args.quiet:
            if net is not None and net.nodes:
                render_table(net, sys.stdout, args.depth, args.rf)
            else:
                blocks = ", ".join(net.blocks) if net and net.blocks else "nothing"
                print(f"{path}: no network; defines {blocks}")
            if len(args.files) > 1:
                print()
        for diag in result.diagnostics:
            print(render(diag, result.sources), file=sys.stderr)
            print(file=sys.stderr)
        if not result.ok:
            count = sum(d.severity == "error" for d in result.diagnostics)
            print(f"{path}: {count} error{'s' if count != 1 else ''}", file=sys.stderr)
    if args.json:
        payload = results[0] if len(results) == 1 else results
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _compile(args) -> int:
    from .codegen import CodegenError, generate
    from .diagnostics import render

    result = load_checked(args.file, "compile", "; nothing written", freeze=args.freeze)
    if isinstance(result, int):
        return result
    net = result.network
    try:
        source = generate(net, args.class_name, args.file)
    except CodegenError as err:
        print(render(err.diagnostic, result.sources), file=sys.stderr)
        print(f"\n{args.file}: 1 error; nothing written", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as err:  # a class name that a block class already has
        print(f"archspec compile: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.output is None:
        sys.stdout.write(source)
        return EXIT_OK
    from .output import write_atomically

    try:
        write_atomically({args.output: source.encode()})
    except OSError as err:
        print(f"archspec compile: error: cannot write {args.output}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    try:
        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `archspec check ... | head`
        sys.stderr.close()
        os._exit(EXIT_OK)
    # Everything is written: skip tearing down every module and object (15 ms of a 110 ms run).
    os._exit(code)
