"""A progress bar on stderr for commands that take a while (import, export, sync, check).

It appears only when stderr is a terminal (never in pipes, files or tests reading the output) and
only once the work has taken more than DELAY_SECONDS, so quick runs print nothing extra."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import click

DELAY_SECONDS = 1.0


class TerminalProgress:
    """A `Progress` callback (done, total, message) that draws a bar after DELAY_SECONDS."""

    def __init__(self, label: str, *, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.clock = clock
        self.started = clock()
        self.bar: Any = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if self.clock() - self.started <= DELAY_SECONDS:
                return
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=self.stream)
            self.bar.__enter__()
        self.bar.update(max(done - self.bar.pos, 0))

    def close(self, *, finished: bool = False) -> None:
        """Take the bar off the line's end; `finished` first fills it (work that reports its last
        step before the end, as sync does, would otherwise stop short of 100%)."""
        if self.bar is not None:
            if finished:
                self.bar.update(max(self.bar.length - self.bar.pos, 0))
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        self.close(finished=exc_type is None)
