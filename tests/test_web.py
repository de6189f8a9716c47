"""archspec.views.web, the playground's Python side, without a browser: the same answers as the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest
from conftest import ROOT, SPECS

from archspec.analysis.load import analyse_file
from archspec.views import web
from archspec.views.report import table_lines, to_json

LENET = (SPECS / "lenet5.arch").read_text()
BAD = "network T\ninput 3x32x32\nc: conv 8 3x3\np: maxpool 64x64\n"


@pytest.fixture(autouse=True)
def _in_specs(monkeypatch):
    """As in the browser, where the zoo's folder is the working directory."""
    monkeypatch.chdir(SPECS)


@pytest.mark.parametrize("name", sorted(p.name for p in SPECS.glob("*.arch")))
def test_analyse_gives_check_json_rows_and_totals(name):
    text = (SPECS / name).read_text()
    out = web.analyse(text, name)
    json.dumps(out)  # plain data
    result = analyse_file(name)
    cli = to_json(result, name)
    check = out["check"]
    assert check["diagnostics"] == [{**d, **_extra(d, check)} for d in cli["diagnostics"]] or not cli["diagnostics"]
    for layer in cli["layers"]:
        layer.pop("rf")
    assert {k: v for k, v in check.items() if k != "diagnostics"} == {
        k: v for k, v in cli.items() if k != "diagnostics"
    }
    if result.complete:
        assert [r["path"] for r in out["rows"]] == [layer["path"] for layer in cli["layers"]]
        lines = [line for line, _ in table_lines(result.network)]
        assert out["totals"] == lines[-len(out["totals"]) :]
        assert out["totals"][0] == f"Total params: {cli['params']:,}"
        printed = lines[3 : 3 + len(out["rows"])]  # the printed table's rows hold the same cells
        for row, line in zip(out["rows"], printed):
            assert [c.strip() for c in line.split(" │ ")] == [c.strip() for c in row["cells"]]
    else:
        assert out["rows"] == [] and check["layers"] == []


def _extra(d, check):
    match = next(x for x in check["diagnostics"] if x["code"] == d["code"] and x["line"] == d["line"])
    return {k: match[k] for k in ("end_line", "end_column", "label", "rendered")}


def test_diagnostics_carry_positions_and_the_printed_text():
    out = web.analyse(BAD, "bad.arch")
    assert not out["complete"] and out["rows"] == []
    (d,) = out["check"]["diagnostics"]
    assert (d["code"], d["line"], d["column"], d["end_line"], d["end_column"]) == ("kernel-too-large", 4, 12, 4, 17)
    assert d["hint"] and d["label"] == "input 8x30x30"
    assert d["rendered"].startswith(
        "error[kernel-too-large]: maxpool 64x64 does not fit the 30x30 input\n  --> bad.arch:4:12"
    )
    assert "help: " + d["hint"] in d["rendered"]


def test_a_syntax_error_and_an_empty_spec_never_raise():
    out = web.analyse("network T\ninput 3x32x32\nconv 8 3x3 ((\n")
    assert out["check"]["diagnostics"][0]["line"] == 3 and not out["complete"]
    assert web.analyse("")["rows"] == []
    assert web.diagram("")["ok"] is False
    assert web.explain(BAD, "c")["ok"] is False
    assert web.grade(BAD, "c", "params", "5")["ok"] is False


def test_imports_resolve_beside_the_file():
    out = web.analyse((SPECS / "resnet50.arch").read_text(), "resnet50.arch")
    assert out["complete"] and out["check"]["params"] == 25557032


def test_an_edit_is_analysed_anew_and_the_same_text_once():
    first = web.analyse(LENET, "lenet5.arch")
    again = web.analyse(LENET, "lenet5.arch")
    assert again["check"] == first["check"]
    changed = web.analyse(LENET.replace("dense 84", "dense 80"), "lenet5.arch")
    assert changed["check"]["params"] != first["check"]["params"]


def test_diagram_is_render_dot():
    from archspec.views.diagram import dot_source

    net = analyse_file("googlenet.arch").network
    assert web.diagram((SPECS / "googlenet.arch").read_text(), "googlenet.arch")["dot"] == dot_source(net, 0)
    expanded = web.diagram((SPECS / "googlenet.arch").read_text(), "googlenet.arch", expanded=True)["dot"]
    assert expanded == dot_source(net, None)


def test_explain_in_english_and_korean():
    en = web.explain(LENET, "c1", "en", "lenet5.arch")
    assert en["ok"] and en["layers"][0]["path"] == "c1"
    assert "H = floor((H_in + 2*P - K) / S) + 1 = floor((32 + 2*0 - 5) / 1) + 1 = 28" in en["text"]
    ko = web.explain(LENET, "c1", "ko", "lenet5.arch")
    assert "출력 크기" in ko["text"]
    assert web.explain(LENET, "c9", "en", "lenet5.arch")["error"].startswith("no layer `c9`")
    assert web.explain(LENET, "input", "en", "lenet5.arch")["layers"] == []


@pytest.mark.parametrize(
    ("path", "field", "answer", "result"),
    [
        ("c1", "params", "156", "right"),
        ("c1", "params", "155", "wrong"),
        ("c1", "output", "6x28x28", "right"),
        ("c1", "output", "28x28x6", "right"),
        ("c1", "macs", "117.6K", "right"),
        ("c3", "rf", "14x14", "right"),
        ("total", "params", "61,706", "right"),
        ("c1", "macs", "lots", "bad"),
        ("nope", "params", "1", "bad"),
    ],
)
def test_grade_one_answer_as_quiz_does(path, field, answer, result):
    out = web.grade(LENET, path, field, answer, "en", "lenet5.arch")
    assert out["result"] == result
    if result in ("right", "wrong"):
        from archspec.teaching import quiz

        net = analyse_file("lenet5.arch").network
        sheet = quiz.grade(net, web.answer_sheet(path, field, answer), "answers.toml")
        assert out["correct"] == sheet.marks[0].correct and out["formula"]


def test_grade_a_block_path_and_korean_words():
    text = (SPECS / "resnet18.arch").read_text()
    out = web.grade(text, "layer1.0", "params", "73,984", "ko", "resnet18.arch")
    assert out["ok"] and out["status"] in ("맞음", "틀림") and out["label"] == "파라미터 수"


def test_call_speaks_json():
    out = json.loads(web.call("analyse", json.dumps({"text": LENET, "file": "lenet5.arch"})))
    assert out["check"]["params"] == 61706
    assert json.loads(web.call("texts", '{"lang": "ko"}'))["params"] == "파라미터 수"


def test_the_playground_server_says_how_to_build(tmp_path, capsys):
    from archspec.views.playground import serve

    assert serve(0, False, tmp_path) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "npm ci && npm run build" in err


def test_the_playground_server_gives_wasm_its_type(tmp_path):
    import threading

    from archspec.views.playground import make_server, missing

    (tmp_path / "pyodide").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (tmp_path / "app.js").write_text("")
    assert missing(tmp_path) is None
    server = make_server(0, tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(base + "pyodide/pyodide.asm.wasm") as r:
            assert r.headers["Content-Type"] == "application/wasm"
        with opener.open(base + "app.js") as r:
            assert r.headers["Content-Type"].startswith("text/javascript")
    finally:
        server.shutdown()
        server.server_close()


def test_playground_command_without_dist(tmp_path, monkeypatch, capsys):
    import archspec.views.playground
    from archspec.cli import main

    monkeypatch.setattr(archspec.views.playground, "DIST", tmp_path / "dist")
    assert main(["playground", "--no-browser", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("archspec playground: error: the playground is not built") and err.count("\n") == 1


def test_the_browser_path_imports_only_the_wheels_the_page_installs():
    """playground/wheels.txt leaves out networkx, pygments, markdown-it-py, mdurl and lark (the tests'
    only): analysis, diagram, explain and grading must work with them unimportable."""
    code = """
import os, sys
for name in ("networkx", "pygments", "markdown_it", "mdurl", "lark"):
    sys.modules[name] = None  # importing them now raises ImportError
os.chdir(sys.argv[1])
from archspec.views import web
spec = open("resnet50.arch").read()
assert web.analyse(spec, "resnet50.arch")["check"]["params"] == 25_557_032
assert web.diagram(open("googlenet.arch").read(), "googlenet.arch", expanded=True)["ok"]
assert web.explain(open("lenet5.arch").read(), "c1", "ko", "lenet5.arch")["ok"]
assert web.grade(open("lenet5.arch").read(), "c1", "params", "156", "en", "lenet5.arch")["ok"]
assert web.analyse("network N\\ninput 3x8x8\\nconv 8 3x3 rleu\\n", "x.arch")["check"]["diagnostics"]
"""
    run = subprocess.run([sys.executable, "-c", code, str(SPECS)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    lines = (ROOT / "playground" / "wheels.txt").read_text().splitlines()
    listed = {line.split("==")[0] for line in lines if line and not line.startswith("#")}
    assert listed == {"rich", "graphviz"}


def test_analyse_speaks_the_pages_language():
    bad = web.analyse("network N\ninput 3x8x8\nconv 8 3x3 rleu\n", "x.arch", lang="ko")
    (d,) = bad["check"]["diagnostics"]
    assert d["message"] == "알 수 없는 층 종류 `rleu`" and d["code"] == "unknown-layer"
    good = web.analyse((SPECS / "lenet5.arch").read_text(), "lenet5.arch", lang="ko")
    assert "총 파라미터 수: 6만 1706" in good["totals"]
    english = web.analyse((SPECS / "lenet5.arch").read_text(), "lenet5.arch")
    assert "Total params: 61,706" in english["totals"]  # and the library stays English after a Korean call


def test_a_quiz_cell_names_the_mistake():
    out = web.grade(LENET, "c3", "params", "2400", "en", "lenet5.arch")
    assert out["result"] == "wrong" and out["note"].startswith("the bias is left out")
    out = web.grade(LENET, "c3", "params", "2400", "ko", "lenet5.arch")
    assert out["note"].startswith("편향(바이어스)이 빠짐")
