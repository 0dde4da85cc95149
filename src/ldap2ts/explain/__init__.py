"""``ldap2ts explain NAME``: why a user or group is (or is not) in ThoughtSpot as it is.

For a ThoughtSpot name, a directory identifier (uid, sAMAccountName,
userPrincipalName, mail, cn) or a DN, ``explain`` runs the sync's reads and
plan without writing anything and reports, for each matching principal: the
directory entry it comes from or why the read or the naming left it out,
the name it maps to, its direct groups in the directory and in ThoughtSpot,
and the planned changes that concern it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, field

from ldap2ts import dn as dn_module
from ldap2ts.explain.lookup import find_unread
from ldap2ts.hooks import Hooks, desired_state, resolve_hooks
from ldap2ts.managed import INACTIVE, Inventory
from ldap2ts.model import (
    Action,
    Change,
    DesiredState,
    DirectoryEntry,
    DirectorySnapshot,
    Plan,
    ThoughtSpotSnapshot,
    name_key,
)
from ldap2ts.naming import Namer, SkipReport
from ldap2ts.naming_rules import NamingFailure
from ldap2ts.report import change_lines
from ldap2ts.scope import derive_scopes
from ldap2ts.settings import PurgeAction, Settings

__all__ = ["Explanation", "Finding", "Sources", "explain", "explain_sources", "gather"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Finding:
    """What the sync does with one user or group, and why."""

    kind: str
    """"user", "group" or "entry" (a directory entry that is neither)."""
    name: str | None = None
    """The ThoughtSpot name, when the entry gets one or exists in ThoughtSpot."""
    dn: str | None = None
    status: str = ""
    """One line: "synced", "left out of the sync", "not in the directory read", ..."""
    reasons: list[str] = field(default_factory=list)
    directory_groups: list[str] = field(default_factory=list)
    thoughtspot_groups: list[str] | None = None
    """None when the principal does not exist in ThoughtSpot."""
    changes: list[str] = field(default_factory=list)
    """Plan lines that concern the principal."""


@dataclass(slots=True)
class Explanation:
    query: str
    findings: list[Finding]
    directory_complete: bool = True


@dataclass(slots=True)
class Sources:
    """The reads and the plan an explanation is drawn from."""

    snapshot: DirectorySnapshot
    desired: DesiredState
    skipped: SkipReport
    current: ThoughtSpotSnapshot
    plan: Plan
    hooks: Hooks | None = None
    """The hooks of the run, to name the ones that add groups."""


def explain_sources(settings: Settings, hooks: Hooks | None = None) -> Sources:
    """Read the directory and ThoughtSpot and compute the plan, as ``ldap2ts plan`` does.

    Only reads. Raises the errors of the stages (ConfigError, HookError,
    DirectoryError, ThoughtSpotError).
    """
    from ldap2ts.diff import compute_plan
    from ldap2ts.directory import read_directory
    from ldap2ts.thoughtspot import ThoughtSpotClient, read_snapshot

    resolved = resolve_hooks(settings, hooks)
    snapshot = read_directory(settings)
    skipped = SkipReport()
    desired = desired_state(snapshot, settings, resolved, report=skipped)
    with ThoughtSpotClient(settings.thoughtspot) as client:
        current = read_snapshot(client)
    plan = compute_plan(desired, current, settings)
    return Sources(snapshot, desired, skipped, current, plan, resolved)


def explain(settings: Settings, query: str, hooks: Hooks | None = None) -> Explanation:
    """Explain what the sync does with ``query`` (a name, an identifier or a DN).

    Reads the directory and ThoughtSpot and writes nothing. An entry the
    read did not return is looked up again in the directory to say why.
    """
    sources = explain_sources(settings, hooks)
    explanation = gather(sources, settings, query)
    if not explanation.findings:
        for unread in find_unread(settings, query):
            finding = Finding(unread.kind, dn=unread.entry.dn)
            if unread.reasons:
                finding.status = "not read from the directory"
                finding.reasons = list(unread.reasons)
            else:
                finding.status = "not in the directory read"
                finding.reasons = ["it matches the read's limits, so it was created or changed "
                                   "after the read, or the read was incomplete"]
            explanation.findings.append(finding)
    if not explanation.findings:
        explanation.findings.append(Finding(
            "entry", status="not found",
            reasons=[f"no directory entry and no ThoughtSpot principal is named {query!r}"],
        ))  # fmt: skip
    return explanation


# --- locating the subject --------------------------------------------------------

_IDENTIFIERS = ("uid", "samaccountname", "userprincipalname", "mail", "cn")


def _matching_keys(snapshot: DirectorySnapshot, desired: DesiredState, query: str) -> list[str]:
    """Return the DN keys of read entries that ``query`` names, by DN, name or identifier."""
    if "=" in query:
        key = dn_module.try_normalize(query)
        if key is not None and (key in snapshot.users or key in snapshot.groups):
            return [key]
    wanted = name_key(query)
    sources = [principal.source_dn for principal in desired.users.values()
               if name_key(principal.name) == wanted]  # fmt: skip
    sources += [principal.source_dn for principal in desired.groups.values()
                if name_key(principal.name) == wanted]  # fmt: skip
    keys = [dn_module.normalize(source) for source in sources if source]
    if keys:
        return keys
    values = {wanted, name_key(query.rpartition("@")[0])} - {""}
    entries = [(key, user.entry) for key, user in snapshot.users.items()]
    entries += [(key, group.entry) for key, group in snapshot.groups.items()]
    for key, entry in entries:
        attributes = entry.attributes
        if any(name_key(value) in values for attribute in _IDENTIFIERS
               for value in attributes.get(attribute, ())):  # fmt: skip
            keys.append(key)
    return keys


def gather(sources: Sources, settings: Settings, query: str) -> Explanation:
    """Build the explanation of ``query`` from reads already made; no I/O."""
    explanation = Explanation(query, [], sources.snapshot.complete)
    context = _Context(sources, settings)
    seen_names: set[str] = set()
    for key in _matching_keys(sources.snapshot, sources.desired, query):
        finding = context.from_entry(key)
        explanation.findings.append(finding)
        if finding.name:
            seen_names.add(name_key(finding.name))
    wanted = name_key(query)
    if wanted not in seen_names:
        from_hooks = context.from_hooks(wanted)
        if from_hooks is not None:
            explanation.findings.append(from_hooks)
            seen_names.add(wanted)
    if wanted not in seen_names:
        only_in_thoughtspot = context.from_thoughtspot(query)
        if only_in_thoughtspot is not None:
            explanation.findings.append(only_in_thoughtspot)
    if not sources.snapshot.complete:
        for finding in explanation.findings:
            finding.reasons.append(
                "the directory read was incomplete, so no removal is planned: "
                + "; ".join(sources.snapshot.incomplete_reasons)
            )
    return explanation


class _Context:
    """Look-ups over the sources, shared by the findings of one explanation."""

    def __init__(self, sources: Sources, settings: Settings) -> None:
        self.sources = sources
        self.settings = settings
        user_scope, group_scope = derive_scopes(sources.desired, settings)
        self.inventory = Inventory(sources.current, settings, user_scope, group_scope)
        self.by_dn: dict[str, tuple[str, str]] = {}
        """DN key: (kind, name key) of each named entry."""
        for kind, principals in (("user", sources.desired.users),
                                 ("group", sources.desired.groups)):  # fmt: skip
            for key, principal in principals.items():
                if principal.source_dn:
                    self.by_dn[dn_module.normalize(principal.source_dn)] = (kind, key)
        self.skipped: dict[str, list[str]] = {}
        for _, reason, dn in sources.skipped.entries():
            self.skipped.setdefault(dn_module.normalize(dn), []).append(reason)

    def from_entry(self, key: str) -> Finding:
        snapshot = self.sources.snapshot
        kind = "user" if key in snapshot.users else "group"
        entry = snapshot.users[key].entry if kind == "user" else snapshot.groups[key].entry
        finding = Finding(kind, dn=entry.dn)
        named = self.by_dn.get(key)
        if named is None:
            finding.status = "left out of the sync"
            finding.reasons = list(self.skipped.get(key, ["the naming stage gave it no name"]))
            finding.directory_groups = self._read_groups(key)
            self._left_out_in_thoughtspot(finding, kind, entry)
            return finding
        kind, name = named
        self._describe(finding, kind, name)
        return finding

    def _read_groups(self, key: str) -> list[str]:
        """Return the groups whose members include the entry, by ThoughtSpot name or DN."""
        names = []
        for group_key, group in self.sources.snapshot.groups.items():
            if key in group.member_keys:
                named = self.by_dn.get(group_key)
                names.append(self.sources.desired.groups[named[1]].name if named
                             else group.entry.dn)  # fmt: skip
        return sorted(names)

    def _left_out_in_thoughtspot(self, finding: Finding, kind: str, entry: DirectoryEntry) -> None:
        """Describe the ThoughtSpot principal that the naming rules would give a left-out entry."""
        namer = Namer(self.settings.naming)
        try:
            name = namer.user_name(entry) if kind == "user" else namer.group_name(entry)
        except NamingFailure:
            return
        key = name_key(name)
        exists = self.inventory.users_by_key if kind == "user" else self.inventory.groups_by_key
        if key not in exists:
            return
        self._thoughtspot_side(finding, kind, key)
        finding.changes = self._changes(kind, finding.name or name)

    def from_hooks(self, key: str) -> Finding | None:
        """Describe a group that no directory group names, added by the entry hooks."""
        group = self.sources.desired.groups.get(key)
        if group is None or group.source_dn:
            return None
        finding = Finding("group")
        self._describe(finding, "group", key)
        hooks = self.sources.hooks
        labels = [hooks.label(hook) for hook in hooks.entries] if hooks else []
        if len(labels) == 1:
            finding.status = f"created by hook {labels[0]}"
        elif labels:
            finding.status = f"created by one of the hooks {', '.join(labels)}"
        else:
            finding.status = "created by an entry hook"
        members = len(group.users) + len(group.sub_groups)
        finding.reasons.append(
            f"no directory group has this name; the entry hooks put {members} "
            f"{'member' if members == 1 else 'members'} in it, so the desired state has it"
        )
        return finding

    def from_thoughtspot(self, query: str) -> Finding | None:
        key = name_key(query)
        user = self.inventory.users_by_key.get(key)
        group = self.inventory.groups_by_key.get(key)
        if user is None and group is None:
            return None
        kind = "user" if user is not None else "group"
        finding = Finding(kind)
        self._describe(finding, kind, key)
        return finding

    def _describe(self, finding: Finding, kind: str, key: str) -> None:
        desired = self.sources.desired
        principal = desired.users.get(key) if kind == "user" else desired.groups.get(key)
        finding.name = principal.name if principal is not None else None
        if principal is None:
            finding.status = "not in the directory read"
        elif kind == "user" and not desired.users[key].active:
            finding.status = "disabled in the directory"
            if not self.settings.directory.include_disabled:
                finding.reasons.append("directory.include_disabled is off, so it is not "
                                       "created, and an existing account is deactivated")
        else:
            finding.status = "synced"
        finding.directory_groups = self._directory_groups(kind, key)
        self._thoughtspot_side(finding, kind, key)
        finding.changes = self._changes(kind, finding.name or key)
        if principal is None and not finding.changes:
            finding.reasons += self._kept_reasons(kind, key)

    def _kept_reasons(self, kind: str, key: str) -> list[str]:
        """Say why a managed principal missing from the directory has no planned change."""
        sync = self.settings.sync
        if kind == "user":
            user = self.inventory.users_by_key.get(key)
            if user is None or self.inventory.user_exclusion(user) is not None:
                return []
            if not sync.purge_users:
                return ["sync.purge_users is off, so users missing from the directory are kept"]
            if sync.purge_action is PurgeAction.DEACTIVATE and user.account_status == INACTIVE:
                return ["it is already deactivated (sync.purge_action is deactivate)"]
            return []
        group = self.inventory.groups_by_key.get(key)
        if group is None or self.inventory.group_exclusion(group) is not None:
            return []
        if not sync.purge_groups:
            return ["sync.purge_groups is off, so groups missing from the directory are kept"]
        if sync.purge_action is PurgeAction.DEACTIVATE:
            return ["sync.purge_action is deactivate, which applies to users only, so the group "
                    "is kept; set it to delete to delete groups missing from the directory"]
        return []

    def _directory_groups(self, kind: str, key: str) -> list[str]:
        groups = self.sources.desired.groups.values()
        if kind == "user":
            return sorted(group.name for group in groups if key in group.users)
        return sorted(group.name for group in groups if key in group.sub_groups)

    def _thoughtspot_side(self, finding: Finding, kind: str, key: str) -> None:
        current = self.sources.current
        if kind == "user":
            user = self.inventory.users_by_key.get(key)
            if user is None:
                return
            finding.name = finding.name or user.name
            finding.thoughtspot_groups = sorted(
                current.groups[group_id].name for group_id in user.group_ids
                if group_id in current.groups
            )  # fmt: skip
            exclusion = self.inventory.user_exclusion(user)
        else:
            group = self.inventory.groups_by_key.get(key)
            if group is None:
                return
            finding.name = finding.name or group.name
            finding.thoughtspot_groups = sorted(
                parent.name for parent in current.groups.values()
                if group.id in parent.sub_group_ids
            )  # fmt: skip
            exclusion = self.inventory.group_exclusion(group)
        if exclusion is not None:
            finding.reasons.append(f"ldap2ts leaves it alone in ThoughtSpot because {exclusion}")
        if finding.name and self.inventory.is_protected(finding.name):
            finding.reasons.append("sync.protect lists it: it is never deactivated, deleted "
                                   "or removed from a group")

    def _changes(self, kind: str, name: str) -> list[str]:
        key = name_key(name)
        lines: list[str] = []
        for change in self.sources.plan.changes:
            if change.action in (Action.ADD_MEMBERS, Action.REMOVE_MEMBERS):
                lines += _member_lines(change, kind, key)
            elif name_key(change.name) == key and change.action.value.endswith(kind):
                lines += change_lines(change)
        mention = re.compile(rf"(?<![\w.@-]){re.escape(key)}(?![\w.@-])")
        for reason in self.sources.plan.skipped:
            if mention.search(name_key(reason)):
                lines.append(f"held back: {reason}")
        return lines


def _member_lines(change: Change, kind: str, key: str) -> list[str]:
    """Return the lines of a membership change that concern one user or group."""
    if kind == "group" and name_key(change.name) == key:
        return change_lines(change)
    if kind == "user":
        mine = tuple(user for user in change.users if name_key(user) == key)
        single = dataclasses.replace(change, users=mine, sub_groups=())
    else:
        mine = tuple(group for group in change.sub_groups if name_key(group) == key)
        single = dataclasses.replace(change, users=(), sub_groups=mine)
    return change_lines(single) if mine else []
