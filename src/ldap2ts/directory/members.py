"""Resolve group members that the user and group searches did not return.

A member value can point at an entry inside the searched region that the
filters left out (a computer, a contact) or that does not exist. It can
point outside the base DN, which is read only with
``include_nontree_members``. For ``memberUid`` it is a uid, not a DN.
Each missing or unreadable member is skipped with one warning naming it.
Groups read outside the base DN bring their own members, so the lookups
run until no new group turns up; each DN is looked up once, which also
ends cycles.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING

import ldap.dn

from ldap2ts import dn as dn_module
from ldap2ts.directory import ad, nesting
from ldap2ts.directory.filters import and_filters, equality_filter
from ldap2ts.directory.search import LookupFailed, SearchRequest
from ldap2ts.model import DirectoryGroup
from ldap2ts.settings import Flavour, Scope

if TYPE_CHECKING:
    from ldap2ts.directory.reader import DirectoryReader

logger = logging.getLogger(__name__)


class MemberResolver:
    """Member lookups of one read; ``build_groups`` writes the groups into the snapshot."""

    def __init__(self, reader: DirectoryReader) -> None:
        self.reader = reader
        self.checked: set[str] = set()
        self.lookups = 0
        self.dropped_outside = 0

    # --- lookups -----------------------------------------------------------

    def look_up_members(self) -> None:
        """Look up every member reference that is neither a user nor a group of the read."""
        if self.reader.plan.members_are_uids:
            self._look_up_uids()
        else:
            self._look_up_dns()
        if self.dropped_outside:
            logger.info(
                "left out %d members outside the base DN %s; set include_nontree_members "
                "to read them",
                self.dropped_outside,
                self.reader.plan.base,
            )

    def _look_up_dns(self) -> None:
        reader = self.reader
        queue = deque(reader.member_references)
        while queue:
            group_key = queue.popleft()
            for key in reader.member_references[group_key]:
                if key in reader.snapshot.users or key in reader.group_entries:
                    continue
                if key in self.checked:
                    continue
                self.checked.add(key)
                new_group = self._look_up_dn(key, reader.group_entries[group_key].dn)
                if new_group is not None:
                    queue.append(new_group)

    def _look_up_dn(self, key: str, group_dn: str) -> str | None:
        """Classify one member DN; return the key of a group read outside the base DN."""
        plan = self.reader.plan
        dn = self.reader.member_dns.get(key, key)
        if plan.flavour is Flavour.AD and ad.is_foreign_security_principal(key):
            self.reader.warn(ad.foreign_principal_warning(dn, group_dn))
            return None
        if plan.in_region(key) and plan.include_nontree_members and plan.member_filters:
            # Only the extra filter left this member out. The legacy --filter_str
            # selected the starting entries only, and --include_nontree_members
            # then followed every member of the groups found.
            return self._read_outside(dn, group_dn)
        if plan.in_region(key):
            if self._exists(dn, group_dn):
                logger.debug(
                    "ignored member %s of %s: not a user or group the filters select", dn, group_dn
                )
            return None
        if not plan.include_nontree_members:
            self.dropped_outside += 1
            logger.debug("ignored member %s of %s: outside the base DN", dn, group_dn)
            return None
        return self._read_outside(dn, group_dn)

    def _read_outside(self, dn: str, group_dn: str) -> str | None:
        reader = self.reader
        plan = reader.plan
        filters = plan.member_filters or plan.filters
        try:
            self._count()
            found = reader.lookup(
                dn, [*plan.group_attributes, reader.member_request()], filter=filters.groups
            )
            if found is not None:
                logger.debug("read group %s outside the base DN (member of %s)", dn, group_dn)
                return reader.add_group(*found)
            self._count()
            found = reader.lookup(dn, plan.user_attributes, filter=filters.users)
            if found is not None:
                logger.debug("read user %s outside the base DN (member of %s)", dn, group_dn)
                reader.add_user(*found)
                return None
        except LookupFailed as error:
            self._warn_unreadable(dn, group_dn, str(error))
            return None
        if self._exists(dn, group_dn):
            logger.debug(
                "ignored member %s of %s: not a user or group the filters select", dn, group_dn
            )
        return None

    def _exists(self, dn: str, group_dn: str) -> bool:
        """Tell whether an entry exists; warn and return False when it is missing or unreadable."""
        self._count()
        try:
            found = self.reader.lookup(dn, ["1.1"])
        except LookupFailed as error:
            self._warn_unreadable(dn, group_dn, str(error))
            return False
        if found is None:
            self.reader.warn(
                f"member {dn!r} of group {group_dn!r} not found in the directory; skipped"
            )
            return False
        return True

    def _warn_unreadable(self, dn: str, group_dn: str, reason: str) -> None:
        self.reader.warn(
            f"member {dn!r} of group {group_dn!r} could not be read ({reason}); skipped"
        )

    def _look_up_uids(self) -> None:
        reader = self.reader
        for group_key, uids in reader.member_references.items():
            for uid in uids:
                folded = uid.casefold()
                if folded in reader.users_by_uid or folded in self.checked:
                    continue
                self.checked.add(folded)
                group_dn = reader.group_entries[group_key].dn
                if not reader.plan.include_nontree_members or not self._search_uid(uid, group_dn):
                    reader.warn(
                        f"memberUid {uid!r} of group {group_dn!r} matches no user in the read; "
                        "skipped"
                    )

    def _search_uid(self, uid: str, group_dn: str) -> bool:
        """Search the whole naming context for a user with this uid; add it when there is one."""
        reader = self.reader
        plan = reader.plan
        request = SearchRequest(
            f"memberUid {uid}",
            naming_context(plan.base),
            Scope.SUB.value,
            and_filters(plan.filters.users, equality_filter("uid", uid)),
            plan.user_attributes,
            reader.search_controls(),
        )
        self._count()
        found = list(reader.paged(request))
        if len(found) > 1:
            reader.warn(
                f"memberUid {uid!r} of group {group_dn!r} matches {len(found)} users; skipped"
            )
            return True
        if not found:
            return False
        reader.add_user(*found[0])
        return True

    def _count(self) -> None:
        self.lookups += 1
        progress = self.reader.progress
        if progress is not None and self.lookups % 100 == 0:
            progress("members", self.lookups)

    # --- result ------------------------------------------------------------

    def build_groups(self) -> None:
        """Write every group read into the snapshot with its resolved direct members."""
        reader = self.reader
        users = reader.snapshot.users
        groups = reader.group_entries
        primary: dict[str, set[str]] = {}
        if reader.plan.primary_groups:
            primary = ad.primary_group_members(users, groups)
        for key, entry in groups.items():
            # Users through nesting (in-chain) and by primaryGroupID are added
            # to the direct members read from the member attribute.
            members: set[str] = reader.nested_members.get(key, set()) & users.keys()
            members |= primary.get(key, set())
            for reference in reader.member_references.get(key, ()):
                if reader.plan.members_are_uids:
                    user_key = reader.users_by_uid.get(reference.casefold())
                    if user_key is not None:
                        members.add(user_key)
                elif reference in users or reference in groups:
                    members.add(reference)
            reader.snapshot.groups[key] = DirectoryGroup(
                entry=entry, member_keys=frozenset(members)
            )
        reader.member_references.clear()
        reader.member_dns.clear()
        # The naming stage reports cycles by ThoughtSpot name; the DNs here
        # help to find them in the directory.
        for cycle in nesting.find_cycles(reader.snapshot.groups):
            path = " -> ".join(groups[key].dn for key in [*cycle, cycle[0]])
            logger.debug("nested groups form a cycle: %s", path)


def naming_context(base: str) -> str:
    """Return the DC part of a DN (``dc=example,dc=com``), or the DN itself when it has none."""
    rdns = dn_module.parse(base, label="base DN")
    index = len(rdns)
    while index > 0 and all(attribute.lower() == "dc" for attribute, _, _ in rdns[index - 1]):
        index -= 1
    if index == len(rdns):
        return base
    suffix: str = ldap.dn.dn2str(rdns[index:])
    return suffix
