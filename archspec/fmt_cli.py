"""`archspec fmt [--check] FILE...`: rewrite specs in archspec's layout (archspec.frontend.format),
or, with `--check`, list the ones that are not in it. A file that cannot be read or does not parse
gets its diagnostics and is left as it is."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_fmt_parser(sub) -> None:
    p = sub.add_parser(
        "fmt",
        help="rewrite specs in one layout (indentation, spacing, aligned `expect` columns), comments kept",
        description="Rewrite each spec in archspec's layout: 4 spaces per level, one space between words (two "
        "before a label inside a chain), `expect` and trailing comments aligned in columns within a body, "
        "comments and blank lines kept (at most one in a row in a body, two between top-level parts). The "
        "rewritten text parses to the same syntax tree, so the spec checks to the same numbers; formatting "
        "twice changes nothing. A file with a syntax error gets its diagnostics and is not rewritten. `-` "
        "reads standard input and writes the result to standard output. Exit status: 0 when every file is "
        "formatted (or, with --check, already was), 1 when --check finds files to reformat or a file does "
        "not parse, 2 when a file cannot be read.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".arch spec files, or - for standard input")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing: list the files that would be reformatted and exit 1 if there are any",
    )
    p.add_argument("--diff", action="store_true", help="write nothing: show what would change as a unified diff")


def run_fmt(args) -> int:
    import difflib

    from archspec.analysis.load import BadFile, _read, _unreadable
    from archspec.diagnostics import ArchspecError, Diagnostic, render
    from archspec.frontend.format import format_text
    from archspec.messages import say

    failed = unreadable = False
    changed: list[str] = []
    for path in args.files:
        try:
            text = sys.stdin.read() if path == "-" else _read(path)
        except BadFile as bad:
            hint = "save the file as UTF-8" if "UTF-8" in bad.reason else "a spec is a text file of .arch lines"
            diag = Diagnostic("bad-file", f"{path}: {bad.reason}", bad.span, "here", hint)
            print(render(diag, {path: bad.shown} if bad.shown is not None else {}) + "\n", file=sys.stderr)
            unreadable = True
            continue
        except (OSError, ValueError) as exc:
            diag = Diagnostic("file-not-found", f"{path}: {_unreadable(exc)}", None)
            print(render(diag, {}) + "\n", file=sys.stderr)
            unreadable = True
            continue
        name = "<stdin>" if path == "-" else path
        try:
            formatted = format_text(text, name)
        except ArchspecError as err:
            for diag in err.diagnostics:
                print(render(diag, {name: text}) + "\n", file=sys.stderr)
            count = sum(d.severity == "error" for d in err.diagnostics)
            print(say(f"{name}: {count} error{'s' if count != 1 else ''}; not reformatted"), file=sys.stderr)
            failed = True
            continue
        except AssertionError:  # the layout would change what the text says: a bug, never written
            print(say(f"archspec fmt: error: {name}: formatting would change what the spec says; left as it is"),
                  file=sys.stderr)  # fmt: skip
            failed = True
            continue
        if path == "-" and not (args.check or args.diff):
            sys.stdout.write(formatted)
            continue
        if formatted == text:
            continue
        changed.append(name)
        if args.diff:
            lines = difflib.unified_diff(
                text.splitlines(True), formatted.splitlines(True), f"{name} (as written)", f"{name} (formatted)"
            )
            sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in lines)
        if args.check or args.diff:
            if args.check:
                print(say(f"would reformat {name}"))
            continue
        from archspec.views.output import write_atomically

        try:
            write_atomically({path: formatted.encode()})
        except OSError as err:
            print(say(f"archspec fmt: error: cannot write {path}: {err.strerror or err}"), file=sys.stderr)
            unreadable = True
            continue
        print(say(f"reformatted {name}"))
    if args.check:
        n = len(changed)
        if n:
            print(say(f"{n} file{'s' if n != 1 else ''} would be reformatted"), file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    if failed or (args.check and changed):
        return EXIT_FAILED
    return EXIT_OK
