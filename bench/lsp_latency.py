"""The language server's answer to an edit: `archspec lsp` in a subprocess, specs/resnet152.arch
opened, then edited N times (a layer's width changed back and forth, as typing does); each
figure is the wall time from sending `textDocument/didChange` to receiving its
`textDocument/publishDiagnostics` (the whole check of the spec and its imports in between).
Target: under 200 ms.

    python bench/lsp_latency.py [N]     # needs pip install -e '.[lsp]'
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' LSP client: one implementation of the protocol's framing

from lsp_client import Client  # noqa: E402

SPEC = ROOT / "specs" / "resnet152.arch"


def main(n: int) -> int:
    text = SPEC.read_text(encoding="utf-8")
    edits = [text.replace("layer4: bottleneck(512", f"layer4: bottleneck({512 + k % 2}") for k in range(n)]
    client = Client()
    client.initialize()
    uri = SPEC.as_uri()
    start = time.perf_counter()
    client.open(uri, text)
    print(f"open: {1000 * (time.perf_counter() - start):.0f} ms")
    times, codes = [], set()
    for version, edited in enumerate(edits, start=2):
        start = time.perf_counter()
        found = client.change(uri, edited, version)
        times.append(1000 * (time.perf_counter() - start))
        codes.update(d["code"] for d in found)
    client.close()
    times.sort()
    p95 = times[int(0.95 * (n - 1))]
    print(f"{n} edits of {SPEC.name}: median {statistics.median(times):.0f} ms, "
          f"95th percentile {p95:.0f} ms, max {times[-1]:.0f} ms (diagnostics: {sorted(codes)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))
