"""`archspec lsp` over standard input and output, driven by a real client (tests/lsp_client.py):
each feature on the zoo's specs, in English and Korean, and every kind of bad input a client or a
file system can give, after which the server still answers."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")
pytest.importorskip("lsprotocol")

from conftest import SPECS  # noqa: E402
from lsp_client import Client, at  # noqa: E402

from archspec.frontend.format import format_text  # noqa: E402

RESNET18 = SPECS / "resnet18.arch"
BLOCKS = SPECS / "blocks.arch"


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if line.startswith(start))


@pytest.fixture(scope="module")
def client():
    c = Client()
    c.initialize()
    yield c
    assert c.close() == 0


@pytest.fixture(scope="module")
def resnet18(client):
    text = RESNET18.read_text(encoding="utf-8")
    uri = RESNET18.as_uri()
    assert client.open(uri, text) == []
    return uri, text


def doc(uri: str) -> dict:
    return {"textDocument": {"uri": uri}}


def test_capabilities():
    c = Client()
    try:
        caps = c.initialize()["capabilities"]
        for name in ("hoverProvider", "inlayHintProvider", "definitionProvider", "completionProvider"):
            assert caps[name], name
        assert caps["documentSymbolProvider"] and caps["documentFormattingProvider"]
        assert caps["textDocumentSync"]
    finally:
        assert c.close() == 0


def test_diagnostics_on_open_and_change(client, tmp_path):
    uri = (tmp_path / "n.arch").as_uri()
    found = client.open(uri, "network N\ninput 3x8x8\nconv 4 9x9\n")
    assert [d["code"] for d in found] == ["kernel-too-large"]
    (d,) = found
    assert d["range"] == {"start": at(2, 7), "end": at(2, 10)}
    assert d["severity"] == 1 and d["source"] == "archspec"
    assert d["message"].startswith("kernel 9x9 does not fit the 8x8 input") and "\nhelp: " in d["message"]
    assert client.change(uri, "network N\ninput 3x8x8\nconv 4 3x3\n", 2) == []
    found = client.change(uri, "network N\ninput 3x8x8\nconv 4 3x3 strid=2\n", 3)
    assert [d["code"] for d in found] == ["unknown-option"] and "stride" in found[0]["message"]


def test_incremental_changes(client, tmp_path):
    uri = (tmp_path / "inc.arch").as_uri()
    assert client.open(uri, "network N\ninput 3x8x8\nconv 4 3x3\n") == []
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": at(2, 7), "end": at(2, 10)}, "text": "9x9"}],
        },
    )
    assert [d["code"] for d in client.diagnostics(uri)] == ["kernel-too-large"]


def test_a_warning_is_a_warning(client, tmp_path):
    uri = (tmp_path / "w.arch").as_uri()
    (d,) = client.open(uri, "network N\ninput 32x32x3\nflatten\n")
    assert (d["code"], d["severity"]) == ("input-layout", 2)


def test_columns_after_korean_text_are_utf16(client, tmp_path):
    uri = (tmp_path / "k.arch").as_uri()
    (d,) = client.open(uri, "network N  # 한국어 주석 😀\ninput 3x8x8\n크기: conv 4 3x3\n")
    assert d["code"] == "syntax-error" and d["range"]["start"] == at(2, 0)
    (d,) = client.change(uri, "network N\ninput 3x8x8\nconv 4 3x3 # 😀\nconv 4 9x9\n", 2)
    assert d["range"]["start"] == at(3, 7)
    uri2 = (tmp_path / "k2.arch").as_uri()
    found = client.open(uri2, 'network N\ninput 3x8x8\nconv 4 3x3 expect 4x6x6  # 😀 😀\nconv 4 "x"\n')
    assert found and found[-1]["range"]["start"]["line"] == 3


def test_hover_on_a_line(client, resnet18):
    uri, text = resnet18
    line = line_of(text, "maxpool:")
    value = client.request("textDocument/hover", {**doc(uri), "position": at(line, 1)})["contents"]["value"]
    assert "maxpool: maxpool 3x3 /2  → 64x56x56  Params 0  MACs 0  RF 11x11" in value


def test_hover_on_a_block_call_gives_its_totals(client, resnet18):
    uri, text = resnet18
    line = line_of(text, "layer2:")
    hover = client.request("textDocument/hover", {**doc(uri), "position": at(line, 10)})
    value = hover["contents"]["value"]
    # torchvision's resnet18: layer2.0 (with its projection) and layer2.1, weights and batchnorms
    assert "layer2.0: basic  → 128x28x28  Params 230,144" in value
    assert "layer2.1: basic  → 128x28x28  Params 295,424" in value
    assert hover["range"] == {"start": at(line, 8), "end": at(line, 13)}


def test_hover_on_a_layer_kind_explains_it(client, resnet18):
    uri, text = resnet18
    line = line_of(text, "conv1:")
    value = client.request("textDocument/hover", {**doc(uri), "position": at(line, 8)})["contents"]["value"]
    assert "H = floor((H_in + 2*P - K) / S) + 1 = floor((224 + 2*3 - 7) / 2) + 1 = 112" in value
    assert "params = K_h*K_w*C_in * C_out = 7*7*3 * 64 = 9,408" in value


def test_hover_in_a_block_s_definition(client):
    uri = BLOCKS.as_uri()
    text = BLOCKS.read_text(encoding="utf-8")
    client.open(uri, text)
    line = line_of(text, "            conv3: conv width*4")
    # blocks.arch has no network: no layer here has numbers, the kind is described
    value = client.request("textDocument/hover", {**doc(uri), "position": at(line, 20)})["contents"]["value"]
    assert value.startswith("```\nconv out kernel: convolutional layer\n") and " stride=1 " in value
    assert "bias=true" in value
    assert client.request("textDocument/hover", {**doc(uri), "position": at(line, 26)}) is None  # `width`


def test_hover_in_korean():
    c = Client("--lang", "ko")
    try:
        c.initialize()
        text = RESNET18.read_text(encoding="utf-8")
        c.open(RESNET18.as_uri(), text)
        line = line_of(text, "maxpool:")
        value = c.request("textDocument/hover", {**doc(RESNET18.as_uri()), "position": at(line, 1)})
        assert "파라미터 수 0" in value["contents"]["value"] and "수용 영역 11x11" in value["contents"]["value"]
        (d,) = c.open("file:///nowhere/k.arch", "network N\ninput 3x8x8\nconv 4 9x9\n")
        assert d["code"] == "kernel-too-large" and "도움말: " in d["message"]
    finally:
        assert c.close() == 0


def test_inlay_hints_give_each_line_s_output_shape(client, resnet18):
    uri, text = resnet18
    hints = client.request("textDocument/inlayHint", {**doc(uri), "range": {"start": at(0, 0), "end": at(999, 0)}})
    lines = text.split("\n")
    by_line = {h["position"]["line"]: h["label"] for h in hints}
    assert by_line[line_of(text, "conv1:")] == "→ 64x112x112"
    assert by_line[line_of(text, "layer4:")] == "→ 512x7x7"
    assert by_line[line_of(text, "fc:")] == "→ 1000"
    for h in hints:
        assert h["position"]["character"] == len(lines[h["position"]["line"]])


def test_inlay_hints_in_blocks_list_the_shapes_of_their_calls(client):
    uri = RESNET18.as_uri()
    text = BLOCKS.read_text(encoding="utf-8")
    client.open(BLOCKS.as_uri(), text)  # alone, blocks.arch has no network: no shapes
    hints = client.request(
        "textDocument/inlayHint", {**doc(BLOCKS.as_uri()), "range": {"start": at(0, 0), "end": at(999, 0)}}
    )
    assert hints == []
    assert uri


def test_definition_of_a_block_in_an_imported_file(client, resnet18):
    uri, text = resnet18
    line = line_of(text, "layer1:")
    (loc,) = client.request("textDocument/definition", {**doc(uri), "position": at(line, 9)})
    blocks = BLOCKS.read_text(encoding="utf-8").split("\n")
    assert loc["uri"] == BLOCKS.as_uri()
    start = loc["range"]["start"]
    assert blocks[start["line"]][start["character"] :].startswith("basic(")


def test_definition_of_a_network_parameter_and_a_named_tensor(client, tmp_path):
    uri = (tmp_path / "u.arch").as_uri()
    text = (
        "network U(width=8)\ninput 3x16x16\nenc1: conv width 3x3 pad=1\npool: maxpool 2\n"
        "up: upsample 2\nconcat(up, enc1)\n"
    )
    assert client.open(uri, text) == []
    (loc,) = client.request("textDocument/definition", {**doc(uri), "position": at(2, 13)})
    assert loc["range"] == {"start": at(0, 10), "end": at(0, 15)}
    (loc,) = client.request("textDocument/definition", {**doc(uri), "position": at(5, 12)})
    assert loc["range"]["start"] == at(2, 0)
    assert client.request("textDocument/definition", {**doc(uri), "position": at(1, 2)}) is None


def test_completion(client, resnet18):
    uri, text = resnet18
    line = line_of(text, "conv1:")
    items = client.request("textDocument/completion", {**doc(uri), "position": at(line, 12)})["items"]
    labels = {i["label"]: i for i in items}
    assert "conv" in labels and "maxpool" in labels and "network" in labels
    assert labels["basic"]["detail"] == "block basic(width, stride)"
    assert labels["stride="]["detail"].startswith("conv")  # after `conv` on the line, its options
    assert "stride" in labels["conv"]["documentation"]


def test_document_symbols(client, resnet18):
    uri, _ = resnet18
    (net,) = client.request("textDocument/documentSymbol", doc(uri))
    assert net["name"] == "ResNet18"
    assert [c["name"] for c in net["children"]][:3] == ["conv1", "maxpool", "layer1"]
    symbols = client.request("textDocument/documentSymbol", doc(BLOCKS.as_uri()))
    assert [s["name"] for s in symbols] == ["basic", "bottleneck", "bottleneck_grouped"]


def test_formatting_is_archspec_fmt(client, tmp_path):
    uri = (tmp_path / "f.arch").as_uri()
    text = "network N\ninput 8\ndense  4   # x\n"
    client.open(uri, text)
    (edit,) = client.request("textDocument/formatting", {**doc(uri), "options": {"tabSize": 4, "insertSpaces": True}})
    assert edit["newText"] == format_text(text)
    assert edit["range"] == {"start": at(0, 0), "end": at(3, 0)}
    client.change(uri, "network N\ninput 8\nconv (\n", 2)
    assert (
        client.request("textDocument/formatting", {**doc(uri), "options": {"tabSize": 4, "insertSpaces": True}}) is None
    )


# ---------------------------------------------------------------------------------- robustness
def test_requests_about_documents_never_opened(client):
    uri = "file:///nowhere/never.arch"
    for method, extra in [
        ("textDocument/hover", {"position": at(0, 0)}),
        ("textDocument/definition", {"position": at(0, 0)}),
        ("textDocument/completion", {"position": at(0, 0)}),
        ("textDocument/documentSymbol", {}),
        ("textDocument/inlayHint", {"range": {"start": at(0, 0), "end": at(9, 0)}}),
        ("textDocument/formatting", {"options": {"tabSize": 4, "insertSpaces": True}}),
    ]:
        assert client.request(method, {**doc(uri), **extra}) is None, method
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": []})
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def test_positions_outside_the_document(client, resnet18):
    uri, _ = resnet18
    assert client.request("textDocument/hover", {**doc(uri), "position": at(10_000, 5)}) is None
    assert client.request("textDocument/definition", {**doc(uri), "position": at(3, 10_000)}) is None


def test_malformed_messages_leave_the_server_answering():
    c = Client()
    try:
        c.initialize()
        c.send_raw(b"{this is not json")
        c.send_raw(b'{"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover", "params": {"x": 1}}')
        c.send_raw(b"\xff\xfe\x00binary")
        c.send_raw(b"", header=b"Nonsense-Header: 12\r\n\r\n")
        c.send_raw(b'["a", "batch"]')
        answer = c.response(c.request_id("no/such/method", {}))
        assert answer["error"]["code"] == -32601
        assert "error" in c.response(77)
        uri = (SPECS / "lenet5.arch").as_uri()
        assert c.open(uri, (SPECS / "lenet5.arch").read_text(encoding="utf-8")) == []
        assert c.request("textDocument/hover", {**doc(uri), "position": at(5, 1)}) is not None
    finally:
        assert c.close() == 0


def test_binary_and_huge_documents(client, tmp_path):
    uri = (tmp_path / "b.arch").as_uri()
    binary = bytes(range(256)).decode("latin-1") * 50
    found = client.open(uri, binary)
    assert found and all(d["code"] in ("syntax-error", "bad-indentation") for d in found)
    big = (tmp_path / "big.arch").as_uri()
    (d,) = client.open(big, "network N\ninput 8\n" + "dense 8  # " + "x" * 6_000_000 + "\n")
    assert d["code"] == "bad-file" and "larger than 512 KB" in d["message"]
    hover = client.request("textDocument/hover", {**doc(big), "position": at(2, 1)})
    assert hover["contents"]["value"].startswith("```\ndense ")  # the kind, without numbers
    # a large spec within the limit (about 3 s to analyse): answered, and requests meanwhile too
    large = (tmp_path / "large.arch").as_uri()
    client.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": large,
                "languageId": "arch",
                "version": 1,
                "text": "network N\ninput 8\n" + "dense 8\n" * 30_000,
            }
        },
    )
    lenet = (SPECS / "lenet5.arch").as_uri()
    client.open(lenet, (SPECS / "lenet5.arch").read_text(encoding="utf-8"))
    assert client.request("textDocument/hover", {**doc(lenet), "position": at(5, 1)}, timeout=30) is not None
    assert client.diagnostics(large, timeout=120) == []


@pytest.mark.parametrize("target", ["/dev/zero", "FOLDER", "missing.arch", "/dev/null"])
def test_imports_of_missing_and_special_files(client, tmp_path, target):
    if target == "FOLDER":
        (tmp_path / "folder").mkdir()
        target = str(tmp_path / "folder")
    uri = (tmp_path / f"i{abs(hash(target))}.arch").as_uri()
    found = client.open(uri, f'import "{target}"\nnetwork N\ninput 8\ndense 4\n')
    if target == "/dev/null":  # an empty file is a spec that defines nothing
        assert found == [] or all(d["code"] in ("bad-file", "import-not-found") for d in found)
        return
    assert [d["code"] for d in found] == ["import-not-found"]
    assert found[0]["range"]["start"] == at(0, 0)


def test_an_imported_file_s_errors_are_shown_at_its_import(client, tmp_path):
    (tmp_path / "lib.arch").write_text("block b(w):\n    conv w 3x3 strid=1\n")
    uri = (tmp_path / "main.arch").as_uri()
    found = client.open(uri, 'import "lib.arch"\nnetwork N\ninput 3x8x8\nb(4)\n')
    assert found and found[0]["range"]["start"]["line"] == 0
    assert "lib.arch:2:" in found[0]["message"]


def test_the_lsp_extra_is_named_when_missing(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    blocker = tmp_path / "pygls.py"
    blocker.write_text("raise ImportError('no pygls here')\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, "-m", "archspec", "lsp"], capture_output=True, text=True, env=env, timeout=60, cwd=ROOT
    )
    assert result.returncode == 1 and "pip install 'archspec[lsp]'" in result.stderr
    assert "Traceback" not in result.stderr
