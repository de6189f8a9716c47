"""The `archspec` command line."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


_ASKED_LANG: list[str | None] = [None]  # `--lang` as written on the command line, before it is parsed


class _Parser(argparse.ArgumentParser):
    """argparse's parser with its one-line usage errors in the output language (`--lang ko`, or a
    Korean `LANG`): the usage line and `--help` stay argparse's English."""

    def error(self, message: str):
        from archspec.i18n import Language, Message, language
        from archspec.messages import translate

        self.print_usage(sys.stderr)
        if isinstance(message, Message):  # a message by identity (archspec.catalogue), said as it is
            self.exit(EXIT_USAGE, Language.of(_ASKED_LANG[0]).say(Message("cli.error", message=message)) + "\n")
        text = translate(f"{self.prog}: error: {message}", language(_ASKED_LANG[0]))
        self.exit(EXIT_USAGE, text + "\n")

    def _get_formatter(self):
        # argparse's own width, without the `import shutil` (and of the compression modules shutil
        # imports) that argparse's formatter makes for every option added
        return self.formatter_class(prog=self.prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


def _asked_lang(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


COMMANDS = (
    "check",
    "compile",
    "render",
    "tree",
    "explain",
    "calc",
    "quiz",
    "playground",
    "train",
    "evaluate",
    "predict",
    "export",
    "fmt",
    "lsp",
    "import",
)


def _parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The command line's parser and its commands' parsers by name; with `only`, one command's: the
    others' options are not built (their modules not imported) for a command that cannot use them."""
    parser = _Parser(
        prog="archspec",
        description="Check convolutional networks described in .arch specs: every tensor shape, "
        "parameter count, MAC count and memory estimate, from the spec alone; write them as PyTorch source.",
    )
    from archspec import __version__

    parser.add_argument("--version", action="version", version=f"archspec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only in (None, "check"):
        _add_check(sub)
    builders = [("compile", _add_compile), ("render", _add_render), ("tree", _add_tree)]
    builders += [("explain", _teaching_commands), ("playground", _add_playground), ("train", _add_train)]
    builders += [("evaluate", _add_evaluate), ("predict", _add_predict), ("export", _add_export)]
    builders += [("fmt", _add_fmt), ("lsp", _add_lsp), ("import", _add_import)]
    for name, add in builders:
        if only is None or only == name or (name == "explain" and only in ("calc", "quiz")):
            add(sub)
    for name in ("compile", "render", "tree", "train", "evaluate", "predict", "export", "fmt", "lsp", "import"):
        if name in sub.choices:
            _lang_option(sub.choices[name])
    return parser, sub.choices


def _add_train(sub) -> None:
    from archspec.training.train_cli import add_train_parser

    add_train_parser(sub)


def _add_evaluate(sub) -> None:
    from archspec.training.evaluate_cli import add_evaluate_parser

    add_evaluate_parser(sub)


def _add_predict(sub) -> None:
    from archspec.training.evaluate_cli import add_predict_parser

    add_predict_parser(sub)


def _add_export(sub) -> None:
    from archspec.emit.export_cli import add_export_parser

    add_export_parser(sub)


def _add_fmt(sub) -> None:
    from archspec.fmt_cli import add_fmt_parser

    add_fmt_parser(sub)


def _add_import(sub) -> None:
    from archspec.import_cli import add_import_parser

    add_import_parser(sub)


def _add_lsp(sub) -> None:
    lsp = sub.add_parser(
        "lsp",
        help="run the language server for editors (LSP on standard input and output)",
        description="Run archspec's language server (the Language Server Protocol 3.17) on standard input and "
        "output, for editors: diagnostics as `check` gives them, hovers (a line's shapes, params, MACs and "
        "receptive field; a block call's totals; a layer kind's formulas as `explain` writes them), each "
        "line's output shape as an inlay hint, go to definition, completion, document symbols and formatting "
        "as `archspec fmt` does it. Needs the `lsp` extra: pip install 'archspec[lsp]'. docs/editors.md sets "
        "it up in VS Code, Neovim and Helix. Exit status: 0 when the client ends the session, 1 when the "
        "extra is not installed.",
    )
    lsp.add_argument("--stdio", action="store_true", help="standard input and output (the default; editors pass it)")


def _add_check(sub) -> None:
    check = sub.add_parser(
        "check",
        help="parse specs, infer every shape, count params, MACs and memory, and verify `expect` lines",
        description="Parse each spec, infer every tensor shape, count parameters, MACs and memory "
        "(as torchsummary estimates it, or torchinfo with --memory torchinfo), and verify the spec's `expect` lines. "
        "Exit status: 0 when every file checks, 1 when any fails, 2 for a usage error.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help=".arch spec files")
    check.add_argument(
        "-q", "--quiet", action="store_true", help="print the diagnostics only (errors and warnings), no table"
    )
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
    check.add_argument(
        "--memory",
        choices=("torchsummary", "torchinfo"),
        default="torchsummary",
        help="whose memory estimate to print: torchsummary's (the default: every layer's output, MB = 2**20 bytes; "
        "what `expect forward_backward_mb=` checks) or torchinfo's (outputs of layers with parameters, "
        "MB = 10**6 bytes); the JSON has both under memory_conventions",
    )
    check.add_argument(
        "--style",
        choices=("archspec", "keras"),
        default="archspec",
        help="the table's style: archspec's (the default) or keras, as Keras's model.summary() prints it: "
        "activations folded into their layer, (None, H, W, C) shapes, Keras's class names and totals",
    )
    freeze_options(check)
    set_options(check)
    _lang_option(check)


def _add_render(sub) -> None:
    from archspec.views.drawing import DIRECTIONS, FORMATS, PNG_DPI, SHAPES

    render = sub.add_parser(
        "render",
        help="draw a spec's network as a diagram (SVG, PNG, PDF or Graphviz DOT)",
        description="Draw the network of a spec through Graphviz: a box per layer or per block, its kind in the "
        "notation of lecture tables and its output shape (or the shapes on the arrows: --shapes), shortcuts dashed. "
        "Blocks and sequences are one box each unless expanded. SVG, PNG and PDF need Graphviz's `dot` "
        "program; `--format dot` writes the DOT text without it. The file is written only when drawing "
        "succeeds. Exit status: 0 when drawn, 1 when the spec has errors or drawing fails, 2 for a usage error.",
    )
    render.add_argument("file", metavar="FILE", help=".arch spec file")
    set_options(render)
    render.add_argument(
        "block_args",
        nargs="*",
        metavar="ARG=VALUE",
        help="with --block, the block's arguments (`width=64 stride=2`)",
    )
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
    render.add_argument(
        "--block",
        metavar="NAME",
        help="draw one block definition of FILE alone (a blocks file such as specs/blocks.arch), called with "
        "the ARG=VALUE arguments on an input of shape --input: `render specs/blocks.arch --block bottleneck "
        "--input 256x56x56 width=64`; expanded unless --depth says otherwise, --only a path inside it",
    )
    render.add_argument("--input", metavar="SHAPE", help="with --block, the shape the block takes (`256x56x56`)")
    render.add_argument(
        "--fold",
        action="store_true",
        help="draw a layer with weights and the batchnorm and activations after it as one box, as lecture "
        "tables write a row: `conv 6, 5x5, tanh`, `conv 64, 7x7 /2, bn, relu`",
    )
    render.add_argument(
        "--shapes",
        choices=SHAPES,
        default="boxes",
        help="where tensor shapes are written: boxes (default: each in the box that makes it), edges (on the "
        "arrows), or both",
    )
    render.add_argument(
        "--dpi",
        type=_positive,
        metavar="N",
        help=f"resolution of a PNG (default {PNG_DPI}; Graphviz's own is 96); PNG and DOT only",
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
    set_options(tree)


def _lang_option(command: argparse.ArgumentParser) -> None:
    from archspec.i18n import LANGUAGES, UNITS

    command.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the output, diagnostics included: en (English, the default) or ko (Korean, in the "
        "lecture notes' terms); without it, LC_ALL, LC_MESSAGES or LANG starting with `ko` choose Korean",
    )
    command.add_argument(
        "--units",
        choices=UNITS,
        default=None,
        help="how counts are written: en (163,840,000) or ko (1억 6384만, as the lecture notes write them); "
        "default: ko under Korean, else en",
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
    set_options(explain)
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
        "key (--answers-out, else beside the sheet as SHEET-key.toml, or NAME-quiz-key.toml in the current "
        "folder; stderr says where), the same for the same --seed.",
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
    policy = quiz.add_mutually_exclusive_group()
    policy.add_argument(
        "--exact", action="store_true", help="with --answers: parameters and MACs must be written with every digit"
    )
    policy.add_argument(
        "--tolerance",
        type=_tolerance,
        metavar="R",
        help="with --answers: accept parameters and MACs within a relative error R (0.05: 5%%); with --make "
        "--format moodle: the questions' tolerance (default: a rounded answer is right when it is the true value "
        "rounded to the digits written, with at least two significant digits)",
    )
    quiz.add_argument(
        "--format",
        choices=("toml", "moodle", "print"),
        default="toml",
        help="with --make: toml (the sheet students fill in, default), moodle (Moodle XML: a numerical "
        "question per number, a short-answer one per shape) or print (Markdown with blank answer lines; "
        "the key in its own file)",
    )
    quiz.add_argument(
        "--variants",
        type=_count,
        metavar="N",
        help="with --make: N versions of the sheet, each for a spec with other channel counts, kernels and "
        "strides that checks; written as SHEET-v1.toml, SHEET-v1-key.toml, SHEET-v1.arch, ...",
    )
    _lang_option(quiz)


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a relative error from 0 to 1 (0.05 for 5%), not {text!r}")
    return value


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
    set_options(compile_)


def _class_name(text: str) -> str:
    from archspec.emit.names import valid_class_name

    if not valid_class_name(text):
        raise argparse.ArgumentTypeError(f"expected a Python class name like ResNet50, not {text!r}")
    return text


def _depth(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of levels (0 or more), not {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, not {text!r}")
    return int(text)


def _parse(parser: argparse.ArgumentParser, commands: dict, given: list[str]) -> tuple[argparse.Namespace, list]:
    """The command line parsed with options anywhere: a command's options may come before, between
    or after its positional arguments (`explain FILE --lang ko LAYER`), as argparse's intermixed
    parsing reads them; a mistyped command gets a did-you-mean."""
    if given and not given[0].startswith("-") and given[0] not in commands:
        from archspec.diagnostics import did_you_mean, listing
        from archspec.i18n import Message

        every = listing(COMMANDS, limit=len(COMMANDS))
        hint = did_you_mean(given[0], COMMANDS) or Message("cli.commands-are", names=every)
        parser.error(Message("cli.unknown-command", name=given[0], hint=hint))
    if given and given[0] in commands:
        command = commands[given[0]]
        try:
            args, extra = command.parse_known_intermixed_args(given[1:])
        except TypeError:  # a command whose arguments argparse cannot parse intermixed
            return parser.parse_known_args(given)
        args.command = given[0]
        return args, extra
    return parser.parse_known_args(given)


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    # `archspec check ...`: only check's options are built; `archspec -h`, a bad command: all of them
    parser, commands = _parser(given[0] if given and given[0] in COMMANDS else None)
    _ASKED_LANG[0] = _asked_lang(given)
    args, extra = _parse(parser, commands, given)
    if extra and args.command == "render":  # `render FILE --block NAME width=64`: arguments after options
        args.block_args += [e for e in extra if not e.startswith("-")]
        extra = [e for e in extra if e not in args.block_args]
    if extra:  # name the command whose options were wrong, with its usage, not the top level's
        commands.get(args.command, parser).error("unrecognized arguments: " + " ".join(extra))
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from archspec.diagnostics import output_language, set_output_language
    from archspec.i18n import language, units

    lang = language(getattr(args, "lang", None))
    before = output_language()
    set_output_language(lang, units(getattr(args, "units", None), lang))
    try:
        return _run(args)
    finally:
        set_output_language(*before)  # main() called from Python leaves the library English


def _run(args) -> int:
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
        from archspec.views.playground import serve

        return serve(args.port, not args.no_browser)
    from archspec.teaching import teach

    if args.command == "explain":
        return teach.explain_command(args)
    if args.command == "calc":
        return teach.calc_command(args)
    if args.command == "quiz":
        return teach.quiz_command(args)
    if args.command == "compile":
        return _compile(args)
    if args.command == "train":
        from archspec.training.train_cli import run_train

        return run_train(args)
    if args.command in ("evaluate", "predict"):
        from archspec.training import evaluate_cli

        return (evaluate_cli.run_evaluate if args.command == "evaluate" else evaluate_cli.run_predict)(args)
    if args.command == "lsp":
        return _lsp(args)
    if args.command == "import":
        from archspec.import_cli import run_import

        return run_import(args)
    if args.command == "fmt":
        from archspec.fmt_cli import run_fmt

        return run_fmt(args)
    if args.command == "export":
        from archspec.emit.export_cli import run_export

        return run_export(args)
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


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier() or not value:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, e.g. num_classes=10, not {text!r}")
    return name, value


def set_options(command: argparse.ArgumentParser) -> None:
    """`--set NAME=VALUE`: the value of a parameter of the network (`network R(num_classes=1000)`)."""
    command.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        type=_setting,
        metavar="NAME=VALUE",
        help="set a parameter of the network (`network ResNet50(num_classes=1000)`): --set num_classes=10; repeatable",
    )


def load_checked(
    path: str,
    verb: str = "show",
    consequence: str = "",
    quiet: bool = False,
    freeze: list[tuple[str, str]] = (),
    settings: list[tuple[str, str]] = (),
    command: str = "",
):
    """The analysis of one spec with a network for `compile`, `train`, `render`, `tree`, `evaluate`
    and `predict`, or an exit status after printing the diagnostics (as `check` does; nothing when
    `quiet`) when the spec has errors or defines no network. `verb` and `consequence` finish the
    messages: "no network to {verb}", "2 errors{consequence}". Errors that all point into the
    command line (`--freeze stm`, `--set nmu_classes=2`) are a usage error of `command`: the
    options are wrong, not the spec."""
    from archspec.analysis.load import COMMAND_LINE, analyse_file
    from archspec.diagnostics import render
    from archspec.diagnostics import say as t

    result = analyse_file(path, freeze, settings)

    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr)

    for diag in result.diagnostics:
        say(render(diag, result.sources) + "\n")
    if result.unreadable:
        return EXIT_USAGE
    if not result.ok:
        errors = [d for d in result.diagnostics if d.severity == "error"]
        count = len(errors)
        if all(d.span is not None and d.span.file == COMMAND_LINE for d in errors):
            lines = result.sources[COMMAND_LINE].splitlines()
            options = ", ".join(dict.fromkeys(f"`{lines[d.span.line - 1]}`" for d in errors))
            where = f"archspec {command}" if command else "archspec"
            say(t(f"{where}: error: the command line has {count} error{'s' if count != 1 else ''} (above): {options}"))
            return EXIT_USAGE
        say(t(f"{path}: {count} error{'s' if count != 1 else ''}{consequence}"))
        return EXIT_FAILED
    net = result.network
    if not net.nodes:
        blocks = ", ".join(net.blocks) if net.blocks else "nothing"
        say(t(f"{path}: no network to {verb}; the file defines {blocks}"))
        return EXIT_FAILED
    return result


def _render(args) -> int:
    from archspec.diagnostics import say as t
    from archspec.views.diagram import FORMATS, PNG_DPI, DrawError, dot_source, draw

    def usage(message: str) -> int:
        print(t(f"archspec render: error: {message}"), file=sys.stderr)
        return EXIT_USAGE

    fmt, out = args.format, args.output
    suffix = os.path.splitext(out)[1].lstrip(".").lower() if out and out != "-" else ""
    if fmt is None:
        fmt = suffix if suffix in FORMATS else "svg"
    elif suffix in FORMATS and suffix != fmt:
        return usage(f"`-o {out}` says {suffix}, `--format` says {fmt}")
    if args.dpi is not None and fmt not in ("png", "dot"):
        return usage(f"--dpi sets a PNG's resolution; {fmt} is drawn in points, at any size")
    dpi = args.dpi if args.dpi is not None else PNG_DPI if fmt == "png" else None
    if args.block is None and (args.input is not None or args.block_args):
        what = "--input" if args.input is not None else f"`{args.block_args[0]}`"
        return usage(f"{what} is for --block NAME: `archspec render FILE --block NAME --input SHAPE [ARG=VALUE ...]`")
    if out is None:
        out = (args.block or os.path.splitext(os.path.basename(args.file))[0]) + "." + fmt
    if args.block is None:
        result = load_checked(args.file, settings=args.settings, command="render")
    else:
        result = _block_network(args)
    if isinstance(result, int):
        return result
    net = result.network
    only = args.only
    if args.block is not None:
        only = args.block if only is None else f"{args.block}.{only}"
    depth = args.depth
    if args.expand or (depth is None and only):
        depth = None
    elif depth is None:
        depth = 0
    try:
        source = dot_source(net, depth, args.direction, only, fold=args.fold, shapes=args.shapes, dpi=dpi)
    except ValueError as err:  # --only names no block
        return usage(str(err))
    except ImportError:
        print(
            t("archspec render: error: the `graphviz` Python package is missing: pip install graphviz"), file=sys.stderr
        )
        return EXIT_FAILED
    try:
        data = draw(source, fmt)
    except DrawError as err:
        print(t(f"archspec render: error: {err}"), file=sys.stderr)
        return EXIT_FAILED
    if out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return EXIT_OK
    from archspec.views.output import write_atomically

    try:
        write_atomically({out: data})
    except OSError as err:
        print(t(f"archspec render: error: cannot write {out}: {err.strerror or err}"), file=sys.stderr)
        return EXIT_USAGE
    print(t(f"wrote {out}"))
    return EXIT_OK


def _block_network(args):
    """`render FILE --block NAME --input SHAPE ARG=VALUE...`: the analysis of a network of one line
    calling the block (`archspec.build`'s `block=`, through the same spec), or an exit status after
    saying what is wrong."""
    from archspec.analysis.load import analyse_file, instantiate
    from archspec.diagnostics import render
    from archspec.emit.build import block_call
    from archspec.messages import say as t

    def usage(message: str) -> int:
        print(t(f"archspec render: error: {message}"), file=sys.stderr)
        return EXIT_USAGE

    result = analyse_file(args.file)
    for diag in result.diagnostics:
        print(render(diag, result.sources) + "\n", file=sys.stderr)
    if result.unreadable:
        return EXIT_USAGE
    if not result.ok:
        count = sum(d.severity == "error" for d in result.diagnostics)
        print(t(f"{args.file}: {count} error{'s' if count != 1 else ''}"), file=sys.stderr)
        return EXIT_FAILED
    defined = result.network.blocks
    if args.block not in defined:
        known = f"it defines {', '.join(defined)}" if defined else "it defines no blocks"
        return usage(f"{args.file} has no block `{args.block}`; {known}")
    if args.input is None:
        return usage(f"--block {args.block} needs the shape it takes: --input SHAPE (e.g. --input 256x56x56)")
    values = {"input": args.input}
    for arg in args.block_args:
        key, sep, text = arg.partition("=")
        if not sep or not key or not text:
            return usage(f"`{arg}` is not an argument: write ARG=VALUE, e.g. width=64")
        if key in values:
            return usage(f"`{key}` is given twice")
        values[key] = _block_value(text)
    try:
        shape, values = block_call(args.block, values)
    except (TypeError, ValueError) as err:
        return usage(str(err))
    block_result = instantiate(args.file, args.block, values, shape)
    if not block_result.ok:
        for diag in block_result.diagnostics:
            print(render(diag, block_result.sources) + "\n", file=sys.stderr)
        call = ", ".join(args.block_args)
        return usage(f"cannot call {args.block}({call}) on {args.input}: see above")
    return block_result


def _block_value(text: str):
    """A block argument from the command line as `block_call` takes it: a whole number, a number,
    true or false, a shape (`3x3`, a tuple), else the word itself (checked there)."""
    import re

    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"\d+(x\d+)+", text):
        return tuple(int(d) for d in text.split("x"))
    try:
        return float(text)
    except ValueError:
        return text


def _tree(args) -> int:
    from archspec.diagnostics import output_language
    from archspec.views.tree import render_tree

    result = load_checked(args.file, settings=args.settings, command="tree")
    if isinstance(result, int):
        return result
    net = result.network
    render_tree(net, sys.stdout, args.depth, *output_language())
    return EXIT_OK


def _check(args) -> int:
    from archspec.analysis.load import analyse_file
    from archspec.diagnostics import output_language, render
    from archspec.diagnostics import say as t
    from archspec.views.report import render_table, to_json

    if args.style == "keras" and (args.rf or args.depth is not None):
        option = "--rf" if args.rf else "--depth"
        print(f"archspec check: error: {option} does not go with --style keras (Keras's summary has no such column)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    lang, unit = output_language()

    results, failed, unreadable = [], False, False
    for path in args.files:
        result = analyse_file(path, args.freeze, args.settings)
        failed |= not result.ok
        unreadable |= result.unreadable
        if args.json:
            results.append(to_json(result, path, args.memory))
            continue
        net = result.network
        if (result.ok or result.complete) and not args.quiet:
            if net is not None and net.nodes:
                if lang == "en" or args.style == "keras":
                    render_table(net, sys.stdout, args.depth, args.rf, args.memory, args.style)
                else:
                    _korean_table(net, args.depth, args.rf, lang, unit, args.memory)
            else:
                blocks = ", ".join(net.blocks) if net and net.blocks else "nothing"
                print(t(f"{path}: no network; defines {blocks}"))
            if len(args.files) > 1:
                print()
        for diag in result.diagnostics:
            print(render(diag, result.sources), file=sys.stderr)
            print(file=sys.stderr)
        if not result.ok:
            count = sum(d.severity == "error" for d in result.diagnostics)
            print(t(f"{path}: {count} error{'s' if count != 1 else ''}"), file=sys.stderr)
    if args.json:
        payload = results[0] if len(results) == 1 else results
        import json

        json.dump(payload, sys.stdout, indent=2, ensure_ascii=lang == "en")
        sys.stdout.write("\n")
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _korean_table(net, depth, rf, lang, unit, memory: str = "torchsummary") -> None:
    """`check`'s table with its header and totals in `lang` (archspec.messages.localise_table)."""
    from archspec.messages import localise_table
    from archspec.views.report import table_lines

    lines = localise_table(table_lines(net, depth, rf, memory), lang, unit)
    if not sys.stdout.isatty():
        sys.stdout.write("\n".join(text for text, _ in lines) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=sys.stdout, highlight=False)
    for text, style in lines:
        console.print(Text(text, style=style or ""), no_wrap=True, crop=False)


def _lsp(args) -> int:
    from archspec.diagnostics import output_language
    from archspec.diagnostics import say as t

    try:
        from archspec.lsp.server import serve
    except ImportError as exc:
        print(t(f"archspec lsp: error: the language server needs pygls and lsprotocol ({exc}): pip install "
                "'archspec[lsp]'"), file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    return serve(*output_language())


def _compile(args) -> int:
    from archspec.diagnostics import render
    from archspec.diagnostics import say as t
    from archspec.emit.pytorch import CodegenError, generate

    result = load_checked(
        args.file, "compile", "; nothing written", freeze=args.freeze, settings=args.settings, command="compile"
    )
    if isinstance(result, int):
        return result
    net = result.network
    try:
        source = generate(net, args.class_name, args.file)
    except CodegenError as err:
        print(render(err.diagnostic, result.sources), file=sys.stderr)
        print("\n" + t(f"{args.file}: 1 error; nothing written"), file=sys.stderr)
        return EXIT_FAILED
    except ValueError as err:  # a class name that a block class already has
        print(t(f"archspec compile: error: {err}"), file=sys.stderr)
        return EXIT_USAGE
    if args.output is None:
        sys.stdout.write(source)
        return EXIT_OK
    from archspec.views.output import write_atomically

    try:
        write_atomically({args.output: source.encode()})
    except OSError as err:
        print(t(f"archspec compile: error: cannot write {args.output}: {err.strerror or err}"), file=sys.stderr)
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
