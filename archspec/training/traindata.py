"""What `archspec train` checks before it imports torch: the data (an image folder or synthetic), whether
the network fits it, and how the images split into training and validation sets.

Nothing here imports torch, so a missing folder or a class count that does not match the spec is
reported at once, even where PyTorch is not installed."""

from __future__ import annotations

import hashlib
import json
import os
import random
from dataclasses import dataclass

from archspec.analysis.graph import Network
from archspec.layers import fmt_shape

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm")
IMAGE_MODES = {1: "L", 3: "RGB"}  # channels -> the PIL mode images are converted to

# Exit codes: FAILED for a spec that fails its checks or does not fit the data (as `archspec check`
# fails) and for a training run that fails; USAGE for a request that cannot be carried out as asked
# (a missing folder, no CUDA device, a checkpoint of another spec, ...).
FAILED, USAGE = 1, 2


class TrainError(Exception):
    """A problem `archspec train` reports as one line, with the exit code it ends with. Most problems
    are met by every process of a distributed run alike, and rank 0 reports them; a `local` one (an
    unreadable image) only by the process that met it."""

    def __init__(self, message: str, code: int = USAGE, local: bool = False):
        super().__init__(message)
        self.message, self.code, self.local = message, code, local


@dataclass(frozen=True)
class ModelSpec:
    """What training needs to know about the network a module was built from."""

    name: str
    file: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    probabilities: bool = False  # the network ends in a softmax: its outputs are probabilities, not logits
    fingerprint: str = ""  # the same for two specs with the same layers, options and shapes
    # the network ends in a sigmoid: each output is a probability on its own (of class 1, for one output)
    unit_probabilities: bool = False
    # the network's parameter that its number of outputs comes from (`network ResNet18(num_classes=1000)`),
    # which `--set num_classes=K` changes; "" where none is known
    class_parameter: str = ""
    layers: str = ""  # the fingerprint with freezing left out: the same for the same computation
    settings: tuple[tuple[str, object], ...] = ()  # the network's parameters and their values here

    @property
    def binary(self) -> bool:
        """One output for two classes: the probability (after a sigmoid) or the logit of class 1."""
        return tuple(self.output_shape) == (1,)

    @property
    def class_count(self) -> int:
        """The classes the network tells apart: two for one output, else one per output."""
        return 2 if self.binary else self.output_shape[0]

    @classmethod
    def of(cls, network: Network) -> ModelSpec:
        last = network.nodes[-1].kind
        return cls(
            name=network.name or "network",
            file=network.file,
            input_shape=tuple(network.input_shape),
            output_shape=tuple(network.output_shape),
            probabilities=bool(last is not None and last.probabilities),
            fingerprint=fingerprint(network),
            unit_probabilities=bool(last is not None and last.unit_probabilities),
            class_parameter=class_parameter(network),
            layers=fingerprint(network, frozen=False),
            settings=tuple(network.settings.items()),
        )


@dataclass(frozen=True)
class Processes:
    """This process's place in a torchrun launch (rank 0 of 1 without one)."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> Processes:
        env = os.environ
        return cls(int(env.get("RANK", "0")), int(env.get("WORLD_SIZE", "1")), int(env.get("LOCAL_RANK", "0")))


def class_parameter(network: Network) -> str:
    """The network's parameter whose value is its number of outputs: `num_classes` where it is,
    else the one whole-number parameter that is; "" where none (or several) could be."""
    out = network.output_shape
    if not out or len(out) != 1:
        return ""
    names = [
        name
        for name, value in network.settings.items()
        if isinstance(value, int) and not isinstance(value, bool) and value == out[0]
    ]
    if "num_classes" in names:
        return "num_classes"
    return names[0] if len(names) == 1 else ""


def fingerprint(network: Network, frozen: bool = True) -> str:
    """A digest of every layer's path, kind, options, shape and freezing: comments, formatting and
    `expect` lines do not change it, any change to what the module computes or trains does. With
    `frozen=False` freezing is left out: the digest of what the module computes (in evaluation,
    which freezing does not change)."""
    layers = [
        [n.path, n.kind_name, sorted((k, repr(v)) for k, v in n.options.items()), list(n.shape), list(n.inputs)]
        + (["frozen"] if frozen and n.frozen else [])  # what training updates; unfrozen layers keep their digest
        for n in network.nodes
    ]
    text = json.dumps([list(network.input_shape or ()), layers], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ImageFolder:
    """Images in one sub-folder per class; the classes in sorted order, as torchvision's ImageFolder."""

    root: str
    classes: tuple[str, ...]
    samples: tuple[tuple[str, int], ...]  # (path, class index)

    @property
    def labels(self) -> list[int]:
        return [label for _, label in self.samples]


@dataclass(frozen=True)
class Synthetic:
    """Generated images: each class a fixed coarse pattern plus noise, made on the training device
    (no decoding, so images/s measures the model)."""

    size: int  # images in all, training and validation together


def scan_image_folder(root: str) -> ImageFolder:
    """Find the classes and images under `root`. Raises TrainError for a folder that cannot serve."""
    if not os.path.exists(root):
        raise TrainError(f"--data {root}: no such folder")
    if not os.path.isdir(root):
        raise TrainError(f"--data {root}: not a folder (give a folder with one sub-folder of images per class)")
    try:
        entries = sorted(e for e in os.listdir(root) if not e.startswith("."))
    except OSError as exc:
        raise TrainError(f"--data {root}: cannot be read ({exc.strerror})") from None
    classes = [e for e in entries if os.path.isdir(os.path.join(root, e))]
    if not classes:
        loose = any(_is_image(e) for e in entries)
        hint = "move the images into one sub-folder per class" if loose else "put each class's images in a sub-folder"
        raise TrainError(f"--data {root}: no class folders ({hint}, e.g. {root}/cat/1.png, {root}/dog/2.png)")
    samples: list[tuple[str, int]] = []
    for label, name in enumerate(classes):
        found = _images_under(os.path.join(root, name))
        if not found:
            raise TrainError(
                f"--data {root}: the class folder `{name}` has no images ({', '.join(IMAGE_SUFFIXES[:4])}, ...)"
            )
        samples.extend((path, label) for path in found)
    return ImageFolder(root, tuple(classes), tuple(samples))


def _is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES) and not name.startswith(".")


def _images_under(folder: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(os.path.join(dirpath, f) for f in sorted(filenames) if _is_image(f))
    return found


def check_fits(spec: ModelSpec, data: ImageFolder | Synthetic) -> None:
    """The network must give one score per class, or one output for two classes (Keras's `Dense(1,
    activation="sigmoid")`), and an image folder needs a 1- or 3-channel image input. Raises TrainError
    with exit code 1: the spec does not fit the data."""
    check_classifier(spec)
    if isinstance(data, Synthetic):
        return
    found = len(data.classes)
    names = class_list(data.classes)
    if found < 2:
        raise TrainError(f"--data {data.root}: one class folder ({names}); a classifier needs two or more")
    # a network that takes its class count as a parameter is told it on the command line
    change = (
        f"add --set {spec.class_parameter}={found}" if spec.class_parameter else f"end the network with `dense {found}`"
    )
    if spec.binary and found != 2:
        raise TrainError(
            f"{spec.file}: the network gives 1 output, which classifies two classes, but {data.root} has "
            f"{found} class folders ({names}); give it exactly two, or {change}",
            FAILED,
        )
    if not spec.binary and spec.output_shape[0] != found:
        raise TrainError(
            f"{spec.file}: the network gives {spec.output_shape[0]} class scores, but {data.root} has {found} "
            f"class folders ({names}); {change}",
            FAILED,
        )
    check_image_input(spec)


def class_list(classes: tuple[str, ...], shown: int = 6) -> str:
    """`cat, dog`; `a, b, c, d, e, f, ...` past `shown`."""
    return ", ".join(classes[:shown]) + (", ..." if len(classes) > shown else "")


def check_classifier(spec: ModelSpec) -> None:
    """The network gives one score per class, or one output for two classes. TrainError (exit code 1)
    otherwise."""
    out = spec.output_shape
    if len(out) != 1 or out[0] < 1:
        raise TrainError(
            f"{spec.file}: the network's output is {fmt_shape(out)}; training a classifier needs one score per "
            f"class, a vector such as `10` (end with `flatten` and `dense K`, or `dense 1 sigmoid` for two classes)",
            FAILED,
        )
    if spec.binary and spec.probabilities:
        raise TrainError(
            f"{spec.file}: the network ends in a softmax over its one output, which is always 1 and cannot "
            f"learn; end it with `dense 1 sigmoid` (two classes) or `dense K softmax` (K classes)",
            FAILED,
        )


def check_image_input(spec: ModelSpec) -> None:
    """The network takes an image of 1 or 3 channels, as images are read. TrainError (exit code 1)
    otherwise."""
    shape = spec.input_shape
    if len(shape) != 3 or shape[0] not in IMAGE_MODES:
        raise TrainError(
            f"{spec.file}: the input {fmt_shape(shape)} is not an image; an image folder needs an input of "
            f"1xHxW (grayscale) or 3xHxW (RGB)",
            FAILED,
        )


def split_indices(labels: list[int], val_split: float, seed: int) -> tuple[list[int], list[int]]:
    """(train, validation) indices: the same fraction of every class goes to validation, chosen at
    random but the same for the same seed. Every class keeps at least one training image."""
    by_class: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    rng = random.Random(seed)
    train, val = [], []
    for label in sorted(by_class):
        idx = by_class[label]
        rng.shuffle(idx)
        n_val = min(round(len(idx) * val_split), len(idx) - 1)
        val.extend(idx[:n_val])
        train.extend(idx[n_val:])
    return sorted(train), sorted(val)
