"""Batches for the training loop: images read from a folder and sharded over the processes of a
distributed run, or synthetic images made on the device. Each source gives an epoch's training
batches, the validation batches, and how many images each set holds."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from archspec.training.traindata import IMAGE_MODES, ImageFolder, ModelSpec, Processes, Synthetic, split_indices

if TYPE_CHECKING:
    from archspec.training.train import TrainConfig

Batch = tuple[torch.Tensor, torch.Tensor]


class ImageError(Exception):
    """An image that cannot be read. Raised in a loading process, it reaches the training process
    rebuilt from the formatted traceback, whose last line holds the message."""

    def __init__(self, message: str):
        super().__init__(message.rstrip().splitlines()[-1].split("ImageError: ", 1)[-1])


def read_image(path: str, input_shape: tuple[int, ...]) -> torch.Tensor:
    """The image at `path` as the network takes it, in training, `evaluate` and `predict` alike:
    read with PIL, converted to grayscale or RGB as the spec's input channels ask, resized to its
    height and width (bilinear) and scaled from [0, 255] to [-1, 1]. A (C, H, W) float tensor;
    ImageError for a file that is not an image PIL can read."""
    from PIL import Image

    mode, height, width = IMAGE_MODES[input_shape[0]], input_shape[1], input_shape[2]
    try:
        with Image.open(path) as image:
            image = image.convert(mode).resize((width, height), Image.Resampling.BILINEAR)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(f"{path}: cannot be read as an image ({exc})") from None
    pixels = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
    x = pixels.view(height, width, -1).permute(2, 0, 1).float()  # (C, H, W)
    return x.div_(127.5).sub_(1.0)


class ImageDataset(torch.utils.data.Dataset):
    """(image, label) pairs of `samples`, each image as `read_image` makes it."""

    def __init__(self, samples: tuple[tuple[str, int], ...], input_shape: tuple[int, ...]):
        self.samples = samples
        self.input_shape = input_shape

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        path, label = self.samples[i]
        return read_image(path, self.input_shape), label


def _loader_generator(seed: int, which: int) -> torch.Generator:
    """A DataLoader's own generator. Without one, each pass over a loader draws its workers' base
    seed from the global generator, which also drives dropout and the augmentation layers: once per
    epoch with `--workers 0`, once in all with persistent workers. The same `--seed` would then
    train differently with another `--workers`; with a generator of its own, a loader leaves the
    global one alone, and its workers' seeds follow `--seed`."""
    return torch.Generator().manual_seed(seed * 2 + which)


def _drop_single(shard: int, batch_size: int) -> bool:
    """Batchnorm refuses a batch of one image in training: leave out a last batch of one."""
    return shard > 1 and shard % batch_size == 1


class FolderBatches:
    """An image folder, split into training and validation images; each process loads its shard."""

    def __init__(self, data: ImageFolder, spec: ModelSpec, config: TrainConfig, procs: Processes, device):
        from torch.utils.data import DataLoader, DistributedSampler, Subset

        dataset = ImageDataset(data.samples, spec.input_shape)
        train, val = split_indices(data.labels, config.val_split, config.seed)
        self.train_images, self.val_images = len(train), len(val)
        train_set = Subset(dataset, train)
        # the same shuffled order for the same seed and epoch, in one process or many: a resumed run
        # sees the images in the order the uninterrupted run would have
        self.sampler = DistributedSampler(train_set, procs.world, procs.rank, shuffle=True, seed=config.seed)
        common = {
            "batch_size": config.batch_size,
            "num_workers": config.workers,
            "pin_memory": device.type == "cuda",
            "persistent_workers": config.workers > 0,
        }
        drop = _drop_single(self.sampler.num_samples, config.batch_size)
        self.train = DataLoader(
            train_set, sampler=self.sampler, drop_last=drop, generator=_loader_generator(config.seed, 0), **common
        )
        shard = val[procs.rank :: procs.world]  # no padding: every validation image counts once
        val_set = Subset(dataset, shard)
        self.val = DataLoader(val_set, generator=_loader_generator(config.seed, 1), **common) if shard else []

    def steps(self) -> int:
        return len(self.train)

    def train_batches(self, epoch: int) -> Iterator[Batch]:
        self.sampler.set_epoch(epoch)
        return iter(self.train)

    def val_batches(self) -> Iterator[Batch]:
        return iter(self.val)


class SyntheticBatches:
    """Images made on the device: class k is a fixed random pattern (coarse blocks, so convolutions
    and pooling can see it) plus unit Gaussian noise. Training images are new every epoch; the
    validation images are the same every epoch."""

    def __init__(self, data: Synthetic, spec: ModelSpec, config: TrainConfig, procs: Processes, device):
        n_val = round(data.size * config.val_split)
        self.train_images, self.val_images = data.size - n_val, n_val
        self.train_shard = math.ceil(self.train_images / procs.world)  # as DistributedSampler pads
        if _drop_single(self.train_shard, config.batch_size):
            self.train_shard -= 1
        self.val_shard = len(range(procs.rank, n_val, procs.world))
        self.batch_size, self.shape, self.device = config.batch_size, spec.input_shape, device
        self.seed, self.rank = config.seed, procs.rank
        shape = spec.input_shape
        generator = torch.Generator().manual_seed(config.seed)
        patterns = torch.randn((spec.class_count, shape[0], *(min(s, 4) for s in shape[1:])), generator=generator)
        if len(shape) > 1:
            patterns = F.interpolate(patterns, size=shape[1:], mode="nearest")
        self.patterns = patterns.to(device)

    def steps(self) -> int:
        return math.ceil(self.train_shard / self.batch_size)

    def train_batches(self, epoch: int) -> Iterator[Batch]:
        return self._batches(self.train_shard, epoch)

    def val_batches(self) -> Iterator[Batch]:
        return self._batches(self.val_shard, 0)  # training epochs count from 1

    def _batches(self, count: int, epoch: int) -> Iterator[Batch]:
        generator = torch.Generator(self.device).manual_seed((self.seed * 1_000_003 + epoch) * 1009 + self.rank)
        for start in range(0, count, self.batch_size):
            n = min(self.batch_size, count - start)
            labels = torch.randint(len(self.patterns), (n,), generator=generator, device=self.device)
            noise = torch.randn((n, *self.shape), generator=generator, device=self.device)
            yield self.patterns[labels] + noise, labels


def classes_of(data: ImageFolder | Synthetic, spec: ModelSpec) -> tuple[str, ...]:
    if isinstance(data, ImageFolder):
        return data.classes
    return tuple(str(k) for k in range(spec.class_count))
