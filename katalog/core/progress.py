"""How a long command (import, export, screen, generate, reindex, screening keys) shows how far
it is: on a terminal, a bar with the count, the rate and the time left; piped into a file or a
log, a plain line now and then and, for a run that wrote one, a last one at the end, so the log
of a night's run says the same while a quick command adds nothing to its output.

Both go to standard error: standard output stays the command's result (a CSV, a JSON report)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

# A plain line every this many seconds: often enough to see a run move in a log, rarely
# enough that a night's import of 20 million rows writes a few thousand lines, not millions.
PLAIN_EVERY_SECONDS = 10.0


class Stream(Protocol):
    """A text stream, or a Django command's wrapper of one."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> None: ...


class RateColumn(ProgressColumn):
    """Rows per second, as the bar's own speed estimate has it."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


def plain_line(description: str, done: int, total: int | None, elapsed: float) -> str:
    """One line of a piped run: what, how many of how many, the rate and the time left."""
    rate = done / elapsed if elapsed > 0 else 0.0
    count = f"{done:,} of {total:,}" if total is not None else f"{done:,}"
    line = f"{description}: {count}, {rate:,.0f}/s"
    if total is not None and rate > 0 and done < total:
        line += f", about {_duration((total - done) / rate)} left"
    elif done and (total is None or done >= total):
        line += f", {_duration(elapsed)} in all"
    return line


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


class Shown:
    """What a long run reports its progress to: `advance(rows)` after a batch, or `reached(done)`
    where the work counts for itself. Shows nothing by itself (a run with progress off)."""

    def __init__(self) -> None:
        self.done = 0

    def advance(self, rows: int) -> None:
        self.reached(self.done + rows)

    def reached(self, done: int) -> None:
        self.done = done
        self._show()

    def _show(self) -> None:
        pass

    def finish(self) -> None:
        pass


class _Bar(Shown):
    def __init__(self, bar: Progress, description: str, total: int | None) -> None:
        super().__init__()
        self.bar = bar
        self.task = bar.add_task(description, total=total)

    def _show(self) -> None:
        self.bar.update(self.task, completed=self.done)


class _Plain(Shown):
    def __init__(self, stream: TextIO, description: str, total: int | None, every: float) -> None:
        super().__init__()
        self.stream, self.description, self.total, self.every = stream, description, total, every
        self.started = self.last = time.monotonic()

    def _show(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._write(now)

    def finish(self) -> None:
        if self.last > self.started:  # a run long enough to have said how far it was
            self._write(time.monotonic())

    def _write(self, now: float) -> None:
        self.stream.write(plain_line(self.description, self.done, self.total, now - self.started))
        self.stream.write("\n")
        self.stream.flush()


@contextmanager
def progress_shown(
    stream: Stream,
    description: str,
    total: int | None = None,
    *,
    enabled: bool = True,
    every: float | None = None,
) -> Iterator[Shown]:
    """Show a run's progress on `stream` (standard error): a bar on a terminal, plain lines
    otherwise (every `every` seconds, PLAIN_EVERY_SECONDS by default), nothing when not
    `enabled`. The last plain line is written when the run ends well; a run that fails says
    why instead."""
    # A Django command's stderr wraps the real stream and ends every write with a newline,
    # which would break the bar's redrawing: draw on the stream it wraps.
    raw: Any = getattr(stream, "_out", stream)
    if not enabled:
        yield Shown()
    elif _is_terminal(raw):
        with Progress(*_columns(), console=Console(file=raw), transient=True) as bar:
            yield _Bar(bar, description, total)
    else:
        shown = _Plain(raw, description, total, PLAIN_EVERY_SECONDS if every is None else every)
        yield shown
        shown.finish()


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _columns() -> list[ProgressColumn]:
    return [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
