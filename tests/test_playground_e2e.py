"""The playground in a real browser: playground/e2e/run.mjs drives the built page in Debian's
headless Chromium through playwright-core (see .ci/run, which installs both and builds the page).
Skipped, saying why, only where Chromium, Node, the npm packages or the built page are missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT

PLAYGROUND = ROOT / "playground"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("node") is None:
        return "no node on PATH"
    if not (PLAYGROUND / "node_modules" / "playwright-core").is_dir():
        return "playground's npm packages are not installed (cd playground && npm ci)"
    if not (PLAYGROUND / "dist" / "index.html").is_file():
        return "the playground is not built (cd playground && npm run build)"
    return None


def test_playground_in_chromium():
    reason = _missing()
    if reason:
        pytest.skip(reason)
    out = Path(os.environ.get("ARCHSPEC_E2E_OUT") or tempfile.mkdtemp(prefix="archspec-e2e-"))
    env = {**os.environ, "PYTHON": sys.executable, "CHROMIUM": CHROMIUM}
    proc = subprocess.run(
        ["node", "e2e/run.mjs", str(out)],
        cwd=PLAYGROUND,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = proc.stdout + proc.stderr
    results = json.loads((out / "results.json").read_text()) if (out / "results.json").exists() else []
    failed = [r["name"] for r in results if not r["ok"]]
    assert proc.returncode == 0 and results and not failed, f"failed: {failed}\n{report[-6000:]}"
    assert len(results) >= 10, report
    assert (out / "04-diagram.png").stat().st_size > 1000
