"""How `archspec train` shows its progress: rich progress bars on a terminal, one plain line per
epoch otherwise (logs, pipes, CI), nothing on the other processes of a distributed run."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from archspec.messages import say  # the lines in the language the command line chose (English by default)

if TYPE_CHECKING:
    from archspec.training.train import EpochMetrics


def epoch_summary(m: EpochMetrics, epochs: int) -> str:
    """`epoch 2/5  train loss 0.4120 acc 81.2%  val loss 0.3010 acc 90.0%  1,234 img/s  3.1 s`."""
    text = f"epoch {m.epoch}/{epochs}  train loss {m.train_loss:.4f} acc {m.train_accuracy:.1%}"
    if m.val_loss is not None:
        text += f"  val loss {m.val_loss:.4f} acc {m.val_accuracy:.1%}"
    return text + f"  {m.images_per_second:,.0f} img/s  {m.seconds:.1f} s"


class Reporter:
    """Shows nothing: the base for the other reporters, and what processes other than rank 0 use."""

    shows_steps = False  # reading the running loss waits for the GPU: only for a display that shows it

    def begin(self, header: str) -> None:
        pass

    def epoch_started(self, epoch: int, epochs: int, steps: int) -> None:
        pass

    def step(self, done: int, loss: float, accuracy: float, images_per_second: float) -> None:
        pass

    def epoch_finished(self, metrics: EpochMetrics, epochs: int) -> None:
        pass

    def close(self) -> None:
        pass


class Lines(Reporter):
    """One line per epoch, for output that is not a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def begin(self, header: str) -> None:
        print(say(header), file=self.stream, flush=True)

    def epoch_finished(self, metrics: EpochMetrics, epochs: int) -> None:
        print(say(epoch_summary(metrics, epochs)), file=self.stream, flush=True)


class Bars(Reporter):
    """A rich progress bar per epoch with the running loss, accuracy and images/s; each finished
    epoch stays on screen as its summary line."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(file=stream, highlight=False)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            console=self.console,
            # redrawn by `step`, from the training thread: a refresh thread of its own would compete
            # with PyTorch's threads for the cores (three times slower for a small CPU model)
            auto_refresh=False,
        )
        self.task = None

    shows_steps = True

    def begin(self, header: str) -> None:
        self.console.print(say(header))
        self.progress.start()

    def epoch_started(self, epoch: int, epochs: int, steps: int) -> None:
        self.task = self.progress.add_task(say(f"epoch {epoch}/{epochs}"), total=steps, stats="")
        self.progress.refresh()

    def step(self, done: int, loss: float, accuracy: float, images_per_second: float) -> None:
        stats = f"loss {loss:.4f} acc {accuracy:.1%} {images_per_second:,.0f} img/s"
        self.progress.update(self.task, completed=done, stats=stats)
        self.progress.refresh()

    def epoch_finished(self, metrics: EpochMetrics, epochs: int) -> None:
        self.progress.remove_task(self.task)
        self.progress.console.print(say(epoch_summary(metrics, epochs)))

    def close(self) -> None:
        self.progress.stop()


def reporter_for(stream: TextIO, rank: int) -> Reporter:
    if rank != 0:
        return Reporter()
    return Bars(stream) if stream.isatty() else Lines(stream)
