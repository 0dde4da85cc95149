"""A deterministic 1 % change of a generated directory, written as ldapmodify input.

The change adds and removes users, changes display names and emails, moves
users from one group to another, and adds and removes a group. Removed
users also leave every group that listed them, as the refint overlay
would do. Applying the LDIF with ldapmodify keeps the entryUUID of every
other entry, so a sync that anchors principals on entryUUID finds only the
changed ones.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TextIO

import ldap
import ldif  # type: ignore[import-untyped]

from bench import names
from bench.generate import GROUP_OUS, MAIL_DOMAIN, Directory, Group, User, group_entry, make_user
from bench.generate import user_entry as _user_entry

NEW_GROUP_SIZE = 8


@dataclass(slots=True)
class ChangeSummary:
    new_users: int = 0
    removed_users: int = 0
    renamed_users: int = 0
    """Users whose displayName changed."""
    new_emails: int = 0
    membership_moves: int = 0
    new_groups: int = 0
    removed_groups: int = 0
    groups_with_member_changes: int = 0
    """Groups present before and after the change whose member list differs."""

    @property
    def changed_principals(self) -> int:
        return (self.new_users + self.removed_users + self.renamed_users + self.new_emails
                + self.new_groups + self.removed_groups)


@dataclass(slots=True)
class DirectoryChange:
    after: Directory
    summary: ChangeSummary
    ldif: str
    """ldapmodify input that turns the directory before the change into ``after``."""


@dataclass(slots=True)
class _Edits:
    """Changes collected while drawing, written to LDIF at the end."""

    added_users: list[User] = field(default_factory=list)
    user_replacements: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    member_adds: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    member_deletes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    added_group: Group | None = None
    removed_group: str | None = None
    removed_users: list[str] = field(default_factory=list)


def change_directory(before: Directory, share: float = 0.01, seed: int = 2) -> DirectoryChange:
    """Change about ``share`` of the users of ``before``; ``before`` itself is left as it was."""
    rng = random.Random(seed)
    after = Directory(
        before.base_dn,
        dict(before.users),
        {dn: dataclasses.replace(group, members=list(group.members))
         for dn, group in before.groups.items()},
    )
    edits = _Edits()
    summary = ChangeSummary()
    changes = max(4, round(len(before.users) * share))

    _remove_group(rng, after, edits, summary)
    _remove_users(rng, after, edits, summary, changes // 4)
    _edit_users(rng, after, edits, summary, changes // 4)
    _add_users(rng, after, edits, summary, changes // 4)
    _move_members(rng, after, edits, summary, changes // 2)
    _add_group(rng, after, edits, summary)

    summary.groups_with_member_changes = sum(
        1 for dn, group in after.groups.items()
        if dn in before.groups and set(group.members) != set(before.groups[dn].members)
    )
    return DirectoryChange(after, summary, _write_ldif(edits))


def _regular_groups(directory: Directory) -> list[Group]:
    return [group for group in directory.groups.values() if group.kind == "regular"]


def _remove_group(
    rng: random.Random, after: Directory, edits: _Edits, summary: ChangeSummary
) -> None:
    """Remove one regular group; no other group lists a regular group as a member."""
    group = rng.choice(_regular_groups(after))
    del after.groups[group.dn]
    edits.removed_group = group.dn
    summary.removed_groups = 1


def _remove_users(
    rng: random.Random, after: Directory, edits: _Edits, summary: ChangeSummary, count: int
) -> None:
    """Remove users that are not the last member of any group (groupOfNames needs one)."""
    groups_of: dict[str, list[Group]] = defaultdict(list)
    for group in after.groups.values():
        for member in group.members:
            groups_of[member].append(group)
    candidates = rng.sample(list(after.users), min(len(after.users), count * 2))
    for dn in candidates:
        if summary.removed_users == count:
            break
        if any(len(group.members) <= 1 for group in groups_of[dn]):
            continue
        for group in groups_of[dn]:
            group.members.remove(dn)
            edits.member_deletes[group.dn].append(dn)
        del after.users[dn]
        edits.removed_users.append(dn)
        summary.removed_users += 1


def _edit_users(
    rng: random.Random, after: Directory, edits: _Edits, summary: ChangeSummary, count: int
) -> None:
    """Give ``count`` users a new displayName and ``count`` others a new mail."""
    chosen = rng.sample(list(after.users), min(len(after.users), count * 2))
    for dn in chosen[:count]:
        user = after.users[dn]
        _, surname = names.person_name(rng, unicode_name=not user.surname.isascii())
        display_name = f"{user.given_name} {surname}-{user.surname}"
        after.users[dn] = dataclasses.replace(user, display_name=display_name)
        edits.user_replacements[dn] = [("displayName", display_name)]
        summary.renamed_users += 1
    for dn in chosen[count:]:
        user = after.users[dn]
        mail = f"{user.mail.partition('@')[0]}@mail.{MAIL_DOMAIN}"
        after.users[dn] = dataclasses.replace(user, mail=mail)
        edits.user_replacements[dn] = [("mail", mail)]
        summary.new_emails += 1


def _add_users(
    rng: random.Random, after: Directory, edits: _Edits, summary: ChangeSummary, count: int
) -> None:
    """Add users, each to the all-users group and to one or two regular groups."""
    used_cns = {_cn_key(user) for user in after.users.values()}
    used_uids = {f"|{user.uid}".casefold() for user in after.users.values()}
    used_mails = {f"|{user.mail.partition('@')[0]}".casefold() for user in after.users.values()}
    all_users = next(group for group in after.groups.values() if group.kind == "all")
    regular = _regular_groups(after)
    first_index = 1_000_000 + len(after.users)
    for offset in range(count):
        user = make_user(rng, first_index + offset, used_cns, used_uids, used_mails)
        after.users[user.dn] = user
        edits.added_users.append(user)
        for group in [all_users, *rng.sample(regular, rng.randint(1, 2))]:
            group.members.append(user.dn)
            edits.member_adds[group.dn].append(user.dn)
        summary.new_users += 1


def _cn_key(user: User) -> str:
    """Return the key make_user uses to keep a cn unique within its OU."""
    return f"{user.ou}|{user.cn}".casefold()


def _move_members(
    rng: random.Random, after: Directory, edits: _Edits, summary: ChangeSummary, count: int
) -> None:
    """Move users from one regular group to another; a source group keeps one member."""
    regular = _regular_groups(after)
    for _ in range(count * 4):
        if summary.membership_moves == count:
            break
        source, target = rng.sample(regular, 2)
        movable = [dn for dn in source.members if dn not in edits.member_adds[source.dn]]
        if len(source.members) <= 1 or not movable:
            continue
        dn = rng.choice(movable)
        if dn in target.members or dn in edits.member_deletes[target.dn]:
            continue
        source.members.remove(dn)
        edits.member_deletes[source.dn].append(dn)
        target.members.append(dn)
        edits.member_adds[target.dn].append(dn)
        summary.membership_moves += 1


def _add_group(
    rng: random.Random, after: Directory, edits: _Edits, summary: ChangeSummary
) -> None:
    members = sorted(rng.sample(list(after.users), min(NEW_GROUP_SIZE, len(after.users))))
    cn = "new-project-team"
    group = Group(f"cn={cn},{GROUP_OUS[1]},{after.base_dn}", cn, "regular", members)
    after.groups[group.dn] = group
    edits.added_group = group
    summary.new_groups = 1


# --- LDIF ----------------------------------------------------------------------


def _write_ldif(edits: _Edits) -> str:
    """Write the edits in an order ldapmodify accepts: adds, modifies, then deletes."""
    stream = io.StringIO()
    writer = ldif.LDIFWriter(stream, cols=1_000_000)
    for user in edits.added_users:
        writer.unparse(user.dn, list(_user_entry(user).items()))
    if edits.added_group is not None:
        writer.unparse(edits.added_group.dn, list(group_entry(edits.added_group).items()))
    for dn, replacements in edits.user_replacements.items():
        modifications = [(ldap.MOD_REPLACE, name, [value.encode()]) for name, value in replacements]
        writer.unparse(dn, modifications)
    for group_dn in sorted(set(edits.member_adds) | set(edits.member_deletes)):
        if group_dn == edits.removed_group:
            continue
        modifications = []
        if deletes := edits.member_deletes.get(group_dn):
            modifications.append((ldap.MOD_DELETE, "member", [dn.encode() for dn in deletes]))
        if adds := edits.member_adds.get(group_dn):
            modifications.append((ldap.MOD_ADD, "member", [dn.encode() for dn in adds]))
        if modifications:
            writer.unparse(group_dn, modifications)
    if edits.removed_group is not None:
        _write_delete(stream, edits.removed_group)
    for dn in edits.removed_users:
        _write_delete(stream, dn)
    return stream.getvalue()


def _write_delete(stream: TextIO, dn: str) -> None:
    """Write a delete record, base64-encoding the DN where RFC 2849 requires it."""
    safe = dn.isascii() and dn.isprintable() and not dn.endswith(" ")
    if safe and not dn.startswith((" ", ":", "<")):
        stream.write(f"dn: {dn}\n")
    else:
        stream.write(f"dn:: {base64.b64encode(dn.encode()).decode()}\n")
    stream.write("changetype: delete\n\n")
