"""Find a directory entry that the sync's read did not return, and say why it did not.

The sync reads only entries under the base DN, within the scope, that match
the user or group filter. ``ldap2ts explain`` looks the name up again
without those limits, under the naming context of the base DN (its DC
components), and compares the entry it finds with each limit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from ldap.ldapobject import LDAPObject

from ldap2ts import dn as dn_module
from ldap2ts.directory import ad, search
from ldap2ts.directory.connection import connect
from ldap2ts.directory.entries import EntryBuilder
from ldap2ts.directory.filters import equality_filter
from ldap2ts.directory.members import naming_context
from ldap2ts.directory.plan import ReadPlan, plan_read
from ldap2ts.errors import DirectoryError
from ldap2ts.model import DirectoryEntry
from ldap2ts.settings import Flavour, Settings

logger = logging.getLogger(__name__)

IDENTIFIER_ATTRIBUTES = ("uid", "sAMAccountName", "userPrincipalName", "mail", "cn")
"""Attributes compared with a name that is not a DN."""

MAX_MATCHES = 10


@dataclass(frozen=True, slots=True)
class Unread:
    """An entry the read left out, and why."""

    entry: DirectoryEntry
    kind: str
    """"user", "group" or "entry" (neither filter would have matched it)."""
    reasons: tuple[str, ...]


def _search_filter(name: str) -> str:
    values = {name}
    if "@" in name:
        values.add(name.rpartition("@")[0])
    terms = [equality_filter(attribute, value) for attribute in IDENTIFIER_ATTRIBUTES
             for value in sorted(values)]  # fmt: skip
    return "(|" + "".join(terms) + ")"


def _attributes(plan: ReadPlan) -> list[str]:
    names = {*plan.user_attributes, *plan.group_attributes, "objectClass"}
    if plan.flavour is Flavour.AD:
        names |= {"userAccountControl", "isCriticalSystemObject"}
    return sorted(names)


def _entries(connection: LDAPObject, plan: ReadPlan, query: str) -> Iterator[tuple[str, object]]:
    attributes = _attributes(plan)
    key = dn_module.try_normalize(query) if "=" in query else None
    if key is not None:
        found = search.read_entry(connection, query, attributes, timeout=plan.timeout)
        if found is not None:
            yield found
        return
    base = naming_context(plan.base) or plan.base
    request = search.SearchRequest(
        f"entries named {query}", base, 2, _search_filter(query), attributes
    )
    count = 0
    for page in search.paged_search(connection, request, page_size=50, timeout=plan.timeout):
        for found in page:
            yield found
            count += 1
            if count >= MAX_MATCHES:
                return


def _matches(connection: LDAPObject, plan: ReadPlan, dn: str, filter_text: str) -> bool:
    found = search.read_entry(connection, dn, ["1.1"], timeout=plan.timeout, filter=filter_text)
    return found is not None


def _reasons(
    connection: LDAPObject, plan: ReadPlan, entry: DirectoryEntry
) -> tuple[str, list[str]]:
    """Return the kind the entry would have and the reasons the read left it out."""
    reasons: list[str] = []
    if not plan.in_region(entry.dn_key):
        scope = plan.scope.name.lower()
        reasons.append(f"it is outside the base DN {plan.base!r} (search scope {scope})")
    is_user = _matches(connection, plan, entry.dn, plan.filters.users)
    is_group = _matches(connection, plan, entry.dn, plan.filters.groups)
    if is_user:
        kind = "user"
    elif is_group:
        kind = "group"
    else:
        kind = "entry"
    if not is_user and not is_group:
        reasons.append(
            f"it matches neither the user filter {plan.filters.users} nor the group filter "
            f"{plan.filters.groups}"
        )
    if plan.flavour is Flavour.AD and is_user:
        control = ad.parse_account_control(entry.first("userAccountControl"))
        if ad.is_machine_account(control):
            reasons.append("it is a computer or trust account, which are never synced")
    if plan.flavour is Flavour.AD and is_group and plan.exclude_system_groups:
        if entry.first("isCriticalSystemObject") == "TRUE":
            reasons.append("it is an AD system group (directory.exclude_system_groups is on)")
    return kind, reasons


def find_unread(settings: Settings, query: str) -> list[Unread]:
    """Look ``query`` (a DN or a name) up in the directory, without the read's limits.

    Only reads. Returns each entry found with the reasons the sync's read
    leaves it out (an empty tuple when it should have been read). Raises
    DirectoryError when the server cannot be reached or searched.
    """
    plan = plan_read(settings)
    builder = EntryBuilder(plan.flavour)
    found: list[Unread] = []
    with connect(settings.ldap) as connection:
        try:
            for dn, raw in _entries(connection, plan, query):
                entry = builder.build(dn, raw)  # type: ignore[arg-type]
                kind, reasons = _reasons(connection, plan, entry)
                found.append(Unread(entry, kind, tuple(reasons)))
        except (search.SearchIncomplete, search.LookupFailed) as error:
            raise DirectoryError(f"looking up {query!r} in the directory failed: {error}") from None
    return found
