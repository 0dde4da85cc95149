"""Read users and groups from the directory into a DirectorySnapshot.

The read runs in three phases: users (one paged search), groups (one paged
search, with range retrieval of large member lists), then member
resolution (members outside the read, memberUid values, nesting cycles).
Raw results are converted page by page and dropped, so memory grows with
the snapshot, not with the size of the search results.

Any search that ends early marks the snapshot incomplete with the reason.
A lost connection stops the read: before anything was read it raises
DirectoryError; after, the snapshot keeps what was read and is incomplete.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterator, Sequence

from ldap.controls import LDAPControl
from ldap.ldapobject import LDAPObject

from ldap2ts import dn as dn_module
from ldap2ts.directory import ad, search
from ldap2ts.directory.connection import connect
from ldap2ts.directory.entries import EntryBuilder
from ldap2ts.directory.members import MemberResolver
from ldap2ts.directory.plan import ReadPlan, plan_read
from ldap2ts.directory.ranges import RangeError, read_all_values
from ldap2ts.directory.search import (
    LookupFailed,
    RawAttributes,
    RawEntry,
    SearchIncomplete,
    SearchRequest,
)
from ldap2ts.errors import DirectoryError
from ldap2ts.model import DirectoryEntry, DirectorySnapshot, DirectoryUser
from ldap2ts.settings import Flavour, NestedGroups, Settings

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
PROGRESS_PHASES = ("users", "groups")
"""Searches whose entry counts go to the progress callback; lookups count as "members"."""


def read_directory(settings: Settings, *, progress: Progress | None = None) -> DirectorySnapshot:
    """Read the users and groups that the settings select.

    ``progress(phase, count)`` is called after each page with the phase
    ("users", "groups", "members") and the number of entries so far.
    Raises UsageError for invalid settings, and DirectoryError when the
    server cannot be reached, bound or searched. When a search ends early
    after something was read, the snapshot is returned marked incomplete.
    """
    plan = plan_read(settings)
    logger.info(
        "Reading the directory at %s under %s (scope %s)",
        settings.ldap.url, plan.base, plan.scope.name.lower(),
    )  # fmt: skip
    with connect(settings.ldap) as connection, _collector_paused():
        reader = DirectoryReader(connection, settings, plan, progress)
        snapshot = reader.read()
    # At INFO, so that a scheduled run's log shows a filter that matched too little.
    logger.info(
        "Read %d users and %d groups from the directory in %d searches%s",
        len(snapshot.users),
        len(snapshot.groups),
        snapshot.searches,
        ""
        if snapshot.complete
        else " (incomplete: " + "; ".join(snapshot.incomplete_reasons) + ")",
    )
    return snapshot


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the snapshot is built, then freeze it.

    The read builds millions of small objects and no reference cycles, yet each
    full collection during the read traverses all of them: about 45 % of the
    read's CPU time for 110,000 entries in the benchmark. The snapshot lives as
    long as the run, so ``gc.freeze`` moves it to the permanent generation,
    which later collections skip; reference counting still frees it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class DirectoryReader:
    """One read over a bound connection; ``read()`` returns the snapshot."""

    def __init__(
        self,
        connection: LDAPObject,
        settings: Settings,
        plan: ReadPlan,
        progress: Progress | None = None,
    ) -> None:
        self.connection = connection
        self.settings = settings
        self.plan = plan
        self.progress = progress
        self.snapshot = DirectorySnapshot()
        self.entries_read = 0
        member = plan.member_attribute
        self.users_builder = EntryBuilder(plan.flavour)
        self.groups_builder = EntryBuilder(plan.flavour, skip=[member])
        self.group_entries: dict[str, DirectoryEntry] = {}
        self.member_references: dict[str, list[str]] = {}
        """Per group key: member DN keys, or uids for memberUid, as read."""
        self.member_dns: dict[str, str] = {}
        """Member DN as the server wrote it, by key, for lookups of members not read."""
        self.users_by_uid: dict[str, str] = {}
        self.nested_members: dict[str, set[str]] = {}
        """Per group key: users in it through any nesting, with nested_groups = in-chain."""

    # --- phases ------------------------------------------------------------

    def read(self) -> DirectorySnapshot:
        """Run the three phases; after a lost connection, build groups from what was read."""
        resolver = MemberResolver(self)
        try:
            self._read_users()
            self._read_groups()
            resolver.look_up_members()
            if self.plan.nested_groups is NestedGroups.IN_CHAIN:
                self.nested_members = ad.read_in_chain_members(self)
        except SearchIncomplete as stop:
            self._stop(stop)
        self._warn_if_no_members()
        resolver.build_groups()
        return self.snapshot

    def _warn_if_no_members(self) -> None:
        """Warn when no group read has a member value: likely the wrong member attribute.

        The plan would then remove every synced membership, so the warning
        names the attribute and the setting before the plan is shown.
        """
        groups = len(self.group_entries)
        if groups == 0 or any(self.member_references.values()):
            return
        attribute = self.plan.member_attribute
        subject = f"none of the {groups} groups read has a"
        if groups == 1:
            subject = "the 1 group read has no"
        self.warn(
            f"{subject} value in {attribute}, so the plan would remove every synced membership; "
            "check directory.member_attribute (member, uniqueMember or memberUid) against the "
            "attribute that the groups use"
        )

    def _stop(self, stop: SearchIncomplete) -> None:
        if self.entries_read == 0:
            raise DirectoryError(f"{stop.reason}; nothing was read") from None
        self.snapshot.mark_incomplete(stop.reason)

    def _read_users(self) -> None:
        request = SearchRequest(
            "users", self.plan.base, self.plan.scope.value, self.plan.filters.users,
            self.plan.user_attributes, self.search_controls(),
        )  # fmt: skip
        for dn, raw in self.paged(request):
            self.add_user(dn, raw)

    def _read_groups(self) -> None:
        request = SearchRequest(
            "groups", self.plan.base, self.plan.scope.value, self.plan.filters.groups,
            [*self.plan.group_attributes, self.member_request()], self.search_controls(),
        )  # fmt: skip
        for dn, raw in self.paged(request):
            self.add_group(dn, raw)

    # --- searches ----------------------------------------------------------

    def paged(self, request: SearchRequest) -> Iterator[RawEntry]:
        """Yield the entries of a paged search; an early end marks the snapshot incomplete.

        A lost connection is raised as SearchIncomplete for ``read`` to stop.
        """
        logger.debug(
            "searching %s: %s",
            request.purpose,
            search.ldapsearch_command(self.settings.ldap, request, self.plan.page_size),
        )
        count = 0
        pages = search.paged_search(
            self.connection,
            request,
            page_size=self.plan.page_size,
            timeout=self.plan.timeout,
            on_request=self._count_search,
            ignore_reference=(
                ad.is_other_naming_context if self.plan.flavour is Flavour.AD else None
            ),
        )
        try:
            for page in pages:
                yield from page
                count += len(page)
                self.entries_read += len(page)
                if self.progress is not None and request.purpose in PROGRESS_PHASES:
                    self.progress(request.purpose, count)
        except SearchIncomplete as stop:
            if stop.connection_lost:
                raise
            self.snapshot.mark_incomplete(stop.reason)

    def _count_search(self) -> None:
        self.snapshot.searches += 1

    def lookup(
        self, dn: str, attributes: Sequence[str], *, filter: str = "(objectClass=*)"
    ) -> RawEntry | None:
        """Read one entry by DN; None when it does not exist or does not match the filter.

        Raises LookupFailed when it cannot be read, SearchIncomplete when the
        connection is lost.
        """
        self.snapshot.searches += 1
        return search.read_entry(
            self.connection, dn, attributes, timeout=self.plan.timeout, filter=filter
        )

    def search_controls(self) -> list[LDAPControl]:
        """Return the server controls of the subtree searches (AD: domain scope)."""
        if self.plan.flavour is Flavour.AD:
            return [ad.domain_scope_control()]
        return []

    def member_request(self) -> str:
        """Return the member attribute description for the group search."""
        step = self.plan.range_step
        if step is None or self.plan.members_are_uids:
            return self.plan.member_attribute
        return f"{self.plan.member_attribute};range=0-{step - 1}"

    def warn(self, message: str) -> None:
        """Record a warning in the snapshot and log it."""
        self.snapshot.warnings.append(message)
        logger.warning("%s", message)

    # --- entries -----------------------------------------------------------

    def add_user(self, dn: str, raw: RawAttributes) -> str | None:
        """Add a user entry to the snapshot; return its key, or None when it is left out."""
        entry = self.users_builder.build(dn, raw)
        disabled = False
        if self.plan.flavour is Flavour.AD:
            control = ad.parse_account_control(entry.first("userAccountControl"))
            if ad.is_machine_account(control):
                logger.debug("ignored %s: computer or trust account", dn)
                return None
            disabled = ad.is_disabled(control)
        self.snapshot.users[entry.dn_key] = DirectoryUser(entry=entry, disabled=disabled)
        if self.plan.members_are_uids:
            for uid in entry.attributes.get("uid", ()):
                self.users_by_uid.setdefault(uid.casefold(), entry.dn_key)
        return entry.dn_key

    def add_group(self, dn: str, raw: RawAttributes) -> str | None:
        """Add a group entry and its member references; return its key, or None when left out."""
        entry = self.groups_builder.build(dn, raw)
        if self.plan.flavour is Flavour.AD and self.plan.exclude_system_groups:
            if ad.is_system_group(entry):
                logger.debug("ignored %s: AD system group", dn)
                return None
        if entry.dn_key in self.snapshot.users:
            self.warn(
                f"entry {dn!r} matches both the user and the group filter; it is read as both"
            )
        values = self._member_values(dn, raw)
        self.group_entries[entry.dn_key] = entry
        self.member_references[entry.dn_key] = self._references(dn, values)
        return entry.dn_key

    def _member_values(self, dn: str, raw: RawAttributes) -> list[bytes]:
        attribute = self.plan.member_attribute

        def fetch(description: str) -> RawAttributes | None:
            try:
                found = self.lookup(dn, [description])
            except LookupFailed as error:
                raise RangeError(f"reading {description} failed: {error}") from None
            return None if found is None else found[1]

        try:
            values = read_all_values(raw, attribute, fetch, step=self.plan.range_step)
            if not values and self.plan.range_step is not None and not _mentions(raw, attribute):
                # A server without range retrieval ignores "member;range=0-N":
                # ask once more for the plain attribute.
                values = read_all_values(fetch(attribute) or {}, attribute, fetch)
        except RangeError as error:
            self.snapshot.mark_incomplete(f"members of group {dn!r} not fully read: {error}")
            return error.values
        return values

    def _references(self, group_dn: str, values: list[bytes]) -> list[str]:
        references: list[str] = []
        if self.plan.members_are_uids:
            for value in values:
                uid = value.decode("utf-8", errors="replace").strip()
                if uid:
                    references.append(uid)
            return references
        for value in values:
            member_dn = dn_module.strip_unique_id(value.decode("utf-8", errors="replace"))
            key = dn_module.try_normalize(member_dn)
            if key is None:
                self.warn(
                    f"group {group_dn!r} has a member value that is not a valid DN: "
                    f"{member_dn!r}; skipped"
                )
                continue
            if key not in self.snapshot.users:
                self.member_dns.setdefault(key, member_dn)
            references.append(key)
        return references


def _mentions(raw: RawAttributes, attribute: str) -> bool:
    name = attribute.lower()
    return any(description.lower().split(";", 1)[0] == name for description in raw)
