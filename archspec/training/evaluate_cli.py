"""`archspec evaluate FILE --weights CKPT --data FOLDER` and `archspec predict FILE --weights CKPT
IMAGE...`: a network trained with `archspec train --save` on labelled images (accuracy, top-5
accuracy, per-class precision and recall, the confusion matrix) and on single images (the most
likely classes). The spec, the weight file, the images and the options are checked before torch is
imported; every problem is one line on stderr and an exit code, as in `archspec train`."""

from __future__ import annotations

import argparse
import json
import os
import sys

from archspec.training.train_cli import EXIT_FAILED, EXIT_USAGE, _count, _positive

CONFUSION_COLUMNS = 30  # classes past which the confusion matrix is left to --json and --plot


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help=".arch spec of the network the weights were trained for")
    p.add_argument(
        "--weights",
        required=True,
        metavar="CKPT",
        help="the checkpoint `archspec train --save` wrote (its class names are used; its spec must have the "
        "same layers, freezing aside), or any state_dict file (classes then in the output's order)",
    )
    from archspec.cli import set_options

    set_options(p)
    p.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where to run the network: auto (default) takes the GPU where CUDA works",
    )


def add_evaluate_parser(sub) -> None:
    p = sub.add_parser(
        "evaluate",
        help="measure a trained network on an image folder: accuracy, precision, recall, confusion matrix",
        description="Run the network of a spec, with the weights of a checkpoint, on every image of a folder "
        "with one sub-folder per class (as `archspec train` reads it; images resized and scaled as in "
        "training), and print its loss, accuracy, top-5 accuracy (with more than five classes), each class's "
        "precision and recall, and the confusion matrix, under the class names the checkpoint recorded. "
        "Exit status: 0 when evaluated, 1 when the spec fails its checks, the weights do not fit it or an "
        "image cannot be read, 2 for a usage error (a missing file or folder, a class the checkpoint does "
        "not know).",
    )
    _common(p)
    p.add_argument(
        "--data",
        required=True,
        metavar="FOLDER",
        help="a folder with one sub-folder of images per class (FOLDER/cat/1.png, ...), named as in training; "
        "it may hold fewer classes than the network knows",
    )
    p.add_argument("--batch-size", type=_positive, default=64, metavar="N", help="images per step (64)")
    p.add_argument("--workers", type=_count, default=2, metavar="N", help="image-loading processes (2)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON (accuracies as fractions)")
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="also draw the confusion matrix as a PNG (each cell shaded by its share of the true class's images)",
    )


def add_predict_parser(sub) -> None:
    p = sub.add_parser(
        "predict",
        help="the most likely classes of images, by a trained network",
        description="Run the network of a spec, with the weights of a checkpoint, on each IMAGE (read, resized "
        "and scaled as in training) and print its most likely classes with their probabilities: the softmax of "
        "the class scores (the network's own probabilities where it ends in softmax; for one output, the "
        "sigmoid's probability of the second class and its complement). Exit status: 0 when done, 1 when the "
        "spec fails its checks, the weights do not fit it or an image cannot be read, 2 for a usage error.",
    )
    _common(p)
    p.add_argument("images", nargs="+", metavar="IMAGE", help="image files (.png, .jpg, ...)")
    p.add_argument("--top", type=_positive, default=5, metavar="K", help="how many classes to show per image (5)")
    p.add_argument("--json", action="store_true", help="print the predictions as JSON")


def run_evaluate(args) -> int:
    return _run(args, "evaluate", _evaluate)


def run_predict(args) -> int:
    return _run(args, "predict", _predict)


def _run(args, command: str, body) -> int:
    from archspec.messages import say
    from archspec.training.traindata import TrainError

    try:
        return body(args)
    except TrainError as err:
        print(say(f"archspec {command}: error: {err.message}"), file=sys.stderr)
        return err.code


def _check_file(path: str, what: str, option: str = "") -> None:
    """A file named on the command line is there (before torch is imported): `--weights x.pt: no
    such file`, `photo.png: is a folder, not an image`."""
    from archspec.training.traindata import TrainError

    named = f"{option} {path}" if option else path
    if not os.path.exists(path):
        raise TrainError(f"{named}: no such file")
    if os.path.isdir(path):
        raise TrainError(f"{named}: is a folder, not {what}")


def _load(args, command: str):
    """The checked spec, what training needs to know of it, and its module on the device with the
    weights restored; or an exit status where the spec does not check or cannot be a module."""
    from archspec.cli import load_checked
    from archspec.training.traindata import ModelSpec, check_classifier, check_image_input

    checked = load_checked(args.file, command, settings=args.settings, command=command)
    if isinstance(checked, int):
        return checked
    spec = ModelSpec.of(checked.network)
    check_classifier(spec)
    check_image_input(spec)
    return checked, spec


def _restore(args, checked, spec):
    """The module on its device with the weights restored, or None where it cannot be built."""
    from archspec.training import train
    from archspec.training.evaluate import restore
    from archspec.training.train_cli import _build
    from archspec.training.traindata import TrainError
    from archspec.training.weights import WeightsError, reason

    device = train.resolve_device(args.device)
    model = _build(checked, args.file, 0, "")
    if model is None:
        return None
    try:
        restored = restore(model, args.weights, spec)
    except WeightsError as err:
        code = EXIT_USAGE if err.unreadable else EXIT_FAILED
        raise TrainError(f"--weights {args.weights}: {reason(err, args.weights)}", code) from None
    return model, restored, device


def _evaluate(args) -> int:
    from archspec.training.traindata import FAILED, TrainError, check_fits, class_list, scan_image_folder

    _check_file(args.weights, "a weight file", "--weights")
    if args.plot:
        _check_output("--plot", args.plot)
    loaded = _load(args, "evaluate")
    if isinstance(loaded, int):
        return loaded
    checked, spec = loaded
    data = scan_image_folder(args.data)
    from archspec.training.train_cli import _import_torch

    _import_torch(pillow=True, command="evaluate")
    restored = _restore(args, checked, spec)
    if restored is None:
        return EXIT_FAILED
    model, weights, device = restored
    if weights.classes is None:  # a state dict without names: the folder's classes, in the output's order
        check_fits(spec, data)
        classes, samples = data.classes, data.samples
    else:
        classes = weights.classes
        unknown = [c for c in data.classes if c not in classes]
        if unknown:
            raise TrainError(
                f"--data {data.root}: {class_list(tuple(unknown))}: not among the classes {args.weights} was "
                f"trained on ({class_list(classes)})"
            )
        index = {name: i for i, name in enumerate(classes)}
        samples = tuple((path, index[data.classes[label]]) for path, label in data.samples)
    from archspec.training.batches import ImageError
    from archspec.training.evaluate import evaluate

    try:
        result = evaluate(model, spec, samples, classes, args.batch_size, args.workers, device)
    except ImageError as exc:
        raise TrainError(str(exc), FAILED) from None
    report = {
        "file": args.file,
        "network": spec.name,
        "weights": args.weights,
        "epoch": weights.epoch,
        "data": data.root,
        **result.to_json(),
        "plot": args.plot,
    }
    if args.plot:
        _write(args.plot, _plot(result, spec).png())
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        _show_evaluation(result, spec, args, weights.epoch, data, len(data.classes))
    return 0


def _check_output(option: str, path: str) -> None:
    from archspec.training.traindata import TrainError

    if not path.lower().endswith(".png"):
        raise TrainError(f"{option} {path}: the plot is a PNG; give a name that ends in .png")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise TrainError(f"{option} {path}: the folder {folder} does not exist")


def _write(path: str, data: bytes) -> None:
    from archspec.training.traindata import FAILED, TrainError
    from archspec.views.output import write_atomically

    try:
        write_atomically({path: data})
    except OSError as exc:
        raise TrainError(f"--plot {path}: cannot be written ({exc.strerror or exc})", FAILED) from None


def _plot(result, spec):
    from archspec.diagnostics import output_language
    from archspec.messages import say
    from archspec.training import plot

    title = f"{spec.name}: accuracy {result.accuracy:.1%} ({result.correct:,} of {result.images:,} images)"
    labels = [title, "true class", "predicted class"]
    font = None
    if output_language()[0] == "ko" or plot.needs_hangul(list(result.classes)):
        font = plot.hangul_font()
    if output_language()[0] == "ko" and font is not None:  # without a font that has Hangul, the labels stay English
        labels = [say(text) for text in labels]
    confusion = [list(row) for row in result.confusion]
    return plot.draw(confusion, list(result.classes), *labels, font)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _show_evaluation(result, spec, args, epoch, data, folders: int) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from archspec.messages import say

    weights = f"{args.weights} (epoch {epoch})" if epoch is not None else args.weights
    lines = [
        f"evaluating {spec.name} ({spec.file}) with {weights} on {data.root}: "
        f"{result.images:,} images in {folders:,} class folders",
        f"accuracy {result.accuracy:.1%} ({result.correct:,} of {result.images:,} images), loss {result.loss:.4f}",
    ]
    if result.top_correct is not None:
        share = result.top_correct / result.images
        lines.append(f"top-5 accuracy {share:.1%} ({result.top_correct:,} of {result.images:,} images)")
    tty = sys.stdout.isatty()
    console = Console(file=sys.stdout, highlight=False, **({} if tty else {"width": 10_000}))
    for line in lines:
        console.print(say(line), markup=False, soft_wrap=True)
    per_class = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    per_class.add_column(say("class"))
    for head in ("images", "predicted", "precision", "recall"):
        per_class.add_column(say(head), justify="right")
    for k, name in enumerate(result.classes):
        cells = [f"{result.truth(k):,}", f"{result.predicted(k):,}", _percent(result.precision(k))]
        per_class.add_row(Text(name), *cells, _percent(result.recall(k)))
    console.print()
    console.print(per_class)
    k = len(result.classes)
    matrix = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    matrix.add_column("")
    for name in result.classes:
        matrix.add_column(Text(name), justify="right")
    for name, row in zip(result.classes, result.confusion):
        matrix.add_row(Text(name), *(f"{n:,}" for n in row))
    wide = console.measure(matrix).maximum > (console.width if tty else 10_000)
    console.print()
    if k > CONFUSION_COLUMNS or wide:
        console.print(say(f"the confusion matrix of {k} classes is too wide to show; --json has it, --plot draws it"))
    else:
        console.print(say("confusion matrix: a row per true class, a column per predicted class"), markup=False)
        console.print(matrix)
    if args.plot:
        console.print(say(f"wrote {args.plot}"), markup=False, soft_wrap=True)


def _predict(args) -> int:
    from archspec.training.traindata import FAILED, TrainError

    _check_file(args.weights, "a weight file", "--weights")
    for path in args.images:
        _check_file(path, "an image")
    loaded = _load(args, "predict")
    if isinstance(loaded, int):
        return loaded
    checked, spec = loaded
    from archspec.training.train_cli import _import_torch

    _import_torch(pillow=True, command="predict")
    restored = _restore(args, checked, spec)
    if restored is None:
        return EXIT_FAILED
    model, weights, device = restored
    classes = weights.classes or tuple(str(k) for k in range(spec.class_count))
    from archspec.training.batches import ImageError
    from archspec.training.evaluate import predict

    try:
        results = predict(model, spec, args.images, args.top, device)
    except ImageError as exc:
        raise TrainError(str(exc), FAILED) from None
    if args.json:
        report = {
            "file": args.file,
            "network": spec.name,
            "weights": args.weights,
            "epoch": weights.epoch,
            "classes": list(classes),
            "predictions": [
                {
                    "image": path,
                    "top": [{"class": classes[k], "index": k, "probability": p} for k, p in top],
                }
                for path, top in zip(args.images, results)
            ],
        }
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return 0
    for path, top in zip(args.images, results):
        print(path)
        for k, p in top:
            print(f"  {p:>6.1%}  {classes[k]}")
    return 0
