"""Whatever the input: no traceback, no hang, bounded output. Generated inputs that once took
minutes or gigabytes (16,000 block definitions, a chain of 40,000 layers, 40,000 typos, a FIFO,
/dev/zero, a 10-million-character line), here scaled to run in seconds; bench/scaling.py measures
how the time grows with the size."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

import archspec
from archspec.analysis.load import MAX_LINE_CHARS, MAX_SPEC_BYTES, analyse, analyse_file

H = "network N\ninput 3x8x8\n"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archspec", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=timeout,
    )


# ----------------------------------------------------------------------------- size


def test_many_block_definitions():
    n = 3000
    text = "".join(f"block b{i}():\n    relu\n" for i in range(n)) + H + "b7()\n"
    result = analyse(text, "blocks.arch")
    assert result.ok and len(result.network.blocks) == n
    twice = analyse("block a():\n    relu\n" * 3 + H + "a()\n", "t.arch")
    assert [(d.code, d.span.line) for d in twice.diagnostics] == [("duplicate-name", 3), ("duplicate-name", 5)]


def test_a_long_chain_on_one_line():
    n = 6000
    net = analyse(H + " ".join(["relu"] * n) + "\n", "chain.arch").network
    assert len(net.nodes) == n + 1 and net.nodes[-1].path == f"relu_{n}"


def test_errors_past_the_cap_are_counted_not_shown(tmp_path):
    n = 700
    result = analyse(H + "rleu\n" * n, "typos.arch")
    shown = [d for d in result.diagnostics if d.code == "unknown-layer"]
    assert len(shown) == 200 and shown[0].hint == "did you mean `relu`?"
    (summary,) = [d for d in result.diagnostics if d.code == "too-many-errors"]
    assert summary is result.diagnostics[-1]
    assert summary.message == "500 more errors not shown (archspec shows the first 200)"
    run = cli("check", str(write(tmp_path, "typos", H + "rleu\n" * 20_000)))
    assert run.returncode == 1
    assert run.stderr.count("error[unknown-layer]") == 200 and len(run.stderr) < 50_000
    assert "error[too-many-errors]: 19,800 more errors not shown" in run.stderr


def write(folder, name: str, text: str):
    path = folder / f"{name}.arch"
    path.write_text(text)
    return path


def test_compile_of_a_long_network():
    from archspec.emit.pytorch import generate

    n = 3000
    source = generate(archspec.loads(H + "c: conv 3 3x3 pad=1 relu x1500\n" + "relu\n" * n))
    assert source.count("nn.Conv2d(3, 3, kernel_size=3, padding=1)") == 1500
    assert source.count("= self.relu_") == n


def test_deep_nesting_is_one_located_error():
    n = 1500
    text = "".join(f"block b{i}():\n    b{i + 1}()\n" for i in range(n)) + f"block b{n}():\n    relu\n" + H + "b0()\n"
    result = analyse(text, "deep.arch")
    assert [d.code for d in result.diagnostics] == ["too-deep"]


# ----------------------------------------------------------------------------- files that are no specs


def one_error(run: subprocess.CompletedProcess, code: int, words: str) -> None:
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr and words in run.stderr, run.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "spec.arch"
    os.mkfifo(fifo)
    one_error(cli("check", str(fifo), timeout=20), 2, "is not a regular file")
    importer = write(tmp_path, "importer", f'import "{fifo}"\n' + H + "relu\n")
    one_error(cli("check", str(importer), timeout=20), 1, "import-not-found")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_devices_are_refused():
    for device in ("/dev/zero", "/dev/urandom"):
        result = analyse_file(device)
        assert [d.code for d in result.diagnostics] == ["bad-file"] and result.unreadable


def test_a_file_too_large_and_a_line_too_long(tmp_path):
    big = tmp_path / "big.arch"
    big.write_bytes(b"# " + b"x" * MAX_SPEC_BYTES + b"\n")
    (d,) = analyse_file(str(big)).diagnostics
    assert d.code == "bad-file" and "larger than 4 MB" in d.message
    long = write(tmp_path, "long", H + "relu " * (MAX_LINE_CHARS // 5 + 1) + "\n")
    (d,) = analyse_file(str(long)).diagnostics
    assert d.code == "bad-file" and "(line 3)" in d.message
    one_error(cli("check", str(long)), 2, "a line may have 100,000")


def test_a_file_that_is_not_utf8_is_located(tmp_path):
    path = tmp_path / "latin1.arch"
    path.write_bytes(H.encode() + "conv 8 3  # café\n".encode("latin-1"))
    result = analyse_file(str(path))
    (d,) = result.diagnostics
    assert (d.code, d.span.line, d.span.column) == ("bad-file", 3, 16)  # the é after "conv 8 3  # caf"
    assert "byte 0xe9" in d.message and d.hint == "save the file as UTF-8"
    one_error(cli("check", str(path)), 2, "3 | conv 8 3  # caf")


# ----------------------------------------------------------------------------- names that reach Python


@pytest.mark.parametrize("name", ["None", "True", "False", "OrderedDict", "torch", "nn", "isinstance"])
def test_a_network_named_like_python_or_the_files_own_names(name):
    torch = pytest.importorskip("torch")
    from archspec.emit.pytorch import generate

    net = archspec.loads(f"network {name}\ninput 3x8x8\nc: conv 4 3 x2\n")
    source = generate(net)
    compile(source, "<test>", "exec")  # a SyntaxError would be raised here
    model = archspec.build(net)
    assert model(torch.zeros(1, 3, 8, 8)).shape == (1, 4, 4, 4)


def test_a_block_parameter_named_like_a_dunder():
    torch = pytest.importorskip("torch")
    net = archspec.loads("block b(__class__):\n    conv __class__ 3\n" + H + "b(4)\n")
    assert archspec.build(net)(torch.zeros(1, 3, 8, 8)).shape == (1, 4, 6, 6)
