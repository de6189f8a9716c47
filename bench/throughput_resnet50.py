"""Benchmark: forward+backward throughput of the ResNet-50 that archspec emits
(`archspec.build("specs/resnet50.arch")`) against torchvision's `resnet50(weights=None)`, on the
CPU, same input, alternating rounds in one process. Target: archspec / torchvision >= 0.98.

Run with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/throughput_resnet50.py

Before timing, torchvision's weights are loaded into archspec's module (the spec names its layers as
torchvision does, so the keys are the same) and both are run on one batch in eval mode: the
outputs must agree, so the two time the same computation.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import torch
import torchvision
from torchvision.models import resnet50

import archspec

BENCH_DIR = Path(__file__).resolve().parent
SPEC = BENCH_DIR.parent / "specs" / "resnet50.arch"


def same_computation(ours: torch.nn.Module, theirs: torch.nn.Module) -> float:
    """Load torchvision's weights into archspec's module; the largest output difference in eval mode."""
    ours.load_state_dict(theirs.state_dict(), strict=True)
    ours.eval(), theirs.eval()
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        diff = (ours(x) - theirs(x)).abs().max().item()
    ours.train(), theirs.train()
    return diff


def step(model: torch.nn.Module, x: torch.Tensor) -> tuple[float, float]:
    """Wall-clock and CPU seconds (of this process, all its threads) for one forward+backward step."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.zero_grad(set_to_none=True)
    model(x).sum().backward()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=16, help="images per step (default 16)")
    parser.add_argument("--rounds", type=int, default=12, help="rounds of one step of each model (default 12)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps per model first (default 1)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument(
        "--control",
        action="store_true",
        help="time a second torchvision resnet50 in archspec's place: the spread two equal models show",
    )
    parser.add_argument("--out", default=str(BENCH_DIR / "results" / "throughput_resnet50.json"))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    ours = resnet50(weights=None) if args.control else archspec.build(SPEC)
    models = {"archspec": ours, "torchvision": resnet50(weights=None)}
    params = {name: sum(p.numel() for p in m.parameters()) for name, m in models.items()}
    assert params["archspec"] == params["torchvision"] == 25_557_032, params
    diff = same_computation(models["archspec"], models["torchvision"])
    assert diff < 1e-3, f"the two modules compute different things (max difference {diff})"

    x = torch.randn(args.batch, 3, 224, 224)
    for model in models.values():
        for _ in range(args.warmup):
            step(model, x)
    # one step of each per round, the order alternating: the machine's load drifts (it is shared),
    # and the ratio of two steps taken one after the other is what that drift disturbs least
    seconds: dict[str, list[float]] = {name: [] for name in models}
    cpu: dict[str, list[float]] = {name: [] for name in models}
    for r in range(args.rounds):
        order = list(models) if r % 2 == 0 else list(reversed(models))
        for name in order:
            wall, used = step(models[name], x)
            seconds[name].append(wall)
            cpu[name].append(used)
        rates = ", ".join(f"{n} {args.batch / seconds[n][-1]:.2f} img/s ({cpu[n][-1]:.2f} s CPU)" for n in models)
        print(f"round {r + 1}: {rates}", flush=True)

    def summary(times: dict[str, list[float]]) -> dict:
        """Images per second (median and fastest step of each) and archspec / torchvision: the
        median of the rounds' ratios, the ratio of the medians and of the fastest steps."""
        ours, theirs = times["archspec"], times["torchvision"]
        return {
            "median_images_per_second": {n: args.batch / statistics.median(t) for n, t in times.items()},
            "fastest_images_per_second": {n: args.batch / min(t) for n, t in times.items()},
            "ratio_median_of_rounds": statistics.median(tv / a for a, tv in zip(ours, theirs)),
            "ratio_of_medians": statistics.median(theirs) / statistics.median(ours),
            "ratio_of_fastest": min(theirs) / min(ours),
        }

    results = {"wall": summary(seconds), "cpu": summary(cpu)}
    print()
    print(f"ResNet-50 forward+backward, batch {args.batch}x3x224x224 fp32, CPU, {torch.get_num_threads()} threads,")
    if args.control:
        print("CONTROL: `archspec` is a second torchvision resnet50 here")
    print(f"{args.rounds} rounds of one step each; same outputs with the same weights (max difference {diff:.1e})")
    # `cpu`: images per CPU second of this process (all threads): what the machine's other load disturbs least
    print("clock  statistic   archspec img/s  torchvision img/s  archspec / torchvision")
    for clock, r in results.items():
        med, fast = r["median_images_per_second"], r["fastest_images_per_second"]
        rows = [
            (
                "median",
                med,
                f"{r['ratio_median_of_rounds']:.3f} (rounds' ratios; of the medians {r['ratio_of_medians']:.3f})",
            ),
            ("fastest", fast, f"{r['ratio_of_fastest']:.3f}"),
        ]
        for label, rate, ratio in rows:
            print(f"{clock:6} {label:9} {rate['archspec']:16.2f} {rate['torchvision']:18.2f}  {ratio}")
    print("target: archspec / torchvision >= 0.98")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "control": args.control,
        "batch": args.batch,
        "rounds": args.rounds,
        "threads": torch.get_num_threads(),
        "seconds_per_step": seconds,
        "cpu_seconds_per_step": cpu,
        "results": results,
        "max_output_difference": diff,
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "processor": platform.processor() or platform.machine(),
        },
    }
    out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
