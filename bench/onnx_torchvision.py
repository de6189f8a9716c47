"""`archspec export --format onnx` of specs/resnet18.arch with torchvision's resnet18 weights,
run in ONNX Runtime against torchvision's model itself on the same images.

torchvision's weights here are its own initialisation, every tensor then redrawn (no file can be
downloaded); they are saved as a state_dict file, which `--weights` loads as it would a downloaded
one. Run with the benchmark's environment (see bench/README.md; `pip install onnx onnxscript
onnxruntime` there), from the repository root:

    PYTHONPATH=. bench/.venv/bin/python bench/onnx_torchvision.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import onnxruntime
import torch
from torchvision import models
from torchvision_load_check import randomise

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    model = models.resnet18(weights=None).eval()
    randomise(model, torch.Generator().manual_seed(0))
    with tempfile.TemporaryDirectory() as tmp:
        weights, out = Path(tmp) / "resnet18.pth", Path(tmp) / "resnet18.onnx"
        torch.save(model.state_dict(), weights)
        command = [sys.executable, "-m", "archspec", "export", str(ROOT / "specs" / "resnet18.arch")]
        subprocess.run([*command, "--format", "onnx", "--weights", str(weights), "-o", str(out)], check=True)
        session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
        for batch in (1, 4):
            x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(batch))
            (logits,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
            with torch.no_grad():
                reference = model(x)
            diff = (torch.from_numpy(logits) - reference).abs().max().item()
            print(f"resnet18, batch {batch}: ONNX Runtime {onnxruntime.__version__} against torchvision: "
                  f"max abs diff {diff:.3g} (logits up to {reference.abs().max().item():.3g})")  # fmt: skip


if __name__ == "__main__":
    main()
