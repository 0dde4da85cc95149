"""Group members as slapd returns them: escaping, attributes, members beyond the read."""

from __future__ import annotations

import logging

import pytest

from ldap2ts import dn
from ldap2ts.directory import read_directory
from ldap2ts.settings import Scope
from tests.fixtures.slapd import BULK_BASE, BULK_USERS, EDGE_BASE, Company, make_settings

PEOPLE = f"ou=People,{EDGE_BASE}"
GROUPS = f"ou=Groups,{EDGE_BASE}"
OUTSIDE = "ou=Outside,dc=example,dc=com"


def key(text: str) -> str:
    return dn.normalize(text)


def test_escaped_member_dns_match_entries(slapd_company: Company) -> None:
    snapshot = read_directory(make_settings(slapd_company.server, EDGE_BASE))

    bot = key(rf"cn=R&D\, Europe Bot,{PEOPLE}")
    tricky = key(rf"cn=Back\\Slash \# Plus\+Quote\",{PEOPLE}")
    assert snapshot.groups[key(f"cn=Escapes,{GROUPS}")].member_keys == {bot, tricky}
    assert snapshot.users[bot].entry.dn == rf"cn=R&D\2C Europe Bot,{PEOPLE}"
    assert snapshot.users[bot].entry.first("cn") == "R&D, Europe Bot"
    assert snapshot.users[tricky].entry.first("cn") == 'Back\\Slash # Plus+Quote"'


def test_escaped_dn_round_trip(slapd_company: Company) -> None:
    snapshot = read_directory(make_settings(slapd_company.server, EDGE_BASE))

    for user in snapshot.users.values():
        assert key(user.entry.dn) == user.entry.dn_key
        value = dn.parse(user.entry.dn)[0][0][1]
        rebuilt = f"cn={dn.escape_rdn_value(value)},{PEOPLE}"
        if user.entry.dn.startswith("cn="):
            assert key(rebuilt) == user.entry.dn_key


def test_unique_member_with_unique_id(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, member_attribute="uniqueMember")

    snapshot = read_directory(settings)

    assert snapshot.groups[key(f"cn=Unique,{GROUPS}")].member_keys == {
        key(f"uid=ada,{PEOPLE}"),
        key(f"uid=grace,{PEOPLE}"),
    }
    assert snapshot.groups[key(f"cn=Cycle A,{GROUPS}")].member_keys == set()


def test_member_uid_resolved_by_uid(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, member_attribute="memberUid")

    snapshot = read_directory(settings)

    assert snapshot.groups[key(f"cn=posix,{GROUPS}")].member_keys == {
        key(f"uid=ada,{PEOPLE}"),
        key(f"uid=alan,{PEOPLE}"),
    }
    assert sorted(w for w in snapshot.warnings if f"'cn=posix,{GROUPS}'" in w) == [
        f"memberUid 'nobody-has-this-uid' of group 'cn=posix,{GROUPS}' matches no user in the "
        "read; skipped",
        f"memberUid 'outsider' of group 'cn=posix,{GROUPS}' matches no user in the read; skipped",
    ]


def test_member_uid_outside_read_found(slapd_company: Company) -> None:
    settings = make_settings(
        slapd_company.server,
        EDGE_BASE,
        member_attribute="memberUid",
        include_nontree_members=True,
    )

    snapshot = read_directory(settings)

    outsider = key(f"uid=outsider,{OUTSIDE}")
    assert outsider in snapshot.users
    assert outsider in snapshot.groups[key(f"cn=posix,{GROUPS}")].member_keys
    assert [w for w in snapshot.warnings if f"'cn=posix,{GROUPS}'" in w] == [
        f"memberUid 'nobody-has-this-uid' of group 'cn=posix,{GROUPS}' matches no user in the "
        "read; skipped",
    ]


def test_member_uid_escaped_in_filter(slapd_company: Company) -> None:
    settings = make_settings(
        slapd_company.server,
        EDGE_BASE,
        member_attribute="memberUid",
        include_nontree_members=True,
    )

    snapshot = read_directory(settings)

    star = key(f"uid=star*user,{OUTSIDE}")
    assert snapshot.groups[key(f"cn=posix stars,{GROUPS}")].member_keys == {star}
    assert snapshot.users[star].entry.first("cn") == "Star (User)"
    assert (
        f"memberUid 'sta*' of group 'cn=posix stars,{GROUPS}' matches no user in the read; skipped"
        in snapshot.warnings
    )


def test_nontree_members_dropped_by_default(slapd_company: Company) -> None:
    snapshot = read_directory(make_settings(slapd_company.server, EDGE_BASE))

    reaches_out = snapshot.groups[key(f"cn=Reaches Out,{GROUPS}")]
    assert reaches_out.member_keys == {key(f"uid=grace,{PEOPLE}")}
    assert key(f"uid=outsider,{OUTSIDE}") not in snapshot.users
    assert not any(OUTSIDE in warning for warning in snapshot.warnings)


def test_nontree_members_read_recursively(
    slapd_company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, include_nontree_members=True)

    with caplog.at_level(logging.DEBUG, logger="ldap2ts.directory"):
        snapshot = read_directory(settings)

    outside_group = key(f"cn=Outside Group,{OUTSIDE}")
    farther_group = key(f"cn=Farther Group,{OUTSIDE}")
    reaches_out = key(f"cn=Reaches Out,{GROUPS}")
    assert snapshot.complete
    assert snapshot.groups[reaches_out].member_keys == {outside_group, key(f"uid=grace,{PEOPLE}")}
    assert snapshot.groups[outside_group].member_keys == {
        key(f"uid=outsider,{OUTSIDE}"),
        farther_group,
    }
    assert snapshot.groups[farther_group].member_keys == {
        key(f"uid=faraway,{OUTSIDE}"),
        reaches_out,
    }
    assert snapshot.users[key(f"uid=faraway,{OUTSIDE}")].entry.first("cn") == "Far Away"
    messages = [record.getMessage() for record in caplog.records]
    cycles = [m for m in messages if "Outside Group" in m and m.startswith("nested")]
    assert cycles == [
        f"nested groups form a cycle: cn=Farther Group,{OUTSIDE} -> cn=Reaches Out,{GROUPS} "
        f"-> cn=Outside Group,{OUTSIDE} -> cn=Farther Group,{OUTSIDE}"
    ]


def test_missing_members_warned_once(
    slapd_company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, include_nontree_members=True)

    snapshot = read_directory(settings)

    has_ghosts = snapshot.groups[key(f"cn=Has Ghosts,{GROUPS}")]
    assert has_ghosts.member_keys == {key(f"uid=ada,{PEOPLE}")}
    assert snapshot.groups[key(f"cn=Also Ghosts,{GROUPS}")].member_keys == set()
    assert snapshot.complete
    ghost_warnings = sorted(w for w in snapshot.warnings if "ghost" in w)
    assert ghost_warnings == [
        f"member 'uid=ghost,{OUTSIDE}' of group 'cn=Has Ghosts,{GROUPS}' not found in the "
        "directory; skipped",
        f"member 'uid=ghost,{PEOPLE}' of group 'cn=Has Ghosts,{GROUPS}' not found in the "
        "directory; skipped",
    ]
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sorted(m for m in logged if "ghost" in m) == ghost_warnings


def test_member_left_out_by_filter_not_warned(slapd_company: Company) -> None:
    snapshot = read_directory(make_settings(slapd_company.server, EDGE_BASE))

    assert key(f"cn=printer,{PEOPLE}") not in snapshot.users
    assert not any("printer" in warning for warning in snapshot.warnings)


def test_one_level_scope_reads_direct_children(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, PEOPLE, scope=Scope.ONE)

    snapshot = read_directory(settings)

    assert len(snapshot.users) == 5
    assert snapshot.groups == {}


def test_base_scope_reads_one_entry(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, f"cn=Escapes,{GROUPS}", scope=Scope.BASE)

    snapshot = read_directory(settings)

    assert list(snapshot.groups) == [key(f"cn=Escapes,{GROUPS}")]
    assert snapshot.groups[key(f"cn=Escapes,{GROUPS}")].member_keys == set()


def test_extra_filter_narrows_users_and_groups(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, filter="(cn=A*)")

    snapshot = read_directory(settings)

    assert set(snapshot.users) == {key(f"uid=ada,{PEOPLE}"), key(f"uid=alan,{PEOPLE}")}
    assert set(snapshot.groups) == {key(f"cn=Also Ghosts,{GROUPS}")}


def test_big_group_with_range_step(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, ldap={"range_step": 500})

    snapshot = read_directory(settings)

    big = snapshot.groups[key(f"cn=Big,{BULK_BASE}")]
    assert snapshot.complete
    assert len(big.member_keys) == BULK_USERS
    assert big.member_keys == set(snapshot.users)


def test_extra_attributes_read(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, extra_attributes=("sn",))

    snapshot = read_directory(settings)

    assert snapshot.users[key(f"uid=ada,{PEOPLE}")].entry.first("sn") == "Lovelace"


def test_progress_labels_for_lookups(slapd_company: Company) -> None:
    settings = make_settings(
        slapd_company.server,
        EDGE_BASE,
        member_attribute="memberUid",
        include_nontree_members=True,
    )
    labels: set[str] = set()

    read_directory(settings, progress=lambda phase, count: labels.add(phase))

    assert labels == {"users", "groups"}


def test_filtered_groups_bring_their_members(slapd_company: Company) -> None:
    # The extra filter picks the starting groups; include_nontree_members then
    # follows their members with the flavour's filters alone, as the legacy
    # --filter_str and --include_nontree_members did.
    settings = make_settings(
        slapd_company.server,
        EDGE_BASE,
        filter="(cn=Reaches Out)",
        include_nontree_members=True,
    )

    snapshot = read_directory(settings)

    assert set(snapshot.users) == {
        key(f"uid=grace,{PEOPLE}"),
        key(f"uid=outsider,{OUTSIDE}"),
        key(f"uid=faraway,{OUTSIDE}"),
    }
    assert set(snapshot.groups) == {
        key(f"cn=Reaches Out,{GROUPS}"),
        key(f"cn=Outside Group,{OUTSIDE}"),
        key(f"cn=Farther Group,{OUTSIDE}"),
    }


def test_filtered_groups_without_nontree_keep_filter(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, filter="(cn=Reaches Out)")

    snapshot = read_directory(settings)

    assert snapshot.users == {}
    assert snapshot.groups[key(f"cn=Reaches Out,{GROUPS}")].member_keys == set()


def test_wrong_member_attribute_warned(slapd_company: Company) -> None:
    settings = make_settings(
        slapd_company.server,
        EDGE_BASE,
        member_attribute="uniqueMember",
        group_filter="(objectClass=groupOfNames)",
    )

    snapshot = read_directory(settings)

    assert snapshot.groups
    assert all(not group.member_keys for group in snapshot.groups.values())
    assert (
        f"none of the {len(snapshot.groups)} groups read has a value in uniqueMember, so the "
        "plan would remove every synced membership; check directory.member_attribute (member, "
        "uniqueMember or memberUid) against the attribute that the groups use"
    ) in snapshot.warnings


def test_right_member_attribute_not_warned(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE, member_attribute="uniqueMember")

    snapshot = read_directory(settings)

    assert not [w for w in snapshot.warnings if "directory.member_attribute" in w]
