"""The level prefixes of the diagnostics that ldap2ts prints on stderr."""

from __future__ import annotations

import io
import logging

from ldap2ts.cli.output import configure_logging, remove_logging
from ldap2ts.progress import Progress


def logged_lines(level: int, message: str, *, verbose: bool = False) -> list[str]:
    stream = io.StringIO()
    handler = configure_logging(stream, Progress(stream, enabled=False), verbose=verbose,
                                quiet=False)
    try:
        logging.getLogger("ldap2ts.example").log(level, message)
    finally:
        remove_logging(handler)
    return stream.getvalue().splitlines()


def test_info_is_plain() -> None:
    assert logged_lines(logging.INFO, "Reading the directory") == ["Reading the directory"]


def test_warning_is_capitalised() -> None:
    assert logged_lines(logging.WARNING, "TLS verification is off") == [
        "Warning: TLS verification is off"
    ]


def test_logged_error_is_no_error_line() -> None:
    lines = logged_lines(logging.ERROR, "Failed to update user bob")

    assert lines == ["error: Failed to update user bob"]
    assert not lines[0].startswith("Error:")


def test_verbose_names_logger() -> None:
    assert logged_lines(logging.WARNING, "late", verbose=True) == [
        "warning ldap2ts.example: late"
    ]
