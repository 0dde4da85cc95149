"""Start-up settings of the emulator, shared by the command line and in-process use."""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class EmulatorConfig:
    """Everything fixed when the emulator starts; the knobs can still change at run time."""

    state: str = ":memory:"
    """SQLite database file, or ``:memory:`` for state that ends with the process."""
    admin_password: str = "admin"
    """Password of the built-in ``tsadmin`` account."""
    secret_key: str | None = None
    """Trusted-authentication secret key accepted by ``auth/token/full``; None disables it."""
    spec: Path | None = None
    """Official OpenAPI file; when set, every request and response is validated against it."""
    allowed_email_domains: tuple[str, ...] = ()
    """E-mail domains accepted for users; empty means every domain is allowed."""
    latency_ms: int = 0
    fault_rate: float = 0.0
    fault_seed: int = 0
    fault_kind: str = "before"
    rate_limit: float | None = None
    """Requests allowed per second before the emulator returns 429; None means no limit."""
    token_validity: int | None = None
    """Forced token lifetime in seconds; None honours ``validity_time_in_sec`` (default 300)."""
    token_max_uses: int | None = None
    """Requests a token or session serves before it expires; None means no limit."""


def parse_rate(text: str) -> float:
    """Parse a rate limit written ``N/s``, ``N/min`` or a bare number of requests per second."""
    value, _, unit = text.strip().partition("/")
    seconds = {"": 1.0, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0}.get(unit.strip().lower())
    if seconds is None:
        raise ValueError(f"invalid rate limit {text!r}: expected N/s or N/min, e.g. 20/s")
    try:
        count = float(value)
    except ValueError:
        raise ValueError(f"invalid rate limit {text!r}: expected N/s or N/min, e.g. 20/s") from None
    if count <= 0:
        raise ValueError(f"invalid rate limit {text!r}: the count must be positive")
    return count / seconds


def parse_domains(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of e-mail domains into lower-case names."""
    return tuple(part.strip().lower().lstrip("@") for part in text.split(",") if part.strip())
