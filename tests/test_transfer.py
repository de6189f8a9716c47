"""Transfer learning as seed 001 teaches it: `freeze` lines (counts, the emitted module, training),
weight files loaded into the network or into a named part, and the whole workflow on generated
images: a base trained, saved, reused frozen under a new head, then fine-tuned."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest
from conftest import ROOT, SPECS

import archspec
from archspec.analysis.load import analyse

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")
nn = torch.nn

from test_train import one_thread  # noqa: E402, F401 (autouse: one thread for these tiny networks)

from archspec.training.weights import WeightsError, load_weights  # noqa: E402

# ----------------------------------------------------------------------------- seed 001's figures


def keras_vgg16_transfer_model() -> tuple[nn.Module, nn.Module]:
    """Seed 001's model written independently, in plain torch: VGG16's convolutional base
    (configuration D: 13 3x3 convs with biases, 5 max poolings) on 3x180x180 images, Flatten,
    Dense(256), Dropout(0.5), Dense(1, sigmoid). Returns (model, base)."""
    layers, channels = [], 3
    for width, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(convs):
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
            channels = width
        layers.append(nn.MaxPool2d(2))
    base = nn.Sequential(*layers)
    head = nn.Sequential(nn.Flatten(), nn.Linear(512 * 5 * 5, 256), nn.Dropout(0.5), nn.Linear(256, 1), nn.Sigmoid())
    return nn.Sequential(base, head), base


def counts(model: nn.Module) -> tuple[int, int, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return total, trainable, total - trainable


def test_seed_001s_frozen_base_as_keras_counts_it():
    model, base = keras_vgg16_transfer_model()
    base.requires_grad_(False)  # conv_base.trainable = False
    reference = counts(model)
    assert reference == (17_992_001, 3_277_313, 14_714_688)  # the issue's figures, from VGG16's layers
    net = archspec.load(SPECS / "cats_vs_dogs_vgg16.arch")
    assert (net.params, net.trainable_params, net.non_trainable_params) == reference
    assert net.frozen == ("features",)
    assert counts(archspec.build(net)) == reference


def test_seed_001s_fine_tuning_step_as_keras_counts_it():
    model, base = keras_vgg16_transfer_model()
    base.requires_grad_(False)
    convs = [m for m in base if isinstance(m, nn.Conv2d)]
    for conv in convs[-3:]:  # conv_base.layers[:-4] frozen: block5_conv1..3 and block5_pool train
        conv.requires_grad_(True)
    reference = counts(model)
    assert reference == (17_992_001, 10_356_737, 7_635_264)
    net = archspec.load(SPECS / "cats_vs_dogs_vgg16_finetune.arch")
    assert (net.params, net.trainable_params, net.non_trainable_params) == reference
    module = archspec.build(net)
    assert counts(module) == reference
    trained = {name for name, p in module.named_parameters() if p.requires_grad}
    assert trained == {f"features.{i}.{w}" for i in (24, 26, 28) for w in ("weight", "bias")} | {
        "dense.weight",
        "dense.bias",
        "out.weight",
        "out.bias",
    }


def test_the_table_and_json_show_what_is_trainable():
    run = subprocess.run(
        [sys.executable, "-m", "archspec", "check", str(SPECS / "cats_vs_dogs_vgg16.arch")],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[1].split("│")[4].strip() == "Trainable"
    dense = next(line for line in lines if line.startswith("dense "))
    assert [c.strip() for c in dense.split("│")][3:5] == ["3,277,056", "3,277,056"]
    conv = next(line for line in lines if line.startswith("  0 ") and "conv 64" in line)
    assert [c.strip() for c in conv.split("│")][3:5] == ["1,792", "0"]
    assert "Trainable params: 3,277,313" in lines
    assert "Non-trainable params: 14,714,688 (frozen: features)" in lines
    out = json.loads(
        subprocess.run(
            [sys.executable, "-m", "archspec", "check", "--json", str(SPECS / "cats_vs_dogs_vgg16.arch")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        ).stdout  # fmt: skip
    )
    assert (out["trainable_params"], out["non_trainable_params"], out["frozen"]) == (
        3_277_313,
        14_714_688,
        ["features"],
    )
    rows = {row["path"]: row for row in out["layers"]}
    assert rows["features"]["trainable"] == 0 and rows["features"]["params"] == 14_714_688
    assert rows["out"]["trainable"] == rows["out"]["params"] == 257


# ----------------------------------------------------------------------------- the language

NET = """network N
input 3x16x16
stem: conv 8 3x3 pad=1 bias=false  bn: bn  relu
body: conv 8 3x3 pad=1 relu, conv 8 3x3 pad=1 relu, maxpool 2
gap
fc: dense 4
"""
STEM, BODY, FC = 8 * 27 + 16, 2 * (8 * 72 + 8), 8 * 4 + 4


def frozen_counts(text: str, freeze=()) -> tuple[int, int]:
    result = analyse(text, "t.arch", freeze=list(freeze))
    assert result.ok, result.diagnostics
    return result.network.trainable_params, result.network.non_trainable_params


def test_freeze_a_line_a_layer_a_sequence_and_unfreeze_part_of_it():
    assert frozen_counts(NET) == (STEM + BODY + FC, 0)
    assert frozen_counts(NET + "freeze stem\n") == (STEM - 8 * 27 + BODY + FC, 8 * 27)  # the conv only
    assert frozen_counts(NET + "freeze stem bn\n") == (BODY + FC, STEM)
    assert frozen_counts(NET + "freeze body\nunfreeze body.2\n") == (STEM + BODY // 2 + FC, BODY // 2)
    assert frozen_counts(NET + "freeze body.*\n") == (STEM + FC, BODY)
    # the command line's lines come after the spec's
    assert frozen_counts(NET + "freeze body\n", [("unfreeze", "body"), ("freeze", "fc")]) == (STEM + BODY, FC)


def test_freeze_acts_where_it_stands():
    # an `expect` before the freeze line sees everything trainable, one after it sees the frozen part
    text = NET.replace("gap\n", f"expect trainable={STEM + BODY}\nfreeze body\nexpect non_trainable={BODY}\ngap\n")
    assert frozen_counts(text) == (STEM + FC, BODY)
    result = analyse(NET.replace("stem:", "freeze body\nstem:"), "t.arch")
    (d,) = result.diagnostics
    assert (d.code, d.message, d.span.line, d.span.column) == (
        "undefined-name",
        "no layer or block `body` before this line",
        3,
        8,
    )


def test_freeze_in_a_block_is_relative_to_each_instance():
    text = """block unit(c):
    conv1: conv c 3x3 pad=1
    conv2: conv c 3x3 pad=1
    freeze conv1
network N
input 4x8x8
a: unit(4)
b: unit(4)
"""
    net = archspec.loads(text)
    assert [n.path for n in net.nodes if n.frozen] == ["a.conv1", "b.conv1"]
    assert net.frozen == ("a.conv1", "b.conv1")


def test_an_unknown_path_is_located_with_a_did_you_mean():
    result = analyse(NET + "freeze bdy\n", "t.arch")
    (d,) = result.diagnostics
    assert (d.code, d.span.line, d.span.column, d.hint) == ("undefined-name", 7, 8, "did you mean `body`?")
    cli = analyse(NET, "t.arch", freeze=[("unfreeze", "stm")])
    (d,) = cli.diagnostics
    assert (d.message, d.span.file, d.span.column) == (
        "no layer or block `stm` in the network",
        "<command line>",
        12,
    )
    assert cli.sources["<command line>"] == "--unfreeze stm\n"


# ----------------------------------------------------------------------------- the module


def test_the_emitted_module_freezes_and_keeps_frozen_batchnorms_in_eval():
    model = archspec.build(NET + "freeze stem bn\n")
    frozen = {name for name, p in model.named_parameters() if not p.requires_grad}
    assert frozen == {"stem.weight", "bn.weight", "bn.bias"}
    model.train()
    assert model.training and model.body.training and not model.bn.training
    before = {k: v.clone() for k, v in model.bn.state_dict().items()}
    model(torch.randn(4, 3, 16, 16) * 3 + 1)  # a training-mode forward: a trained batchnorm would update
    after = model.bn.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    model.eval()
    model.train()
    assert not model.bn.training  # eval() then train() again: still frozen
    source = archspec.load(SPECS / "cats_vs_dogs_vgg16.arch")
    from archspec.emit.pytorch import generate

    text = generate(source)
    assert 'self._frozen = ("features",)' in text and "def train(self, mode: bool = True)" in text
    assert "_frozen" not in generate(archspec.load(SPECS / "vgg16.arch"))


def write_stripes(root, classes: tuple[str, ...], count: int = 24, size: int = 16, seed: int = 0) -> str:
    """Images a small network tells apart: horizontal and vertical stripes, and (a third class)
    diagonal ones, period 8 with a random phase and noise."""
    rng = random.Random(seed)
    for name in classes:
        os.makedirs(root / name)
        for i in range(count):
            phase = rng.randrange(8)
            pixels = []
            for y in range(size):
                for x in range(size):
                    t = {"horizontal": y, "vertical": x, "diagonal": x + y}[name]
                    pixels.append(max(0, min(255, (200 if (t + phase) % 8 < 4 else 55) + rng.randint(-50, 50))))
            image = Image.new("L", (size, size))
            image.putdata(pixels)
            image.save(root / name / f"{i}.png")
    return str(root)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archspec", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
        timeout=240,
    )


def test_training_leaves_frozen_weights_and_statistics_bit_for_bit(tmp_path):
    data = write_stripes(tmp_path / "data", ("horizontal", "vertical"))
    spec = tmp_path / "n.arch"
    spec.write_text(NET.replace("input 3x16x16", "input 1x16x16").replace("dense 4", "dense 2") + "freeze stem bn\n")
    start = tmp_path / "start.pt"
    torch.manual_seed(1)
    torch.save(archspec.build(spec).state_dict(), start)
    # adamw decays every weight it is given: a frozen weight handed to it would change
    run = cli("train", str(spec), "--data", data, "--epochs", "2", "--batch-size", "8", "--workers", "0",
              "--weights", str(start), "--save", str(tmp_path / "ckpt.pt"), "--json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["frozen"] == ["stem", "bn"] and out["weights"][0]["tensors"] == len(torch.load(start))
    before, after = torch.load(start), torch.load(tmp_path / "ckpt.pt", weights_only=True)["model"]
    for key in before:
        same = torch.equal(before[key], after[key])
        assert same == (key.startswith(("stem.", "bn."))), key  # frozen: unchanged; the rest: trained


# ----------------------------------------------------------------------------- weight files


def test_weights_load_into_the_network_and_into_a_part(tmp_path):
    torch.manual_seed(0)
    source = archspec.build(SPECS / "vgg11.arch")
    path = tmp_path / "vgg11.pth"
    torch.save(source.state_dict(), path)
    whole = archspec.build(SPECS / "vgg11.arch", weights=path)
    assert all(torch.equal(v, source.state_dict()[k]) for k, v in whole.state_dict().items())
    # the features of a whole network's file into a transfer model's `features`, as from torchvision's vgg11.pth
    transfer = NET_VGG11_BASE
    model = archspec.build(transfer, weights={"features": path})
    assert all(torch.equal(v, source.features.state_dict()[k]) for k, v in model.features.state_dict().items())
    loaded = load_weights(archspec.build(transfer), path, "features")
    assert (loaded.tensors, loaded.skipped) == (16, 6)  # 8 convs' weights and biases; the classifier's 6 left
    # a part's own state dict (keys without the prefix) loads the same
    own = tmp_path / "features.pth"
    torch.save(source.features.state_dict(), own)
    assert load_weights(archspec.build(transfer), own, "features").skipped == 0


NET_VGG11_BASE = """network Transfer
input 3x64x64
features: conv 64 3x3 pad=1 relu, maxpool 2, conv 128 3x3 pad=1 relu, maxpool 2, \\
          conv 256 3x3 pad=1 relu x2, maxpool 2, conv 512 3x3 pad=1 relu x2, maxpool 2, \\
          conv 512 3x3 pad=1 relu x2, maxpool 2
flatten
head: dense 3
freeze features
"""


def test_a_file_that_does_not_fit_lists_missing_unexpected_and_misshaped_keys(tmp_path):
    model = archspec.build(NET)
    state = dict(model.state_dict())
    state["fc.weight"] = torch.zeros(5, 8)  # another shape
    del state["stem.weight"]  # missing
    state["extra.weight"] = torch.zeros(1)  # unexpected
    path = tmp_path / "w.pt"
    torch.save(state, path)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(WeightsError) as err:
        load_weights(model, path)
    message = str(err.value)
    assert "1 missing from the file (stem.weight)" in message
    assert "1 not in the network (extra.weight)" in message
    assert "1 of another shape (fc.weight (file 5x8, module 4x8))" in message
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # nothing loaded
    for bad, words in (
        (tmp_path / "none.pt", "no such file"),
        (tmp_path, "is a folder"),
        (ROOT / "README.md", "not a PyTorch weight file"),
    ):
        with pytest.raises(WeightsError, match=words):
            load_weights(model, bad)
    with pytest.raises(WeightsError, match="no part `bdy`; did you mean `body`?"):
        load_weights(model, path, "bdy")


def test_train_reports_a_weight_file_that_does_not_fit_in_one_line(tmp_path):
    data = write_stripes(tmp_path / "data", ("horizontal", "vertical"), count=4)
    spec = tmp_path / "n.arch"
    spec.write_text(NET.replace("input 3x16x16", "input 1x16x16").replace("dense 4", "dense 2"))
    path = tmp_path / "w.pt"
    torch.save({"fc.weight": torch.zeros(2, 8)}, path)
    for args, code, words in (
        ([str(path)], 1, "does not fit the network"),
        ([f"body={tmp_path / 'nothing.pt'}"], 2, "no such file"),
        ([f"bodyy={path}"], 1, "no part `bodyy`"),
    ):
        run = cli("train", str(spec), "--data", data, "--epochs", "1", "--workers", "0", "--weights", *args)
        assert run.returncode == code, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("archspec train: error: --weights ") and words in lines[0]
    everything = cli("train", str(spec), "--data", data, "--freeze", "stem", "--freeze", "bn", "--freeze", "body",
                     "--freeze", "fc", "--workers", "0")  # fmt: skip
    assert everything.returncode == 2 and "nothing to train" in everything.stderr


# ----------------------------------------------------------------------------- the whole workflow

BASE = """network StripesBase
input 1x16x16
features: conv 8 3x3 pad=1 relu, maxpool 2, conv 16 3x3 pad=1 relu, maxpool 2
flatten
classifier: dense 2
"""
TRANSFER = """network StripesTransfer
input 1x16x16
features: conv 8 3x3 pad=1 relu, maxpool 2, conv 16 3x3 pad=1 relu, maxpool 2
flatten
head: dense 3
freeze features
"""


def test_the_lecture_workflow_base_frozen_head_then_fine_tuning(tmp_path):
    """docs/transfer.md's commands: a base trained on two classes and saved; reused frozen under a
    new head for three classes (the base does not change, the head learns); then its last conv
    unfrozen and fine-tuned at a lower learning rate (only that conv and the head change)."""
    two = write_stripes(tmp_path / "two", ("horizontal", "vertical"), count=30)
    three = write_stripes(tmp_path / "three", ("diagonal", "horizontal", "vertical"), count=30, seed=1)
    (tmp_path / "base.arch").write_text(BASE)
    (tmp_path / "transfer.arch").write_text(TRANSFER)
    common = ("--workers", "0", "--batch-size", "16", "--json")

    def train(*args: str) -> dict:
        run = cli("train", *args, *common)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    base = train(str(tmp_path / "base.arch"), "--data", two, "--epochs", "6", "--lr", "0.01",
                 "--save", str(tmp_path / "base.pt"))  # fmt: skip
    assert base["final"]["val_accuracy"] > 0.9
    saved = torch.load(tmp_path / "base.pt", weights_only=True)["model"]

    head = train(str(tmp_path / "transfer.arch"), "--data", three, "--epochs", "8", "--lr", "0.01",
                 "--weights", f"features={tmp_path / 'base.pt'}", "--save", str(tmp_path / "head.pt"))  # fmt: skip
    assert head["frozen"] == ["features"] and head["trainable_params"] == 16 * 4 * 4 * 3 + 3
    assert head["weights"] == [{"part": "features", "file": str(tmp_path / "base.pt"), "tensors": 4, "skipped": 2}]
    assert head["final"]["val_accuracy"] > 0.6  # three classes: chance is 1/3
    after_head = torch.load(tmp_path / "head.pt", weights_only=True)["model"]
    for key in ("features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias"):
        assert torch.equal(after_head[key], saved[key]), key  # the frozen base, bit for bit

    tuned = train(str(tmp_path / "transfer.arch"), "--data", three, "--epochs", "2", "--lr", "0.0001",
                  "--weights", str(tmp_path / "head.pt"), "--unfreeze", "features.3",
                  "--save", str(tmp_path / "tuned.pt"))  # fmt: skip
    assert tuned["frozen"] == ["features.0"]
    after_tuning = torch.load(tmp_path / "tuned.pt", weights_only=True)["model"]
    assert torch.equal(after_tuning["features.0.weight"], saved["features.0.weight"])
    assert not torch.equal(after_tuning["features.3.weight"], after_head["features.3.weight"])
    assert not torch.equal(after_tuning["head.weight"], after_head["head.weight"])
    assert tuned["final"]["val_accuracy"] > 0.6

    # step 5: the fine-tuned checkpoint evaluated and used, from the spec as written (`freeze features`,
    # where the checkpoint was trained with `--unfreeze features.3`)
    measured = cli("evaluate", str(tmp_path / "transfer.arch"), "--weights", str(tmp_path / "tuned.pt"),
                   "--data", three, "--json", "--workers", "0")  # fmt: skip
    assert measured.returncode == 0, measured.stderr
    measured = json.loads(measured.stdout)
    assert measured["classes"] == ["diagonal", "horizontal", "vertical"] and measured["images"] == 90
    assert measured["accuracy"] > 0.6 and measured["epoch"] == 2
    photo = os.path.join(three, "diagonal", "0.png")
    used = cli("predict", str(tmp_path / "transfer.arch"), "--weights", str(tmp_path / "tuned.pt"), photo, "--json")
    assert used.returncode == 0, used.stderr
    top = json.loads(used.stdout)["predictions"][0]["top"]
    assert sorted(t["class"] for t in top) == ["diagonal", "horizontal", "vertical"]
    assert sum(t["probability"] for t in top) == pytest.approx(1.0)
