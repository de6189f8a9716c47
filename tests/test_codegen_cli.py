"""`archspec compile` as a subprocess: the snapshot of a small spec's source, -o, --class-name,
exit codes, no file for a bad spec, and no torch."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT
from test_cli import archspec

SNAPSHOT = ROOT / "tests" / "data" / "codegen"


def test_snapshot_of_a_small_spec():
    # tiny.py was read line by line when it was written; the test below runs it against the analysis
    run = archspec("compile", "tests/data/codegen/tiny.arch")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (SNAPSHOT / "tiny.py").read_text()
    assert run.stderr == ""


def test_the_snapshot_runs_and_agrees_with_the_analysis():
    pytest.importorskip("torch")
    from test_codegen import agree

    import archspec as lib

    namespace: dict = {}
    exec((SNAPSHOT / "tiny.py").read_text(), namespace)
    agree(lib.load(SNAPSHOT / "tiny.arch"), namespace["Tiny"]())


def test_output_file(tmp_path):
    out = tmp_path / "model.py"
    run = archspec("compile", "tests/data/codegen/tiny.arch", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert out.read_text() == (SNAPSHOT / "tiny.py").read_text()
    assert not [p for p in tmp_path.iterdir() if p != out]  # no temporary file left behind


def test_class_name(tmp_path):
    run = archspec("compile", "specs/lenet5.arch", "--class-name", "MyLeNet")
    assert run.returncode == 0
    assert "class MyLeNet(nn.Module):" in run.stdout and "class LeNet5" not in run.stdout


@pytest.mark.parametrize("name", ["1Net", "my net", "class", "nn", "Net;import os", "Bottleneck"])
def test_bad_class_names_are_usage_errors(name):
    run = archspec("compile", "specs/resnet50.arch", "--class-name", name)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "error" in run.stderr


def test_a_bad_spec_writes_nothing(tmp_path):
    spec = tmp_path / "bad.arch"
    spec.write_text("network B\ninput 1x8x8\nconv 4 3x3\nmaxpool 16\n")
    out = tmp_path / "model.py"
    out.write_text("# the previous model\n")
    run = archspec("compile", str(spec), "-o", str(out))
    assert run.returncode == 1
    assert "error[kernel-too-large]" in run.stderr and "bad.arch:4:9" in run.stderr
    assert "nothing written" in run.stderr
    assert out.read_text() == "# the previous model\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.arch", "model.py"]


def test_a_failed_expect_writes_nothing(tmp_path):
    spec = tmp_path / "quiz.arch"
    spec.write_text("network Q\ninput 1x32x32\nc1: conv 6 5x5 tanh expect params=150\n")
    run = archspec("compile", str(spec), "-o", str(tmp_path / "m.py"))
    assert run.returncode == 1
    assert not (tmp_path / "m.py").exists()


def test_a_name_pytorch_reserves_is_an_error_in_the_spec(tmp_path):
    spec = tmp_path / "n.arch"
    spec.write_text("network N\ninput 1x8x8\nforward: conv 4 3x3\n")
    run = archspec("compile", str(spec), "-o", str(tmp_path / "m.py"))
    assert run.returncode == 1
    assert "error[bad-name]" in run.stderr and "n.arch:3:" in run.stderr and "^" in run.stderr
    assert not (tmp_path / "m.py").exists()


def test_blocks_only_file_has_no_network():
    run = archspec("compile", "specs/blocks.arch")
    assert run.returncode == 1
    assert "no network" in run.stderr and "bottleneck" in run.stderr


def test_usage_errors(tmp_path):
    assert archspec("compile").returncode == 2
    assert archspec("compile", str(tmp_path / "missing.arch")).returncode == 2
    run = archspec("compile", "specs/lenet5.arch", "-o", str(tmp_path / "no" / "such" / "dir.py"))
    assert run.returncode == 2 and "cannot write" in run.stderr


def test_help():
    run = archspec("compile", "--help")
    assert run.returncode == 0
    for option in ("-o PATH", "--class-name NAME", "FILE", "checks clean"):
        assert option in run.stdout
    assert "compile" in archspec("--help").stdout


def test_compile_never_imports_torch(tmp_path):
    fake = tmp_path / "fake" / "torch"
    fake.mkdir(parents=True)
    mark = tmp_path / "imported"
    (fake / "__init__.py").write_text(f"open({str(mark)!r}, 'w').close()\n")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(ROOT)])}
    run = archspec("compile", "specs/resnet50.arch", "-o", str(tmp_path / "r.py"), env=env)
    assert run.returncode == 0, run.stderr
    assert not mark.exists()


def test_importing_archspec_does_not_import_torch():
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, archspec; archspec.load; print('torch' in sys.modules)"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip() == "False"
