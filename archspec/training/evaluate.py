"""What a trained network does with images, for `archspec evaluate` and `archspec predict`: its
weights restored from a checkpoint (or any state dict), its accuracy, top-5 accuracy, per-class
precision and recall and confusion matrix on an image folder, and its most likely classes for single
images. Images are read as training reads them (`batches.read_image`), and the output means what
training made it mean (`train.Objective`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from archspec.training import checkpoint
from archspec.training.batches import ImageDataset, read_image
from archspec.training.train import Objective
from archspec.training.traindata import ModelSpec
from archspec.training.weights import WeightsError, load_state_dict, read_file, state_dict_of

TOP = 5  # top-5 accuracy, where there are more classes than this


@dataclass(frozen=True)
class Restored:
    """What the weight file said besides its tensors."""

    classes: tuple[str, ...] | None  # the classes training recorded, in the output's order; None: not said
    epoch: int | None  # the epochs a checkpoint had trained
    tensors: int


def restore(model: nn.Module, path: str, spec: ModelSpec) -> Restored:
    """Load the weight file at `path` into `model`: a checkpoint `archspec train --save` wrote, whose
    layers must be the spec's (freezing aside: it does not change what the network computes), or any
    state dict. Raises WeightsError."""
    payload = read_file(path)
    classes = epoch = None
    if isinstance(payload, dict) and payload.get("format") == checkpoint.FORMAT:
        saved = payload.get("spec") or {}
        layers = saved.get("layers")  # checkpoints from before it was recorded are compared by their tensors
        if layers and layers != spec.layers:
            raise WeightsError(f"{path}: {_other_spec(saved, spec)}")
        classes, epoch = tuple(str(c) for c in payload.get("classes", ())), payload.get("epoch")
    loaded = load_state_dict(model, state_dict_of(payload, path), path, parts=False)
    return Restored(classes or None, epoch, loaded.tensors)


def _other_spec(saved: dict, spec: ModelSpec) -> str:
    """Why a checkpoint does not fit the spec, and what to give instead: the --set values it was
    trained with where they differ from the spec's now, else the spec it was saved from."""
    now = dict(spec.settings)
    changed = [(k, v) for k, v in (saved.get("settings") or {}).items() if k in now and now[k] != v]
    if changed and saved.get("name") == spec.name:
        given = " ".join(f"--set {k}={v}" for k, v in changed)
        return f"the checkpoint was trained with {given}; give the same"
    which = f"an earlier version of `{spec.name}`" if saved.get("name") == spec.name else f"`{saved.get('name')}`"
    return (
        f"the checkpoint is of {which}, whose layers differ from {spec.file}; "
        f"give the spec it was saved from ({saved.get('file')})"
    )


@dataclass(frozen=True)
class Evaluation:
    """A network's predictions on labelled images, counted."""

    classes: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]  # [true class][predicted class]: images
    loss: float  # the training loss, averaged over the images
    top_correct: int | None  # images whose class is among the TOP most likely; None for TOP classes or fewer

    @property
    def images(self) -> int:
        return sum(map(sum, self.confusion))

    @property
    def correct(self) -> int:
        return sum(self.confusion[k][k] for k in range(len(self.classes)))

    @property
    def accuracy(self) -> float:
        return self.correct / self.images if self.images else math.nan

    def truth(self, k: int) -> int:
        """Images of class k."""
        return sum(self.confusion[k])

    def predicted(self, k: int) -> int:
        """Images the network called class k."""
        return sum(row[k] for row in self.confusion)

    def precision(self, k: int) -> float | None:
        """Of the images called class k, the fraction that are; None where none was called k."""
        called = self.predicted(k)
        return self.confusion[k][k] / called if called else None

    def recall(self, k: int) -> float | None:
        """Of the images of class k, the fraction called k; None where there are none."""
        there = self.truth(k)
        return self.confusion[k][k] / there if there else None

    def to_json(self) -> dict:
        return {
            "classes": list(self.classes),
            "images": self.images,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "loss": self.loss,
            "top5_correct": self.top_correct,
            "top5_accuracy": self.top_correct / self.images if self.top_correct is not None else None,
            "per_class": [
                {
                    "class": name,
                    "images": self.truth(k),
                    "predicted": self.predicted(k),
                    "correct": self.confusion[k][k],
                    "precision": self.precision(k),
                    "recall": self.recall(k),
                }
                for k, name in enumerate(self.classes)
            ],
            "confusion": [list(row) for row in self.confusion],
        }


@torch.no_grad()
def evaluate(
    model: nn.Module,
    spec: ModelSpec,
    samples: tuple[tuple[str, int], ...],
    classes: tuple[str, ...],
    batch_size: int = 64,
    workers: int = 0,
    device: torch.device | None = None,
) -> Evaluation:
    """Run `model` (in eval mode) on the images of `samples` ((path, index into `classes`)) and count
    its predictions as training counts them. Raises batches.ImageError for an unreadable image."""
    device = device or torch.device("cpu")
    objective = Objective.of(spec)
    model.to(device).eval()
    k = len(classes)
    confusion = torch.zeros((k, k), dtype=torch.int64)
    loss_sum, top_correct = 0.0, 0
    loader = torch.utils.data.DataLoader(
        ImageDataset(samples, spec.input_shape), batch_size=batch_size, num_workers=workers
    )
    for x, y in loader:
        out = model(x.to(device))
        loss_sum += objective.loss_fn(out, y.to(device)).item() * len(y)
        predicted = objective.predict(out).cpu()
        confusion.index_put_((y, predicted), torch.ones_like(y), accumulate=True)
        if k > TOP:
            top = objective.probabilities(out).topk(TOP, 1).indices.cpu()
            top_correct += int((top == y[:, None]).any(1).sum())
    images = int(confusion.sum())
    return Evaluation(
        classes,
        tuple(tuple(row) for row in confusion.tolist()),
        loss_sum / images if images else math.nan,
        top_correct if k > TOP else None,
    )


@torch.no_grad()
def predict(
    model: nn.Module, spec: ModelSpec, paths: list[str], top: int, device: torch.device | None = None
) -> list[list[tuple[int, float]]]:
    """For each image, its `top` most likely classes as (index, probability), most likely first.
    Every image is read before the network runs (batches.ImageError for one that cannot be)."""
    device = device or torch.device("cpu")
    objective = Objective.of(spec)
    model.to(device).eval()
    images = [read_image(path, spec.input_shape) for path in paths]
    out: list[list[tuple[int, float]]] = []
    for start in range(0, len(images), 64):
        x = torch.stack(images[start : start + 64]).to(device)
        probabilities = objective.probabilities(model(x)).cpu()
        values, indices = probabilities.topk(min(top, probabilities.shape[1]), 1)
        out.extend(list(zip(i.tolist(), v.tolist())) for i, v in zip(indices, values))
    return out
