"""editors/vscode: the TextMate grammar is what generate_grammar.py makes of the language today,
the extension's manifest names files that exist, and (where `npm ci` has been run in
editors/vscode) every spec tokenises with the grammar as VS Code does it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
sys.path.insert(0, str(VSCODE))

import generate_grammar  # noqa: E402


def test_the_grammar_is_up_to_date():
    written = (VSCODE / "syntaxes" / "arch.tmLanguage.json").read_text(encoding="utf-8")
    assert written == generate_grammar.text(), "run: python editors/vscode/generate_grammar.py"


def test_the_grammar_knows_every_layer_kind_and_keyword():
    from archspec.layers import CATALOGUE

    grammar = json.dumps(generate_grammar.grammar())
    for word in [*CATALOGUE, *generate_grammar.keywords()]:
        assert word in grammar, word
    assert {"network", "input", "block", "import", "expect", "let"} <= set(generate_grammar.keywords())


def test_the_manifest_names_files_that_exist():
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "arch" and language["extensions"] == [".arch"]
    json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["scopeName"] == "source.arch" and (VSCODE / grammar["path"]).is_file()
    assert (VSCODE / manifest["main"]).is_file() and manifest["activationEvents"] == ["onLanguage:arch"]
    assert manifest["contributes"]["configuration"]["properties"]["archspec.command"]["default"] == ["archspec", "lsp"]
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]


@pytest.mark.skipif(
    shutil.which("node") is None or not (VSCODE / "node_modules" / "vscode-textmate").is_dir(),
    reason="needs node and `npm ci` in editors/vscode",
)
def test_every_spec_tokenises_with_the_grammar():
    result = subprocess.run(["node", "test/tokenize.js"], cwd=VSCODE, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "; 0 problems" in result.stdout
