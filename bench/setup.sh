#!/usr/bin/env bash
# Create bench/.venv with the peer (torch + torchvision + torchinfo) and archspec itself.
# Idempotent: re-running skips what is already installed at the pinned versions.
# Usage (from anywhere): bash bench/setup.sh
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VENV="$BENCH_DIR/.venv"
PY="${PYTHON:-python3}"

# torchvision 0.29.1 works only with torch 2.14.1 (not with 2.13.x): keep the pair together.
TORCH_VERSION="2.14.1"
TORCHVISION_VERSION="0.29.1"

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"

have_versions() {
    "$VPY" - "$TORCH_VERSION" "$TORCHVISION_VERSION" <<'PYEOF' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
want_torch, want_tv = sys.argv[1], sys.argv[2]
try:
    ok = (version("torch").split("+")[0] == want_torch
          and version("torchvision").split("+")[0] == want_tv
          and version("torchinfo"))
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
PYEOF
}

if have_versions; then
    echo "== torch $TORCH_VERSION, torchvision $TORCHVISION_VERSION, torchinfo already installed"
else
    echo "== installing torch==$TORCH_VERSION torchvision==$TORCHVISION_VERSION torchinfo (large download, takes a while)"
    "$VPY" -m pip install "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION" torchinfo
fi

# archspec itself, editable, so the benchmark always measures the working tree.
if [ -f "$REPO_ROOT/pyproject.toml" ] || [ -f "$REPO_ROOT/setup.py" ]; then
    echo "== installing archspec (editable) from $REPO_ROOT"
    "$VPY" -m pip install --quiet -e "$REPO_ROOT"
else
    echo "!! $REPO_ROOT has no pyproject.toml yet: archspec not installed." >&2
    echo "!! bench/run.py falls back to running archspec from the repo root (PYTHONPATH)." >&2
fi

# archspec installed as users install it (a wheel, no editable finder on the path), in a venv of its
# own: run.py times its `archspec` beside the editable one. Reinstalled on every run of this
# script, so that it is the working tree as it is now.
INSTALLED="$BENCH_DIR/.venv-installed"
if [ -f "$REPO_ROOT/pyproject.toml" ]; then
    if [ ! -x "$INSTALLED/bin/python" ]; then
        echo "== creating $INSTALLED"
        "$PY" -m venv "$INSTALLED"
    fi
    echo "== installing archspec (pip install .) into $INSTALLED"
    "$INSTALLED/bin/python" -m pip install --quiet "$REPO_ROOT"
    "$INSTALLED/bin/python" -m pip install --quiet --no-deps --force-reinstall "$REPO_ROOT"
fi

echo "== versions"
"$VPY" - <<'PYEOF'
import platform, torch, torchvision, torchinfo
from importlib.metadata import version
print("python", platform.python_version())
print("torch", torch.__version__, "torchvision", torchvision.__version__, "torchinfo", version("torchinfo"))
try:
    print("archspec", version("archspec"))
except Exception:
    print("archspec not installed")
PYEOF
