"""`archspec playground`: serve the built playground (playground/dist) on this machine and open it.

The page is static: any web server will do. This one is Python's own, with the MIME types a
browser insists on (`application/wasm` for WebAssembly, `text/javascript` for modules)."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

DIST = Path(__file__).resolve().parents[2] / "playground" / "dist"  # the checkout: archspec/views/ is two below it
BUILD_HINT = "build it first: cd playground && npm ci && npm run build"
TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".arch": "text/plain; charset=utf-8",
}


def missing(dist: Path = DIST) -> str | None:
    """Why `dist` cannot be served, in one line, or None."""
    if not (dist / "index.html").is_file() or not (dist / "pyodide").is_dir():
        return f"the playground is not built ({dist} has no index.html); {BUILD_HINT}"
    return None


def make_server(port: int = 8000, dist: Path = DIST, host: str = "127.0.0.1"):
    """A threading HTTP server for `dist` on `host:port` (0: any free port), not yet serving."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

        def log_message(self, format, *args):  # quiet: a page load is a hundred requests
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

    return ThreadingHTTPServer((host, port), partial(Handler, directory=str(dist)))


def serve(port: int, open_browser: bool, dist: Path | None = None) -> int:
    dist = DIST if dist is None else dist
    problem = missing(dist)
    if problem:
        print(f"archspec playground: error: {problem}", file=sys.stderr)
        return 1
    try:
        server = make_server(port, dist)
    except OSError as err:
        print(f"archspec playground: error: cannot listen on port {port}: {err.strerror or err}", file=sys.stderr)
        return 2
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"serving the playground at {url} (Ctrl-C stops)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
