"""Write the golden figures of torchvision's ShuffleNet V2 x1.0 `stage2` (a stride-2 unit and three
stride-1 units, 24 -> 116 channels) to tests/data/, for tests/test_split_torch.py, which checks the
stage archspec writes with `chunk` and `from` against them without torchvision: the output shape,
parameters, buffers and FLOPs (torch.utils.flop_counter, 2 per multiply-accumulate) for one
24x56x56 input, then the state_dict's keys and shapes in order.

Run once with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/torchvision_shufflenet_stage.py
"""

from __future__ import annotations

from pathlib import Path

import torch
import torchvision
from torch.utils.flop_counter import FlopCounterMode
from torchvision import models

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
INPUT = (24, 56, 56)  # what comes out of the stem (conv1 3x3/2 and maxpool 3x3/2) at 224x224


def main() -> None:
    stage = models.shufflenet_v2_x1_0(weights=None).stage2.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = stage(torch.zeros(1, *INPUT))
    state = stage.state_dict()
    lines = [
        f"# torchvision {torchvision.__version__} shufflenet_v2_x1_0(weights=None).stage2 on a 1x"
        + "x".join(map(str, INPUT))
        + " input: its figures, then its state_dict (key, shape; - for a scalar)",
        "output " + "x".join(str(d) for d in out.shape[1:]),
        f"params {sum(p.numel() for p in stage.parameters())}",
        f"buffers {sum(b.numel() for b in stage.buffers())}",
        f"flops {counter.get_total_flops()}",
    ]
    for key, value in state.items():
        lines.append(f"{key} {'x'.join(str(d) for d in value.shape) or '-'}")
    path = DATA / "torchvision_shufflenet_v2_x1_0_stage2.txt"
    path.write_text("\n".join(lines) + "\n")
    print(f"{path.name}: {len(state)} entries, {lines[2]}, {lines[4]}")


if __name__ == "__main__":
    main()
