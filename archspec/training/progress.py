"""How `archspec train` shows its progress: rich progress bars on a terminal, plain lines otherwise
(logs, pipes, CI), nothing on the other processes of a distributed run. Either way the header lines
come first, then a table of the finished epochs, one row each, that fits 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from archspec.messages import say  # the lines in the language the command line chose (English by default)

if TYPE_CHECKING:
    from archspec.training.train import EpochMetrics

WIDTH = 80  # the epoch table's rows and the progress bar fit a terminal this wide
# the epoch table's columns, and the fewest cells each value takes: a loss of 10 or more (12.3456),
# 100.0%, 123,456 img/s, 1234.5 seconds
COLUMNS = ("epoch", "train loss", "train acc", "val loss", "val acc", "img/s", "seconds")
VALUE_CELLS = (0, 7, 6, 7, 6, 7, 6)


class EpochTable:
    """The epochs as a table: the header, then a row per epoch, every column right-aligned in
    terminal cells (the Korean headers take two a character)."""

    def __init__(self, epochs: int):
        from rich.cells import cell_len

        self.heads = [say(h) for h in COLUMNS]
        least = list(VALUE_CELLS)
        least[0] = len(f"{epochs}/{epochs}")
        self.widths = [max(cell_len(h), n) for h, n in zip(self.heads, least)]

    def _line(self, cells: list[str]) -> str:
        from rich.cells import cell_len

        return "  ".join(" " * (w - cell_len(c)) + c for c, w in zip(cells, self.widths))

    def header(self) -> str:
        return self._line(self.heads)

    def row(self, m: EpochMetrics, epochs: int) -> str:
        """`  2/5      0.4120      81.2%    0.3010    90.0%    1,234      3.1`."""
        val = ["-", "-"] if m.val_loss is None else [f"{m.val_loss:.4f}", f"{m.val_accuracy:.1%}"]
        cells = [f"{m.epoch}/{epochs}", f"{m.train_loss:.4f}", f"{m.train_accuracy:.1%}", *val]
        return self._line(cells + [f"{m.images_per_second:,.0f}", f"{m.seconds:.1f}"])


def running(loss: float, accuracy: float, images_per_second: float) -> str:
    """The figures beside an epoch's progress bar: `loss 0.4120 acc 81.2% 1,234 img/s`."""
    return say(f"loss {loss:.4f} acc {accuracy:.1%} {images_per_second:,.0f} img/s")


class Reporter:
    """Shows nothing: the base for the other reporters, and what processes other than rank 0 use."""

    shows_steps = False  # reading the running loss waits for the GPU: only for a display that shows it

    def begin(self, *lines: str) -> None:
        pass

    def epoch_started(self, epoch: int, epochs: int, steps: int) -> None:
        pass

    def step(self, done: int, loss: float, accuracy: float, images_per_second: float) -> None:
        pass

    def epoch_finished(self, metrics: EpochMetrics, epochs: int) -> None:
        pass

    def end(self, line: str) -> None:
        """A line after the epochs (which checkpoint was written)."""

    def close(self) -> None:
        pass


class Lines(Reporter):
    """The header lines, then the epoch table a row at a time, for output that is not a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.table: EpochTable | None = None

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def begin(self, *lines: str) -> None:
        for line in lines:
            self._print(say(line))

    def epoch_started(self, epoch: int, epochs: int, steps: int) -> None:
        if self.table is None:
            self.table = EpochTable(epochs)
            self._print(self.table.header())

    def epoch_finished(self, metrics: EpochMetrics, epochs: int) -> None:
        self._print(self.table.row(metrics, epochs))

    def end(self, line: str) -> None:
        self._print(say(line))


class Bars(Lines):
    """Lines, with a rich progress bar under them during each epoch: its steps, the running loss,
    accuracy and images/s, the time it has taken. The bar shrinks to fit the terminal."""

    shows_steps = True

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Column

        super().__init__(stream)
        self.console = Console(file=stream, highlight=False, width=min(Console(file=stream).width, WIDTH))
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=None, table_column=Column(ratio=1)),  # what the other columns leave
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            console=self.console,
            expand=True,
            # redrawn by `step`, from the training thread: a refresh thread of its own would compete
            # with PyTorch's threads for the cores (three times slower for a small CPU model)
            auto_refresh=False,
        )
        self.task = None
        self.started = False

    def _print(self, text: str) -> None:
        # above the bar while it shows; as written (a path's [brackets] are not markup), never wrapped
        # into a second line where it fits the terminal
        self.console.print(text, markup=False, highlight=False, crop=False, soft_wrap=True)

    def epoch_started(self, epoch: int, epochs: int, steps: int) -> None:
        super().epoch_started(epoch, epochs, steps)
        if not self.started:
            self.progress.start()
            self.started = True
        self.task = self.progress.add_task(say(f"epoch {epoch}/{epochs}"), total=steps, stats="")
        self.progress.refresh()

    def step(self, done: int, loss: float, accuracy: float, images_per_second: float) -> None:
        self.progress.update(self.task, completed=done, stats=running(loss, accuracy, images_per_second))
        self.progress.refresh()

    def epoch_finished(self, metrics: EpochMetrics, epochs: int) -> None:
        self.progress.remove_task(self.task)
        self.progress.refresh()  # the bar gone before the row is printed above where it was
        super().epoch_finished(metrics, epochs)

    def close(self) -> None:
        if self.started:
            self.progress.stop()
            self.started = False


def reporter_for(stream: TextIO, rank: int, bars: bool = True) -> Reporter:
    """Nothing on processes other than rank 0; a progress bar where `bars` and `stream` is a
    terminal; else lines."""
    if rank != 0:
        return Reporter()
    return Bars(stream) if bars and stream.isatty() else Lines(stream)
