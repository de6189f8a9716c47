"""The data layers of Keras' transfer-learning lesson (random_flip, random_rotation, random_zoom,
preprocess) as built PyTorch modules: the identity in eval, and in training transforms checked
against torch's own flips and rot90 and against values worked out by hand."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_cli import archspec as run_cli

import archspec
from archspec.emit.pytorch import generate

torch = pytest.importorskip("torch")

LESSON = """network Lesson
input 3x32x32
random_flip horizontal
random_rotation 0.1
random_zoom 0.2
preprocess caffe
conv 8 3x3 pad=1 relu
gap
dense 2
"""


def module(line: str, shape: str = "3x6x6") -> torch.nn.Module:
    """The built module of one layer."""
    model = archspec.build(f"network T\ninput {shape}\n{line}\n")
    (layer,) = model.children()
    return layer


@pytest.mark.parametrize(
    "line",
    ["random_flip", "random_flip vertical", "random_flip horizontal_and_vertical", "random_rotation 0.25"]
    + ["random_zoom 0.5", "random_zoom 1"],
)
def test_eval_is_exactly_the_identity_and_nothing_is_stored(line):
    model = archspec.build(f"network T\ninput 3x6x6\n{line}\n")
    assert list(model.parameters()) == [] and list(model.buffers()) == []
    x = torch.randn(8, 3, 6, 6)
    assert torch.equal(model.eval()(x), x)


def test_random_flip_gives_each_image_itself_or_its_mirror():
    x = torch.randn(64, 2, 5, 7)
    for mode, dim in (("horizontal", -1), ("vertical", -2)):
        torch.manual_seed(0)
        y = module(f"random_flip {mode}", "2x5x7").train()(x)
        kept = [torch.equal(y[i], x[i]) for i in range(64)]
        flipped = [torch.equal(y[i], x[i].flip(dim)) for i in range(64)]
        assert all(k or f for k, f in zip(kept, flipped))
        assert any(kept) and any(flipped)
        torch.manual_seed(0)
        assert torch.equal(module(f"random_flip {mode}", "2x5x7").train()(x), y)  # the seed repeats the run


def test_random_flip_both_ways_reaches_all_four_outcomes():
    torch.manual_seed(1)
    x = torch.randn(64, 1, 4, 4)
    y = module("random_flip horizontal_and_vertical", "1x4x4").train()(x)
    outcomes = [x.flip(-1), x.flip(-2), x.flip(-1).flip(-2), x]
    seen = set()
    for i in range(64):
        (k,) = [k for k, o in enumerate(outcomes) if torch.equal(y[i], o[i])]
        seen.add(k)
    assert seen == {0, 1, 2, 3}


def test_a_quarter_turn_is_rot90_counter_clockwise_as_keras():
    rotate = type(module("random_rotation 0.1")).rotate
    x = torch.arange(2 * 3 * 5 * 5, dtype=torch.float32).reshape(2, 3, 5, 5)
    y = rotate(x, torch.full((2,), torch.pi / 2))
    assert torch.allclose(y, torch.rot90(x, 1, dims=(-2, -1)), atol=1e-5)
    # counter-clockwise as the image is shown (rows down): the top-right corner comes to the top left
    square = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    turned = rotate(square, torch.tensor([torch.pi / 2]))
    assert torch.allclose(turned, torch.tensor([[[[2.0, 4.0], [1.0, 3.0]]]]), atol=1e-5)
    # a half turn of a non-square image: no shear from the unequal sides
    wide = torch.arange(12.0).reshape(1, 1, 3, 4)
    assert torch.allclose(rotate(wide, torch.tensor([torch.pi])), wide.flip(-1).flip(-2), atol=1e-4)


def test_random_rotation_draws_one_angle_per_image_and_none_with_factor_0():
    x = torch.randn(4, 3, 6, 6)
    assert torch.equal(module("random_rotation 0").train()(x), x)
    torch.manual_seed(0)
    y = module("random_rotation 0.2").train()(x)
    assert y.shape == x.shape and not torch.allclose(y, x)
    torch.manual_seed(0)
    assert torch.equal(module("random_rotation 0.2").train()(x), y)


def test_random_zoom_out_keeps_a_constant_image_and_factor_0_changes_nothing():
    zoom = type(module("random_zoom 0.2")).zoom
    x = torch.full((2, 3, 6, 6), 7.0)
    # zoomed out by 1.8: most of the output reads beyond the edges, filled by reflection
    assert torch.allclose(zoom(x, torch.tensor([1.8, 1.3])), x)
    torch.manual_seed(0)
    assert torch.allclose(module("random_zoom 0.9").train()(x), x)
    y = torch.randn(3, 3, 6, 6)
    assert torch.equal(module("random_zoom 0").train()(y), y)


def test_zooming_in_by_half_reads_the_centre_between_pixels():
    zoom = type(module("random_zoom 0.2")).zoom
    x = (4 * torch.arange(4.0)[:, None] + torch.arange(4.0)).reshape(1, 1, 4, 4)  # x[i, j] = 4i + j
    # zoom 0.5 about the centre 1.5: output pixel i reads input 0.75 + 0.5 i, so 0.75, 1.25, 1.75, 2.25
    # along each axis; bilinear of 4i + j there is 4 * (0.75 + 0.5 i) + (0.75 + 0.5 j) = 3.75 + 2i + 0.5j
    expected = torch.tensor(
        [
            [3.75, 4.25, 4.75, 5.25],
            [5.75, 6.25, 6.75, 7.25],
            [7.75, 8.25, 8.75, 9.25],
            [9.75, 10.25, 10.75, 11.25],
        ]
    )
    assert torch.allclose(zoom(x, torch.tensor([0.5]))[0, 0], expected, atol=1e-5)


# two pixels of a 3x1x2 RGB image: (R, G, B) = (10, 20, 30) and (255, 0, 128)
RGB = torch.tensor([[[[10.0, 255.0]], [[20.0, 0.0]], [[30.0, 128.0]]]])
PREPROCESSED = {
    # BGR, minus the BGR mean (103.939, 116.779, 123.68): (30 - 103.939, 20 - 116.779, 10 - 123.68), ...
    "caffe": [[-73.939, 24.061], [-96.779, -116.779], [-113.68, 131.32]],
    # x / 127.5 - 1
    "tf": [[-0.921569, 1.0], [-0.843137, -1.0], [-0.764706, 0.003922]],
    # (x / 255 - mean) / std with mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225)
    "torch": [[-1.946656, 2.248908], [-1.685574, -2.035714], [-1.281569, 0.426492]],
}


@pytest.mark.parametrize("mode", PREPROCESSED)
def test_preprocess_gives_kerass_numbers(mode):
    layer = module(f"preprocess {mode}", "3x1x2")
    expected = torch.tensor(PREPROCESSED[mode]).reshape(1, 3, 1, 2)
    for trained in (True, False):
        assert torch.allclose(layer.train(trained)(RGB), expected, atol=1e-5)
    assert torch.allclose(layer(RGB.to(torch.uint8)), expected, atol=1e-4)  # 0-255 bytes are scaled as floats
    flat = module(f"preprocess {mode}", "3")(RGB[..., 0, 0])  # channels first: a flat (3,) input too
    assert torch.allclose(flat, expected[..., 0, 0], atol=1e-5)


def test_preprocess_of_one_channel_is_a_located_error(tmp_path):
    spec = tmp_path / "gray.arch"
    spec.write_text("network T\ninput 1x28x28\npreprocess caffe\n")
    run = run_cli("check", str(spec))
    assert run.returncode == 1
    assert "error[shape-error]: preprocess caffe needs 3 channels (RGB), the input has 1" in run.stdout + run.stderr
    assert "gray.arch:3:1" in run.stdout + run.stderr


def test_foreign_names_suggest_the_kinds():
    for foreign, kind in [
        ("RandomFlip", "random_flip"),
        ("RandomRotation", "random_rotation"),
        ("RandomZoom", "random_zoom"),
        ("preprocess_input", "preprocess"),
    ]:
        with pytest.raises(archspec.ArchspecError) as info:
            archspec.loads(f"network T\ninput 3x8x8\n{foreign}\n")
        assert f"archspec writes `{foreign}` as `{kind}`" in info.value.diagnostics[0].hint


def test_the_lesson_spec_compiles_to_source_that_passes_ruff(tmp_path):
    net = archspec.loads(LESSON)
    assert [n.kind.describe(n.options) for n in net.nodes[1:5]] == [
        "random_flip horizontal",
        "random_rotation 0.1",
        "random_zoom 0.2",
        "preprocess caffe",
    ]
    assert net.params == 3 * 8 * 9 + 8 + 8 * 2 + 2
    source = generate(net)
    assert "torchvision" not in source
    (tmp_path / "lesson.py").write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--line-length", "120"]
        + ["--select", "E,F,W,I,B,UP,SIM", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout
    model = archspec.build(net)
    torch.manual_seed(0)
    assert model.train()(torch.rand(4, 3, 32, 32) * 255).shape == (4, 2)
