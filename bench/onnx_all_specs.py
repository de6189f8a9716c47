"""Export every spec in specs/ that has a network to ONNX (as `archspec export` does) and run the
file in ONNX Runtime against the module's own output on the same random batch of 2: the largest
absolute difference per spec, and the export time. Needs `pip install -e '.[onnx]'` and torch.

    python bench/onnx_all_specs.py [SPEC ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime
import torch

import archspec
from archspec.emit.onnx import INPUT_NAME, onnx_bytes

ROOT = Path(__file__).resolve().parent.parent


def main(paths: list[str]) -> int:
    specs = [Path(p) for p in paths] or sorted((ROOT / "specs").glob("*.arch"))
    torch.manual_seed(0)
    for spec in specs:
        net = archspec.load(spec)
        if not net.nodes:
            print(f"{spec.name:36} no network (blocks only)", flush=True)
            continue
        model = archspec.build(net).eval()
        start = time.perf_counter()
        data = onnx_bytes(model, net.input_shape)
        took = time.perf_counter() - start
        session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
        x = torch.randn(2, *net.input_shape)
        with torch.no_grad():
            expected = model(x).numpy()
        got = session.run(None, {INPUT_NAME: x.numpy()})[0]
        diff = float(np.abs(expected - got).max())
        scale = float(np.abs(expected).max())
        print(f"{spec.name:36} max |diff| {diff:.2e} (outputs up to {scale:.2e})  export {took:5.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
