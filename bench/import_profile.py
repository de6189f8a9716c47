"""What `archspec check` spends on imports: `python -X importtime` of `archspec check -q
specs/resnet152.arch`, each module's own time (median of `--runs` processes), summed by what
imports it, as a markdown table (the README's Speed section shows it).

    bench/.venv/bin/python bench/import_profile.py [--python PY] [--before PY] [--runs 7]

`--python`: the interpreter whose archspec is profiled (default bench/.venv-installed/bin/python,
where bash bench/setup.sh installed the working tree as users install it, else this one);
`--before`: another, whose archspec (an older one) makes a second column.
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SPEC = BENCH_DIR.parent / "specs" / "resnet152.arch"
INSTALLED = BENCH_DIR / ".venv-installed" / "bin" / "python"


def _top(name: str) -> str:
    return name.split(".")[0]


GROUPS = [
    ("archspec's own modules", lambda m: _top(m) == "archspec"),
    (
        "lark, and its cache's tempfile, hashlib, pickle, logging",
        lambda m: (
            _top(m)
            in {
                "lark",
                "tempfile",
                "hashlib",
                "_hashlib",
                "pickle",
                "_pickle",
                "_compat_pickle",
                "random",
                "_random",
                "bisect",
                "_bisect",
                "_sha512",
                "logging",
                "traceback",
                "string",
                "threading",
                "textwrap",
                "struct",
                "_struct",
                "atexit",
            }
        ),
    ),  # fmt: skip
    (
        "dataclasses, and inspect's ast, dis, tokenize",
        lambda m: (
            _top(m)
            in {
                "dataclasses",
                "inspect",
                "ast",
                "_ast",
                "dis",
                "opcode",
                "_opcode",
                "tokenize",
                "token",
                "linecache",
                "copy",
                "keyword",
                "importlib",
            }
        ),
    ),  # fmt: skip
    ("typing", lambda m: m in {"typing", "_typing"}),
    ("argparse, gettext, locale", lambda m: m in {"argparse", "gettext", "locale", "_locale"}),
    (
        "shutil (bz2, lzma), json, fractions (decimal)",
        lambda m: (
            _top(m)
            in {
                "shutil",
                "bz2",
                "_bz2",
                "lzma",
                "_lzma",
                "_compression",
                "zlib",
                "json",
                "fractions",
                "decimal",
                "_decimal",
                "numbers",
                "fnmatch",
                "errno",
            }
        ),
    ),  # fmt: skip
    ("pathlib (urllib, ipaddress)", lambda m: _top(m) in {"pathlib", "urllib", "ipaddress", "ntpath"}),
    (
        "re, enum, functools, collections",
        lambda m: (
            _top(m)
            in {"re", "enum", "functools", "collections", "operator", "itertools", "reprlib", "types", "contextlib"}
        ),
    ),  # fmt: skip
]
REST = "the rest: site, encodings, os, io, weakref, ..."


def profile(python: str, runs: int) -> tuple[collections.Counter, float]:
    """Each group's import time (ms) and the total, medians over `runs` processes."""
    own: dict[str, list[float]] = collections.defaultdict(list)
    code = f"import sys; sys.argv[1:] = ['check', '-q', {str(SPEC)!r}]\nfrom archspec.cli import run\nrun()\n"
    for _ in range(runs + 1):  # the first run writes the bytecode caches
        err = subprocess.run([python, "-X", "importtime", "-c", code], capture_output=True, text=True,
                             cwd="/").stderr  # fmt: skip
        seen = set()
        for line in err.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+\d+ \| \s*(\S+)", line)
            if m and m.group(2) not in seen:
                seen.add(m.group(2))
                own[m.group(2)].append(int(m.group(1)) / 1000)
    medians = {m: statistics.median(v[1:] or v) for m, v in own.items()}
    groups: collections.Counter = collections.Counter()
    for module, ms in medians.items():
        groups[next((name for name, test in GROUPS if test(module)), REST)] += ms
    return groups, sum(medians.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=str(INSTALLED if INSTALLED.exists() else sys.executable))
    parser.add_argument("--before", help="another interpreter, with an older archspec, for a second column")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    columns = [("after", args.python)] if args.before else [("ms", args.python)]
    if args.before:
        columns.insert(0, ("before", args.before))
    results = [profile(python, args.runs) for _, python in columns]
    print("| imported by `archspec check` | " + " | ".join(name for name, _ in columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for name in [g for g, _ in GROUPS] + [REST]:
        print(f"| {name} | " + " | ".join(f"{groups[name]:.1f} ms" for groups, _ in results) + " |")
    print("| **all imports** | " + " | ".join(f"**{total:.1f} ms**" for _, total in results) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
