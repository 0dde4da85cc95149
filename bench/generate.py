"""Deterministic generator of the benchmark directory, written as LDIF for slapadd.

The same size and seed always give the same entries in the same order. At
full size the directory has 100,000 inetOrgPerson users and 10,000
groupOfNames groups with about 350,000 member values. The groups are one
group of every user, four groups of 20 % to 40 % of the users, a nesting
tree four levels deep and a cycle of three groups. The sizes of the other
groups follow a log-normal distribution with a median of 8 members.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

import ldif  # type: ignore[import-untyped]
from ldap.dn import escape_dn_chars

from bench import names

BASE_DN = "dc=bench,dc=example,dc=com"
PEOPLE_OUS = ("ou=EMEA,ou=people", "ou=Americas,ou=people", "ou=APAC,ou=people")
GROUP_OUS = ("ou=groups", "ou=projects,ou=groups")
MAIL_DOMAIN = "bench.example.com"

TREE_DEPTH = 4
CYCLE_LENGTH = 3
MEDIAN_GROUP_SIZE = 8
GROUP_SIZE_SIGMA = 1.0
"""Sigma of the log-normal group sizes: with a median of 8 the mean is about 13."""


@dataclass(frozen=True, slots=True)
class Size:
    name: str
    users: int
    groups: int
    big_group_shares: tuple[float, ...] = (0.4, 0.3, 0.25, 0.2)
    """Share of all users in each big group."""

    @property
    def tree_branching(self) -> int:
        return 3 if self.groups >= 200 else 2


SIZES = {
    "small": Size("small", users=400, groups=40, big_group_shares=(0.4, 0.2)),
    "medium": Size("medium", users=5_000, groups=500),
    "full": Size("full", users=100_000, groups=10_000),
}


@dataclass(slots=True)
class User:
    dn: str
    cn: str
    uid: str
    given_name: str
    surname: str
    display_name: str
    mail: str
    ou: str
    """The user's OU relative to the base DN, for example ou=EMEA,ou=people."""


@dataclass(slots=True)
class Group:
    dn: str
    cn: str
    kind: str
    """One of all, big, tree, cycle, regular (for the change generator and the stats)."""
    members: list[str]
    """Member DNs: users first, then groups."""


@dataclass(slots=True)
class Directory:
    base_dn: str
    users: dict[str, User] = field(default_factory=dict)
    """By DN, in generation order."""
    groups: dict[str, Group] = field(default_factory=dict)
    """By DN, in generation order."""

    @property
    def member_values(self) -> int:
        return sum(len(group.members) for group in self.groups.values())


def generate(size: Size, seed: int = 1) -> Directory:
    """Build the directory for a size; the same size and seed give the same result."""
    rng = random.Random(seed)
    directory = Directory(BASE_DN)
    for user in _generate_users(rng, size.users):
        directory.users[user.dn] = user
    for group in _generate_groups(rng, size, list(directory.users)):
        directory.groups[group.dn] = group
    return directory


def container_dns(base_dn: str = BASE_DN) -> list[str]:
    """Return the DNs of the base entry and the OUs, parents first."""
    ous = {"ou=people", *PEOPLE_OUS, *GROUP_OUS}
    by_depth = sorted(ous, key=lambda ou: (ou.count(","), ou))
    return [base_dn, *(f"{ou},{base_dn}" for ou in by_depth)]


# --- Users ---------------------------------------------------------------------


def _generate_users(rng: random.Random, count: int) -> Iterator[User]:
    used_cns: set[str] = set()
    used_uids: set[str] = set()
    used_mails: set[str] = set()
    for index in range(count):
        yield make_user(rng, index, used_cns, used_uids, used_mails)


def make_user(
    rng: random.Random, index: int, used_cns: set[str], used_uids: set[str], used_mails: set[str]
) -> User:
    """Draw one user; the used_* sets keep cn (per OU), uid and mail unique."""
    given, surname = names.person_name(rng, rng.random() < names.UNICODE_SHARE)
    display_name = f"{given} {surname}"
    cn = display_name
    if rng.random() < names.ESCAPED_DN_SHARE:
        cn = names.escaped_person_cn(rng, given, surname)
    ou = rng.choice(PEOPLE_OUS)
    cn = _unique(cn, index, used_cns, scope=ou, separator=" ")
    uid = _unique(f"{given}.{surname}".lower().replace(" ", ""), index, used_uids)
    local_part = _unique(_ascii_fold(uid) or "user", index, used_mails)
    dn = f"cn={escape_dn_chars(cn)},{ou},{BASE_DN}"
    return User(dn, cn, uid, given, surname, display_name, f"{local_part}@{MAIL_DOMAIN}", ou)


def _unique(value: str, index: int, used: set[str], *, scope: str = "", separator: str = "") -> str:
    """Return value, or value with the index appended when it is taken already in its scope.

    Values are compared case-insensitively, as LDAP and ThoughtSpot compare names.
    No base value ends in a digit, so the index makes the result unique.
    """
    if f"{scope}|{value}".casefold() in used:
        value = f"{value}{separator}{index}"
    used.add(f"{scope}|{value}".casefold())
    return value


def _ascii_fold(text: str) -> str:
    """Return the ASCII letters, digits and dots of text, or "" when it has no letter or digit."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "."))
    return folded.strip(".") if any(c.isalnum() for c in folded) else ""


# --- Groups --------------------------------------------------------------------


def _generate_groups(rng: random.Random, size: Size, user_dns: list[str]) -> Iterator[Group]:
    """Yield the all-users group, the big groups, the tree, the cycle, then regular groups."""
    yield Group(f"cn=all-staff,{GROUP_OUS[0]},{BASE_DN}", "all-staff", "all", list(user_dns))
    index = 1
    for share in size.big_group_shares:
        members = _sample_users(rng, user_dns, round(share * len(user_dns)))
        yield _make_group(rng, index, "big", members)
        index += 1

    tree = _generate_tree(rng, size, user_dns, index)
    index += len(tree)
    yield from tree

    cycle = [
        _make_group(rng, index + offset, "cycle", _random_members(rng, user_dns))
        for offset in range(CYCLE_LENGTH)
    ]
    for position, group in enumerate(cycle):
        group.members.append(cycle[(position + 1) % CYCLE_LENGTH].dn)
    index += CYCLE_LENGTH
    yield from cycle

    for group_index in range(index, size.groups):
        yield _make_group(rng, group_index, "regular", _random_members(rng, user_dns))


def _generate_tree(
    rng: random.Random, size: Size, user_dns: list[str], first_index: int
) -> list[Group]:
    """Build a nesting tree TREE_DEPTH levels deep, where each parent lists its children."""
    groups: list[Group] = []
    level = [_make_group(rng, first_index, "tree", _random_members(rng, user_dns))]
    groups.extend(level)
    for _ in range(TREE_DEPTH - 1):
        children: list[Group] = []
        for parent in level:
            for _ in range(size.tree_branching):
                child = _make_group(rng, first_index + len(groups) + len(children), "tree",
                                    _random_members(rng, user_dns))
                parent.members.append(child.dn)
                children.append(child)
        groups.extend(children)
        level = children
    return groups


def _make_group(rng: random.Random, index: int, kind: str, members: list[str]) -> Group:
    words = names.group_words(rng, rng.random() < names.UNICODE_SHARE)
    cn = f"{words} {index:05d}"
    if rng.random() < names.ESCAPED_DN_SHARE:
        cn = names.escaped_group_cn(rng, f"{words} {index:05d}")
    ou = GROUP_OUS[1] if rng.random() < 0.2 else GROUP_OUS[0]
    return Group(f"cn={escape_dn_chars(cn)},{ou},{BASE_DN}", cn, kind, members)


def _random_members(rng: random.Random, user_dns: list[str]) -> list[str]:
    """Draw a log-normal number of users (median MEDIAN_GROUP_SIZE), at least one."""
    limit = max(MEDIAN_GROUP_SIZE, len(user_dns) // 50)
    count = round(rng.lognormvariate(math.log(MEDIAN_GROUP_SIZE), GROUP_SIZE_SIGMA))
    return _sample_users(rng, user_dns, min(max(count, 1), limit))


def _sample_users(rng: random.Random, user_dns: list[str], count: int) -> list[str]:
    positions = sorted(rng.sample(range(len(user_dns)), count))
    return [user_dns[position] for position in positions]


# --- LDIF ----------------------------------------------------------------------


def user_entry(user: User) -> dict[str, list[bytes]]:
    return {
        "objectClass": [b"top", b"person", b"organizationalPerson", b"inetOrgPerson"],
        "cn": [user.cn.encode()],
        "sn": [user.surname.encode()],
        "givenName": [user.given_name.encode()],
        "displayName": [user.display_name.encode()],
        "uid": [user.uid.encode()],
        "mail": [user.mail.encode()],
    }


def group_entry(group: Group) -> dict[str, list[bytes]]:
    return {
        "objectClass": [b"top", b"groupOfNames"],
        "cn": [group.cn.encode()],
        "member": [dn.encode() for dn in group.members],
    }


def container_entry(dn: str) -> dict[str, list[bytes]]:
    attribute, _, value = dn.split(",")[0].partition("=")
    if attribute == "dc":
        return {"objectClass": [b"top", b"dcObject", b"organization"],
                "dc": [value.encode()], "o": [b"ldap2ts benchmark"]}
    return {"objectClass": [b"top", b"organizationalUnit"], "ou": [value.encode()]}


def write_ldif(directory: Directory, stream: TextIO, *, include_base: bool = True) -> None:
    """Write every entry, containers first, in the form slapadd reads.

    ``include_base=False`` leaves out the base entry, for a server that creates it.
    """
    writer = ldif.LDIFWriter(stream, cols=1_000_000)
    for dn in container_dns(directory.base_dn):
        if include_base or dn != directory.base_dn:
            writer.unparse(dn, container_entry(dn))
    for user in directory.users.values():
        writer.unparse(user.dn, user_entry(user))
    for group in directory.groups.values():
        writer.unparse(group.dn, group_entry(group))
