"""Benchmark: `archspec check specs/resnet152.arch` against torchinfo's summary of
torchvision's resnet152, as whole processes, plus how `archspec check` scales with
the number of layers.

Run from anywhere, with the benchmark's environment (see bench/README.md):

    bash bench/setup.sh && bench/.venv/bin/python bench/run.py

Every measured command is a fresh child process, forked from a tiny helper
process (a bare `python -S`) that reaps it with os.wait4(pid), which returns that
child's own resource usage: ru_maxrss is the peak resident set size of that one
process (Linux reports KiB). Wall time is time.perf_counter() in the helper from
just before the fork to the return of wait4, so it counts interpreter start-up,
imports, the work and the exit.

Why the helper: Linux carries a process's RSS high-water mark across exec, so a
child's ru_maxrss can never be below the RSS of the process it was forked from.
Forking from the ~8 MB helper rather than from this runner keeps that floor below
any Python program's own footprint. The floor (`/bin/true` spawned the same way)
is measured and printed with the results.
"""

from __future__ import annotations

import argparse
import ast
import atexit
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SPEC = REPO_ROOT / "specs" / "resnet152.arch"
PEER_SCRIPT = BENCH_DIR / "torchinfo_resnet152.py"
RESULTS_DIR = BENCH_DIR / "results"

TARGET_SPEEDUP = 40.0  # the floor: most of what is left is Python starting and importing
TARGET_MEMORY = 20.0
INSTALLED_VENV = BENCH_DIR / ".venv-installed"  # archspec installed as users install it (`pip install .`)


# --------------------------------------------------------------------------- measuring


class Measurement:
    __slots__ = ("wall_s", "maxrss_mb", "user_s", "sys_s", "returncode", "stdout", "stderr")

    def __init__(self, wall_s, maxrss_mb, user_s, sys_s, returncode, stdout, stderr):
        self.wall_s = wall_s
        self.maxrss_mb = maxrss_mb
        self.user_s = user_s
        self.sys_s = sys_s
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


# The spawner: a bare interpreter (-S: no site, nothing imported but os/sys/time) that
# forks and execs each measured command and reaps it with os.wait4. Linux keeps a
# process's RSS high-water mark across exec, so a child's ru_maxrss is never below the
# RSS of the process it was forked from; forking from this ~8 MB process instead of the
# runner keeps that floor below any Python program's own start-up footprint.
_SPAWNER = r"""
import os, sys, time
while True:
    line = sys.stdin.readline()
    if not line:
        break
    argv, env, cwd, out_path, err_path = eval(line)
    fo = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    fe = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    fi = os.open(os.devnull, os.O_RDONLY)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            os.dup2(fi, 0)
            os.dup2(fo, 1)
            os.dup2(fe, 2)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(fo)
    os.close(fe)
    os.close(fi)
    sys.stdout.write(repr((wall, ru.ru_maxrss, ru.ru_utime, ru.ru_stime, os.waitstatus_to_exitcode(status))) + "\n")
    sys.stdout.flush()
"""


class Spawner:
    """Runs commands one at a time in fresh processes, forked from a tiny helper."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd="/"
        )
        self.tmp = Path(tempfile.mkdtemp(prefix="archspec-bench-io-"))

    def measure(self, cmd: list[str], env: dict[str, str] | None = None, cwd: Path = REPO_ROOT) -> Measurement:
        exe = cmd[0] if os.path.isabs(cmd[0]) else shutil.which(cmd[0])
        if exe is None:
            raise FileNotFoundError(cmd[0])
        out, err = self.tmp / "stdout", self.tmp / "stderr"
        request = (
            [exe, *cmd[1:]],
            dict(os.environ if env is None else env),
            str(cwd),
            str(out),
            str(err),
        )
        self.proc.stdin.write(repr(request) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError("the spawner process died")
        wall, maxrss_kib, user, system, rc = ast.literal_eval(reply)
        return Measurement(
            wall_s=wall,
            maxrss_mb=maxrss_kib / 1024.0,  # Linux reports KiB
            user_s=user,
            sys_s=system,
            returncode=rc,
            stdout=out.read_text("utf-8", "replace"),
            stderr=err.read_text("utf-8", "replace"),
        )

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


_spawner: Spawner | None = None


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = REPO_ROOT) -> Measurement:
    """Run cmd as one child process: its wall time and its own peak RSS (os.wait4)."""
    global _spawner
    if _spawner is None:
        _spawner = Spawner()
        atexit.register(_spawner.close)
    return _spawner.measure(cmd, env, cwd)


def checked(name: str, m: Measurement) -> Measurement:
    if m.returncode != 0:
        sys.stderr.write(
            f"\n{name} failed with exit code {m.returncode}\n--- stdout\n{m.stdout[-3000:]}\n"
            f"--- stderr\n{m.stderr[-3000:]}\n"
        )
        raise SystemExit(1)
    return m


def summarize(ms: list[Measurement]) -> dict:
    walls = [m.wall_s for m in ms]
    rss = [m.maxrss_mb for m in ms]
    return {
        "runs": len(ms),
        "wall_s_median": statistics.median(walls),
        "wall_s_min": min(walls),
        "wall_s_max": max(walls),
        "wall_s_all": walls,
        "cpu_s_median": statistics.median(m.user_s + m.sys_s for m in ms),
        "peak_rss_mb_median": statistics.median(rss),
        "peak_rss_mb_min": min(rss),
        "peak_rss_mb_max": max(rss),
        "peak_rss_mb_all": rss,
    }


# --------------------------------------------------------------------------- commands


PYCACHE = BENCH_DIR / ".venv" / "pycache"


def child_env(bytecode_cache: bool = True) -> dict[str, str]:
    """The environment both measured programs run in.

    A user's Python writes and reuses bytecode (`__pycache__`); some sandboxes and CI set
    PYTHONDONTWRITEBYTECODE, which makes every run compile archspec's modules from source
    again (site-packages were compiled by pip at install time, the editable archspec was
    not). So that the benchmark measures what a user gets, the children run with bytecode
    caching on, their cache kept under bench/.venv/pycache (PYTHONPYCACHEPREFIX) so nothing
    is written outside bench/. The warm-up runs fill it.
    """
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def archspec_env(bytecode_cache: bool = True) -> dict[str, str]:
    """archspec's environment: child_env(), with the working tree first on the path, so that the
    console script runs this tree's archspec whatever checkout the venv's editable install names."""
    env = child_env(bytecode_cache)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def archspec_script(venv_bin: Path) -> list[str]:
    """The command a user types, `archspec`: the venv's console script (else `python -m archspec`)."""
    script = venv_bin / "archspec"
    return [str(script)] if script.exists() else [str(venv_bin / "python"), "-m", "archspec"]


def archspec_cmd(spec: Path, *extra: str, venv_bin: Path | None = None) -> list[str]:
    return [*archspec_script(venv_bin or Path(sys.executable).parent), "check", *extra, str(spec)]


def peer_cmd() -> list[str]:
    return [sys.executable, str(PEER_SCRIPT)]


# --------------------------------------------------------------------------- scaling specs

BLOCK = """\
block res(c):
    add:
        branch:
            conv c 3x3 pad=1 bias=false bn relu
            conv c 3x3 pad=1 bias=false bn
        shortcut: identity
    relu
"""
# layers per unit: a named plain line (conv + bn + relu = 3) and a residual block
# instance (conv, bn, relu, conv, bn, add, relu = 7): 10 layers per unit.
LAYERS_PER_LINE = 3
LAYERS_PER_BLOCK = 7
LAYERS_PER_UNIT = LAYERS_PER_LINE + LAYERS_PER_BLOCK


def scaling_spec(layers: int) -> tuple[str, int]:
    """A deep chain of `layers` layers (rounded to whole units of 10).

    Alternates named one-line chains with calls of a residual block, one per source
    line, so the parser, the block expansion and the shape/parameter inference all
    grow with the size; spatial size and channels stay constant (16x32x32).
    """
    units = max(1, round(layers / LAYERS_PER_UNIT))
    lines = [
        f"# generated by bench/run.py: {units * LAYERS_PER_UNIT} layers",
        "",
        BLOCK,
        f"network Chain{units * LAYERS_PER_UNIT}",
        "input 16x32x32",
        "",
    ]
    for i in range(units):
        lines.append(f"c{i}: conv 16 3x3 pad=1 bias=false bn relu")
        lines.append(f"r{i}: res(16)")
    # one expectation at the end so every spec is checked the same way
    lines.append("expect 16x32x32")
    lines.append("")
    return "\n".join(lines), units * LAYERS_PER_UNIT


# --------------------------------------------------------------------------- environment


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
    }
    for pkg in ("archspec", "torch", "torchvision", "torchinfo", "lark"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    out["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return out


def total_params(text: str) -> int | None:
    """Total parameter count in a summary's text, for a sanity check that both agree."""
    m = re.search(r"Total params:\s*([\d,]+)", text)
    if m:
        return int(m.group(1).replace(",", ""))
    m = re.search(r"params[ =:]+([\d,_]{6,})", text, re.IGNORECASE)
    if m:
        return int(re.sub(r"[,_]", "", m.group(1)))
    return None


# --------------------------------------------------------------------------- main


def fmt_ratio(x: float) -> str:
    return f"{x:.1f}x"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="measured rounds per command (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured warm-up runs per command (default 1)")
    ap.add_argument("--sizes", default="100,1000,3000,10000", help="layer counts of the scaling specs")
    ap.add_argument("--scaling-rounds", type=int, default=3, help="measured runs per scaling spec (default 3)")
    ap.add_argument("--no-peer", action="store_true", help="skip the torchinfo comparison")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling part")
    ap.add_argument("--keep-specs", action="store_true", help="write the scaling specs to bench/results/specs/")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the children in this shell's environment as is (e.g. with PYTHONDONTWRITEBYTECODE)",
    )
    ap.add_argument("--out", default=str(RESULTS_DIR / "results.json"), help="JSON results path")
    args = ap.parse_args()

    env = archspec_env(not args.no_bytecode_cache)
    peer_env = child_env(not args.no_bytecode_cache)
    results: dict = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "environment": versions(),
        "method": "whole processes; wall = perf_counter around spawn..wait4; "
        "peak RSS = the child's own ru_maxrss from os.wait4",
        "bytecode_cache": not args.no_bytecode_cache,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)

    ev = results["environment"]
    print(f"python {ev['python']} on {ev.get('cpu', ev['machine'])}, {ev['cpus']} cpus")
    print(
        f"archspec {ev['archspec']}, torch {ev['torch']}, torchvision {ev['torchvision']}, torchinfo {ev['torchinfo']}"
    )

    floor = summarize([checked("/bin/true", measure(["/bin/true"])) for _ in range(3)])
    measure([sys.executable, "-c", "pass"], env=env)  # warm-up: fills the bytecode cache
    pystart = summarize([checked("python -c pass", measure([sys.executable, "-c", "pass"], env=env)) for _ in range(5)])
    results["baselines"] = {"spawn_floor_true": floor, "python_startup": pystart}
    print(
        f"baselines: /bin/true peak RSS {floor['peak_rss_mb_median']:.1f} MB (the runner's floor); "
        f"bare `python -c pass` {pystart['wall_s_median'] * 1000:.0f} ms, "
        f"{pystart['peak_rss_mb_median']:.1f} MB"
    )

    # ---- 1. archspec vs torchinfo, alternating
    if not args.no_peer:
        if not SPEC.exists():
            print(f"missing {SPEC}", file=sys.stderr)
            return 1
        # `archspec`: the benchmark venv's console script (an editable install, the working tree
        # first on the path); `installed`: archspec installed as users install it, from
        # bench/.venv-installed (bash bench/setup.sh makes it), where it exists
        commands = {"archspec": (archspec_cmd(SPEC), env)}
        if (INSTALLED_VENV / "bin" / "archspec").exists():
            installed = archspec_cmd(SPEC, venv_bin=INSTALLED_VENV / "bin")
            commands["installed"] = (installed, child_env(not args.no_bytecode_cache))
        commands["torchinfo"] = (peer_cmd(), peer_env)
        print(
            f"\n== archspec check vs torchinfo (resnet152): {args.warmup} warm-up + {args.rounds} rounds, alternating"
        )
        for name, (cmd, cenv) in commands.items():
            for _ in range(args.warmup):
                m = checked(name, measure(cmd, env=cenv))
                (RESULTS_DIR / f"{name}_resnet152.txt").write_text(m.stdout)
        runs: dict[str, list[Measurement]] = {name: [] for name in commands}
        for r in range(args.rounds):
            for name, (cmd, cenv) in commands.items():
                m = checked(name, measure(cmd, env=cenv))
                runs[name].append(m)
                print(f"  round {r + 1}: {name:<9} {m.wall_s:8.3f} s {m.maxrss_mb:9.1f} MB", flush=True)
        t = summarize(runs["torchinfo"])
        pt = total_params(runs["torchinfo"][0].stdout)
        results["comparison"] = {
            "torchinfo": {"command": "python bench/torchinfo_resnet152.py", **t},
            "targets": {"speedup": TARGET_SPEEDUP, "memory_ratio": TARGET_MEMORY},
        }
        print()
        print(f"{'':<34}{'wall s (median)':>16}{'peak RSS MB (median)':>22}")
        labels = {"archspec": "archspec check (editable)", "installed": "archspec check (installed)"}
        for name in (n for n in commands if n != "torchinfo"):
            a = summarize(runs[name])
            speed = t["wall_s_median"] / a["wall_s_median"]
            mem = t["peak_rss_mb_median"] / a["peak_rss_mb_median"]
            pa = total_params(runs[name][0].stdout)
            results["comparison"][name] = {
                "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(commands[name][0])),
                **a,
                "speedup": speed,
                "memory_ratio": mem,
                "meets_targets": speed >= TARGET_SPEEDUP and mem >= TARGET_MEMORY,
                "total_params": pa,
            }
            print(f"{labels[name]:<34}{a['wall_s_median']:>16.3f}{a['peak_rss_mb_median']:>22.1f}")
        print(f"{'torchinfo summary(resnet152)':<34}{t['wall_s_median']:>16.3f}{t['peak_rss_mb_median']:>22.1f}")
        for name in (n for n in commands if n != "torchinfo"):
            c = results["comparison"][name]
            ratio = "torchinfo / " + labels[name].replace(" check", "")
            print(f"{ratio:<34}{fmt_ratio(c['speedup']):>16}{fmt_ratio(c['memory_ratio']):>22}")
        print(f"{'target':<34}{'>= ' + fmt_ratio(TARGET_SPEEDUP):>16}{'>= ' + fmt_ratio(TARGET_MEMORY):>22}")
        for name in (n for n in commands if n != "torchinfo"):
            c = results["comparison"][name]
            verdict = "meets" if c["meets_targets"] else "MISSES"
            agree = "agree" if c["total_params"] == pt else "DIFFER"
            print(
                f"-> {labels[name]} {verdict} the targets; total params {c['total_params']}, torchinfo {pt} ({agree})"
            )

    # ---- 2. scaling
    if not args.no_scaling:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        print(f"\n== scaling: archspec check --quiet on generated chains ({args.scaling_rounds} runs each, median)")
        scaling = []
        tmp = Path(tempfile.mkdtemp(prefix="archspec-bench-"))
        try:
            for n in sizes:
                text, layers = scaling_spec(n)
                path = tmp / f"chain{layers}.arch"
                path.write_text(text)
                if args.keep_specs:
                    (RESULTS_DIR / "specs").mkdir(exist_ok=True)
                    shutil.copy(path, RESULTS_DIR / "specs" / path.name)
                cmd = archspec_cmd(path, "--quiet")
                checked(f"archspec check --quiet {path.name}", measure(cmd, env=env))  # warm-up
                ms = [checked(path.name, measure(cmd, env=env)) for _ in range(args.scaling_rounds)]
                s = summarize(ms)
                s.update(layers=layers, source_lines=text.count("\n"), bytes=len(text.encode()))
                # archspec's own count of the layers it analysed (one untimed --json run)
                j = checked(path.name, measure(archspec_cmd(path, "--json"), env=env))
                try:
                    rows = json.loads(j.stdout)["layers"]
                    s["layers_reported"] = sum(1 for row in rows if row.get("kind") not in ("block", "input"))
                except (ValueError, KeyError, TypeError):
                    s["layers_reported"] = None
                if s["layers_reported"] not in (None, layers):
                    print(f"  note: archspec reports {s['layers_reported']} layers for {path.name}")
                scaling.append(s)
                print(
                    f"  {layers:>6} layers: {s['wall_s_median']:7.3f} s {s['peak_rss_mb_median']:7.1f} MB", flush=True
                )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        base_s = pystart["wall_s_median"]
        base_mb = pystart["peak_rss_mb_median"]
        prev = None
        for s in scaling:
            s["us_per_layer"] = s["wall_s_median"] / s["layers"] * 1e6
            s["us_per_layer_above_startup"] = (s["wall_s_median"] - base_s) / s["layers"] * 1e6
            s["kb_per_layer_above_startup"] = (s["peak_rss_mb_median"] - base_mb) * 1024 / s["layers"]
            # the cost of the layers added since the previous size: constant when growth is linear
            if prev is not None and s["layers"] > prev["layers"]:
                dl = s["layers"] - prev["layers"]
                s["marginal_us_per_layer"] = (s["wall_s_median"] - prev["wall_s_median"]) / dl * 1e6
                s["marginal_kb_per_layer"] = (s["peak_rss_mb_median"] - prev["peak_rss_mb_median"]) * 1024 / dl
            else:
                s["marginal_us_per_layer"] = s["marginal_kb_per_layer"] = None
            prev = s
        # least-squares line wall = a + b * layers
        if len(scaling) >= 2:
            xs = [s["layers"] for s in scaling]
            ys = [s["wall_s_median"] for s in scaling]
            mx, my = statistics.fmean(xs), statistics.fmean(ys)
            sxx = sum((x - mx) ** 2 for x in xs)
            b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
            a0 = my - b * mx
            ss_tot = sum((y - my) ** 2 for y in ys)
            ss_res = sum((y - (a0 + b * x)) ** 2 for x, y in zip(xs, ys))
            r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
            fit = {"intercept_s": a0, "slope_us_per_layer": b * 1e6, "r2": r2}
        else:
            fit = None
        results["scaling"] = {
            "runs": scaling,
            "fit": fit,
            "spec_shape": "input 16x32x32; per unit: `cI: conv 16 3x3 pad=1 bias=false bn relu` "
            "+ `rI: res(16)` (residual block, 7 layers)",
        }
        print()

        def opt(x, fmt):
            return format(x, fmt) if x is not None else "-"

        print(
            f"{'layers':>8}{'lines':>8}{'wall s':>10}{'peak MB':>10}{'us/layer':>10}{'marginal us/layer':>19}"
            f"{'marginal KB/layer':>19}"
        )
        for s in scaling:
            print(
                f"{s['layers']:>8}{s['source_lines']:>8}{s['wall_s_median']:>10.3f}{s['peak_rss_mb_median']:>10.1f}"
                f"{s['us_per_layer']:>10.1f}{opt(s['marginal_us_per_layer'], '.1f'):>19}"
                f"{opt(s['marginal_kb_per_layer'], '.2f'):>19}"
            )
        print("  marginal: the cost of the layers added since the previous size")
        if fit:
            print(
                f"  linear fit: wall = {fit['intercept_s']:.3f} s + {fit['slope_us_per_layer']:.1f} us x layers "
                f"(R^2 = {fit['r2']:.4f})"
            )

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {out}")

    # ---- markdown, ready for the README
    print("\n<!-- markdown -->")
    ev = results["environment"]
    print(
        f"Measured on {ev.get('cpu', ev['machine'])} ({ev['cpus']} cores), Python {ev['python']}, "
        f"torch {ev['torch']}, torchvision {ev['torchvision']}, torchinfo {ev['torchinfo']}.\n"
    )
    if "comparison" in results:
        c = results["comparison"]
        t = c["torchinfo"]
        kinds = (("archspec", "editable install"), ("installed", "`pip install .`"))
        shown = [(n, label) for n, label in kinds if n in c]
        print(f"| ResNet-152, whole process (median of {t['runs']}) | wall time | peak RSS |")
        print("| --- | ---: | ---: |")
        for name, label in shown:
            a = c[name]
            print(
                f"| `archspec check specs/resnet152.arch` ({label}) | {a['wall_s_median']:.3f} s | "
                f"{a['peak_rss_mb_median']:.1f} MB |"
            )
        print(
            f"| torchinfo `summary(resnet152(), (1, 3, 224, 224))` | {t['wall_s_median']:.2f} s | "
            f"{t['peak_rss_mb_median']:.0f} MB |"
        )
        for name, label in shown:
            a = c[name]
            print(f"| **torchinfo / archspec** ({label}) | **{a['speedup']:.0f}x** | **{a['memory_ratio']:.0f}x** |")
        print()
    if "scaling" in results:
        sc = results["scaling"]
        print("| layers | source lines | `archspec check --quiet` | peak RSS | µs / layer | marginal µs / layer |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for s in sc["runs"]:
            marginal = f"{s['marginal_us_per_layer']:.0f}" if s["marginal_us_per_layer"] is not None else "-"
            print(
                f"| {s['layers']:,} | {s['source_lines']:,} | {s['wall_s_median']:.3f} s | "
                f"{s['peak_rss_mb_median']:.1f} MB | {s['us_per_layer']:.0f} | {marginal} |"
            )
        if sc["fit"]:
            f = sc["fit"]
            print(
                f"\nLinear fit: {f['intercept_s']:.3f} s + {f['slope_us_per_layer']:.0f} µs per layer "
                f"(R² = {f['r2']:.4f})."
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
