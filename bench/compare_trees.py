"""Time `archspec check` of two working trees side by side: this one and another (an older
revision, exported with `git archive REV | tar -x -C /tmp/old`), alternating, on ResNet-152 and on
the generated 10,000-layer chain of run.py, as whole processes (run.py's spawner and its
environment). What a change did to the time, on the same machine at the same moment: the ratio
of the medians is the figure to quote, since a shared machine's load moves both alike.

    bench/.venv/bin/python bench/compare_trees.py /tmp/old [--rounds 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from run import REPO_ROOT, SPEC, checked, child_env, measure, scaling_spec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the other working tree (its archspec/ is run)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--layers", type=int, default=10_000, help="the generated chain's layers")
    args = parser.parse_args()
    text, layers = scaling_spec(args.layers)
    chain = Path(tempfile.mkdtemp(prefix="archspec-compare-")) / f"chain{layers}.arch"
    chain.write_text(text)
    trees = {"old": args.old.resolve(), "new": REPO_ROOT}
    cases = {"resnet152": ["check", str(SPEC)], f"chain{layers} -q": ["check", "--quiet", str(chain)]}
    print(f"old: {trees['old']}\nnew: {trees['new']}\n{args.rounds} rounds, alternating (+1 warm-up)")
    for case, argv in cases.items():
        times: dict[str, list[float]] = {name: [] for name in trees}
        for round_ in range(args.rounds + 1):
            for name, tree in trees.items():
                env = child_env()
                env["PYTHONPATH"] = str(tree)
                m = checked(f"{name} {case}", measure([sys.executable, "-m", "archspec", *argv], env=env, cwd=tree))
                if round_:
                    times[name].append(m.wall_s)
        old, new = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"{case:<20} old {old:7.3f} s  new {new:7.3f} s  old / new {old / new:5.2f}x "
              f"(min {min(times['old']):.3f} / {min(times['new']):.3f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
