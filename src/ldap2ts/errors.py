"""User-facing errors and the exit codes they map to.

Library exceptions (python-ldap, httpx) are translated into these where they
enter our code, with ``raise ... from``, so the command line can print one
``Error: ...`` line and exit with a documented code. Anything else that
escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of ``ldap2ts`` and ``syncUsersAndGroups.py``; the README documents them."""

    OK = 0
    """In sync, the plan was shown, or every change was applied."""
    CHANGES_PENDING = 1
    """``check`` found changes to make."""
    USAGE = 2
    """Invalid flag, configuration or input; nothing was changed."""
    PARTIAL = 3
    """The run finished, but some changes failed or removals were held back."""
    REFUSED = 4
    """A safety guard refused the plan; nothing was changed."""
    FAILED = 5
    """The run stopped on an error (connection, login, directory read)."""
    INTERRUPTED = 6
    """SIGINT or SIGTERM stopped the run after the changes in flight."""
    LOCKED = 7
    """Another run of the same configuration holds the lock."""


class Ldap2tsError(Exception):
    """Base of every error shown to the user as one ``Error:`` line."""

    exit_code: ExitCode = ExitCode.FAILED


class UsageError(Ldap2tsError):
    """Invalid command-line flag or input value."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """Invalid or missing setting, located by key and source where known."""

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None) -> None:
        location = ", ".join(part for part in (key, source) if part)
        super().__init__(f"{location}: {message}" if location else message)
        self.key = key
        self.source = source


class DirectoryError(Ldap2tsError):
    """The LDAP server could not be reached, bound or searched."""


class ThoughtSpotError(Ldap2tsError):
    """ThoughtSpot answered with an error or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        endpoint: str | None = None,
        server_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.endpoint = endpoint
        self.server_message = server_message


class RefusedError(Ldap2tsError):
    """A safety guard refused the plan."""

    exit_code = ExitCode.REFUSED


class LockedError(Ldap2tsError):
    """Another run holds the lock."""

    exit_code = ExitCode.LOCKED
