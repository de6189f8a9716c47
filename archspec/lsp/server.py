"""The language server: pygls's JSON-RPC over standard input and output, each request answered
by `archspec.lsp.features`. A document is analysed when it is opened or changed, in a thread of
its own (the server goes on answering; a text changed again meanwhile is analysed once, as it
stands last); its diagnostics are published then, and its analysis kept for the requests until
the next one. A request about a document never opened is answered with nothing. No request or
notification can stop the server: an exception in a handler is logged to standard error and
answered as nothing, and the server goes on."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from archspec import __version__
from archspec.lsp import features as f

log = logging.getLogger("archspec.lsp")


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, which answers a request it cannot read (params of the wrong shape) with
    its error, where pygls alone would log it and leave the client waiting."""

    def structure_message(self, data: dict):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], error=exc.to_response_error())
            raise


class ArchspecServer(LanguageServer):
    def __init__(self, lang: str = "en", unit: str | None = None):
        super().__init__("archspec", __version__, protocol_cls=_Protocol)
        self.lang, self.unit = lang, unit
        self.documents: dict[str, f.Document] = {}  # the latest analysis of each open document
        self.versions: dict[str, int] = {}  # the latest text of each, counted (its analysis may be under way)
        self.waiting: dict[str, tuple[int, str]] = {}  # uri -> (count, text) not yet analysed
        self.wake = threading.Condition()
        self.loop: asyncio.AbstractEventLoop | None = None
        threading.Thread(target=self._analyse_forever, name="archspec-analysis", daemon=True).start()

    def encoder(self) -> f.Encoder:
        try:
            return f.Encoder(self.workspace.position_encoding)
        except Exception:  # before `initialize`
            return f.Encoder()

    def analysed(self, uri: str) -> f.Document | None:
        return self.documents.get(uri)

    def update(self, uri: str, text: str) -> None:
        """Analyse the text in the background: the server answers other messages meanwhile, and a
        text changed again before its analysis starts is analysed once, as it stands last."""
        self.loop = asyncio.get_running_loop()
        count = self.versions.get(uri, 0) + 1
        self.versions[uri] = count
        with self.wake:
            self.waiting[uri] = (count, text)
            self.wake.notify()

    def forget(self, uri: str) -> None:
        self.versions.pop(uri, None)
        self.documents.pop(uri, None)
        with self.wake:
            self.waiting.pop(uri, None)

    def _analyse_forever(self) -> None:
        while True:
            with self.wake:
                while not self.waiting:
                    self.wake.wait()
                uri, (count, text) = self.waiting.popitem()
            try:
                doc = f.analyse_document(uri, text)
                found = f.diagnostics(doc, self.lang, self.unit, self.encoder())
            except Exception:  # a bug: say so in the log, keep serving
                log.exception("archspec lsp: analysing %s failed", uri)
                continue
            if self.loop is not None:
                self.loop.call_soon_threadsafe(self._publish, uri, count, doc, found)

    def _publish(self, uri: str, count: int, doc: f.Document, found: list) -> None:
        if self.versions.get(uri) != count:  # changed or closed since: that analysis will speak
            return
        self.documents[uri] = doc
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found))


def _guarded(handler: Callable) -> Callable:
    """The handler, answering None (and logging) where it fails: one bad request, not a dead server."""

    def run(ls: ArchspecServer, params):
        try:
            return handler(ls, params)
        except Exception:
            log.exception("archspec lsp: %s failed", handler.__name__)
            return None

    run.__name__ = handler.__name__
    return run


def make_server(lang: str = "en", unit: str | None = None) -> ArchspecServer:
    server = ArchspecServer(lang, unit)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_guarded
    def did_open(ls: ArchspecServer, params: lsp.DidOpenTextDocumentParams):
        ls.update(params.text_document.uri, params.text_document.text)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded
    def did_change(ls: ArchspecServer, params: lsp.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        if uri not in ls.workspace.text_documents:
            return
        ls.update(uri, ls.workspace.get_text_document(uri).source)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded
    def did_close(ls: ArchspecServer, params: lsp.DidCloseTextDocumentParams):
        ls.forget(params.text_document.uri)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guarded
    def hover(ls: ArchspecServer, params: lsp.HoverParams):
        doc = ls.analysed(params.text_document.uri)
        if doc is None:
            return None
        enc = ls.encoder()
        char = enc.char(doc.lines, params.position)
        return f.hover(doc, params.position.line, char, ls.lang, ls.unit, enc)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
    @_guarded
    def inlay_hint(ls: ArchspecServer, params: lsp.InlayHintParams):
        doc = ls.analysed(params.text_document.uri)
        if doc is None:
            return None
        return f.inlay_hints(doc, params.range.start.line, params.range.end.line, ls.encoder())

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @_guarded
    def definition(ls: ArchspecServer, params: lsp.DefinitionParams):
        doc = ls.analysed(params.text_document.uri)
        if doc is None:
            return None
        enc = ls.encoder()
        return f.definition(doc, params.position.line, enc.char(doc.lines, params.position), enc) or None

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", "("]))
    @_guarded
    def completion(ls: ArchspecServer, params: lsp.CompletionParams):
        doc = ls.analysed(params.text_document.uri)
        if doc is None:
            return None
        char = ls.encoder().char(doc.lines, params.position)
        return lsp.CompletionList(
            is_incomplete=False, items=f.completion(doc, params.position.line, char, ls.lang, ls.unit)
        )

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_guarded
    def document_symbol(ls: ArchspecServer, params: lsp.DocumentSymbolParams):
        doc = ls.analysed(params.text_document.uri)
        return None if doc is None else f.symbols(doc, ls.encoder())

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @_guarded
    def formatting(ls: ArchspecServer, params: lsp.DocumentFormattingParams):
        doc = ls.analysed(params.text_document.uri)
        return None if doc is None else f.formatting(doc, ls.encoder())

    return server


def serve(lang: str = "en", unit: str | None = None) -> int:
    """Run the server on standard input and output until the client says `exit` or closes them."""
    import os
    import sys

    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    server = make_server(lang, unit)
    server.start_io()
    if sys.stdout.closed:  # pygls closes it on `exit`: what follows may still flush it
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    # the protocol's exit status: 0 after `shutdown`, 1 where the client left without it
    return 0 if getattr(server.protocol, "_shutdown", False) else 1
