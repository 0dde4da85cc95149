"""SIGINT and SIGTERM set the stop event instead of killing the run."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from ldap2ts.signals import stop_on_signals


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_first_signal_sets_stop(signum: int) -> None:
    stop = threading.Event()
    previous = signal.getsignal(signum)

    with stop_on_signals(stop):
        os.kill(os.getpid(), signum)
        assert stop.wait(timeout=5)

    assert signal.getsignal(signum) == previous


def test_second_signal_interrupts() -> None:
    stop = threading.Event()

    with pytest.raises(KeyboardInterrupt):
        with stop_on_signals(stop):
            os.kill(os.getpid(), signal.SIGTERM)
            stop.wait(timeout=5)
            os.kill(os.getpid(), signal.SIGTERM)
            threading.Event().wait(timeout=5)
