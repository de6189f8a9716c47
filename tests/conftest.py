"""Shared paths and helpers for the archspec test suite (tests run from any working directory)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SEEDS = Path("/work/shared/seeds")

if str(ROOT) not in sys.path:  # so that `import archspec` works from any cwd
    sys.path.insert(0, str(ROOT))


def _hypothesis_storage() -> None:
    """Keep hypothesis' example database and patches out of the repository."""
    import tempfile

    from hypothesis import configuration

    configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "archspec-tests-hypothesis")


_hypothesis_storage()


def randomise_batchnorm_statistics(model) -> None:
    """Running means and variances away from 0 and 1 (torch's global generator, seeded by the caller),
    so that a module that drops, swaps or ignores them computes something else."""
    import torch

    with torch.no_grad():
        for name, buffer in model.named_buffers():
            if name.endswith("running_mean"):
                buffer.normal_(0, 0.1)
            elif name.endswith("running_var"):
                buffer.uniform_(0.5, 1.5)
