"""Record what `archspec check` prints for every spec in specs/, or compare two such records byte
for byte: a change made for speed must not change a single byte of any output.

    python bench/check_outputs.py record OUT_DIR [--root REPO]   # run the checks, write OUT_DIR
    python bench/check_outputs.py compare OLD_DIR NEW_DIR        # exit 1 and list what differs

`record` runs `python -m archspec check` (from REPO, default this working tree) on every spec with
each of the option sets below, and writes the standard output, the standard error and the exit
status of each run. To record another revision, export it first:
`git archive REV | tar -x -C /tmp/old && python bench/check_outputs.py record old --root /tmp/old`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

VARIANTS = {
    "table": [],
    "json": ["--json"],
    "quiet": ["-q"],
    "rf": ["--rf", "--depth", "1"],
    "keras": ["--style", "keras"],
    "torchinfo": ["--memory", "torchinfo"],
    "korean": ["--lang", "ko"],
}


def record(out: Path, root: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(root), COLUMNS="100", LC_ALL="C.UTF-8")
    env.pop("LANG", None)
    specs = sorted((root / "specs").glob("*.arch"))
    for spec in specs:
        for name, options in VARIANTS.items():
            run = subprocess.run(
                [sys.executable, "-m", "archspec", "check", *options, f"specs/{spec.name}"],
                cwd=root,
                env=env,
                capture_output=True,
            )
            stem = out / f"{spec.stem}.{name}"
            stem.with_suffix(stem.suffix + ".out").write_bytes(run.stdout)
            stem.with_suffix(stem.suffix + ".err").write_bytes(run.stderr)
            stem.with_suffix(stem.suffix + ".rc").write_text(f"{run.returncode}\n")
    print(f"{len(specs)} specs x {len(VARIANTS)} option sets recorded in {out}")
    return 0


def compare(old: Path, new: Path) -> int:
    names = sorted({p.name for p in old.iterdir()} | {p.name for p in new.iterdir()})
    differ = [n for n in names if not (old / n).exists() or not (new / n).exists()
              or (old / n).read_bytes() != (new / n).read_bytes()]  # fmt: skip
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names)} files compared, {len(differ)} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--root", type=Path, default=REPO_ROOT)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        return record(args.out, args.root.resolve())
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
