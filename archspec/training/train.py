"""The training loop behind `archspec train`: any classifier module, an image folder or synthetic data,
one process or many under torchrun (DistributedDataParallel), mixed precision, checkpoints that
survive an interruption.

The module comes in built; `ModelSpec` says what the spec promises about it: a batch of
`(N, *input_shape)` in, `(N, K)` class scores out (probabilities where the spec ends in softmax), or
`(N, 1)` for two classes: the probability of class 1 where the spec ends in a sigmoid, else its logit."""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from archspec.layers import fmt_shape
from archspec.training import checkpoint
from archspec.training.batches import Batch, FolderBatches, ImageError, SyntheticBatches, classes_of
from archspec.training.progress import Reporter
from archspec.training.traindata import FAILED, USAGE, ImageFolder, ModelSpec, Processes, Synthetic, TrainError

DEFAULT_LR = {"sgd": 0.01, "adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3}
# Keras's RMSprop defaults (rho 0.9, epsilon 1e-7), not torch's (alpha 0.99, eps 1e-8)
RMSPROP = {"alpha": 0.9, "eps": 1e-7}
REFRESH_S = 0.25  # how often a progress bar reads the running loss (each read waits for the GPU)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 10  # in all: a resumed run goes on to this epoch
    batch_size: int = 64  # per process
    lr: float | None = None  # None: DEFAULT_LR of the optimizer
    optimizer: str = "adamw"
    device: str = "auto"  # auto, cpu, cuda
    amp: str | None = None  # None (float32), auto, bf16, fp16
    channels_last: bool = False
    compile: bool = False
    compile_backend: str = "inductor"  # torch.compile's backend
    val_split: float = 0.2
    seed: int = 0
    workers: int = 2  # image-loading processes per training process
    save: str | None = None  # checkpoint written at the end of every epoch
    resume: str | None = None  # checkpoint to go on from

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR[self.optimizer]


@dataclass(frozen=True)
class EpochMetrics:
    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    images: int  # trained on, by all processes together
    seconds: float  # wall time of the training loop: loading, forward, backward and step, no validation

    @property
    def images_per_second(self) -> float:
        return self.images / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict:
        return {**asdict(self), "images_per_second": round(self.images_per_second, 1)}


@dataclass(frozen=True)
class TrainResult:
    history: tuple[EpochMetrics, ...]  # every epoch, those of a resumed checkpoint included
    first_epoch: int  # the first epoch this run trained
    classes: tuple[str, ...]
    train_images: int
    val_images: int
    device: str
    processes: int
    amp: str | None  # bf16, fp16 or None
    checkpoint: str | None
    loss: str  # cross_entropy, or binary_cross_entropy for one output
    loss_on: str  # logits or probabilities: what the network gives and the loss is computed on

    def to_json(self) -> dict:
        last = self.history[-1]
        return {
            "loss": self.loss,
            "loss_on": self.loss_on,
            "classes": list(self.classes),
            "train_images": self.train_images,
            "val_images": self.val_images,
            "device": self.device,
            "processes": self.processes,
            "amp": self.amp,
            "first_epoch": self.first_epoch,
            "epochs": [m.to_json() for m in self.history],
            "final": last.to_json(),
            "checkpoint": self.checkpoint,
        }


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during training; says which epoch the checkpoint holds."""

    def __init__(self, epoch: int, saved: int | None, path: str | None, signum: int = signal.SIGINT):
        kept = f"{path} holds epoch {saved}" if path and saved else "no checkpoint was saved"
        super().__init__(f"interrupted in epoch {epoch}; {kept}")
        self.signum = signum


class _StopSignals:
    """Ctrl-C and SIGTERM stop training as KeyboardInterrupt, except while a checkpoint is written:
    then they wait until it is complete, so that the run knows which epoch its checkpoint holds."""

    def __init__(self):
        self.signum: int = signal.SIGINT
        self.holding = self.pending = False
        self.previous: dict = {}

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():  # only there can handlers be set
            self.previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum, frame) -> None:
        self.signum = signum
        if self.holding:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def held(self):
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending:
            raise KeyboardInterrupt


def resolve_device(choice: str, procs: Processes | None = None) -> torch.device:
    """`auto`: this process's GPU where CUDA works, else the CPU."""
    procs = procs or Processes.from_env()
    cuda = torch.cuda.is_available()
    if choice == "cuda" and not cuda:
        why = "this PyTorch is built for the CPU only" if torch.version.cuda is None else "none is visible"
        raise TrainError(f"--device cuda: no CUDA device ({why}); use --device cpu or --device auto")
    if choice == "cpu" or not cuda:
        return torch.device("cpu")
    count = torch.cuda.device_count()
    if procs.local_rank >= count:
        raise TrainError(
            f"process {procs.local_rank} on this machine has no GPU of its own ({count} visible): "
            f"start at most {count} processes per machine"
        )
    return torch.device("cuda", procs.local_rank)


def resolve_amp(choice: str | None, device: torch.device) -> torch.dtype | None:
    """The autocast dtype: bfloat16 where the device has it (the CPU does), float16 on older GPUs."""
    if choice is None:
        return None
    if device.type == "cpu":
        if choice == "fp16":
            raise TrainError("--amp-dtype fp16 needs a CUDA device; on the CPU use bf16")
        return torch.bfloat16
    bf16 = torch.cuda.is_bf16_supported()
    if choice == "bf16" and not bf16:
        raise TrainError("--amp-dtype bf16: this GPU has no bfloat16; use fp16")
    return torch.bfloat16 if choice == "bf16" or (choice == "auto" and bf16) else torch.float16


def memory_format(channels_last: bool, input_shape: tuple[int, ...]) -> torch.memory_format | None:
    if not channels_last:
        return None
    if len(input_shape) == 3:
        return torch.channels_last
    if len(input_shape) == 4:
        return torch.channels_last_3d
    raise TrainError(f"--channels-last needs an image input (CxHxW or CxDxHxW), not {fmt_shape(input_shape)}")


def logits_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(out.float(), target)


def probabilities_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy for a network that ends in softmax: the negative log-likelihood of the log of its
    probabilities, which is cross-entropy on the scores before the softmax (as long as no probability
    underflows to zero, where the clamp stops an infinite loss)."""
    return F.nll_loss(torch.log(out.float().clamp_min(torch.finfo(torch.float32).tiny)), target)


def binary_probabilities_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy for one output after a sigmoid: the probability of class 1. In float32
    and outside autocast, which refuses it on the GPU (unsafe in float16: torch advises the logits
    version, which a spec without the final sigmoid gets)."""
    with torch.autocast(out.device.type, enabled=False):
        return F.binary_cross_entropy(out.float()[:, 0], target.float())


def binary_logits_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy for one output without a sigmoid: the logit of class 1."""
    return F.binary_cross_entropy_with_logits(out.float()[:, 0], target.float())


def _highest_score(out: torch.Tensor) -> torch.Tensor:
    return out.argmax(1)


def _softmax(out: torch.Tensor) -> torch.Tensor:
    return torch.softmax(out.float(), 1)


def _as_given(out: torch.Tensor) -> torch.Tensor:
    return out.float()


def _two_from_probability(out: torch.Tensor) -> torch.Tensor:
    p = out.float()[:, :1]
    return torch.cat([1 - p, p], 1)


def _two_from_logit(out: torch.Tensor) -> torch.Tensor:
    return _two_from_probability(torch.sigmoid(out.float()))


def _probability_above_half(out: torch.Tensor) -> torch.Tensor:
    return (out[:, 0] > 0.5).long()


def _positive_logit(out: torch.Tensor) -> torch.Tensor:
    return (out[:, 0] > 0).long()


@dataclass(frozen=True)
class Objective:
    """What the network's output means in training: the loss on it and the class it predicts."""

    loss: str  # as --json reports it: cross_entropy or binary_cross_entropy
    loss_on: str  # logits or probabilities
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (output, labels) -> mean loss, float32
    predict: Callable[[torch.Tensor], torch.Tensor]  # output -> class indices
    # output -> (N, classes) probabilities, as the loss reads the output: a softmax of scores, the
    # softmax's own output, or 1 - p and p for the one output of two classes
    probabilities: Callable[[torch.Tensor], torch.Tensor]

    @classmethod
    def of(cls, spec: ModelSpec) -> Objective:
        """Cross-entropy on K class scores (on the log of their probabilities after a softmax);
        binary cross-entropy on one output, class 1 where its probability is over 0.5 (logit over 0)."""
        if spec.binary and spec.unit_probabilities:
            return cls(
                "binary_cross_entropy",
                "probabilities",
                binary_probabilities_loss,
                _probability_above_half,
                _two_from_probability,
            )
        if spec.binary:
            return cls("binary_cross_entropy", "logits", binary_logits_loss, _positive_logit, _two_from_logit)
        if spec.probabilities:
            return cls("cross_entropy", "probabilities", probabilities_loss, _highest_score, _as_given)
        return cls("cross_entropy", "logits", logits_loss, _highest_score, _softmax)


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, **RMSPROP)
    return torch.optim.AdamW(params, lr=lr)


def train(
    model: nn.Module,
    spec: ModelSpec,
    data: ImageFolder | Synthetic,
    config: TrainConfig,
    reporter: Reporter | None = None,
) -> TrainResult:
    """Train `model` as `config` says. Under torchrun (RANK and WORLD_SIZE set) each process trains
    its shard with DistributedDataParallel, and only rank 0 writes checkpoints. Raises TrainError for
    what cannot be done, Interrupted for Ctrl-C or SIGTERM."""
    procs = Processes.from_env()
    device = resolve_device(config.device, procs)
    amp = resolve_amp(config.amp, device)
    fmt = memory_format(config.channels_last, spec.input_shape)
    reporter = reporter or Reporter()
    if procs.world > 1:
        if device.type == "cuda":
            torch.cuda.set_device(device)
        backend = "nccl" if device.type == "cuda" else "gloo"
        try:
            dist.init_process_group(backend, rank=procs.rank, world_size=procs.world)
        except (RuntimeError, ValueError) as exc:  # e.g. WORLD_SIZE set without torchrun's MASTER_ADDR
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TrainError(
                f"cannot start {procs.world} processes with {backend} ({reason}); launch with torchrun"
            ) from None
    try:
        result = _train(model, spec, data, config, reporter, procs, device, amp, fmt)
        if dist.is_available() and dist.is_initialized():
            dist.barrier()  # every process done before the group goes: gloo aborts one whose peer left first
        return result
    finally:
        reporter.close()
        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()


def _train(model, spec, data, config, reporter, procs, device, amp, fmt) -> TrainResult:
    torch.manual_seed(config.seed + procs.rank)  # dropout differs between processes, as it should
    classes = classes_of(data, spec)
    batches = (SyntheticBatches if isinstance(data, Synthetic) else FolderBatches)(data, spec, config, procs, device)
    model.to(device)
    if fmt is not None:
        model.to(memory_format=fmt)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise TrainError(f"{spec.file}: the network has no parameters to train", FAILED)
    optimizer = make_optimizer(config.optimizer, params, config.learning_rate)
    scaler = torch.amp.GradScaler("cuda") if amp == torch.float16 else None
    history = _resume(config, spec, classes, model, optimizer, scaler) if config.resume else []
    first = len(history) + 1
    net = model
    if procs.world > 1:
        from torch.nn.parallel import DistributedDataParallel

        net = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    if config.compile:
        net = torch.compile(net, backend=config.compile_backend)
    objective = Objective.of(spec)
    loop = _Loop(net, model, optimizer, scaler, objective, device, amp, fmt, procs, reporter)
    amp_name = {torch.bfloat16: "bf16", torch.float16: "fp16", None: None}[amp]
    reporter.begin(_header(spec, data, config, batches, device, procs, amp_name), parameters_line(model))
    saved = first - 1 if config.resume and config.resume == config.save else None  # the epoch `save` holds
    epoch = first
    stops = _StopSignals()
    try:
        with stops:
            for epoch in range(first, config.epochs + 1):
                history.append(loop.epoch(batches, epoch, config.epochs))
                if config.save and procs.rank == 0:
                    with stops.held():
                        _save(config.save, spec, classes, config, model, optimizer, scaler, history)
                        saved = epoch
                reporter.epoch_finished(history[-1], config.epochs)
        if saved is not None and saved >= first:
            reporter.end(f"wrote the checkpoint {config.save} (epoch {saved})")
    except KeyboardInterrupt:
        raise Interrupted(epoch, saved, config.save, stops.signum) from None
    except ImageError as exc:
        where = f"process {procs.rank}: " if procs.world > 1 else ""
        raise TrainError(f"{where}{exc}", FAILED, local=True) from None
    except torch.cuda.OutOfMemoryError:
        message = f"out of GPU memory with --batch-size {config.batch_size}: try a smaller one"
        raise TrainError(message, FAILED) from None
    except ValueError as exc:
        if "more than 1 value per channel" not in str(exc):  # batchnorm in training, on a single image
            raise
        raise TrainError(
            "a batch of one image cannot train this network (batchnorm needs two or more): use --batch-size 2 or more",
            USAGE,
        ) from None
    return TrainResult(
        history=tuple(history),
        first_epoch=first,
        classes=classes,
        train_images=batches.train_images,
        val_images=batches.val_images,
        device=str(device),
        processes=procs.world,
        amp=amp_name,
        checkpoint=config.save,
        loss=objective.loss,
        loss_on=objective.loss_on,
    )


def _header(spec, data, config, batches, device, procs, amp_name) -> str:
    source = "synthetic data" if isinstance(data, Synthetic) else data.root
    options = [f"batch {config.batch_size}", f"{config.optimizer} lr {config.learning_rate:g}"]
    options += [f"amp {amp_name}"] if amp_name else []
    options += ["channels-last"] if config.channels_last else []
    options += ["compiled"] if config.compile else []
    where = f"{device}" + (f" x {procs.world} processes" if procs.world > 1 else "")
    classes = classes_of(data, spec)
    if spec.binary:  # which class the one output stands for
        what = "probability" if spec.unit_probabilities else "logit"
        classes_text = f"2 classes (one output, the {what} of `{classes[1]}`: binary cross-entropy)"
    else:
        classes_text = f"{len(classes)} classes"
    return (
        f"training {spec.name} ({spec.file}) on {source}: {classes_text}, "
        f"{batches.train_images:,} training and {batches.val_images:,} validation images; "
        f"{where}, {', '.join(options)}"
    )


SHOWN_FROZEN = 4  # frozen parts named in the parameters line; the rest are counted


def parameters_line(model: nn.Module) -> str:
    """`3,277,313 trainable parameters, 14,714,688 frozen in features`: what the optimizer gets and
    what it leaves, counted on the module itself."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    if not frozen:
        return f"{trainable:,} trainable parameters, none frozen"
    parts = frozen_parts(model)
    names = ", ".join(parts[:SHOWN_FROZEN])
    if len(parts) > SHOWN_FROZEN:
        names += f" and {len(parts) - SHOWN_FROZEN} more"
    return f"{trainable:,} trainable parameters, {frozen:,} frozen in {names}"


def frozen_parts(model: nn.Module) -> list[str]:
    """The fewest submodule paths that hold every frozen parameter and no trainable one, in order."""

    def all_frozen(module: nn.Module) -> bool:
        params = list(module.parameters())
        return bool(params) and not any(p.requires_grad for p in params)

    parts: list[str] = []
    for name, module in model.named_modules():
        if name and all_frozen(module) and not any(name.startswith(part + ".") for part in parts):
            parts.append(name)
    if not parts and all_frozen(model):
        return ["the whole network"]
    return parts


def _resume(config, spec, classes, model, optimizer, scaler) -> list[EpochMetrics]:
    path = config.resume
    payload = checkpoint.load(path)
    checkpoint.check_matches(payload, path, spec, classes, config.optimizer)
    done = payload["epoch"]
    if done >= config.epochs:
        raise TrainError(
            f"--resume {path}: the checkpoint has trained {done} epoch{'s' if done != 1 else ''} already; "
            f"ask for more with --epochs {done + 1} or more"
        )
    try:
        model.load_state_dict(payload["model"])
        optimizer.load_state_dict(payload["optimizer"])
    except (RuntimeError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise TrainError(f"--resume {path}: does not fit the module built from {spec.file} ({first})") from None
    for group in optimizer.param_groups:  # the command line's learning rate, not the checkpoint's
        group["lr"] = config.learning_rate
    if scaler is not None and payload.get("scaler"):
        scaler.load_state_dict(payload["scaler"])
    return [EpochMetrics(**m) for m in payload["history"]]


def _save(path, spec, classes, config, model, optimizer, scaler, history) -> None:
    payload = {
        "spec": {
            "name": spec.name,
            "file": spec.file,
            "fingerprint": spec.fingerprint,
            "layers": spec.layers,  # the fingerprint without freezing: what `evaluate` and `predict` compare
            "settings": dict(spec.settings),  # --set's values, for the hint where the layers differ
            "input": list(spec.input_shape),
            "output": list(spec.output_shape),
        },
        "epoch": history[-1].epoch,
        "classes": list(classes),
        "optimizer_name": config.optimizer,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "history": [asdict(m) for m in history],
    }
    try:
        checkpoint.save(path, payload)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TrainError(
            f"--save {path}: cannot write the checkpoint ({reason}); the previous one is intact", FAILED
        ) from None


@dataclass(frozen=True)
class _Loop:
    """One epoch of training and one pass of validation. `net` is what trains (wrapped for DDP and
    compiled where asked); `model` the plain module, which validates and is saved."""

    net: nn.Module
    model: nn.Module
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler | None
    objective: Objective
    device: torch.device
    amp: torch.dtype | None
    fmt: torch.memory_format | None
    procs: Processes
    reporter: Reporter

    def _batch(self, x: torch.Tensor, y: torch.Tensor) -> Batch:
        x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
        return (x.contiguous(memory_format=self.fmt) if self.fmt is not None else x), y

    def epoch(self, batches, epoch: int, epochs: int) -> EpochMetrics:
        self.net.train()
        self.reporter.epoch_started(epoch, epochs, batches.steps())
        loss_sum = torch.zeros((), dtype=torch.float64, device=self.device)
        correct = torch.zeros((), dtype=torch.int64, device=self.device)
        count = 0
        start = shown = time.perf_counter()
        for step, (x, y) in enumerate(batches.train_batches(epoch), 1):
            x, y = self._batch(x, y)
            with torch.autocast(self.device.type, dtype=self.amp, enabled=self.amp is not None):
                out = self.net(x)
            loss = self.objective.loss_fn(out, y)
            self.optimizer.zero_grad(set_to_none=True)
            if self.scaler is not None:
                self.scaler.scale(loss).backward()
                self.scaler.step(self.optimizer)
                self.scaler.update()
            else:
                loss.backward()
                self.optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach().double() * len(y)
                correct += (self.objective.predict(out) == y).sum()
            count += len(y)
            now = time.perf_counter()
            if self.reporter.shows_steps and now - shown >= REFRESH_S:
                shown = now
                rate = count * self.procs.world / (now - start)
                self.reporter.step(step, loss_sum.item() / count, correct.item() / count, rate)
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        seconds = time.perf_counter() - start
        loss, accuracy, images = self._reduce(loss_sum, correct, count)
        if self.procs.world > 1:
            wall = torch.tensor(seconds, dtype=torch.float64, device=self.device)
            dist.all_reduce(wall, op=dist.ReduceOp.MAX)  # the slowest process sets the pace
            seconds = wall.item()
        if not math.isfinite(loss):
            raise TrainError(
                f"the training loss became {loss} in epoch {epoch}: training diverged; try a smaller --lr", FAILED
            )
        val_loss, val_accuracy = self.evaluate(batches)
        return EpochMetrics(epoch, loss, accuracy, val_loss, val_accuracy, images, seconds)

    @torch.no_grad()
    def evaluate(self, batches) -> tuple[float | None, float | None]:
        if self.procs.world > 1:  # every process evaluates the statistics rank 0 saves
            for buffer in self.model.buffers():
                dist.broadcast(buffer, 0)
        self.model.eval()
        loss_sum = torch.zeros((), dtype=torch.float64, device=self.device)
        correct = torch.zeros((), dtype=torch.int64, device=self.device)
        count = 0
        for x, y in batches.val_batches():
            x, y = self._batch(x, y)
            with torch.autocast(self.device.type, dtype=self.amp, enabled=self.amp is not None):
                out = self.model(x)
            loss_sum += self.objective.loss_fn(out, y).double() * len(y)
            correct += (self.objective.predict(out) == y).sum()
            count += len(y)
        self.model.train()
        loss, accuracy, images = self._reduce(loss_sum, correct, count)
        return (loss, accuracy) if images else (None, None)

    def _reduce(self, loss_sum, correct, count) -> tuple[float, float, int]:
        """(mean loss, accuracy, images) over all processes."""
        totals = torch.stack([loss_sum, correct.double(), torch.tensor(float(count), device=self.device).double()])
        if self.procs.world > 1:
            dist.all_reduce(totals)
        loss_sum, right, images = totals.tolist()
        if not images:
            return math.nan, math.nan, 0
        return loss_sum / images, right / images, int(images)
