"""Logging set-up of the command line: diagnostics on stderr, -v and -q, quiet HTTP libraries."""

from __future__ import annotations

import logging
from typing import TextIO

from ldap2ts.jsonlog import JsonFormatter
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


class _QuietFilter(logging.Filter):
    """Pass warnings, errors and the record marked ``summary`` (the run's one-line summary)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or bool(getattr(record, "summary", False))


def configure_logging(
    stream: TextIO, progress: Progress, *, verbose: bool, quiet: bool, log_format: str = "text"
) -> logging.Handler:
    """Send the ldap2ts loggers to ``stream`` at DEBUG (-v), INFO, or quietly (-q).

    Quiet passes warnings, errors and the summary record only. ``log_format``
    "json" writes one JSON object per record. Return the handler, for
    ``remove_logging`` once the run is over.
    """
    level = logging.DEBUG if verbose else logging.INFO
    handler = ProgressAwareHandler(stream, progress)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(_LevelFormatter(verbose))
    if quiet:
        handler.addFilter(_QuietFilter())
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
