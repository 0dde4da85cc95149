"""SIGINT and SIGTERM for the whole ``ldap2ts`` command, so that an interrupted run exits 6.

Python's own SIGINT handler raises KeyboardInterrupt wherever the main
thread is. Outside ``main`` (while the interpreter exits) nothing catches
it, and the process dies of SIGINT: exit status 130 instead of
``ExitCode.INTERRUPTED``. ``RunSignals`` handles the signals from the start
of ``main``, and the console script ignores them once the exit code is known.
"""

from __future__ import annotations

import enum
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

logger = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Phase(enum.Enum):
    STARTING = "starting"
    """Parsing, prompts: a signal stops at once (KeyboardInterrupt)."""
    RUNNING = "running"
    """The sync: the first signal sets ``stop``, a second stops at once."""
    FINISHED = "finished"
    """The exit code is known: signals are ignored, so they cannot change it."""


class RunSignals:
    """The SIGINT and SIGTERM handler of one ``ldap2ts`` command.

    ``install`` replaces the handlers of the main thread (elsewhere Python
    allows none, so it does nothing); ``restore`` puts the previous ones back.
    """

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.phase = Phase.STARTING
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for number in SIGNALS:
            self._previous[number] = signal.signal(number, self._handle)

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def ignore_until_exit(self) -> None:
        """Ignore the signals for the rest of the process, once the exit code is decided.

        SIG_IGN rather than a Python handler, because CPython resets every
        Python-level handler to SIG_DFL as the interpreter exits (``finisignal``
        in Modules/signalmodule.c), and SIG_DFL kills the process with SIGINT.
        """
        self.phase = Phase.FINISHED
        for number in self._previous:
            signal.signal(number, signal.SIG_IGN)
        self._previous.clear()

    @contextmanager
    def running(self) -> Iterator[threading.Event]:
        """Let the first signal request a stop during the block; ignore signals after it."""
        self.phase = Phase.RUNNING
        try:
            yield self.stop
        finally:
            self.phase = Phase.FINISHED

    def finish(self) -> None:
        """Ignore further signals: the exit code is decided."""
        self.phase = Phase.FINISHED

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.phase is Phase.FINISHED:
            return
        if self.phase is Phase.STARTING or self.stop.is_set():
            self.phase = Phase.FINISHED
            raise KeyboardInterrupt
        self.stop.set()
        logger.warning(
            "%s received: finishing the changes in flight, then stopping; "
            "send it again to stop at once", signal.Signals(signum).name
        )
