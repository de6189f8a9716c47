"""`python -m archspec check` as a subprocess: exit codes, output streams, --quiet, --json, and no torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SPECS

GOOD = "network T\ninput 1x28x28\nconv 8 3x3 relu\nflatten\ndense 10\n"
BAD = "network T\ninput 1x28x28\nconv 8 3x3 relu\nmaxpol 2\n"

TOP_KEYS = {
    "file",
    "ok",
    "network",
    "input",
    "output",
    "params",
    "non_trainable_params",
    "frozen",
    "init",
    "trainable_params",
    "buffers",
    "macs",
    "memory",
    "memory_conventions",
    "layers",
    "diagnostics",
}
MEMORY_KEYS = {"convention", "megabyte_bytes", "input_mb", "forward_backward_mb", "params_mb", "total_mb"}
LAYER_KEYS = {"path", "kind", "output", "params", "trainable", "macs", "line", "column"}
DIAGNOSTIC_KEYS = {"severity", "code", "message", "file", "line", "column", "hint", "notes"}


def archspec(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "archspec", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=environ,
        timeout=60,
    )


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.arch"
    path.write_text(GOOD)
    return str(path)


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.arch"
    path.write_text(BAD)
    return str(path)


def test_good_spec_exits_0_and_prints_the_table(good):
    run = archspec("check", good)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    # conv 8 3x3 on 1x28x28: (9+1)*8 = 80; dense 8*26*26 -> 10: 5408*10 + 10 = 54090
    assert f"Total params: {80 + 8 * 26 * 26 * 10 + 10:,}" in run.stdout


def test_failing_spec_exits_1_with_the_error_on_stderr(bad):
    run = archspec("check", bad)
    assert run.returncode == 1
    assert "error[unknown-layer]" in run.stderr
    assert f"{bad}:4:1" in run.stderr
    assert "did you mean `maxpool`?" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_missing_file_is_a_usage_error(tmp_path):
    # a file that cannot be read is the caller's mistake, as for compilers: exit 2, still no traceback
    run = archspec("check", str(tmp_path / "nope.arch"))
    assert run.returncode == 2
    assert "file-not-found" in run.stderr
    assert "Traceback" not in run.stderr


def test_one_bad_file_among_good_ones_exits_1(good, bad):
    run = archspec("check", good, bad)
    assert run.returncode == 1
    assert "error[unknown-layer]" in run.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["check"], ["check", "--bogus", "specs/lenet5.arch"], ["frobnicate"]],
    ids=["no-args", "check-no-files", "unknown-flag", "unknown-command"],
)
def test_usage_errors_exit_2(args):
    run = archspec(*args)
    assert run.returncode == 2
    assert "usage" in run.stderr.lower()
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("command", ["check", "compile", "render", "tree", "explain", "quiz"])
def test_an_unknown_option_shows_the_commands_usage(command):
    required = ["--make"] if command == "quiz" else []
    run = archspec(command, "specs/lenet5.arch", *required, "--bogus")
    assert run.returncode == 2
    assert run.stderr.startswith(f"usage: archspec {command} ")
    assert f"archspec {command}: error: unrecognized arguments: --bogus" in run.stderr


def test_quiet_prints_nothing_for_good_files(good):
    run = archspec("check", "--quiet", good, str(SPECS / "lenet5.arch"))
    assert run.returncode == 0
    assert run.stdout == "" and run.stderr == ""


def test_quiet_still_prints_errors(bad):
    run = archspec("check", "-q", bad)
    assert run.returncode == 1
    assert run.stdout == ""
    assert "error[unknown-layer]" in run.stderr


def test_json_for_one_file_is_an_object(good):
    run = archspec("check", "--json", good)
    assert run.returncode == 0
    out = json.loads(run.stdout)
    assert isinstance(out, dict)
    assert set(out) == TOP_KEYS
    assert set(out["memory"]) == MEMORY_KEYS
    assert out["file"] == good and out["ok"] is True and out["network"] == "T"
    assert out["input"] == [1, 28, 28] and out["output"] == [10]
    assert out["params"] == out["trainable_params"] == 80 + 5408 * 10 + 10
    assert out["non_trainable_params"] == 0 and out["frozen"] == []
    assert out["buffers"] == 0
    assert out["macs"] == 8 * 26 * 26 * 9 + 5408 * 10
    assert out["memory"]["input_mb"] == pytest.approx(28 * 28 * 4 / 2**20, abs=1e-4)
    assert out["memory"]["convention"] == "torchsummary"
    assert out["memory_conventions"]["torchsummary"] == out["memory"]
    assert out["memory_conventions"]["torchinfo"]["convention"] == "torchinfo"
    assert out["diagnostics"] == []
    for layer in out["layers"]:
        assert set(layer) >= LAYER_KEYS
    assert [row["kind"] for row in out["layers"]] == ["input", "conv", "relu", "flatten", "dense"]
    assert out["layers"][1]["line"] == 3 and out["layers"][1]["column"] == 1


def test_json_for_two_files_is_a_list(good, bad):
    run = archspec("check", "--json", good, bad)
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert isinstance(out, list) and len(out) == 2
    assert all(set(o) == TOP_KEYS for o in out)
    assert [o["ok"] for o in out] == [True, False]
    assert out[1]["network"] == "T" and out[1]["input"] == [1, 28, 28]
    assert out[1]["layers"] == [] and out[1]["params"] is None and out[1]["memory"] is None
    (diag,) = out[1]["diagnostics"]
    assert set(diag) == DIAGNOSTIC_KEYS
    assert diag == {
        "severity": "error",
        "code": "unknown-layer",
        "message": "unknown layer kind `maxpol`",
        "file": bad,
        "line": 4,
        "column": 1,
        "hint": "did you mean `maxpool`?",
        "notes": [],
    }


def test_json_of_resnet50_has_layer_and_block_rows():
    run = archspec("check", "--json", "specs/resnet50.arch")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    rows = {row["path"]: row for row in out["layers"]}
    assert rows["layer1.0.conv1"]["kind"] == "conv"
    assert rows["layer1.0.conv1"]["output"] == [64, 56, 56]
    assert rows["layer1.0.conv1"]["params"] == 64 * 64 * 1 * 1  # 1x1, no bias
    assert rows["layer1.0"]["kind"] == "block"
    assert rows["layer1.0"]["output"] == [256, 56, 56]
    assert out["params"] == 25_557_032  # torchvision's resnet50


def test_check_never_imports_torch_importtime():
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archspec", "check", "specs/resnet50.arch"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert run.returncode == 0
    modules = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert "archspec.cli" in modules  # the import log is really there
    assert not any(m == "torch" or m.startswith("torch.") for m in modules)


def test_check_never_imports_torch_even_if_installed(tmp_path):
    # a stand-in `torch` package that leaves a mark when imported: the test can fail without torch installed
    fake = tmp_path / "fake" / "torch"
    fake.mkdir(parents=True)
    mark = tmp_path / "imported"
    (fake / "__init__.py").write_text(f"open({str(mark)!r}, 'w').close()\n")
    run = archspec(
        "check",
        "--json",
        "specs/resnet50.arch",
        "specs/lenet5.arch",
        env={"PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(ROOT)])},
    )
    assert run.returncode == 0, run.stderr
    assert not mark.exists()
    probe = subprocess.run(
        [sys.executable, "-c", "import torch"], env={**os.environ, "PYTHONPATH": str(tmp_path / "fake")}, timeout=60
    )
    assert probe.returncode == 0 and mark.exists()  # the stand-in does work


def test_a_failed_expect_still_prints_the_table_and_json_numbers(tmp_path):
    spec = tmp_path / "quiz.arch"
    spec.write_text("network Q\ninput 1x32x32\nc1: conv 6 5x5 tanh expect params=150\n")
    run = archspec("check", str(spec))
    assert run.returncode == 1
    assert "Total params: 156" in run.stdout  # (5*5*1 + 1) * 6
    assert "expected params 150, found 156" in run.stderr
    out = json.loads(archspec("check", "--json", str(spec)).stdout)
    assert out["ok"] is False and out["params"] == 156 and out["layers"]


# ----------------------------------------------------------------------------- options anywhere

LENET = SPECS / "lenet5.arch"

# each command with its positional arguments and one option: the option may come first, between the
# positional arguments or last, and the command line means the same
OPTIONS_ANYWHERE = {
    "check": (["a.arch", "b.arch"], ["--lang", "ko"]),
    "compile": (["a.arch"], ["-o", "out.py"]),
    "render": (["a.arch", "width=64", "stride=2"], ["--block", "bottleneck"]),
    "tree": (["a.arch"], ["--lang", "ko"]),
    "explain": (["a.arch", "c1", "c3"], ["--lang", "ko"]),
    "calc": (["conv 6 5x5"], ["--input", "1x32x32"]),
    "quiz": (["a.arch"], ["--make"]),
    "playground": ([], ["--port", "9000"]),
    "train": (["a.arch"], ["--data", "synthetic"]),
    "evaluate": (["a.arch"], ["--data=synthetic", "--weights=w.pt"]),
    "predict": (["a.arch", "x.png", "y.png"], ["--weights", "w.pt"]),
    "export": (["a.arch"], ["-o", "a.onnx"]),
    "import": (["models.py:Net"], ["--input", "3x32x32"]),
    "fmt": (["a.arch", "b.arch"], ["--check"]),
    "lsp": ([], ["--lang", "ko"]),
}


def test_every_command_is_in_the_table():
    from archspec.cli import COMMANDS

    assert set(OPTIONS_ANYWHERE) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(OPTIONS_ANYWHERE))
def test_options_anywhere(command):
    from archspec.cli import _parse, _parser

    positionals, option = OPTIONS_ANYWHERE[command]
    parser, commands = _parser(command)
    last = _parse(parser, commands, [command, *positionals, *option])
    assert last[1] == []
    for at in range(len(positionals)):
        line = [command, *positionals[:at], *option, *positionals[at:]]
        assert _parse(parser, commands, line) == last, line


def test_explain_takes_its_language_between_the_file_and_the_layer():
    result = archspec("explain", str(LENET), "--lang", "ko", "c1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("c1: conv 6, 5x5  [합성곱층]")


@pytest.mark.parametrize(
    "args, env, line",
    [
        (["chek", str(LENET)], {}, "archspec: error: unknown command `chek`; did you mean `check`?"),
        (["explian", str(LENET)], {}, "archspec: error: unknown command `explian`; did you mean `explain`?"),
        (["chek", str(LENET), "--lang", "ko"], {}, "archspec: 오류: 알 수 없는 명령 `chek`: 혹시 `check`?"),
        (["chek", str(LENET)], {"LANG": "ko_KR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
         "archspec: 오류: 알 수 없는 명령 `chek`: 혹시 `check`?"),
        (["frobnicate"], {}, "archspec: error: unknown command `frobnicate`; the commands are `check`, `compile`, "
         "`render`, `tree`, `explain`, `calc`, `quiz`, `playground`, `train`, `evaluate`, `predict`, `export`, "
         "`fmt`, `lsp`, `import`"),
    ],
)  # fmt: skip
def test_a_mistyped_command_gets_a_did_you_mean(args, env, line):
    result = archspec(*args, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == line
