"""`archspec train`: the training loop on generated image folders (with hand-written modules, so it is
tested apart from the code generator), checkpoints and resuming, DistributedDataParallel through
torchrun, and every bad input as one line and an exit code."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SPECS

import archspec
from archspec.training.traindata import (
    FAILED,
    USAGE,
    ModelSpec,
    Processes,
    Synthetic,
    TrainError,
    check_fits,
    fingerprint,
    scan_image_folder,
    split_indices,
)

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")
nn = torch.nn
F = torch.nn.functional

from archspec.training import checkpoint  # noqa: E402
from archspec.training.batches import FolderBatches, ImageDataset  # noqa: E402
from archspec.training.train import (  # noqa: E402
    Interrupted,
    TrainConfig,
    binary_logits_loss,
    binary_probabilities_loss,
    logits_loss,
    probabilities_loss,
    train,
)

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

STRIPES = """\
network Stripes
input 1x16x16
conv 8 3x3 pad=1 relu
maxpool 2
conv 8 3x3 pad=1 relu
maxpool 2
flatten
dense 2
"""


def stripes_module() -> nn.Module:
    """The network of STRIPES, written by hand."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8 * 4 * 4, 2),
    )


def write_stripes(root, counts: tuple[int, int] = (30, 30), size: int = 24, seed: int = 0) -> str:
    """Two classes a small network can tell apart: horizontal and vertical stripes (period 8, random
    phase) with uniform noise of +-60 grey levels; `counts` images of each."""
    rng = random.Random(seed)
    for name, count in zip(("horizontal", "vertical"), counts):
        os.makedirs(root / name)
        for i in range(count):
            phase = rng.randrange(8)
            pixels = []
            for y in range(size):
                for x in range(size):
                    t = y if name == "horizontal" else x
                    base = 200 if (t + phase) % 8 < 4 else 55
                    pixels.append(max(0, min(255, base + rng.randint(-60, 60))))
            image = Image.new("L", (size, size))
            image.putdata(pixels)
            image.save(root / name / f"{i}.png")
    return str(root)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """These networks are tiny: one thread is fastest, and steady on a machine other work shares."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def stripes(tmp_path_factory) -> str:
    return write_stripes(tmp_path_factory.mktemp("stripes") / "data")


@pytest.fixture
def spec_file(tmp_path) -> str:
    path = tmp_path / "stripes.arch"
    path.write_text(STRIPES)
    return str(path)


def stripes_spec() -> ModelSpec:
    return ModelSpec.of(archspec.loads(STRIPES, "stripes.arch"))


# one output for the two classes: the probability of `vertical` (Keras's Dense(1, activation="sigmoid")),
# or without the sigmoid its logit
STRIPES_SIGMOID = STRIPES.replace("dense 2\n", "dense 1 sigmoid\n")
STRIPES_LOGIT = STRIPES.replace("dense 2\n", "dense 1\n")


def binary_stripes_module(sigmoid: bool) -> nn.Module:
    """The network of STRIPES_SIGMOID (or STRIPES_LOGIT without the sigmoid), written by hand."""
    layers = list(stripes_module().children())[:-1] + [nn.Linear(8 * 4 * 4, 1)]
    return nn.Sequential(*layers, *([nn.Sigmoid()] if sigmoid else []))


def binary_stripes_spec(sigmoid: bool) -> ModelSpec:
    return ModelSpec.of(archspec.loads(STRIPES_SIGMOID if sigmoid else STRIPES_LOGIT, "stripes.arch"))


FAST = TrainConfig(epochs=5, batch_size=16, lr=0.01, workers=0)


def config(**changes) -> TrainConfig:
    return dataclasses.replace(FAST, **changes)


# --- the loop, with hand-written modules ---------------------------------------------------------


def test_a_hand_written_module_learns_the_stripes(stripes):
    torch.manual_seed(0)
    result = train(stripes_module(), stripes_spec(), scan_image_folder(stripes), config())
    assert result.classes == ("horizontal", "vertical")
    assert (result.train_images, result.val_images) == (48, 12)  # 20% of each class's 30 images
    assert [m.epoch for m in result.history] == [1, 2, 3, 4, 5]
    assert all(m.images == 48 for m in result.history)
    assert result.history[-1].val_accuracy > 0.9
    assert result.history[-1].train_loss < result.history[0].train_loss


class Terminal(io.StringIO):
    """What rich takes for a terminal (80 columns, as $COLUMNS does not say otherwise here)."""

    def isatty(self) -> bool:
        return True


def screen_lines(text: str) -> list[str]:
    """The lines a terminal shows, one for every redraw of the bar: escapes dropped, split at
    carriage returns and newlines."""
    import re

    return [line for line in re.split(r"[\r\n]+", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)) if line]


@pytest.mark.parametrize("kind", ["Lines", "Bars"])
def test_progress_shows_the_parameters_every_epoch_and_the_checkpoint(stripes, tmp_path, kind, monkeypatch):
    from archspec.training import progress

    monkeypatch.delenv("COLUMNS", raising=False)
    stream = Terminal() if kind == "Bars" else io.StringIO()
    reporter = getattr(progress, kind)(stream)
    module = stripes_module()
    module[0].requires_grad_(False)  # the first conv: 8 * 9 weights and 8 biases
    save = str(tmp_path / "ck.pt")
    result = train(module, stripes_spec(), scan_image_folder(stripes), config(epochs=2, save=save), reporter)
    lines = screen_lines(stream.getvalue())
    assert lines[0].startswith(f"training Stripes (stripes.arch) on {stripes}: 2 classes, 48 training")
    trainable = 8 * 8 * 9 + 8 + 128 * 2 + 2  # the second conv and the dense layer, counted by hand
    assert lines[1] == f"{trainable:,} trainable parameters, 80 frozen in 0"
    assert lines[2].split() == [
        "epoch",
        "train",
        "loss",
        "train",
        "acc",
        "val",
        "loss",
        "val",
        "acc",
        "img/s",
        "seconds",
    ]
    rows = [line.split() for line in lines if line.split()[0] in ("1/2", "2/2")]
    assert [r[0] for r in rows] == ["1/2", "2/2"]
    for row, m in zip(rows, result.history):  # the figures the run returned, as the table writes them
        assert row[1:5] == [
            f"{m.train_loss:.4f}",
            f"{m.train_accuracy:.1%}",
            f"{m.val_loss:.4f}",
            f"{m.val_accuracy:.1%}",
        ]
    assert lines[-1] == f"wrote the checkpoint {save} (epoch 2)"
    if kind == "Bars":
        assert any(line.startswith("epoch 1/2 ") and "/3" in line for line in lines)  # the bar: 48 images in 3 steps
    from rich.cells import cell_len

    assert all(cell_len(line) <= 80 for line in lines[1:-1]), lines


def test_a_bar_only_on_a_terminal_and_not_under_json():
    from archspec.training import progress

    assert type(progress.reporter_for(Terminal(), 0)) is progress.Bars
    assert type(progress.reporter_for(io.StringIO(), 0)) is progress.Lines  # a pipe, a log
    assert type(progress.reporter_for(Terminal(), 0, bars=False)) is progress.Lines  # --json's stderr
    assert type(progress.reporter_for(Terminal(), 1)) is progress.Reporter  # not rank 0


def test_the_epoch_table_and_the_bar_fit_80_columns_with_the_widest_figures(monkeypatch):
    from rich.cells import cell_len

    from archspec.diagnostics import output_language, set_output_language
    from archspec.training import progress
    from archspec.training.train import EpochMetrics

    monkeypatch.delenv("COLUMNS", raising=False)
    # epoch 100 of 100, losses over 10, 100% accuracy, 123,456 img/s, 1234.5 seconds
    wide = EpochMetrics(100, 12.3456, 1.0, 12.3456, 1.0, 123_456 * 1234, 1234.5)
    before = output_language()
    for lang in ("en", "ko"):
        set_output_language(lang)
        try:
            stream = Terminal()
            bars = progress.Bars(stream)
            bars.epoch_started(100, 100, 1000)
            bars.step(999, 12.3456, 1.0, 123_456.0)
            bars.epoch_finished(wide, 100)
            bars.close()
        finally:
            set_output_language(*before)
        lines = screen_lines(stream.getvalue())
        assert any("999/1000" in line and ("12.3456" in line) for line in lines), lines
        assert any(line.split()[:2] == ["100/100", "12.3456"] for line in lines), lines
        assert all(cell_len(line) <= 80 for line in lines), [(cell_len(line), line) for line in lines]


def test_the_loss_of_a_softmax_output_is_cross_entropy_of_its_scores():
    # the golden figure is torch's own cross-entropy of the scores before the softmax
    torch.manual_seed(1)
    scores = torch.randn(8, 5) * 4
    target = torch.randint(5, (8,))
    expected = F.cross_entropy(scores, target)
    assert probabilities_loss(torch.softmax(scores, 1), target).item() == pytest.approx(expected.item(), rel=1e-5)
    assert logits_loss(scores, target).item() == pytest.approx(expected.item(), rel=1e-6)


def test_a_module_ending_in_softmax_learns_synthetic_data():
    spec = ModelSpec("Probs", "probs.arch", (3, 8, 8), (4,), probabilities=True, fingerprint="x")
    module = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 4), nn.Softmax(dim=1))
    torch.manual_seed(0)
    result = train(module, spec, Synthetic(256), config(epochs=3, lr=0.01))
    assert (result.train_images, result.val_images) == (205, 51)  # round(256 * 0.2) for validation
    assert result.classes == ("0", "1", "2", "3")
    assert result.history[-1].val_accuracy > 0.9
    assert all(math.isfinite(m.train_loss) for m in result.history)


def test_a_network_ending_in_softmax_is_recognised():
    assert ModelSpec.of(archspec.load(SPECS / "lenet5.arch")).probabilities  # out: dense 10 softmax
    assert not ModelSpec.of(archspec.load(SPECS / "cifar10_net.arch")).probabilities  # fc3: dense 10


def bce_by_formula(p: torch.Tensor, y: torch.Tensor) -> float:
    """Binary cross-entropy written out: -mean(y log p + (1 - y) log(1 - p)), in float64."""
    p, y = p.double(), y.double()
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean().item()


def test_binary_cross_entropy_is_the_formula_on_probabilities_and_on_logits():
    torch.manual_seed(2)
    logits = torch.randn(16, 1) * 3
    target = torch.randint(2, (16,))
    expected = bce_by_formula(torch.sigmoid(logits[:, 0]), target)
    assert binary_probabilities_loss(torch.sigmoid(logits), target).item() == pytest.approx(expected, rel=1e-5)
    assert binary_logits_loss(logits, target).item() == pytest.approx(expected, rel=1e-5)
    # a bfloat16 probability, as autocast leaves it: the loss is still taken in float32
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = binary_probabilities_loss(torch.sigmoid(logits).bfloat16(), target)
    assert loss.dtype == torch.float32
    assert loss.item() == pytest.approx(bce_by_formula(torch.sigmoid(logits[:, 0]).bfloat16(), target), rel=1e-5)


@pytest.mark.parametrize("sigmoid", [True, False], ids=["sigmoid", "logit"])
def test_the_reported_loss_and_accuracy_of_one_output_are_binary(stripes, sigmoid):
    # learning rate 0: the weights stay as they are, so the epoch's figures are those of one fixed model
    data, spec = scan_image_folder(stripes), binary_stripes_spec(sigmoid)
    torch.manual_seed(3)
    module = binary_stripes_module(sigmoid)
    setup = config(epochs=1, optimizer="sgd", lr=0.0)
    batches = FolderBatches(data, spec, setup, Processes(), torch.device("cpu"))
    with torch.no_grad():  # an untrained module calls every image one class: move the threshold into the images
        logits = torch.cat([module[:8](x)[:, 0] for x, _ in batches.train_batches(1)])
        module[7].bias -= logits.median()
    result = train(module, spec, data, setup)
    with torch.no_grad():
        for batch_list, loss, accuracy in (
            (list(batches.train_batches(1)), result.history[0].train_loss, result.history[0].train_accuracy),
            (list(batches.val_batches()), result.history[0].val_loss, result.history[0].val_accuracy),
        ):
            out = torch.cat([module(x)[:, 0] for x, _ in batch_list])
            y = torch.cat([y for _, y in batch_list])
            p = out if sigmoid else 1 / (1 + torch.exp(-out))
            assert loss == pytest.approx(bce_by_formula(p, y), rel=1e-5)
            # class 1 (vertical, the second folder) where its probability is over one half
            assert 0 < (p > 0.5).double().mean().item() < 1  # both classes predicted
            assert accuracy == pytest.approx(((p > 0.5).long() == y).double().mean().item())
    assert (result.loss, result.loss_on) == ("binary_cross_entropy", "probabilities" if sigmoid else "logits")


@pytest.mark.parametrize("sigmoid", [True, False], ids=["sigmoid", "logit"])
def test_a_module_with_one_output_learns_synthetic_data(sigmoid):
    spec = ModelSpec("Bin", "bin.arch", (3, 8, 8), (1,), fingerprint="x", unit_probabilities=sigmoid)
    module = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 1), *([nn.Sigmoid()] if sigmoid else []))
    torch.manual_seed(0)
    result = train(module, spec, Synthetic(256), config(epochs=3, lr=0.01))
    assert result.classes == ("0", "1")
    assert result.history[-1].val_accuracy > 0.9
    assert result.history[-1].val_loss < 0.3  # binary cross-entropy: log 2 = 0.69 for a coin toss


def test_a_network_with_one_output_is_recognised():
    cats = ModelSpec.of(archspec.load(SPECS / "cats_vs_dogs.arch"))  # out: dense 1 sigmoid
    assert cats.binary and cats.unit_probabilities and not cats.probabilities and cats.class_count == 2
    logit = binary_stripes_spec(sigmoid=False)
    assert logit.binary and not logit.unit_probabilities
    ten = ModelSpec.of(archspec.load(SPECS / "lenet5.arch"))
    assert not ten.binary and ten.class_count == 10


def test_a_one_output_network_resumes_where_its_checkpoint_stopped(stripes, tmp_path):
    data, spec = scan_image_folder(stripes), binary_stripes_spec(sigmoid=True)
    torch.manual_seed(0)
    straight = train(binary_stripes_module(True), spec, data, config(epochs=2))
    save = str(tmp_path / "ck.pt")
    torch.manual_seed(0)
    train(binary_stripes_module(True), spec, data, config(epochs=1, save=save))
    resumed = train(binary_stripes_module(True), spec, data, config(epochs=2, save=save, resume=save))
    assert resumed.first_epoch == 2
    assert [m.val_loss for m in resumed.history] == pytest.approx([m.val_loss for m in straight.history])


def test_rmsprop_trains_with_keras_defaults(stripes, tmp_path):
    save = str(tmp_path / "ck.pt")
    torch.manual_seed(0)
    result = train(
        stripes_module(), stripes_spec(), scan_image_folder(stripes), config(optimizer="rmsprop", lr=None, save=save)
    )
    group = checkpoint.load(save)["optimizer"]["param_groups"][0]
    # Keras's rho 0.9 and epsilon 1e-7 and learning rate 0.001, not torch's alpha 0.99 and eps 1e-8
    assert (group["alpha"], group["eps"], group["lr"]) == (0.9, 1e-7, 1e-3)
    assert group["momentum"] == 0 and not group["centered"]
    assert result.history[-1].val_accuracy > 0.9


def test_images_are_converted_and_resized_to_the_input(tmp_path):
    path = tmp_path / "red.png"
    Image.new("RGB", (10, 6), (255, 0, 0)).save(path)
    x, label = ImageDataset(((str(path), 1),), (3, 4, 5))[0]
    assert label == 1 and x.shape == (3, 4, 5)
    assert torch.equal(x, torch.tensor([1.0, -1.0, -1.0]).view(3, 1, 1).expand(3, 4, 5))  # [0, 255] -> [-1, 1]
    gray, _ = ImageDataset(((str(path), 0),), (1, 2, 2))[0]
    # ITU-R 601-2 luma, as PIL converts: L = R * 299/1000 + G * 587/1000 + B * 114/1000 = 76
    assert gray.shape == (1, 2, 2)
    assert torch.allclose(gray, torch.full((1, 2, 2), 76 / 127.5 - 1))


def test_a_batch_of_one_for_batchnorm_is_one_line():
    spec = ModelSpec("Bn", "bn.arch", (1, 4, 4), (2,), fingerprint="x")
    module = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.BatchNorm1d(8), nn.Linear(8, 2))
    with pytest.raises(TrainError, match="use --batch-size 2 or more") as err:
        train(module, spec, Synthetic(10), config(epochs=1, batch_size=1))
    assert err.value.code == USAGE


def test_compiled_training_saves_the_plain_modules_weights(stripes, tmp_path):
    # the eager backend runs TorchDynamo's capture without a C++ compiler: the wrapping is what is tested
    save = str(tmp_path / "ck.pt")
    torch.manual_seed(0)
    train(
        stripes_module(),
        stripes_spec(),
        scan_image_folder(stripes),
        config(epochs=1, compile=True, compile_backend="eager", save=save),
    )
    keys = set(checkpoint.load(save)["model"])
    assert keys == set(stripes_module().state_dict())  # no `_orig_mod.` prefixes


def test_an_unreadable_image_is_one_line_naming_it(tmp_path):
    root = tmp_path / "data"
    write_stripes(root, (4, 4))
    (root / "vertical" / "broken.png").write_bytes(b"not a png")
    data = scan_image_folder(str(root))
    for workers in (0, 1):  # in the training process, and rebuilt from a loading process
        with pytest.raises(TrainError) as err:
            train(stripes_module(), stripes_spec(), data, config(epochs=1, val_split=0.0, workers=workers))
        assert "broken.png: cannot be read as an image" in err.value.message
        assert "\n" not in err.value.message and "Traceback" not in err.value.message
        assert err.value.code == FAILED


# --- checkpoints ---------------------------------------------------------------------------------


def test_resuming_goes_on_where_the_checkpoint_stopped(stripes, tmp_path):
    data, spec = scan_image_folder(stripes), stripes_spec()
    torch.manual_seed(0)
    whole = stripes_module()
    straight = train(whole, spec, data, config(epochs=3))

    save = str(tmp_path / "ck.pt")
    torch.manual_seed(0)
    train(stripes_module(), spec, data, config(epochs=1, save=save))
    assert checkpoint.load(save)["epoch"] == 1
    resumed_module = stripes_module()
    resumed = train(resumed_module, spec, data, config(epochs=3, save=save, resume=save))
    assert resumed.first_epoch == 2
    assert [m.epoch for m in resumed.history] == [1, 2, 3]
    assert checkpoint.load(save)["epoch"] == 3
    # the same weights, optimizer state and image order: the same result as without the interruption
    assert [m.train_loss for m in resumed.history] == pytest.approx([m.train_loss for m in straight.history])
    for (name, a), b in zip(whole.state_dict().items(), resumed_module.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name


def test_every_epoch_has_its_own_order_the_same_on_every_run(stripes):
    batches = FolderBatches(scan_image_folder(stripes), stripes_spec(), FAST, Processes(), torch.device("cpu"))

    def order(epoch):  # every image by the sum of its pixels
        return torch.cat([x.flatten(1).sum(1) for x, _ in batches.train_batches(epoch)])

    first, second = order(1), order(2)
    assert torch.equal(order(1), first)  # what a resumed run relies on
    assert not torch.equal(first, second)
    assert torch.equal(first.sort().values, second.sort().values)  # the same images


def test_reading_batches_leaves_the_global_generator_alone(stripes):
    # dropout and the augmentation layers draw from the global generator: a loader that drew its
    # workers' seed from it too would make the run depend on --workers
    for workers in (0, 2):
        batches = FolderBatches(
            scan_image_folder(stripes), stripes_spec(), config(workers=workers), Processes(), torch.device("cpu")
        )
        torch.manual_seed(5)
        before = torch.get_rng_state()
        for epoch in (1, 2):
            list(batches.train_batches(epoch))
            list(batches.val_batches())
        assert torch.equal(torch.get_rng_state(), before), workers


# random flips and dropout: the run draws from the global generator in every step
AUGMENTED = STRIPES.replace("input 1x16x16\n", "input 1x16x16\nrandom_flip horizontal\n").replace(
    "flatten\n", "flatten\ndropout 0.3\n"
)


def test_one_seed_trains_the_same_with_any_number_of_workers(stripes, tmp_path):
    spec = tmp_path / "augmented.arch"
    spec.write_text(AUGMENTED)
    common = ("train", str(spec), "--data", stripes, "--epochs", "3", "--batch-size", "8", "--json")
    runs = {}
    for workers in ("0", "2"):
        run = archspec_cli(*common, "--workers", workers, "--seed", "3")
        assert run.returncode == 0, run.stderr
        runs[workers] = [(e["train_loss"], e["val_loss"]) for e in json.loads(run.stdout)["epochs"]]
    assert runs["0"] == runs["2"]  # exactly: the same images, flips, dropout masks and weights
    other = archspec_cli(*common, "--workers", "0", "--seed", "4")
    assert [(e["train_loss"], e["val_loss"]) for e in json.loads(other.stdout)["epochs"]] != runs["0"]


def test_a_failed_write_leaves_the_previous_checkpoint_intact(stripes, tmp_path, monkeypatch):
    save = str(tmp_path / "ck.pt")
    data, spec = scan_image_folder(stripes), stripes_spec()
    train(stripes_module(), spec, data, config(epochs=1, save=save))
    before = Path(save).read_bytes()

    real_save = torch.save

    def disk_full(obj, f):
        real_save(obj, f)  # the bytes are there, half-way to the disk ...
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoint.torch, "save", disk_full)
    with pytest.raises(TrainError) as err:
        train(stripes_module(), spec, data, config(epochs=3, save=save, resume=save))
    assert "No space left on device" in err.value.message and "previous one is intact" in err.value.message
    assert Path(save).read_bytes() == before
    assert checkpoint.load(save)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ck.pt"]  # no temporary file left behind


def test_an_interruption_keeps_the_last_checkpoint(stripes, tmp_path):
    from archspec.training.progress import Reporter

    class CtrlCInEpoch3(Reporter):
        def epoch_started(self, epoch, epochs, steps):
            if epoch == 3:
                raise KeyboardInterrupt

    save = str(tmp_path / "ck.pt")
    with pytest.raises(Interrupted, match=r"interrupted in epoch 3; .*ck\.pt holds epoch 2"):
        train(stripes_module(), stripes_spec(), scan_image_folder(stripes), config(save=save), CtrlCInEpoch3())
    assert checkpoint.load(save)["epoch"] == 2


def test_ctrl_c_while_a_checkpoint_is_written_waits_for_it(stripes, tmp_path, monkeypatch):
    real_save = torch.save

    def interrupted_save(obj, f):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C half-way through the write
        real_save(obj, f)

    monkeypatch.setattr(checkpoint.torch, "save", interrupted_save)
    save = str(tmp_path / "ck.pt")
    with pytest.raises(Interrupted, match=r"interrupted in epoch 1; .*ck\.pt holds epoch 1") as stop:
        train(stripes_module(), stripes_spec(), scan_image_folder(stripes), config(save=save))
    assert stop.value.signum == signal.SIGINT
    assert checkpoint.load(save)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ck.pt"]


def test_a_checkpoint_of_another_spec_is_refused(stripes, tmp_path):
    save = str(tmp_path / "ck.pt")
    data = scan_image_folder(stripes)
    train(stripes_module(), stripes_spec(), data, config(epochs=1, save=save))
    other = ModelSpec.of(
        archspec.loads(
            STRIPES.replace("conv 8 3x3 pad=1 relu\nmaxpool 2\nflatten", "conv 8 3x3 pad=1 tanh\nmaxpool 2\nflatten"),
            "other.arch",
        )
    )
    with pytest.raises(TrainError, match=r"whose layers differ from other\.arch") as err:
        train(stripes_module(), other, data, config(epochs=2, resume=save))
    assert err.value.code == USAGE
    with pytest.raises(TrainError, match="--optimizer adamw"):
        train(stripes_module(), stripes_spec(), data, config(epochs=2, resume=save, optimizer="sgd"))
    with pytest.raises(TrainError, match="trained 1 epoch already"):
        train(stripes_module(), stripes_spec(), data, config(epochs=1, resume=save))


def test_a_file_that_is_no_checkpoint_is_refused(tmp_path):
    path = tmp_path / "model.pt"
    torch.save({"weights": torch.zeros(2)}, path)
    with pytest.raises(TrainError, match="not a checkpoint written by `archspec train --save`"):
        checkpoint.load(str(path))
    # garbage, text, a pickle's opcodes and a torch.save file cut short each make the unpickler fail
    # in its own way (UnpicklingError, KeyError, EOFError, RuntimeError)
    whole = io.BytesIO()
    torch.save({"format": checkpoint.FORMAT, "weights": torch.zeros(100)}, whole)
    for junk in (b"garbage", b"junk\n", b"\x80\x02}q\x00(X", whole.getvalue()[: len(whole.getvalue()) // 2]):
        path.write_bytes(junk)
        with pytest.raises(TrainError, match="not a checkpoint"):
            checkpoint.load(str(path))


DDP_WORKER = """\
import os, sys
import torch
import archspec
from archspec.training.traindata import ModelSpec, scan_image_folder
from archspec.training.train import TrainConfig, train

root, spec_text, out = sys.argv[1:4]
torch.set_num_threads(1)
torch.manual_seed(int(os.environ["RANK"]))  # different initial weights: DDP must make them one
module = torch.nn.Sequential(
    torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(8, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(128, 2),
)
spec = ModelSpec.of(archspec.loads(spec_text, "stripes.arch"))
config = TrainConfig(epochs=4, batch_size=8, lr=0.01, workers=0)
result = train(module, spec, scan_image_folder(root), config)
torch.save({"model": module.state_dict(), "history": [m.to_json() for m in result.history],
            "processes": result.processes}, os.path.join(out, f"rank{os.environ['RANK']}.pt"))
"""


def test_two_processes_train_one_model_with_ddp(stripes, tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(DDP_WORKER)
    run = archspec_cli(
        "--standalone", "--nproc-per-node", "2", str(script), stripes, STRIPES, str(tmp_path),
        launcher=("-m", "torch.distributed.run"),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    assert [r["processes"] for r in ranks] == [2, 2]
    # each process trained 24 of the 48 training images; the counts and losses are summed over both
    assert [m["images"] for m in ranks[0]["history"]] == [48] * 4
    assert ranks[0]["history"] == ranks[1]["history"]
    assert ranks[0]["history"][-1]["val_accuracy"] > 0.9
    # started from different weights, trained on different shards: DDP kept them identical
    for name, weight in ranks[0]["model"].items():
        assert torch.equal(weight, ranks[1]["model"][name]), name


# --- the data and the spec, without torch --------------------------------------------------------


def test_the_split_is_stratified_and_follows_the_seed():
    labels = [0] * 50 + [1] * 10
    train_idx, val_idx = split_indices(labels, 0.2, seed=3)
    assert sorted(train_idx + val_idx) == list(range(60))
    assert sum(labels[i] == 0 for i in val_idx) == 10 and sum(labels[i] == 1 for i in val_idx) == 2
    assert split_indices(labels, 0.2, seed=3) == (train_idx, val_idx)
    assert split_indices(labels, 0.2, seed=4) != (train_idx, val_idx)
    train_idx, val_idx = split_indices([0, 0, 1], 0.9, seed=0)  # every class keeps a training image
    assert len(val_idx) == 1 and val_idx[0] in (0, 1) and 2 in train_idx


def test_the_fingerprint_ignores_comments_and_sees_every_layer():
    same = fingerprint(archspec.loads("# a comment\n" + STRIPES.replace("dense 2", "dense 2   # two classes")))
    assert same == fingerprint(archspec.loads(STRIPES))
    assert fingerprint(archspec.loads(STRIPES.replace("pad=1 relu\nmaxpool", "pad=1 relu6\nmaxpool", 1))) != same


def test_the_network_must_give_one_score_per_class_folder(stripes):
    data = scan_image_folder(stripes)
    ten = ModelSpec.of(archspec.load(SPECS / "cifar10_net.arch"))
    with pytest.raises(TrainError, match=r"gives 10 class scores, but .* has 2 class folders .*`dense 2`") as err:
        check_fits(ten, data)
    assert err.value.code == FAILED
    check_fits(stripes_spec(), data)
    check_fits(ten, Synthetic(64))


def test_one_output_fits_two_classes_and_a_softmax_over_it_is_refused(stripes):
    data = scan_image_folder(stripes)
    check_fits(binary_stripes_spec(sigmoid=True), data)
    check_fits(binary_stripes_spec(sigmoid=False), data)
    check_fits(binary_stripes_spec(sigmoid=True), Synthetic(64))
    lone = ModelSpec.of(archspec.loads(STRIPES.replace("dense 2\n", "dense 1 softmax\n"), "lone.arch"))
    for where in (data, Synthetic(64)):
        with pytest.raises(TrainError, match=r"a softmax over its one output, which is always 1") as err:
            check_fits(lone, where)
        assert err.value.code == FAILED


def test_every_head_has_its_loss():
    from archspec.training.train import Objective

    def head(last: str) -> tuple[str, str]:
        objective = Objective.of(ModelSpec.of(archspec.loads(STRIPES.replace("dense 2\n", last + "\n"))))
        return objective.loss, objective.loss_on

    assert head("dense 2") == ("cross_entropy", "logits")
    assert head("dense 2 softmax") == ("cross_entropy", "probabilities")
    assert head("dense 2 sigmoid") == ("cross_entropy", "logits")  # K sigmoid scores: trained as scores
    assert head("dense 1 sigmoid") == ("binary_cross_entropy", "probabilities")
    assert head("dense 1") == ("binary_cross_entropy", "logits")
    assert head("dense 1 tanh") == ("binary_cross_entropy", "logits")


# --- the command line ----------------------------------------------------------------------------


def archspec_cli(*args: str, env=None, launcher=("-m", "archspec")) -> subprocess.CompletedProcess:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, *launcher, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1", **(env or {})},
        timeout=240,
    )


def one_line_error(run: subprocess.CompletedProcess, code: int) -> str:
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archspec train: error: "), run.stderr
    return lines[0]


def test_the_command_line_learns_the_stripes(stripes, spec_file, tmp_path):
    metrics = tmp_path / "metrics.json"
    run = archspec_cli(
        "train", spec_file, "--data", stripes, "--epochs", "5", "--batch-size", "16", "--lr", "0.01",
        "--workers", "0", "--json", "--metrics", str(metrics),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out == json.loads(metrics.read_text())
    assert (out["network"], out["input"], out["output"]) == ("Stripes", [1, 16, 16], [2])
    assert out["classes"] == ["horizontal", "vertical"] and out["processes"] == 1
    assert [e["epoch"] for e in out["epochs"]] == [1, 2, 3, 4, 5]
    assert out["final"]["val_accuracy"] > 0.9
    assert out["final"]["images_per_second"] > 0
    # the progress went to stderr: the header, the parameters, the table's header and a row per epoch
    lines = run.stderr.splitlines()
    assert lines[1] == f"{8 * 9 + 8 + 8 * 8 * 9 + 8 + 128 * 2 + 2:,} trainable parameters, none frozen"
    assert [line.split()[0] for line in lines[2:]] == ["epoch"] + [f"{i}/5" for i in range(1, 6)]


def test_two_processes_train_with_ddp_through_torchrun(tmp_path):
    root = write_stripes(tmp_path / "data", (31, 30))  # 25 + 24 training images, 6 + 6 for validation
    spec = tmp_path / "stripes.arch"
    spec.write_text(STRIPES)
    save = tmp_path / "ck.pt"
    run = archspec_cli(
        "--standalone", "--nproc-per-node", "2", "-m", "archspec",
        "train", str(spec), "--data", root, "--epochs", "4", "--batch-size", "10", "--lr", "0.01",
        "--workers", "0", "--json", "--save", str(save),
        launcher=("-m", "torch.distributed.run"),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)  # rank 0 alone prints: one JSON object
    assert out["processes"] == 2 and out["train_images"] == 49 and out["val_images"] == 12
    # DistributedSampler pads 49 images to 2 shards of 25 (one process shards, the other does not: 49
    # or 98); both processes' counts are summed
    assert all(e["images"] == 50 for e in out["epochs"])
    assert out["final"]["val_accuracy"] > 0.9
    assert run.stderr.count("training Stripes") == 1
    assert checkpoint.load(str(save))["epoch"] == 4


def test_the_command_line_resumes_and_counts_on(stripes, spec_file, tmp_path):
    save = str(tmp_path / "ck.pt")
    common = ("train", spec_file, "--data", stripes, "--batch-size", "16", "--workers", "0", "--json")
    first = archspec_cli(*common, "--epochs", "2", "--save", save)
    assert first.returncode == 0, first.stderr
    again = archspec_cli(*common, "--epochs", "3", "--save", save, "--resume")
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert out["first_epoch"] == 3 and [e["epoch"] for e in out["epochs"]] == [1, 2, 3]
    assert out["epochs"][:2] == json.loads(first.stdout)["epochs"]
    assert out["checkpoint"] == save and checkpoint.load(save)["epoch"] == 3

    other = tmp_path / "other.arch"
    other.write_text(STRIPES.replace("conv 8", "conv 4"))
    refused = archspec_cli("train", str(other), "--data", stripes, "--epochs", "5", "--save", save, "--resume")
    assert "whose layers differ" in one_line_error(refused, USAGE)


def test_sigterm_leaves_a_checkpoint_to_resume_from(spec_file, tmp_path):
    save = tmp_path / "ck.pt"
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    args = ["train", spec_file, "--data", "synthetic", "--synthetic-size", "1000", "--epochs", "1000"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "archspec", *args, "--save", str(save)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1"},
    )
    try:
        for _ in range(1200):  # up to two minutes for the first epoch's checkpoint
            if save.exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    done = checkpoint.load(str(save))["epoch"]
    assert f"holds epoch {done}" in err.strip().splitlines()[-1]
    resumed = archspec_cli(*args[:6], "--epochs", str(done + 1), "--save", str(save), "--resume", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["first_epoch"] == done + 1


def test_an_empty_folder_is_one_line(spec_file, tmp_path):
    (tmp_path / "data" / "cats").mkdir(parents=True)
    (tmp_path / "data" / "dogs").mkdir()
    (tmp_path / "data" / "dogs" / "notes.txt").write_text("no images here")
    line = one_line_error(archspec_cli("train", spec_file, "--data", str(tmp_path / "data")), USAGE)
    assert "the class folder `cats` has no images" in line
    (tmp_path / "flat").mkdir()
    Image.new("L", (4, 4)).save(tmp_path / "flat" / "a.png")
    line = one_line_error(archspec_cli("train", spec_file, "--data", str(tmp_path / "flat")), USAGE)
    assert "no class folders (move the images into one sub-folder per class" in line
    line = one_line_error(archspec_cli("train", spec_file, "--data", str(tmp_path / "nowhere")), USAGE)
    assert "no such folder" in line


def test_a_class_count_that_does_not_match_the_spec_is_one_line(stripes):
    line = one_line_error(archspec_cli("train", str(SPECS / "lenet5.arch"), "--data", stripes), FAILED)
    assert "the network gives 10 class scores, but" in line and "has 2 class folders (horizontal, vertical)" in line


def test_a_network_that_takes_its_class_count_is_told_to_set_it(tmp_path):
    root = tmp_path / "data"
    for name in ("cat", "dog"):
        (root / name).mkdir(parents=True)
        Image.new("RGB", (8, 8)).save(root / name / "0.png")
    # ResNet18(num_classes=1000): the answer is on the command line, not in the spec
    line = one_line_error(archspec_cli("train", str(SPECS / "resnet18.arch"), "--data", str(root)), FAILED)
    assert line.endswith("has 2 class folders (cat, dog); add --set num_classes=2"), line
    assert "dense" not in line
    # a network without such a parameter is told how to end
    spec = tmp_path / "rgb.arch"
    spec.write_text(STRIPES.replace("1x16x16", "3x16x16").replace("dense 2", "dense 5"))
    line = one_line_error(archspec_cli("train", str(spec), "--data", str(root)), FAILED)
    assert line.endswith("has 2 class folders (cat, dog); end the network with `dense 2`"), line


def test_a_bad_freeze_option_is_an_error_of_the_command_line_not_of_the_spec(stripes, spec_file):
    run = archspec_cli("train", spec_file, "--data", stripes, "--freeze", "conv9", "--workers", "0")
    assert run.returncode == USAGE, run.stderr
    assert "error[undefined-name]: no layer or block `conv9` in the network" in run.stderr
    assert "--> <command line>:1:10" in run.stderr and "1 | --freeze conv9" in run.stderr
    assert run.stderr.rstrip().splitlines()[-1] == (
        "archspec train: error: the command line has 1 error (above): `--freeze conv9`"
    )
    assert spec_file not in run.stderr and "fix the spec" not in run.stderr and run.stdout == ""


def test_a_missing_weight_file_is_one_clear_line(stripes, spec_file, tmp_path):
    missing = str(tmp_path / "nothere.pt")
    line = one_line_error(archspec_cli("train", spec_file, "--data", stripes, "--weights", missing), USAGE)
    assert line == f"archspec train: error: --weights {missing}: no such file"


def test_the_train_extra_installs_numpy():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 on
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(r.split(">")[0].split("=")[0].strip() == "numpy" for r in extras["train"])


@pytest.mark.parametrize("sigmoid", [True, False], ids=["sigmoid", "logit"])
def test_the_command_line_learns_the_stripes_with_one_output(stripes, tmp_path, sigmoid):
    spec = tmp_path / "binary.arch"
    spec.write_text(STRIPES_SIGMOID if sigmoid else STRIPES_LOGIT)
    run = archspec_cli(
        "train", str(spec), "--data", stripes, "--epochs", "5", "--batch-size", "16", "--lr", "0.01",
        "--workers", "0", "--json",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["output"] == [1] and out["classes"] == ["horizontal", "vertical"]
    assert (out["loss"], out["loss_on"]) == ("binary_cross_entropy", "probabilities" if sigmoid else "logits")
    assert out["final"]["val_accuracy"] > 0.9
    assert out["final"]["val_loss"] < 0.3  # binary cross-entropy: log 2 = 0.69 for a coin toss
    what = "probability" if sigmoid else "logit"
    assert f"2 classes (one output, the {what} of `vertical`: binary cross-entropy)" in run.stderr.splitlines()[0]


def test_two_processes_train_a_one_output_network_through_torchrun(stripes, tmp_path):
    spec = tmp_path / "binary.arch"
    spec.write_text(STRIPES_SIGMOID)
    run = archspec_cli(
        "--standalone", "--nproc-per-node", "2", "-m", "archspec",
        "train", str(spec), "--data", stripes, "--epochs", "4", "--batch-size", "8", "--lr", "0.01",
        "--workers", "0", "--json",
        launcher=("-m", "torch.distributed.run"),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["processes"] == 2 and out["loss"] == "binary_cross_entropy"
    assert all(e["images"] == 48 for e in out["epochs"])
    assert out["final"]["val_accuracy"] > 0.9


def test_the_keras_cats_vs_dogs_network_trains_on_synthetic_data(tmp_path):
    save = str(tmp_path / "ck.pt")
    run = archspec_cli(
        "train", str(SPECS / "cats_vs_dogs.arch"), "--data", "synthetic", "--synthetic-size", "10",
        "--batch-size", "4", "--epochs", "1", "--optimizer", "rmsprop", "--json", "--save", save,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["classes"] == ["0", "1"] and out["optimizer"] == "rmsprop" and out["lr"] == 0.001
    assert (out["loss"], out["loss_on"]) == ("binary_cross_entropy", "probabilities")
    assert (out["train_images"], out["val_images"]) == (8, 2)
    assert math.isfinite(out["final"]["train_loss"]) and 0 <= out["final"]["val_accuracy"] <= 1
    assert checkpoint.load(save)["classes"] == ["0", "1"]


def test_a_one_output_network_needs_exactly_two_class_folders(tmp_path):
    root = tmp_path / "data"
    write_stripes(root, (4, 4))
    (root / "diagonal").mkdir()
    Image.new("L", (8, 8)).save(root / "diagonal" / "0.png")
    spec = tmp_path / "binary.arch"
    spec.write_text(STRIPES_SIGMOID)
    line = one_line_error(archspec_cli("train", str(spec), "--data", str(root)), FAILED)
    assert "the network gives 1 output, which classifies two classes, but" in line
    assert "has 3 class folders (diagonal, horizontal, vertical); give it exactly two" in line


def test_a_spec_that_fails_its_checks_is_reported_as_check_does(stripes, tmp_path):
    bad = tmp_path / "bad.arch"
    bad.write_text(STRIPES.replace("maxpool 2\nflatten", "maxpol 2\nflatten"))
    run = archspec_cli("train", str(bad), "--data", stripes)
    assert run.returncode == 1
    assert "error[unknown-layer]" in run.stderr and f"{bad}:6:1" in run.stderr
    assert "did you mean `maxpool`?" in run.stderr and "Traceback" not in run.stderr
    missing = archspec_cli("train", str(tmp_path / "nope.arch"), "--data", stripes)
    assert missing.returncode == 2 and "file-not-found" in missing.stderr


def test_a_spec_that_checks_but_cannot_be_a_module_is_reported_as_compile_does(stripes, tmp_path):
    # `forward` names nn.Module's own method: check accepts the spec, compile and train refuse it
    spec = tmp_path / "forward.arch"
    spec.write_text(STRIPES.replace("conv 8 3x3 pad=1 relu\nmaxpool", "forward: conv 8 3x3 pad=1 relu\nmaxpool", 1))
    run = archspec_cli("train", str(spec), "--data", stripes, "--epochs", "1", "--workers", "0")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "error[bad-name]: `forward` cannot name a PyTorch submodule" in run.stderr
    assert f"{spec}:3:10" in run.stderr and run.stdout == ""


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
def test_a_missing_cuda_device_is_one_line(stripes, spec_file):
    line = one_line_error(archspec_cli("train", spec_file, "--data", stripes, "--device", "cuda"), USAGE)
    assert "--device cuda: no CUDA device" in line and "use --device cpu" in line


def test_missing_torch_is_one_line_with_the_install_command(stripes, spec_file, tmp_path):
    fake = tmp_path / "fake" / "torch"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n")
    run = archspec_cli(
        "train", spec_file, "--data", stripes, env={"PYTHONPATH": f"{tmp_path / 'fake'}{os.pathsep}{ROOT}"}
    )
    line = one_line_error(run, USAGE)
    assert "archspec train needs PyTorch" in line and "pip install 'archspec[train]'" in line


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "argument --epochs: expected a whole number of 1 or more"),
        (["--val-split", "1"], "argument --val-split: expected a fraction"),
        (["--lr", "-1"], "argument --lr: expected a positive number"),
        (["--optimizer", "lbfgs"], "argument --optimizer: invalid choice"),
    ],
)
def test_bad_options_are_usage_errors(stripes, spec_file, args, message):
    run = archspec_cli("train", spec_file, "--data", stripes, *args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_resume_needs_a_checkpoint(stripes, spec_file, tmp_path):
    line = one_line_error(archspec_cli("train", spec_file, "--data", stripes, "--resume"), USAGE)
    assert "--resume needs --save CKPT" in line
    missing = str(tmp_path / "x.pt")
    line = one_line_error(archspec_cli("train", spec_file, "--data", stripes, "--save", missing, "--resume"), USAGE)
    assert f"--resume {missing}: no such checkpoint" in line


@needs_cuda
def test_training_on_the_gpu_with_amp_and_channels_last():
    spec = ModelSpec("Gpu", "gpu.arch", (3, 16, 16), (4,), fingerprint="x")
    module = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten(), nn.Linear(2048, 4)
    )
    result = train(module, spec, Synthetic(512), config(epochs=2, device="cuda", amp="auto", channels_last=True))
    assert result.device.startswith("cuda") and result.amp in ("bf16", "fp16")
    assert result.history[-1].val_accuracy > 0.9


@needs_cuda
def test_a_sigmoid_output_trains_under_float16_autocast():
    # autocast refuses binary_cross_entropy on the GPU: the loss must be taken outside it, in float32
    spec = ModelSpec("Gpu", "gpu.arch", (3, 16, 16), (1,), fingerprint="x", unit_probabilities=True)
    module = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(2048, 1), nn.Sigmoid())
    result = train(module, spec, Synthetic(512), config(epochs=2, device="cuda", amp="fp16"))
    assert result.amp == "fp16" and result.loss == "binary_cross_entropy"
    assert result.history[-1].val_accuracy > 0.9
