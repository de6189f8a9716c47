"""`archspec evaluate` and `archspec predict`: the figures checked against networks whose answers are
known by construction (weights written by hand, images whose pixels say what the network will
answer) and against the test's own count of a trained network's outputs, the workflow train ->
evaluate -> predict from one checkpoint, the PNG of the confusion matrix, and every bad input as one
line and an exit code."""

from __future__ import annotations

import json
import math
import os

import pytest
from conftest import ROOT

import archspec

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")

from test_train import (  # noqa: E402
    FAILED,
    STRIPES,
    USAGE,
    archspec_cli,
    one_thread,  # noqa: F401 (autouse: one thread for these tiny networks)
    write_stripes,
)

from archspec.training import checkpoint  # noqa: E402
from archspec.training.traindata import ModelSpec  # noqa: E402


def one_line(run, command: str, code: int) -> str:
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"archspec {command}: error: "), run.stderr
    return lines[0]


def write_checkpoint(path, spec_text: str, spec_file: str, classes: list[str], state: dict, epoch: int = 3) -> None:
    """A checkpoint as `archspec train --save` writes it, with weights chosen by hand."""
    spec = ModelSpec.of(archspec.loads(spec_text, spec_file))
    checkpoint.save(
        str(path),
        {
            "spec": {"name": spec.name, "file": spec.file, "fingerprint": spec.fingerprint, "layers": spec.layers,
                     "settings": dict(spec.settings)},
            "epoch": epoch,
            "classes": classes,
            "model": state,
        },
    )  # fmt: skip


# --- known answers ---------------------------------------------------------------------------------

# seven classes, a score per pixel: the network's answer is the brightest pixel, its top five the
# five brightest
PIXELS = """\
network Pixels
input 1x1x7
flatten
scores: dense 7
"""
CLASSES = ["g", "f", "e", "d", "c", "b", "a"]  # not in sorted order: the checkpoint's order must be used


def pixel_weights() -> dict:
    return {"scores.weight": torch.eye(7), "scores.bias": torch.zeros(7)}


def pixel_images(root) -> list[tuple[str, str, list[int]]]:
    """(path, true class, pixels): for each class, images whose brightest pixel is that class's
    output (right), another's with the true class second or fifth brightest (wrong, in the top 5),
    or the true class darkest (wrong, not in the top 5)."""
    out = []
    for c, name in enumerate(CLASSES):
        folder = root / name
        folder.mkdir(parents=True)
        for i, rank in enumerate((0, 0, 1, 4, 6) if c % 2 else (0, 1, 6)):  # rank of the true class's pixel
            values = [250, 210, 170, 130, 90, 50, 10]  # brightest first, all distinct
            order = [k for k in range(7) if k != c]
            pixels = [0] * 7
            for position, k in enumerate(order[:rank] + [c] + order[rank:]):
                pixels[k] = values[position]
            image = Image.new("L", (7, 1))
            image.putdata(pixels)
            path = folder / f"{i}.png"
            image.save(path)
            out.append((str(path), name, pixels))
    return out


def test_evaluate_counts_what_the_pixels_say(tmp_path):
    images = pixel_images(tmp_path / "data")
    spec = tmp_path / "pixels.arch"
    spec.write_text(PIXELS)
    ckpt = tmp_path / "ck.pt"
    write_checkpoint(ckpt, PIXELS, str(spec), CLASSES, pixel_weights())
    plot = tmp_path / "confusion.png"
    run = archspec_cli(
        "evaluate", str(spec), "--weights", str(ckpt), "--data", str(tmp_path / "data"), "--json", "--workers", "0",
        "--plot", str(plot),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    # the answer, from the pixels alone: the brightest is the prediction
    confusion = [[0] * 7 for _ in CLASSES]
    top5 = 0
    for _, name, pixels in images:
        ranked = sorted(range(7), key=lambda k: -pixels[k])
        confusion[CLASSES.index(name)][ranked[0]] += 1
        top5 += CLASSES.index(name) in ranked[:5]
    assert out["classes"] == CLASSES and out["epoch"] == 3
    assert out["confusion"] == confusion
    right = sum(confusion[k][k] for k in range(7))
    assert (out["images"], out["correct"], out["top5_correct"]) == (len(images), right, top5)
    assert 0 < right < top5 < len(images)  # some wrong, some of those in the top five, some not
    assert out["accuracy"] == pytest.approx(right / len(images))
    assert out["top5_accuracy"] == pytest.approx(top5 / len(images))
    for k, row in enumerate(out["per_class"]):
        called = sum(confusion[t][k] for t in range(7))
        assert row["images"] == sum(confusion[k]) and row["predicted"] == called
        assert row["recall"] == pytest.approx(confusion[k][k] / sum(confusion[k]))
        assert row["precision"] == (pytest.approx(confusion[k][k] / called) if called else None)
    # cross-entropy of the scores (pixels scaled to [-1, 1]) against the true class, by hand
    losses = []
    for _, name, pixels in images:
        scores = [p / 127.5 - 1 for p in pixels]
        log_total = math.log(sum(math.exp(s) for s in scores))
        losses.append(log_total - scores[CLASSES.index(name)])
    assert out["loss"] == pytest.approx(sum(losses) / len(losses), rel=1e-5)
    # the PNG: a picture of the whole matrix, written whole
    with Image.open(plot) as png:
        assert png.format == "PNG" and png.width > 7 * 10 and png.height > 7 * 10
    assert sorted(os.listdir(tmp_path)) == ["ck.pt", "confusion.png", "data", "pixels.arch"]


def test_predict_gives_the_softmax_of_the_scores_most_likely_first(tmp_path):
    images = pixel_images(tmp_path / "data")
    spec = tmp_path / "pixels.arch"
    spec.write_text(PIXELS)
    ckpt = tmp_path / "ck.pt"
    write_checkpoint(ckpt, PIXELS, str(spec), CLASSES, pixel_weights())
    chosen = [images[0], images[4]]
    run = archspec_cli("predict", str(spec), "--weights", str(ckpt), *(p for p, _, _ in chosen), "--top", "3", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    for prediction, (path, _, pixels) in zip(out["predictions"], chosen):
        scores = [p / 127.5 - 1 for p in pixels]
        total = sum(math.exp(s) for s in scores)
        expected = sorted(((math.exp(s) / total, k) for k, s in enumerate(scores)), reverse=True)[:3]
        assert prediction["image"] == path
        assert [t["index"] for t in prediction["top"]] == [k for _, k in expected]
        assert [t["class"] for t in prediction["top"]] == [CLASSES[k] for _, k in expected]
        assert [t["probability"] for t in prediction["top"]] == pytest.approx([p for p, _ in expected], rel=1e-5)
    text = archspec_cli("predict", str(spec), "--weights", str(ckpt), chosen[0][0], "--top", "2")
    first = sorted(range(7), key=lambda k: -chosen[0][2][k])[:2]
    assert text.stdout.splitlines()[0] == chosen[0][0]
    assert [line.split()[1] for line in text.stdout.splitlines()[1:]] == [CLASSES[k] for k in first]


def test_one_output_gives_both_classes_probabilities(tmp_path):
    # dense 1 sigmoid with weight 1: a white pixel (1 after scaling) is the second class with sigmoid(1)
    text = "network Bright\ninput 1x1x1\nflatten\nout: dense 1 sigmoid\n"
    spec = tmp_path / "bright.arch"
    spec.write_text(text)
    ckpt = tmp_path / "ck.pt"
    write_checkpoint(
        ckpt, text, str(spec), ["dark", "light"], {"out.weight": torch.ones(1, 1), "out.bias": torch.zeros(1)}
    )
    white, black = tmp_path / "white.png", tmp_path / "black.png"
    Image.new("L", (1, 1), 255).save(white)
    Image.new("L", (1, 1), 0).save(black)
    run = archspec_cli("predict", str(spec), "--weights", str(ckpt), str(white), str(black), "--json")
    assert run.returncode == 0, run.stderr
    p = 1 / (1 + math.exp(-1))
    tops = [[(t["class"], t["probability"]) for t in pred["top"]] for pred in json.loads(run.stdout)["predictions"]]
    assert tops[0] == [("light", pytest.approx(p)), ("dark", pytest.approx(1 - p))]
    assert tops[1] == [("dark", pytest.approx(p)), ("light", pytest.approx(1 - p))]


# --- the workflow: train, evaluate, predict from one checkpoint ----------------------------------


def read_as_documented(path: str) -> torch.Tensor:
    """README's preprocessing, written again here: grayscale, resized to 16x16 (bilinear), [0, 255]
    scaled to [-1, 1]."""
    with Image.open(path) as image:
        image = image.convert("L").resize((16, 16), Image.Resampling.BILINEAR)
    pixels = torch.tensor(list(image.tobytes()), dtype=torch.float32).view(1, 16, 16)  # one byte a pixel (L)
    return pixels / 127.5 - 1


def test_train_with_freeze_and_save_then_evaluate_and_predict(tmp_path):
    data = write_stripes(tmp_path / "data", (20, 20))
    spec = tmp_path / "stripes.arch"
    spec.write_text(STRIPES)
    ckpt = tmp_path / "ck.pt"
    train = archspec_cli(
        "train", str(spec), "--data", data, "--epochs", "4", "--batch-size", "8", "--lr", "0.01", "--workers", "0",
        "--freeze", "conv_1", "--save", str(ckpt),
    )  # fmt: skip
    assert train.returncode == 0, train.stderr
    lines = train.stdout.splitlines()
    # the second conv (8 * 8 * 9 + 8) and the dense layer (128 * 2 + 2) train; the first conv does not
    assert lines[1] == f"{8 * 8 * 9 + 8 + 128 * 2 + 2:,} trainable parameters, {8 * 9 + 8} frozen in conv_1"
    assert lines[-1] == f"wrote the checkpoint {ckpt} (epoch 4)"

    # the test's own count: the module built from the spec, the checkpoint's weights, the images read
    # as the README says, the class with the highest score
    model = archspec.build(str(spec))
    model.load_state_dict(torch.load(ckpt, weights_only=True)["model"])
    model.eval()
    classes = ["horizontal", "vertical"]
    confusion = [[0, 0], [0, 0]]
    paths = []
    with torch.no_grad():
        for t, name in enumerate(classes):
            for file in sorted(os.listdir(os.path.join(data, name))):
                path = os.path.join(data, name, file)
                paths.append(path)
                confusion[t][int(model(read_as_documented(path)[None]).argmax())] += 1
    run = archspec_cli("evaluate", str(spec), "--weights", str(ckpt), "--data", data, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["confusion"] == confusion and out["classes"] == classes and out["top5_correct"] is None
    assert out["accuracy"] == pytest.approx((confusion[0][0] + confusion[1][1]) / 40)
    assert out["accuracy"] > 0.8  # it learnt the stripes
    precision = [confusion[k][k] / (confusion[0][k] + confusion[1][k]) for k in (0, 1)]
    recall = [confusion[k][k] / sum(confusion[k]) for k in (0, 1)]
    assert [c["precision"] for c in out["per_class"]] == pytest.approx(precision)
    assert [c["recall"] for c in out["per_class"]] == pytest.approx(recall)

    text = archspec_cli("evaluate", str(spec), "--weights", str(ckpt), "--data", data, "--workers", "0")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"evaluating Stripes ({spec}) with {ckpt} (epoch 4) on {data}: 40 images in 2 class folders"
    right = confusion[0][0] + confusion[1][1]
    assert lines[1].startswith(f"accuracy {right / 40:.1%} ({right} of 40 images), loss ")
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.split()[:1] in (["horizontal"], ["vertical"])}
    # the per-class table (images, predicted, precision, recall), then the matrix's rows
    assert rows["horizontal"] == [str(c) for c in confusion[0]]
    assert rows["vertical"] == [str(c) for c in confusion[1]]
    assert "confusion matrix: a row per true class, a column per predicted class" in lines

    chosen = [paths[0], paths[-1]]
    run = archspec_cli("predict", str(spec), "--weights", str(ckpt), *chosen, "--json")
    assert run.returncode == 0, run.stderr
    with torch.no_grad():
        expected = torch.softmax(model(torch.stack([read_as_documented(p) for p in chosen])), 1)
    for prediction, probabilities in zip(json.loads(run.stdout)["predictions"], expected):
        best = int(probabilities.argmax())
        assert prediction["top"][0]["class"] == classes[best]
        assert [t["probability"] for t in prediction["top"]] == pytest.approx(
            sorted(probabilities.tolist(), reverse=True), rel=1e-5
        )


# --- the PNG --------------------------------------------------------------------------------------


def test_each_cell_of_the_plot_is_shaded_by_its_share_of_the_row():
    from archspec.training import plot

    confusion = [[9, 1, 0], [2, 2, 6], [0, 0, 0]]
    drawn = plot.draw(confusion, ["cat", "dog", "fox"], "title", "true class", "predicted class", None)
    for (i, j), (left, top, _, _) in drawn.cells.items():
        total = sum(confusion[i])
        colour = drawn.image.getpixel((left + 2, top + 2))  # a corner of the cell, away from its count
        expected = (
            (255, 255, 255) if not total else tuple(round(255 + (d - 255) * confusion[i][j] / total) for d in plot.DARK)
        )
        assert colour == expected, (i, j)
    # cells in a grid, the first row's darkest where the most images are
    assert drawn.cells[(0, 1)][0] == drawn.cells[(0, 0)][2] and drawn.cells[(1, 0)][1] == drawn.cells[(0, 0)][3]
    assert sum(drawn.image.getpixel((drawn.cells[(0, 0)][0] + 2, drawn.cells[(0, 0)][1] + 2))) < 3 * 128


# --- bad input -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A stripes network's checkpoint (one epoch), its spec and its data."""
    root = tmp_path_factory.mktemp("trained")
    data = write_stripes(root / "data", (6, 6))
    spec = root / "stripes.arch"
    spec.write_text(STRIPES)
    ckpt = root / "ck.pt"
    run = archspec_cli("train", str(spec), "--data", data, "--epochs", "1", "--workers", "0", "--save", str(ckpt))
    assert run.returncode == 0, run.stderr
    return str(spec), str(ckpt), data


def test_a_missing_or_wrong_weight_file_is_one_line(trained, tmp_path):
    spec, ckpt, data = trained
    missing = str(tmp_path / "nothere.pt")
    for command, rest in (("evaluate", ["--data", data]), ("predict", [os.path.join(data, "vertical", "0.png")])):
        line = one_line(archspec_cli(command, spec, "--weights", missing, *rest), command, USAGE)
        assert line == f"archspec {command}: error: --weights {missing}: no such file"
        line = one_line(archspec_cli(command, spec, "--weights", str(tmp_path), *rest), command, USAGE)
        assert line.endswith(f"--weights {tmp_path}: is a folder, not a weight file")
        line = one_line(archspec_cli(command, spec, "--weights", str(ROOT / "README.md"), *rest), command, FAILED)
        assert line.endswith("not a PyTorch weight file (torch.save of a state_dict)")


def test_a_checkpoint_of_another_spec_is_refused_with_what_to_give(trained, tmp_path):
    spec, ckpt, data = trained
    other = tmp_path / "other.arch"
    other.write_text(STRIPES.replace("network Stripes", "network Other").replace("relu\nmaxpool", "tanh\nmaxpool", 1))
    line = one_line(archspec_cli("evaluate", str(other), "--weights", ckpt, "--data", data), "evaluate", FAILED)
    assert line == (
        f"archspec evaluate: error: --weights {ckpt}: the checkpoint is of `Stripes`, whose layers differ from "
        f"{other}; give the spec it was saved from ({spec})"
    )
    # (the same tensors: without the fingerprint, the other activation would load without a word)
    # a network trained with --set is told to be given the same
    param = tmp_path / "param.arch"
    param.write_text(STRIPES.replace("network Stripes", "network P(k=10)").replace("dense 2", "dense k"))
    trained_two = tmp_path / "two.pt"
    run = archspec_cli(
        "train", str(param), "--set", "k=2", "--data", data, "--epochs", "1", "--workers", "0", "--save",
        str(trained_two),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    line = one_line(archspec_cli("evaluate", str(param), "--weights", str(trained_two), "--data", data), "evaluate", 1)
    assert line.endswith("the checkpoint was trained with --set k=2; give the same")
    again = archspec_cli(
        "evaluate", str(param), "--set", "k=2", "--weights", str(trained_two), "--data", data, "--json"
    )
    assert again.returncode == 0 and json.loads(again.stdout)["images"] == 12


def test_a_wrong_folder_or_image_is_one_line(trained, tmp_path):
    spec, ckpt, data = trained
    line = one_line(archspec_cli("evaluate", spec, "--weights", ckpt, "--data", str(tmp_path / "x")), "evaluate", USAGE)
    assert line.endswith(f"--data {tmp_path / 'x'}: no such folder")
    (tmp_path / "zebra").mkdir()
    Image.new("L", (16, 16)).save(tmp_path / "zebra" / "0.png")
    line = one_line(archspec_cli("evaluate", spec, "--weights", ckpt, "--data", str(tmp_path)), "evaluate", USAGE)
    assert line.endswith(
        f"--data {tmp_path}: zebra: not among the classes {ckpt} was trained on (horizontal, vertical)"
    )
    for args, code, words in (
        ([str(tmp_path / "nothere.png")], USAGE, f"{tmp_path / 'nothere.png'}: no such file"),
        ([str(tmp_path)], USAGE, f"{tmp_path}: is a folder, not an image"),
        ([spec], FAILED, f"{spec}: cannot be read as an image"),
    ):
        line = one_line(archspec_cli("predict", spec, "--weights", ckpt, *args), "predict", code)
        assert words in line, line


def test_a_plot_that_cannot_be_written_is_refused_before_any_work(trained, tmp_path):
    spec, ckpt, data = trained
    for plot, words in (
        (tmp_path / "cm.jpg", "the plot is a PNG; give a name that ends in .png"),
        (tmp_path / "no" / "cm.png", f"the folder {tmp_path / 'no'} does not exist"),
    ):
        line = one_line(
            archspec_cli("evaluate", spec, "--weights", ckpt, "--data", data, "--plot", str(plot)), "evaluate", USAGE
        )
        assert words in line
    assert os.listdir(tmp_path) == []


def test_help_names_the_options():
    for command, words in (
        ("evaluate", ["--weights CKPT", "--data FOLDER", "--plot FILE"]),
        ("predict", ["IMAGE", "--top K"]),
    ):
        run = archspec_cli(command, "--help")
        assert run.returncode == 0 and all(w in run.stdout for w in words), run.stdout
    run = archspec_cli("--help")
    assert "evaluate" in run.stdout and "predict" in run.stdout


def test_evaluate_and_predict_in_korean(trained, tmp_path):
    from test_korean import english_left

    spec, ckpt, data = trained
    run = archspec_cli("evaluate", spec, "--weights", ckpt, "--data", data, "--lang", "ko", "--workers", "0")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"Stripes ({spec}) 평가: 가중치 {ckpt} (에포크 1), 데이터 {data}: 클래스 폴더 2개, 이미지 12장"
    assert lines[1].startswith("정확도 ") and "(이미지 12장 중 " in lines[1] and ", 손실 " in lines[1]
    assert lines[3].split() == ["클래스", "이미지", "예측", "정밀도", "재현율"]
    assert "혼동 행렬: 행은 실제 클래스, 열은 예측한 클래스" in lines
    for line in lines:
        words = line.replace(spec, "").replace(ckpt, "").replace(data, "").replace("horizontal", "")
        assert not english_left(words.replace("vertical", "").replace("Stripes", "")), line
    missing = archspec_cli("predict", spec, "--weights", ckpt, str(tmp_path / "x.png"), "--lang", "ko")
    assert missing.returncode == USAGE
    assert missing.stderr == f"archspec predict: 오류: {tmp_path / 'x.png'}: 그런 파일이 없음\n"
    # the plot's labels in Korean where a font with Hangul is found
    from archspec.training import plot

    if plot.hangul_font() is not None:
        png = tmp_path / "cm.png"
        run = archspec_cli("evaluate", spec, "--weights", ckpt, "--data", data, "--lang", "ko", "--plot", str(png))
        assert run.returncode == 0 and run.stdout.splitlines()[-1] == f"{png}에 씀", run.stdout
