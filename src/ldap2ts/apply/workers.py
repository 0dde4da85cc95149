"""Bounded concurrent execution that honours a stop request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from typing import TypeVar

logger = logging.getLogger(__name__)

Work = TypeVar("Work")


def run_bounded(
    pool: Executor,
    items: Iterable[Work],
    run: Callable[[Work], None],
    stop: threading.Event,
    skip: Callable[[Work], None],
    *,
    limit: int,
) -> None:
    """Run ``run(item)`` for every item, at most ``limit`` at a time, and wait for all.

    Once ``stop`` is set no item is started any more: each one left goes to
    ``skip``, while the ones already running finish. ``run`` must handle its
    own errors; anything it raises is logged as a bug and the others go on.
    """
    slots = threading.BoundedSemaphore(max(1, limit))
    pending: list[Future[None]] = []
    for item in items:
        slots.acquire()
        if stop.is_set():
            slots.release()
            skip(item)
            continue
        future = pool.submit(_guarded, run, item)
        future.add_done_callback(lambda _: slots.release())
        pending.append(future)
    for future in pending:
        future.result()


def _guarded(run: Callable[[Work], None], item: Work) -> None:
    try:
        run(item)
    except Exception:
        logger.exception("Unexpected error while applying %r", item)
