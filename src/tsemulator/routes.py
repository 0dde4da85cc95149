"""The REST API v2.0 endpoints the emulator serves, and how URLs map onto them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from werkzeug.routing import Map, Rule

from tsemulator.context import Context, Reply
from tsemulator.handlers import auth, groups, system, users

API = "/api/rest/2.0"


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    template: str
    """Path as the spec writes it, e.g. ``/api/rest/2.0/users/{user_identifier}/update``."""
    handler: Callable[..., Reply]
    public: bool = False
    """True for the endpoints that need no token: getting one and logging in."""
    has_body: bool = True

    @property
    def endpoint(self) -> str:
        """Key of the route in counters and logs, e.g. ``POST /api/rest/2.0/users/create``."""
        return f"{self.method} {self.template}"


ROUTES = (
    Route("POST", f"{API}/auth/token/full", auth.token_full, public=True),
    Route("POST", f"{API}/auth/session/login", auth.login, public=True),
    Route("POST", f"{API}/auth/session/logout", auth.logout, has_body=False),
    Route("POST", f"{API}/auth/token/revoke", auth.revoke_token),
    Route("POST", f"{API}/auth/token/validate", auth.validate_token),
    Route("GET", f"{API}/auth/session/user", auth.session_user, has_body=False),
    Route("GET", f"{API}/auth/session/token", auth.session_token, has_body=False),
    Route("GET", f"{API}/system", system.system, has_body=False),
    Route("POST", f"{API}/orgs/search", system.orgs_search),
    Route("POST", f"{API}/users/search", users.search),
    Route("POST", f"{API}/users/create", users.create),
    Route("POST", f"{API}/users/import", users.import_),
    Route("POST", f"{API}/users/{{user_identifier}}/update", users.update),
    Route("POST", f"{API}/users/{{user_identifier}}/delete", users.delete, has_body=False),
    Route("POST", f"{API}/groups/search", groups.search),
    Route("POST", f"{API}/groups/create", groups.create),
    Route("POST", f"{API}/groups/import", groups.import_),
    Route("POST", f"{API}/groups/{{group_identifier}}/update", groups.update),
    Route("POST", f"{API}/groups/{{group_identifier}}/delete", groups.delete, has_body=False),
)

Handler = Callable[[Context], Reply]


def build_map() -> Map:
    """Map URLs to routes; a path parameter may contain ``/`` once percent-decoded."""
    rules = []
    for route in ROUTES:
        pattern = re.sub(r"\{(\w+)\}", r"<path:\1>", route.template)
        rules.append(Rule(pattern, endpoint=route, methods=[route.method]))
    return Map(rules, strict_slashes=False, merge_slashes=False)
