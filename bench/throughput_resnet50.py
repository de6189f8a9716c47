"""Benchmark: forward+backward throughput of the ResNet-50 that archspec emits
(`archspec.build("specs/resnet50.arch")`) against torchvision's `resnet50(weights=None)`, on the
CPU, same input, alternating rounds in one process. Target: archspec / torchvision >= 0.98.

Run with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/throughput_resnet50.py

Before timing, torchvision's weights are loaded into archspec's module (the spec names torchvision's
bnK `convK_bn` and its downsample.0/1 `shortcut`/`shortcut_bn`) and both are run on one batch in
eval mode: the outputs must agree, so the two time the same computation.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import time
from pathlib import Path

import torch
import torchvision
from torchvision.models import resnet50

import archspec

BENCH_DIR = Path(__file__).resolve().parent
SPEC = BENCH_DIR.parent / "specs" / "resnet50.arch"


def torchvision_key(key: str) -> str:
    """archspec's state_dict key -> torchvision's."""
    key = re.sub(r"(^|\.)conv(\d)_bn\.", r"\1bn\2.", key)
    return key.replace("shortcut_bn.", "downsample.1.").replace("shortcut.", "downsample.0.")


def same_computation(ours: torch.nn.Module, theirs: torch.nn.Module) -> float:
    """Load torchvision's weights into archspec's module; the largest output difference in eval mode."""
    state = theirs.state_dict()
    ours.load_state_dict({key: state[torchvision_key(key)] for key in ours.state_dict()})
    ours.eval(), theirs.eval()
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        diff = (ours(x) - theirs(x)).abs().max().item()
    ours.train(), theirs.train()
    return diff


def step(model: torch.nn.Module, x: torch.Tensor) -> float:
    """Seconds for one forward+backward step."""
    start = time.perf_counter()
    model.zero_grad(set_to_none=True)
    model(x).sum().backward()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=16, help="images per step (default 16)")
    parser.add_argument("--rounds", type=int, default=12, help="rounds of one step of each model (default 12)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps per model first (default 1)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--out", default=str(BENCH_DIR / "results" / "throughput_resnet50.json"))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    models = {"archspec": archspec.build(SPEC), "torchvision": resnet50(weights=None)}
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
    for r in range(args.rounds):
        order = list(models) if r % 2 == 0 else list(reversed(models))
        for name in order:
            seconds[name].append(step(models[name], x))
        print(
            f"round {r + 1}: " + ", ".join(f"{n} {args.batch / seconds[n][-1]:.2f} img/s" for n in models), flush=True
        )

    median = {name: args.batch / statistics.median(values) for name, values in seconds.items()}
    ratios = [tv / ours for ours, tv in zip(seconds["archspec"], seconds["torchvision"])]
    ratio = statistics.median(ratios)
    print()
    print(f"ResNet-50 forward+backward, batch {args.batch}x3x224x224 fp32, CPU, {torch.get_num_threads()} threads")
    print(f"  archspec.build('specs/resnet50.arch'): {median['archspec']:.2f} images/s (median of {args.rounds} steps)")
    print(f"  torchvision resnet50(weights=None):    {median['torchvision']:.2f} images/s")
    print(f"  archspec / torchvision: {ratio:.3f} (median of the {args.rounds} rounds' ratios; target >= 0.98)")
    print(f"  ratio of the medians: {median['archspec'] / median['torchvision']:.3f}")
    print(f"  same outputs with the same weights (max difference {diff:.1e})")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "batch": args.batch,
        "rounds": args.rounds,
        "threads": torch.get_num_threads(),
        "seconds_per_step": seconds,
        "median_images_per_second": median,
        "ratio": ratio,
        "ratios": ratios,
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
