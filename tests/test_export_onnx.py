"""`archspec export --format onnx`: the file runs in ONNX Runtime and gives the module's outputs
(the weights of --weights, any batch size), and every problem is a message and an exit status."""

from __future__ import annotations

import os

import pytest
from conftest import SPECS, randomise_batchnorm_statistics

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("onnxscript")
onnxruntime = pytest.importorskip("onnxruntime")
np = pytest.importorskip("numpy")

import archspec  # noqa: E402
from archspec.cli import main  # noqa: E402
from archspec.emit.onnx import INPUT_NAME, OPSET, OUTPUT_NAME  # noqa: E402

# What the test exports (bench/onnx_all_specs.py exports every spec): each kind of graph the specs
# have, at a few seconds each. A plain chain with tanh and average pooling (lenet5), residual adds
# with projected shortcuts (resnet18), inception concatenation (googlenet), squeeze-and-excitation's
# multiply and hardswish (mobilenet_v3_small), channel split and shuffle (shufflenet_v2_x1_0),
# fire modules (squeezenet1_1), layer norm and stochastic depth (convnext_tiny).
REPRESENTATIVE = [
    "lenet5",
    "resnet18",
    "googlenet",
    "mobilenet_v3_small",
    "shufflenet_v2_x1_0",
    "squeezenet1_1",
    "convnext_tiny",
]


def _weights(net, path) -> torch.nn.Module:
    """A module of the spec with random weights and batchnorm statistics, saved at `path`."""
    torch.manual_seed(0)
    model = archspec.build(net)
    randomise_batchnorm_statistics(model)
    torch.save(model.state_dict(), path)
    return model.eval()


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_the_file_gives_the_module_s_outputs_in_onnx_runtime(name, tmp_path, capsys):
    spec = SPECS / f"{name}.arch"
    net = archspec.load(spec)
    model = _weights(net, tmp_path / "w.pt")
    out = tmp_path / f"{name}.onnx"
    assert main(["export", str(spec), "--weights", str(tmp_path / "w.pt"), "-o", str(out)]) == 0
    assert (
        capsys.readouterr().out
        == f"wrote {out} (ONNX opset {OPSET}, input "
        + "x".join(str(d) for d in net.input_shape)
        + " with a dynamic batch dimension)\n"
    )
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == [INPUT_NAME]
    assert [o.name for o in session.get_outputs()] == [OUTPUT_NAME]
    for batch in (1, 3):  # the batch dimension is open: not the export's example of 2
        x = torch.randn(batch, *net.input_shape)
        with torch.no_grad():
            expected = model(x).numpy()
        (got,) = session.run(None, {INPUT_NAME: x.numpy()})
        assert got.shape == (batch, *net.output_shape)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5 * max(1.0, float(np.abs(expected).max())))


def test_the_model_records_its_opset_and_the_dynamic_batch(tmp_path):
    import onnx

    out = tmp_path / "lenet.onnx"
    assert main(["export", str(SPECS / "lenet5.arch"), "-o", str(out)]) == 0
    model = onnx.load(str(out))
    onnx.checker.check_model(model)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [OPSET]
    (first, *rest) = model.graph.input[0].type.tensor_type.shape.dim
    assert first.dim_param and not first.dim_value
    assert [d.dim_value for d in rest] == [1, 32, 32]
    assert not [f for f in os.listdir(tmp_path) if f != "lenet.onnx"]  # the weights inside, no temporary left


def test_set_changes_the_network_that_is_exported(tmp_path):
    out = tmp_path / "r.onnx"
    assert main(["export", str(SPECS / "resnet18.arch"), "--set", "num_classes=7", "-o", str(out)]) == 0
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {INPUT_NAME: np.zeros((1, 3, 224, 224), np.float32)})
    assert got.shape == (1, 7)


def test_the_default_name_is_the_spec_s_with_onnx(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(SPECS / "lenet5.arch")]) == 0
    assert (tmp_path / "lenet5.onnx").stat().st_size > 200_000  # 61,706 float32 weights inside


def test_weights_that_do_not_fit(tmp_path, capsys):
    torch.save({"c1.weight": torch.zeros(3)}, tmp_path / "w.pt")
    out = tmp_path / "x.onnx"
    assert main(["export", str(SPECS / "lenet5.arch"), "--weights", str(tmp_path / "w.pt"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"archspec export: error: --weights {tmp_path / 'w.pt'}: does not fit the network")
    assert "missing from the file" in err and not out.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--weights", "nothere.pt"], 2, "archspec export: error: --weights nothere.pt: no such file"),
        (
            ["--weights", "features=nothere.pt"],
            2,
            "archspec export: error: --weights features=nothere.pt: no such file",
        ),
        (["-o", "/nonexistent-folder/x.onnx"], 2, "archspec export: error: cannot write /nonexistent-folder/x.onnx"),
        (["--set", "nmu_classes=3"], 2, "archspec export: error: the command line has 1 error"),
    ],
)
def test_usage_errors(args, code, message, capsys):
    assert main(["export", str(SPECS / "lenet5.arch"), *args]) == code
    assert message in capsys.readouterr().err


def test_korean(tmp_path, capsys):
    assert main(["export", str(SPECS / "blocks.arch"), "--lang", "ko"]) == 1
    assert "내보낼 신경망이 없음" in capsys.readouterr().err
    assert main(["export", str(SPECS / "lenet5.arch"), "-o", str(tmp_path), "--lang", "ko"]) == 2
    assert capsys.readouterr().err == f"archspec export: 오류: {tmp_path}에 쓸 수 없음: 디렉터리임\n"


def test_a_spec_with_errors_writes_nothing(tmp_path, capsys):
    spec = tmp_path / "bad.arch"
    spec.write_text("network N\ninput 3x8x8\nconv 4 9x9\n")
    assert main(["export", str(spec), "-o", str(tmp_path / "n.onnx")]) == 1
    err = capsys.readouterr().err
    assert "error[kernel-too-large]" in err and err.rstrip().endswith("1 error; nothing written")
    assert os.listdir(tmp_path) == ["bad.arch"]


def test_missing_packages_are_named(tmp_path, monkeypatch, capsys):
    import archspec.emit.onnx as onnx_module

    monkeypatch.setattr(onnx_module, "missing_packages", lambda: ["onnxscript"])
    assert main(["export", str(SPECS / "lenet5.arch"), "-o", str(tmp_path / "x.onnx")]) == 1
    assert capsys.readouterr().err == (
        "archspec export: error: exporting to ONNX needs `onnxscript`, which is not installed: "
        "pip install 'archspec[onnx]'\n"
    )


def test_a_failed_export_leaves_the_old_file(tmp_path, monkeypatch, capsys):
    import archspec.emit.onnx as onnx_module

    out = tmp_path / "x.onnx"
    out.write_bytes(b"old")

    def refuse(*_):
        raise onnx_module.OnnxExportError("no")

    monkeypatch.setattr(onnx_module, "onnx_bytes", refuse)
    assert main(["export", str(SPECS / "lenet5.arch"), "-o", str(out)]) == 1
    assert capsys.readouterr().err == "archspec export: error: PyTorch cannot export LeNet5 to ONNX: no\n"
    assert out.read_bytes() == b"old" and os.listdir(tmp_path) == ["x.onnx"]


def test_help_names_the_opset_and_the_extra(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"opset {OPSET}" in text and "pip install 'archspec[onnx]'" in text
