"""Log records as JSON lines, for journald, Fluent Bit, Vector and other log collectors.

Each record becomes one JSON object on one line: ``time`` (ISO 8601, UTC,
milliseconds), ``level``, ``logger``, ``message``, then the structured
fields passed with ``extra=`` and ``exception`` when there is one.
``SecretFilter`` replaces the value of every secret of the run in the
message and the fields, in both the text and the JSON format, as a second
line of defence: ldap2ts logs where a secret came from, never its value.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ldap2ts.settings import Secret, Settings

REDACTED = "[secret]"

# Attributes every LogRecord has; any other attribute came from ``extra=``.
_STANDARD = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    # Secret's str() shows only its source; other objects fall back to str().
    return str(value)


def structured_fields(record: logging.LogRecord) -> dict[str, Any]:
    """Return the fields a caller passed with ``extra=``, made JSON-ready."""
    return {
        key: _jsonable(value)
        for key, value in vars(record).items()
        if key not in _STANDARD and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """Format each record as one JSON object (no newline inside it)."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        document: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in structured_fields(record).items():
            document.setdefault(key, value)
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def secrets_of(settings: Settings) -> list[Secret]:
    """Return the secrets a run holds: LDAP bind password, ThoughtSpot password or key."""
    candidates = (settings.ldap.password, settings.thoughtspot.password,
                  settings.thoughtspot.secret_key)  # fmt: skip
    return [secret for secret in candidates if secret is not None]


class SecretFilter(logging.Filter):
    """Replace secret values in a record's message, arguments and extra fields."""

    def __init__(self, secrets: Iterable[Secret]) -> None:
        super().__init__()
        # Very short values would blank out ordinary words, so they are left alone.
        self.values = sorted({secret.reveal() for secret in secrets
                              if len(secret.reveal()) >= 4}, key=len, reverse=True)  # fmt: skip
        # A secret is replaced only where it stands as a whole token: masking
        # "admin" inside "tsadmin" would tell the reader the password.
        self._patterns = [
            re.compile(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])")
            for value in self.values
        ]

    def _scrub(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.values:
            return True
        message = record.getMessage()
        scrubbed = self._scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        for key, value in structured_fields(record).items():
            if isinstance(value, str) and self._scrub(value) != value:
                setattr(record, key, self._scrub(value))
        return True
