"""Handler inputs and outputs: the request context, the authenticated caller, the reply."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from tsemulator.errors import Forbidden
from tsemulator.sessions import Session

if TYPE_CHECKING:
    from tsemulator.app import EmulatorApp


@dataclasses.dataclass(frozen=True)
class Caller:
    """The user a request is authenticated as, with the privileges of all its groups."""

    user_id: str
    user_seq: int
    name: str
    privileges: frozenset[str]
    super_user: bool
    session: Session

    @property
    def is_admin(self) -> bool:
        return self.super_user or "ADMINISTRATION" in self.privileges

    def has_any(self, *privileges: str) -> bool:
        """Tell whether the caller is an administrator or has one of ``privileges``."""
        return self.is_admin or any(privilege in self.privileges for privilege in privileges)


@dataclasses.dataclass(frozen=True)
class RawJson:
    """A response body already encoded as JSON text."""

    text: str


@dataclasses.dataclass
class Reply:
    """A handler's response: status, JSON body (None for 204) and extra headers."""

    status: int = 200
    body: Any = None
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Context:
    app: EmulatorApp
    request: Request
    body: dict[str, Any]
    caller: Caller | None
    wrote: bool = False
    """Set by handlers that committed a change, for the write counters."""

    def require(self, *privileges: str) -> Caller:
        """Return the caller, or raise Forbidden unless it is an admin or has a privilege."""
        caller = self.authenticated()
        if not caller.has_any(*privileges):
            required = " or ".join(("ADMINISTRATION", *privileges))
            raise Forbidden(f"User {caller.name} does not have the {required} privilege.")
        return caller

    def authenticated(self) -> Caller:
        assert self.caller is not None, "route declared public but handler needs a caller"
        return self.caller
