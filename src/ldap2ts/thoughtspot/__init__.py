"""A thin ThoughtSpot REST API v2.0 client on httpx, and the snapshot reader.

Layers, bottom up: ``urls`` and ``errors`` (paths and error translation),
``retry`` and ``transport`` (one request with backoff and token renewal),
``auth`` (bearer tokens), ``paging``, ``endpoints`` with ``users`` and
``groups`` (one method per endpoint), ``client`` (session, system, orgs)
and ``snapshot`` (every user and group at once).
"""

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.thoughtspot.bodies import LDAP_GROUP, LDAP_USER, GroupSpec, UserSpec
from ldap2ts.thoughtspot.client import ThoughtSpotClient
from ldap2ts.thoughtspot.parsing import ImportResult, NamedId, SessionUser, SystemInfo
from ldap2ts.thoughtspot.retry import RetryPolicy
from ldap2ts.thoughtspot.snapshot import read_snapshot
from ldap2ts.thoughtspot.transport import RequestStats

__all__ = [
    "LDAP_GROUP",
    "LDAP_USER",
    "GroupSpec",
    "ImportResult",
    "NamedId",
    "RequestStats",
    "RetryPolicy",
    "SessionUser",
    "SystemInfo",
    "ThoughtSpotClient",
    "ThoughtSpotError",
    "UserSpec",
    "read_snapshot",
]
