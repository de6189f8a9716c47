"""`archspec train FILE`: the command line of the training loop in train.py.

The spec is checked and the data looked at before torch is imported, so their errors come at once
(and where PyTorch is not installed). Every problem is one line on stderr and an exit code: 1 for a
spec that fails its checks or does not fit the data and for a training run that fails, 2 for a
request that cannot be carried out as asked. Under torchrun only rank 0 prints."""

from __future__ import annotations

import argparse
import json
import os
import sys

AMP_CHOICES = ("auto", "bf16", "fp16")
EXIT_FAILED, EXIT_USAGE = 1, 2


def add_train_parser(sub) -> None:
    """Add the `train` subcommand to the `archspec` parser's subparsers."""
    p = sub.add_parser(
        "train",
        help="train the network of a spec on an image folder or synthetic data",
        description="Check the spec, build its PyTorch module and train it as a classifier: cross-entropy on "
        "its class scores (on the log of its probabilities where it ends in softmax); a network with one output "
        "(Keras's `Dense(1, activation='sigmoid')`) classifies two classes with binary cross-entropy on the "
        "probability of the second class in sorted order (on its logit without the sigmoid). Prints loss, accuracy and "
        "images/s for every epoch. Under `torchrun --nproc-per-node N` each process trains its shard with "
        "DistributedDataParallel. Exit status: 0 when training finishes, 1 when the spec fails its checks or "
        "does not fit the data or training fails, 2 for a usage error, 130 or 143 when interrupted.",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help=".arch spec of a classifier: its output is one score per class, or one output for two classes",
    )
    from archspec.cli import freeze_options, set_options

    freeze_options(p)
    set_options(p)
    p.add_argument(
        "--data",
        required=True,
        metavar="FOLDER",
        help="a folder with one sub-folder of images per class (FOLDER/cat/1.png, FOLDER/dog/2.jpg, ...), "
        "or `synthetic` for generated images, as many classes as the network has outputs (two for one output); "
        "for a one-output network, exactly two class folders: the second in sorted order is class 1",
    )
    p.add_argument(
        "--epochs", type=_positive, default=10, metavar="N", help="epochs in all; a resumed run goes on to N (10)"
    )
    p.add_argument("--batch-size", type=_positive, default=64, metavar="N", help="images per step in each process (64)")
    p.add_argument(
        "--lr",
        type=_positive_float,
        metavar="RATE",
        help="learning rate (0.01 for sgd, 0.001 for adam, adamw and rmsprop)",
    )
    p.add_argument(
        "--optimizer",
        choices=("sgd", "adam", "adamw", "rmsprop"),
        default="adamw",
        help="sgd (with momentum 0.9), adam, adamw (default), or rmsprop with Keras's defaults rather than "
        "torch's: alpha (Keras's rho) 0.9 and eps 1e-7, where torch has 0.99 and 1e-8",
    )
    p.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where to train: auto (default) takes the GPU where CUDA works",
    )
    p.add_argument(
        "--amp",
        action="store_true",
        help="mixed precision (autocast): bfloat16 where the device has it (the CPU does), else float16",
    )
    p.add_argument(
        "--amp-dtype",
        choices=AMP_CHOICES,
        help="the autocast type: auto (as --amp), bf16 or fp16 (GPU only); implies --amp",
    )
    p.add_argument("--channels-last", action="store_true", help="keep images and weights channels-last in memory")
    p.add_argument("--compile", action="store_true", help="compile the module with torch.compile first")
    p.add_argument(
        "--val-split",
        type=_fraction,
        default=0.2,
        metavar="F",
        help="fraction of every class's images kept for validation, the same ones for the same --seed (0.2)",
    )
    p.add_argument("--seed", type=_count, default=0, metavar="N", help="seed of the split, weights and shuffling (0)")
    p.add_argument(
        "--workers", type=_count, default=2, metavar="N", help="image-loading processes per training process (2)"
    )
    p.add_argument(
        "--synthetic-size",
        type=_positive,
        default=1024,
        metavar="N",
        help="images of `--data synthetic`, training and validation together (1024)",
    )
    p.add_argument(
        "--weights",
        action="append",
        default=[],
        metavar="[PART=]FILE",
        help="start from the weights of a local state_dict file (torch.save; torchvision's .pth files, or a "
        "--save checkpoint): FILE for the whole network, PART=FILE for a named part, e.g. features=vgg16.pth "
        "takes the file's features.* entries; every tensor must fit by name and shape. Repeatable; nothing is "
        "downloaded",
    )
    p.add_argument("--save", metavar="CKPT", help="write a checkpoint at the end of every epoch (atomically)")
    p.add_argument(
        "--resume",
        action="store_true",
        help="go on from the --save checkpoint: its weights, optimizer state and epoch",
    )
    p.add_argument("--json", action="store_true", help="print the final metrics as JSON on stdout (progress on stderr)")
    p.add_argument("--metrics", metavar="FILE", help="also write the final metrics as JSON to FILE")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number (0 or more), not {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, not {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 up to (not including) 1, not {text!r}")
    return value


def run_train(args) -> int:
    """Run `archspec train` for parsed arguments; the exit status."""
    from archspec.training.traindata import Processes, TrainError

    rank = Processes.from_env().rank
    try:
        return _run(args, rank)
    except TrainError as err:
        if rank == 0 or err.local:
            from archspec.messages import say

            print(say(f"archspec train: error: {err.message}"), file=sys.stderr)
        return err.code


def _run(args, rank: int) -> int:
    from archspec.training.traindata import ImageFolder, ModelSpec, Synthetic, TrainError, check_fits, scan_image_folder

    if args.resume and args.weights:
        raise TrainError("--weights and --resume: a resumed run goes on from its checkpoint's weights; give one")
    if args.resume and not args.save:
        raise TrainError("--resume needs --save CKPT: the checkpoint to go on from, and to go on writing")
    if args.resume and not os.path.exists(args.save):
        raise TrainError(f"--resume {args.save}: no such checkpoint")
    for option, path in (("--save", args.save), ("--metrics", args.metrics)):
        folder = os.path.dirname(os.path.abspath(path)) if path else None
        if folder and not os.path.isdir(folder):
            raise TrainError(f"{option} {path}: the folder {folder} does not exist")
    from archspec.cli import load_checked

    checked = load_checked(
        args.file,
        "train",
        "; fix the spec before training",
        quiet=rank != 0,
        freeze=args.freeze,
        settings=args.settings,
        command="train",
    )
    if isinstance(checked, int):
        return checked
    network = checked.network
    if network.params and not network.trainable_params:
        raise TrainError(
            f"every parameter of {network.name or args.file} is frozen: nothing to train; "
            "unfreeze a part (`unfreeze PATH` in the spec, or --unfreeze PATH)"
        )
    spec = ModelSpec.of(network)
    data = Synthetic(args.synthetic_size) if args.data == "synthetic" else scan_image_folder(args.data)
    check_fits(spec, data)
    torch = _import_torch(pillow=isinstance(data, ImageFolder))
    from archspec.messages import say
    from archspec.training import train as training
    from archspec.training.progress import reporter_for

    config = training.TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        optimizer=args.optimizer,
        device=args.device,
        amp=args.amp_dtype or ("auto" if args.amp else None),
        channels_last=args.channels_last,
        compile=args.compile,
        val_split=args.val_split,
        seed=args.seed,
        workers=args.workers,
        save=args.save,
        resume=args.save if args.resume else None,
    )
    device = training.resolve_device(config.device)  # a missing GPU is reported before the module is built
    training.resolve_amp(config.amp, device)
    training.memory_format(config.channels_last, spec.input_shape)
    torch.manual_seed(args.seed)  # the same initial weights for the same seed
    model = _build(checked, args.file, rank)
    if model is None:
        return EXIT_FAILED
    loaded = _load_weights(model, args.weights)
    if rank == 0:
        for line in loaded:
            print(say(str(line)), file=sys.stderr if args.json else sys.stdout)
    # under --json the progress goes to stderr as lines, without a bar, even on a terminal
    reporter = reporter_for(sys.stderr if args.json else sys.stdout, rank, bars=not args.json)
    try:
        result = training.train(model, spec, data, config, reporter)
    except training.Interrupted as stop:
        if rank == 0:
            print(say(f"archspec train: {stop}"), file=sys.stderr)
        return 128 + stop.signum
    if rank != 0:
        return 0
    report = {
        "file": args.file,
        "network": spec.name,
        "input": list(spec.input_shape),
        "output": list(spec.output_shape),
        "data": args.data,
        "optimizer": config.optimizer,
        "lr": config.learning_rate,
        "batch_size": config.batch_size,
        "channels_last": config.channels_last,
        "compile": config.compile,
        "weights": [{"part": w.part, "file": w.file, "tensors": w.tensors, "skipped": w.skipped} for w in loaded],
        "frozen": list(network.frozen),
        "trainable_params": network.trainable_params,
        **result.to_json(),
    }
    text = json.dumps(report, indent=2) + "\n"
    if args.metrics:
        from archspec.views.output import write_atomically

        try:
            write_atomically({args.metrics: text.encode()})
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise TrainError(f"--metrics {args.metrics}: cannot be written ({reason})", EXIT_FAILED) from None
    if args.json:
        sys.stdout.write(text)
    return 0


def _import_torch(pillow: bool, command: str = "train"):
    import warnings

    from archspec.training.traindata import TrainError

    # A PyTorch installed without NumPy warns at import; training does not use NumPy, and a warning
    # line would bury the one-line errors and the progress lines.
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy", category=UserWarning)
    try:
        import torch
    except (ImportError, OSError) as exc:
        raise TrainError(
            f"archspec {command} needs PyTorch, which cannot be imported ({exc}); "
            "install it with: pip install 'archspec[train]' (or: pip install torch pillow)"
        ) from None
    if pillow:
        try:
            import PIL  # noqa: F401
        except ImportError:
            raise TrainError(
                "reading an image folder needs Pillow, which is not installed; "
                "install it with: pip install 'archspec[train]' (or: pip install pillow)"
            ) from None
    return torch


def _load_weights(model, options: list[str]) -> list:
    """`--weights [PART=]FILE` options loaded into `model`, in order; a TrainError for a file that does not fit."""
    from archspec.training.traindata import TrainError
    from archspec.training.weights import WeightsError, load_weights, parse_weights_option, reason

    loaded = []
    for option in options:
        part, path = parse_weights_option(option)
        try:
            loaded.append(load_weights(model, path, part))
        except WeightsError as err:
            code = EXIT_USAGE if err.unreadable else EXIT_FAILED
            raise TrainError(f"--weights {option}: {reason(err, path)}", code) from None
    return loaded


def _build(checked, path: str, rank: int, consequence: str = "; fix the spec before training"):
    """The module `archspec.build` makes of the checked network (the file is not read again), or
    None after printing, as `archspec compile` does, why it cannot be a module."""
    import archspec
    from archspec.diagnostics import render
    from archspec.messages import say

    try:
        return archspec.build(checked.network)
    except archspec.ArchspecError as err:
        if rank == 0:
            for diag in err.diagnostics:
                print(render(diag, checked.sources), file=sys.stderr)
            print("\n" + say(f"{path}: 1 error{consequence}"), file=sys.stderr)
        return None
