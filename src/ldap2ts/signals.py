"""SIGINT and SIGTERM as a stop request: finish the changes in flight, start no more."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """Set ``stop`` on the first SIGINT or SIGTERM while the block runs.

    A second signal of either kind raises KeyboardInterrupt, for a user who
    does not want to wait. The previous handlers come back on exit. Signal
    handlers can only be installed from the main thread; elsewhere this does
    nothing but yield the event.
    """
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stop.is_set():
            logger.warning("Received %s again; stopping now", name)
            raise KeyboardInterrupt
        logger.warning(
            "Received %s; finishing the changes in progress and starting no new ones", name
        )
        stop.set()

    previous = {number: signal.signal(number, handle) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
