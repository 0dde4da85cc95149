"""Progress lines on a terminal for the directory read, the ThoughtSpot read and the apply.

One line on stderr is redrawn in place (carriage return), at most ten
times a second. Nothing is drawn when stderr is not a terminal, so cron
logs and captured output stay clean. Log records go through ``clear()``
first (see ``ProgressAwareHandler``) so that a line never mixes with one.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from typing import TextIO

ProgressCallback = Callable[[str, int], None]
"""Called by a stage with a label ("users", "groups", a change) and a count."""

_BAR_WIDTH = 24


class Progress:
    """A single redrawn status line; a disabled one accepts every call and draws nothing."""

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._enabled = enabled
        self._interval = interval
        self._clock = clock
        # Re-entrant, because the SIGINT handler logs, and logging clears the line,
        # possibly while the main thread is inside a draw.
        self._lock = threading.RLock()
        self._shown = False
        self._last_draw = 0.0
        self._title = ""
        self._total: int | None = None
        self._done = 0
        self._counts: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return self._enabled

    def stage(self, title: str, total: int | None = None) -> ProgressCallback:
        """Start a stage and return its callback.

        The callback's count is the number done so far. Without a total it
        is counted per label ("users" 1500). With a total it covers the whole
        stage, drawn as a bar of done/total.
        """
        with self._lock:
            self._clear_locked()
            self._title = title
            self._total = total
            self._done = 0
            self._counts = {}
            # Draw the title at once, for stages that report no counts.
            self._draw_locked(force=True)

        def update(label: str, count: int) -> None:
            with self._lock:
                if self._total is None:
                    self._counts[label] = count
                else:
                    self._done = count
                self._draw_locked(force=False)

        return update

    def finish(self) -> None:
        """End the current stage and remove its line."""
        with self._lock:
            self._clear_locked()
            self._title = ""

    def clear(self) -> None:
        """Remove the line so that other output can be written; the next update redraws it."""
        with self._lock:
            self._clear_locked()

    def _text(self) -> str:
        if self._total is not None:
            total = max(self._total, 1)
            filled = min(_BAR_WIDTH, _BAR_WIDTH * self._done // total)
            bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
            return f"{self._title} [{bar}] {self._done}/{self._total}"
        counts = ", ".join(f"{count} {label}" for label, count in self._counts.items())
        return f"{self._title}: {counts}" if counts else f"{self._title} ..."

    def _draw_locked(self, *, force: bool) -> None:
        if not self._enabled or not self._title:
            return
        now = self._clock()
        if not force and self._shown and now - self._last_draw < self._interval:
            return
        width = shutil.get_terminal_size((80, 24)).columns - 1
        self._stream.write("\r" + self._text()[:width].ljust(width))
        self._stream.flush()
        self._shown = True
        self._last_draw = now

    def _clear_locked(self) -> None:
        if self._enabled and self._shown:
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self._stream.write("\r" + " " * width + "\r")
            self._stream.flush()
            self._shown = False


class ProgressAwareHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that clears the progress line before each record."""

    def __init__(self, stream: TextIO, progress: Progress) -> None:
        super().__init__(stream)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        self.progress.clear()
        super().emit(record)
