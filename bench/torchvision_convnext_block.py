"""Write torchvision's ConvNeXt block (CNBlock), its LayerNorm2d and its StochasticDepth at work to
tests/data/torchvision_convnext_block.json: an input, and for each module its state_dict (every
value), its output in eval and its outputs in training after `torch.manual_seed(s)` for s in
SEEDS. The tests load the same weights into the modules archspec builds from a spec and compare,
without torchvision. Values are written with 9 significant digits, which give float32 back exactly.

Every parameter is drawn from a normal distribution (torchvision's CNBlock starts its layer scale
at 1e-6, which would leave the block's output the input to six digits): the block's branch then
counts in the output. The batch is large enough for stochastic depth to keep some samples and
drop others.

Run once with the benchmark's environment (see bench/README.md):

    bench/.venv/bin/python bench/torchvision_convnext_block.py
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torchvision
from torchvision.models.convnext import CNBlock, LayerNorm2d
from torchvision.ops import StochasticDepth

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torchvision_convnext_block.json"
DIM, P = 4, 0.5
SEEDS = (0, 1, 2, 3)


def values(t: torch.Tensor) -> dict:
    return {"shape": list(t.shape), "values": [float(f"{v:.9g}") for v in t.detach().flatten().tolist()]}


def record(call: str, module: torch.nn.Module, x: torch.Tensor) -> dict:
    with torch.no_grad():
        for p in module.parameters():
            p.normal_()
        evaluated = module.eval()(x)
        trained = {}
        for seed in SEEDS:
            torch.manual_seed(seed)
            trained[str(seed)] = values(module.train()(x))
    return {
        "call": call,
        "state_dict": {key: values(value) for key, value in module.state_dict().items()},
        "eval": values(evaluated),
        "train": trained,
    }


def main() -> None:
    torch.manual_seed(0)
    x = torch.randn(8, DIM, 3, 3)
    out = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "input": values(x),
        "modules": {
            "cnblock": record(
                f"CNBlock(dim={DIM}, layer_scale=1e-6, stochastic_depth_prob={P}), then every parameter normal_()",
                CNBlock(dim=DIM, layer_scale=1e-6, stochastic_depth_prob=P),
                x,
            ),
            "layernorm2d": record(
                f"LayerNorm2d({DIM}, eps=1e-6), then weight and bias normal_()", LayerNorm2d(DIM, eps=1e-6), x
            ),
            "stochastic_depth_row": record(f'StochasticDepth({P}, "row")', StochasticDepth(P, "row"), x),
            "stochastic_depth_batch": record(f'StochasticDepth({P}, "batch")', StochasticDepth(P, "batch"), x),
        },
    }
    OUT.write_text(json.dumps(out) + "\n")
    print(OUT.name, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
