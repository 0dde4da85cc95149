"""Group members, nesting cycles and name collisions."""

from __future__ import annotations

from ldap2ts.model import DirectoryUser
from ldap2ts.naming import build_desired_state
from ldap2ts.settings import NamingSettings

from .factories import group, settings, snapshot, user

PEOPLE = "OU=People,DC=example,DC=com"
GROUPS = "OU=Groups,DC=example,DC=com"


def upn_user(name: str, disabled: bool = False) -> DirectoryUser:
    return user(f"CN={name},{PEOPLE}", disabled=disabled, userPrincipalName=f"{name}@example.com")


def test_members_split_into_users_and_sub_groups() -> None:
    keep = upn_user("keep-me")
    child = group(f"CN=Child,{GROUPS}", members=(f"CN=keep-me,{PEOPLE}",))
    parent = group(f"CN=Parent,{GROUPS}", members=(f"CN=Child,{GROUPS}", f"cn=KEEP-ME,{PEOPLE}"))
    state = build_desired_state(snapshot(users=(keep,), groups=(child, parent)), settings())

    parent_state = state.groups["cn=parent.ou=groups@example.com"]
    assert parent_state.users == {"keep-me@example.com"}
    assert parent_state.sub_groups == {"cn=child.ou=groups@example.com"}
    assert state.groups["cn=child.ou=groups@example.com"].users == {"keep-me@example.com"}


def test_member_outside_read_ignored() -> None:
    sales = group(f"CN=Sales,{GROUPS}", members=("CN=Elsewhere,OU=Other,DC=example,DC=com",))
    state = build_desired_state(snapshot(groups=(sales,)), settings())

    only = state.groups["cn=sales.ou=groups@example.com"]
    assert only.users == frozenset()
    assert only.sub_groups == frozenset()
    assert state.warnings == []


def test_member_without_name_dropped() -> None:
    nameless = user(f"CN=drop-me,{PEOPLE}", cn="drop-me")
    sales = group(f"CN=Sales,{GROUPS}", members=(f"CN=drop-me,{PEOPLE}",))
    state = build_desired_state(snapshot(users=(nameless,), groups=(sales,)), settings())

    assert state.groups["cn=sales.ou=groups@example.com"].users == frozenset()


def test_cycle_broken_and_reported_once() -> None:
    alpha = group(f"CN=Alpha,{GROUPS}", members=(f"CN=Beta,{GROUPS}",))
    beta = group(f"CN=Beta,{GROUPS}", members=(f"CN=Gamma,{GROUPS}",))
    gamma = group(f"CN=Gamma,{GROUPS}", members=(f"CN=Alpha,{GROUPS}",))
    state = build_desired_state(snapshot(groups=(alpha, beta, gamma)), settings())

    assert state.warnings == [
        "nested groups form a cycle (CN=Alpha.OU=Groups@example.com > "
        "CN=Beta.OU=Groups@example.com > CN=Gamma.OU=Groups@example.com > "
        "CN=Alpha.OU=Groups@example.com); CN=Alpha.OU=Groups@example.com is not made "
        "a sub-group of CN=Gamma.OU=Groups@example.com"
    ]
    assert state.groups["cn=alpha.ou=groups@example.com"].sub_groups == {
        "cn=beta.ou=groups@example.com"
    }
    assert state.groups["cn=beta.ou=groups@example.com"].sub_groups == {
        "cn=gamma.ou=groups@example.com"
    }
    assert state.groups["cn=gamma.ou=groups@example.com"].sub_groups == frozenset()


def test_group_member_of_itself() -> None:
    loop = group(f"CN=Loop,{GROUPS}", members=(f"CN=Loop,{GROUPS}",))
    state = build_desired_state(snapshot(groups=(loop,)), settings())

    assert state.groups["cn=loop.ou=groups@example.com"].sub_groups == frozenset()
    assert len(state.warnings) == 1
    assert (
        "cycle (CN=Loop.OU=Groups@example.com > CN=Loop.OU=Groups@example.com)"
        in (state.warnings[0])
    )


def test_diamond_nesting_is_no_cycle() -> None:
    top = group(f"CN=Top,{GROUPS}", members=(f"CN=Left,{GROUPS}", f"CN=Right,{GROUPS}"))
    left = group(f"CN=Left,{GROUPS}", members=(f"CN=Bottom,{GROUPS}",))
    right = group(f"CN=Right,{GROUPS}", members=(f"CN=Bottom,{GROUPS}",))
    bottom = group(f"CN=Bottom,{GROUPS}")
    state = build_desired_state(snapshot(groups=(top, left, right, bottom)), settings())

    assert state.warnings == []
    assert len(state.groups["cn=top.ou=groups@example.com"].sub_groups) == 2
    assert state.groups["cn=right.ou=groups@example.com"].sub_groups == {
        "cn=bottom.ou=groups@example.com"
    }


def test_deep_nesting_chain() -> None:
    depth = 3000
    chain = tuple(
        group(f"CN=Level{level},{GROUPS}", members=(f"CN=Level{level + 1},{GROUPS}",))
        for level in range(depth)
    )
    state = build_desired_state(snapshot(groups=chain), settings())

    assert len(state.groups) == depth
    assert state.warnings == []


def test_user_collision_skips_both() -> None:
    keep = upn_user("keep-me")
    first = user(f"CN=Drop One,{PEOPLE}", userPrincipalName="drop-me@example.com")
    second = user("CN=Drop Two,OU=Other,DC=example,DC=com", userPrincipalName="DROP-ME@example.com")
    sales = group(
        f"CN=Sales,{GROUPS}",
        members=(
            f"CN=keep-me,{PEOPLE}",
            f"CN=Drop One,{PEOPLE}",
            "CN=Drop Two,OU=Other,DC=example,DC=com",
        ),
    )
    state = build_desired_state(snapshot(users=(keep, first, second), groups=(sales,)), settings())

    assert list(state.users) == ["keep-me@example.com"]
    assert state.groups["cn=sales.ou=groups@example.com"].users == {"keep-me@example.com"}
    assert state.warnings == [
        "2 users skipped, same ThoughtSpot name DROP-ME@example.com / drop-me@example.com "
        f"(names ignore case): CN=Drop One,{PEOPLE}; CN=Drop Two,OU=Other,DC=example,DC=com"
    ]


def test_group_collision_by_template_skips_both() -> None:
    first = group(f"CN=Sales,{GROUPS}", cn="Sales")
    second = group("CN=sales,OU=Old,DC=example,DC=com", cn="sales")
    keep = group(
        f"CN=Keep,{GROUPS}",
        cn="Keep",
        members=(
            f"CN=Sales,{GROUPS}",
            "CN=sales,OU=Old,DC=example,DC=com",
        ),
    )
    naming = NamingSettings(group_name_template="{cn}")
    state = build_desired_state(snapshot(groups=(first, second, keep)), settings(naming=naming))

    assert list(state.groups) == ["keep"]
    assert state.groups["keep"].sub_groups == frozenset()
    assert len(state.warnings) == 1
    assert state.warnings[0].startswith("2 groups skipped, same ThoughtSpot name Sales / sales")


def test_user_and_group_may_share_a_name() -> None:
    both = user(f"CN=Sales,{PEOPLE}", userPrincipalName="sales")
    sales = group(f"CN=Sales,{GROUPS}", cn="sales")
    naming = NamingSettings(group_name_template="{cn}")
    state = build_desired_state(snapshot(users=(both,), groups=(sales,)), settings(naming=naming))

    assert list(state.users) == ["sales"]
    assert list(state.groups) == ["sales"]


def test_member_dn_spelled_differently() -> None:
    rnd = user(
        r"CN=R&D\, Europe Lead,OU=People,DC=example,DC=com", userPrincipalName="lead@example.com"
    )
    sales = group(
        f"CN=Sales,{GROUPS}", members=(r"cn=r&d\2c europe lead, ou=people, dc=EXAMPLE, dc=com",)
    )
    state = build_desired_state(snapshot(users=(rnd,), groups=(sales,)), settings())

    assert state.groups["cn=sales.ou=groups@example.com"].users == {"lead@example.com"}


def test_collision_names_reported_to_diff() -> None:
    first = user(f"CN=One,{PEOPLE}", userPrincipalName="dont-touch-me@example.com")
    second = user(f"CN=Two,{PEOPLE}", userPrincipalName="Dont-Touch-Me@example.com")
    sales = group(f"CN=Sales,{GROUPS}", cn="Sales")
    copy = group("CN=Sales,OU=Copy,DC=example,DC=com", cn="sales")
    naming = NamingSettings(group_name_template="{cn}")
    state = build_desired_state(
        snapshot(users=(first, second), groups=(sales, copy)), settings(naming=naming)
    )

    assert state.colliding_users == {"dont-touch-me@example.com"}
    assert state.colliding_groups == {"sales"}
