"""A small LSP client for the tests: `archspec lsp` in a subprocess, JSON-RPC messages framed by
Content-Length on its standard input and output, read by a thread into queues."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Client:
    def __init__(self, *args: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("LANG", None)
        env.pop("LC_ALL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archspec", "lsp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        self.responses: dict[int, dict] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.unclaimed: list[dict] = []  # diagnostics read while waiting for another document's
        self.arrived = threading.Condition()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(out.read(length))
            if "id" in message and "method" not in message:
                with self.arrived:
                    self.responses[message["id"]] = message
                    self.arrived.notify_all()
            elif "id" in message:  # a request from the server (e.g. workspace/configuration): answer null
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.notifications.put(message)

    def send(self, message: dict) -> None:
        self.send_raw(json.dumps(message).encode())

    def send_raw(self, body: bytes, header: bytes | None = None) -> None:
        self.process.stdin.write(header if header is not None else b"Content-Length: %d\r\n\r\n" % len(body))
        self.process.stdin.write(body)
        self.process.stdin.flush()

    def request_id(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def response(self, ident: int, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while ident not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise TimeoutError(f"no answer to request {ident}; server {self.process.poll()}")
                self.arrived.wait(min(left, 0.5))
            return self.responses.pop(ident)

    def request(self, method: str, params, timeout: float = 20):
        answer = self.response(self.request_id(method, params), timeout)
        assert "error" not in answer, answer
        return answer["result"]

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri: str, timeout: float = 20) -> list[dict]:
        """The next diagnostics published for `uri`."""
        for k, message in enumerate(self.unclaimed):
            if message["params"]["uri"] == uri:
                return self.unclaimed.pop(k)["params"]["diagnostics"]
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no diagnostics for {uri}")
            try:
                message = self.notifications.get(timeout=left)
            except queue.Empty:
                continue
            if message.get("method") == "textDocument/publishDiagnostics":
                if message["params"]["uri"] == uri:
                    return message["params"]["diagnostics"]
                self.unclaimed.append(message)

    def initialize(self) -> dict:
        result = self.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> list[dict]:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "arch", "version": version, "text": text}},
        )
        return self.diagnostics(uri)

    def change(self, uri: str, text: str, version: int) -> list[dict]:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )
        return self.diagnostics(uri)

    def close(self) -> int:
        try:
            if self.process.poll() is None:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process.stdin.close()
            self.process.stdout.close()
            self.process.stderr.close()


def at(line: int, character: int) -> dict:
    return {"line": line, "character": character}
