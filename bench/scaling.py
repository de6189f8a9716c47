"""How archspec's time grows with the size of a spec: for each family of generated inputs (the ones
that once grew quadratically), the analysis (and `compile`'s code generation) at doubling sizes, and
the slope of log(time) over log(size): 1 is linear, 2 quadratic.

    .venv/bin/python bench/scaling.py [--sizes 2500 5000 10000 20000] [--repeat 3]

Needs only archspec (no torch). Times are the best of `--repeat` runs, in-process, parsing
included; results go to bench/results/scaling.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path

from archspec.analysis.load import analyse
from archspec.emit.pytorch import generate

H = "network N\ninput 3x8x8\n"

FAMILIES = {
    "block definitions": lambda n: "".join(f"block b{i}():\n    relu\n" for i in range(n)) + H + "b1()\n",
    "one chain on one line": lambda n: H + " ".join(["relu"] * n) + "\n",
    "lines": lambda n: H + "relu\n" * n,
    "lines with an unknown layer": lambda n: H + "rleu\n" * n,
    "block calls in a sequence": lambda n: "block b(c):\n    conv c 1 relu\n" + H + f"s: b(3) x{n // 2}\n",
}


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def slope(sizes: list[int], times: list[float]) -> float:
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "scaling.json"))
    args = parser.parse_args()
    rows = []
    cases = [(name, make, "check") for name, make in FAMILIES.items()]
    cases.append(("compile of lines", FAMILIES["lines"], "compile"))
    for name, make, what in cases:
        times = []
        for n in args.sizes:
            text = make(n)
            if what == "check":
                times.append(best(lambda text=text: analyse(text, "gen.arch"), args.repeat))
            else:
                net = analyse(text, "gen.arch").network
                times.append(best(lambda net=net: generate(net), args.repeat))
        rows.append(
            {"family": name, "what": what, "sizes": args.sizes, "seconds": times, "slope": slope(args.sizes, times)}
        )
        cells = "  ".join(f"{n:>6}: {t:6.3f} s" for n, t in zip(args.sizes, times))
        print(f"{name:<30} {cells}   slope {rows[-1]['slope']:.2f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"python": platform.python_version(), "machine": platform.machine(), "rows": rows}, indent=1)
    )


if __name__ == "__main__":
    main()
