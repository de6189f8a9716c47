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
        "parameter count, MAC count and memory estimate, from the spec alone.",
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
    from .train_cli import add_train_parser

    add_train_parser(sub)
    return parser


def _depth(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of levels (0 or more), not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
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
    if args.command == "train":
        from .train_cli import run_train

        return run_train(args)
    return EXIT_USAGE


def _check(args) -> int:
    from .diagnostics import render
    from .load import analyse_file
    from .report import render_table, to_json

    results, failed, unreadable = [], False, False
    for path in args.files:
        result = analyse_file(path)
        failed |= not result.ok
        unreadable |= result.network is None and any(d.code == "file-not-found" for d in result.diagnostics)
        if args.json:
            results.append(to_json(result, path))
            continue
        net = result.network
        if (result.ok or result.complete) and not args.quiet:
            if net is not None and net.nodes:
                render_table(net, sys.stdout, args.depth)
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
