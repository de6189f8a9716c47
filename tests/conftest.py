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
