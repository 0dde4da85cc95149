"""Logging set-up of the command line: diagnostics on stderr, -v and -q, quiet HTTP libraries."""

from __future__ import annotations

import logging
from typing import TextIO

from ldap2ts.progress import Progress, ProgressAwareHandler

# httpx and httpcore log full URLs and headers at DEBUG, so they stay at WARNING.
_QUIET_LIBRARIES = ("httpx", "httpcore")


class _LevelFormatter(logging.Formatter):
    """Plain messages at INFO, "Warning: ..." at WARNING, "error: ..." for other records.

    A logged error (a change that failed) stays lower case, because an
    ``Error: ...`` line is the single message of an error that ends the run.
    """

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and self.verbose:
            message += "\n" + self.formatException(record.exc_info)
        if self.verbose:
            return f"{record.levelname.lower()} {record.name}: {message}"
        if record.levelno == logging.INFO:
            return message
        if record.levelno == logging.WARNING:
            return f"Warning: {message}"
        return f"{record.levelname.lower()}: {message}"


def configure_logging(
    stream: TextIO, progress: Progress, *, verbose: bool, quiet: bool
) -> logging.Handler:
    """Send the ldap2ts loggers to ``stream`` at DEBUG (-v), WARNING (-q) or INFO.

    Return the handler, for ``remove_logging`` once the run is over.
    """
    level = logging.INFO
    if verbose:
        level = logging.DEBUG
    elif quiet:
        level = logging.WARNING
    handler = ProgressAwareHandler(stream, progress)
    handler.setFormatter(_LevelFormatter(verbose))
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, ProgressAwareHandler):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("ldap2ts").setLevel(level)
    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def remove_logging(handler: logging.Handler) -> None:
    """Detach the handler of ``configure_logging``, so that a caller's logging is left as it was."""
    logging.getLogger().removeHandler(handler)
    logging.getLogger("ldap2ts").setLevel(logging.NOTSET)
