"""Creates, updates, memberships and order of the plan."""

from __future__ import annotations

from dataclasses import replace

from ldap2ts.diff import compute_plan
from ldap2ts.model import Action, Change
from ldap2ts.settings import NamingSettings, SyncSettings

from .factories import (
    desired,
    desired_group,
    desired_user,
    settings,
    thoughtspot,
    ts_group,
    ts_user,
)


def actions(changes: list[Change]) -> list[tuple[str, str]]:
    return [(change.action.value, change.name) for change in changes]


def test_first_sync_creates_in_order() -> None:
    state = desired(
        users=(
            desired_user("zoe@example.com", "Zoë", "zoe@example.com"),
            desired_user("adam@example.com", "Adam", "adam@example.com"),
        ),
        groups=(
            desired_group(
                "CN=Sales@example.com",
                users=("zoe@example.com",),
                sub_groups=("CN=East@example.com",),
            ),
            desired_group("CN=East@example.com", users=("adam@example.com",)),
        ),
    )
    plan = compute_plan(state, thoughtspot(), settings())

    assert actions(plan.changes) == [
        ("create group", "CN=East@example.com"),
        ("create group", "CN=Sales@example.com"),
        ("create user", "adam@example.com"),
        ("create user", "zoe@example.com"),
        ("add members", "CN=East@example.com"),
        ("add members", "CN=Sales@example.com"),
    ]
    assert plan.changes[3].fields == {"display_name": "Zoë", "email": "zoe@example.com"}
    assert plan.changes[0].fields == {"display_name": "CN=East@example.com"}
    assert plan.changes[0].target_id is None
    sales_members = plan.changes[5]
    assert sales_members.users == ("zoe@example.com",)
    assert sales_members.sub_groups == ("CN=East@example.com",)
    assert sales_members.target_id is None


def test_noop_rerun_gives_empty_plan() -> None:
    keep = ts_user("keep-me@example.com", display_name="Keep", email="keep@example.com")
    child = ts_group("CN=Child@example.com", users=(keep,))
    parent = ts_group("CN=Parent@example.com", sub_groups=(child,))
    state = desired(
        users=(desired_user("keep-me@example.com", "Keep", "keep@example.com"),),
        groups=(
            desired_group("CN=Child@example.com", users=("keep-me@example.com",)),
            desired_group("CN=Parent@example.com", sub_groups=("CN=Child@example.com",)),
        ),
    )
    plan = compute_plan(state, thoughtspot((keep,), (child, parent)), settings())

    assert plan.changes == []
    assert plan.skipped == []
    assert plan.warnings == []
    assert plan.managed_users == 1
    assert plan.managed_groups == 2
    assert plan.managed_memberships == 2


def test_names_match_ignoring_case() -> None:
    lower_user = ts_user("keep-me@example.com")
    lower_group = ts_group("cn=sales.ou=groups@example.com", users=(lower_user,))
    state = desired(
        users=(desired_user("Keep-Me@Example.com", display_name="keep-me@example.com"),),
        groups=(
            desired_group(
                "CN=Sales.OU=Groups@example.com",
                users=("KEEP-ME@example.com",),
                display_name="cn=sales.ou=groups@example.com",
            ),
        ),
    )
    plan = compute_plan(state, thoughtspot((lower_user,), (lower_group,)), settings())

    assert plan.changes == []


def test_update_only_changed_fields() -> None:
    keep = ts_user("keep-me@example.com", display_name="Old Name", email="keep@example.com")
    state = desired(users=(desired_user("keep-me@example.com", "New Name", "KEEP@example.com"),))
    plan = compute_plan(state, thoughtspot((keep,)), settings())

    assert len(plan.changes) == 1
    update = plan.changes[0]
    assert update.action is Action.UPDATE_USER
    assert update.target_id == "id-keep-me@example.com"
    assert update.fields == {"display_name": "New Name"}
    assert update.before["display_name"] == "Old Name"
    assert update.before["account_status"] == "ACTIVE"


def test_update_email() -> None:
    keep = ts_user("keep-me@example.com", email="old@example.com")
    state = desired(users=(desired_user("keep-me@example.com", email="new@example.com"),))
    plan = compute_plan(state, thoughtspot((keep,)), settings())

    assert [change.fields for change in plan.changes] == [{"email": "new@example.com"}]


def test_missing_email_never_clears() -> None:
    keep = ts_user("keep-me@example.com", email="set-by-hand@example.com")
    state = desired(users=(desired_user("keep-me@example.com"),))

    assert compute_plan(state, thoughtspot((keep,)), settings()).changes == []


def test_no_update_without_upsert() -> None:
    keep = ts_user("keep-me@example.com", display_name="Old")
    sales = ts_group("CN=Sales@example.com", display_name="Old")
    state = desired(
        users=(desired_user("keep-me@example.com", "New"),),
        groups=(desired_group("CN=Sales@example.com", display_name="New"),),
    )
    sync = SyncSettings(upsert_users=False, upsert_groups=False)

    assert compute_plan(state, thoughtspot((keep,), (sales,)), settings(sync=sync)).changes == []


def test_group_display_name_update() -> None:
    sales = ts_group("CN=Sales@example.com", display_name="Old")
    state = desired(groups=(desired_group("CN=Sales@example.com", display_name="Sales"),))
    plan = compute_plan(state, thoughtspot(groups=(sales,)), settings())

    assert actions(plan.changes) == [("update group", "CN=Sales@example.com")]
    assert plan.changes[0].fields == {"display_name": "Sales"}
    assert plan.changes[0].before == {
        "id": "id-CN=Sales@example.com",
        "name": "CN=Sales@example.com",
        "display_name": "Old",
        "group_type": "LDAP_GROUP",
    }


def test_email_fallback_on_create_only() -> None:
    naming = NamingSettings(email_fallback_domain="mail.example.com")
    state = desired(users=(desired_user("nomail@corp.example.com", "No Mail"),))
    plan = compute_plan(state, thoughtspot(), settings(naming=naming))

    assert plan.changes[0].fields == {
        "display_name": "No Mail",
        "email": "nomail@mail.example.com",
    }

    existing = ts_user("nomail@corp.example.com", display_name="No Mail", email="x@y.com")
    rerun = compute_plan(state, thoughtspot((existing,)), settings(naming=naming))
    assert rerun.changes == []


def test_create_without_email_leaves_field_out() -> None:
    plan = compute_plan(
        desired(users=(desired_user("nomail", "No Mail"),)), thoughtspot(), settings()
    )

    assert plan.changes[0].fields == {"display_name": "No Mail"}


def test_add_exactly_missing_members() -> None:
    keep = ts_user("keep-me@example.com")
    add = ts_user("add-me@example.com")
    sales = ts_group("CN=Sales@example.com", users=(keep,))
    state = desired(
        users=(
            desired_user("keep-me@example.com"),
            desired_user("add-me@example.com"),
            desired_user("new-me@example.com"),
        ),
        groups=(
            desired_group(
                "CN=Sales@example.com",
                users=("keep-me@example.com", "add-me@example.com", "new-me@example.com"),
            ),
        ),
    )
    plan = compute_plan(state, thoughtspot((keep, add), (sales,)), settings())

    assert actions(plan.changes) == [
        ("create user", "new-me@example.com"),
        ("add members", "CN=Sales@example.com"),
    ]
    members = plan.changes[1]
    assert members.users == ("add-me@example.com", "new-me@example.com")
    assert members.sub_groups == ()
    assert members.target_id == "id-CN=Sales@example.com"
    assert members.before == {"users": ("keep-me@example.com",), "sub_groups": ()}


def test_remove_exactly_extra_members() -> None:
    keep = ts_user("keep-me@example.com")
    drop = ts_user("drop-me@example.com")
    old = ts_group("CN=Old@example.com")
    sales = ts_group("CN=Sales@example.com", users=(keep, drop), sub_groups=(old,))
    state = desired(
        users=(desired_user("keep-me@example.com"), desired_user("drop-me@example.com")),
        groups=(
            desired_group("CN=Sales@example.com", users=("keep-me@example.com",)),
            desired_group("CN=Old@example.com"),
        ),
    )
    plan = compute_plan(state, thoughtspot((keep, drop), (sales, old)), settings())

    assert actions(plan.changes) == [("remove members", "CN=Sales@example.com")]
    assert plan.changes[0].users == ("drop-me@example.com",)
    assert plan.changes[0].sub_groups == ("CN=Old@example.com",)


def test_membership_read_from_user_side() -> None:
    sales = ts_group("CN=Sales@example.com")
    keep = replace(ts_user("keep-me@example.com"), group_ids=frozenset({sales.id}))
    state = desired(
        users=(desired_user("keep-me@example.com"),),
        groups=(desired_group("CN=Sales@example.com", users=("keep-me@example.com",)),),
    )

    assert compute_plan(state, thoughtspot((keep,), (sales,)), settings()).changes == []


def test_order_within_action_by_name() -> None:
    state = desired(users=tuple(desired_user(name) for name in ("b@x.com", "C@x.com", "a@x.com")))
    plan = compute_plan(state, thoughtspot(), settings())

    assert [change.name for change in plan.changes] == ["a@x.com", "b@x.com", "C@x.com"]


def test_full_action_order() -> None:
    stale = ts_user("drop-me@example.com")
    inactive = ts_user("back@example.com", status="INACTIVE")
    renamed = ts_user("rename@example.com", display_name="Old")
    extra = ts_user("extra@example.com")
    sales = ts_group("CN=Sales@example.com", users=(extra,))
    state = desired(
        users=(
            desired_user("new@example.com"),
            desired_user("back@example.com"),
            desired_user("rename@example.com", "New"),
            desired_user("extra@example.com"),
        ),
        groups=(
            desired_group("CN=Sales@example.com", users=("new@example.com",)),
            desired_group("CN=New@example.com"),
        ),
    )
    current = thoughtspot((stale, inactive, renamed, extra), (sales,))
    sync = SyncSettings(max_removal_ratio=1.0)
    plan = compute_plan(state, current, settings(sync=sync))

    assert [change.action for change in plan.changes] == [
        Action.CREATE_GROUP,
        Action.CREATE_USER,
        Action.ADD_MEMBERS,
        Action.UPDATE_USER,
        Action.REACTIVATE_USER,
        Action.REMOVE_MEMBERS,
        Action.DEACTIVATE_USER,
    ]


def test_naming_warnings_reach_plan() -> None:
    state = desired()
    state.warnings.append("1 user skipped, no userPrincipalName or sAMAccountName attribute: x")
    plan = compute_plan(state, thoughtspot(), settings())

    assert plan.warnings == ["1 user skipped, no userPrincipalName or sAMAccountName attribute: x"]


def test_plan_independent_of_input_order() -> None:
    users = [desired_user(f"user{number}@example.com") for number in range(20)]
    groups = [
        desired_group(f"CN=G{number}@example.com", users=(f"user{number}@example.com",))
        for number in range(5)
    ]
    stale = [ts_user(f"stale{number}@example.com") for number in range(5)]
    forward = compute_plan(
        desired(tuple(users), tuple(groups)), thoughtspot(tuple(stale)), settings()
    )
    backward = compute_plan(
        desired(tuple(reversed(users)), tuple(reversed(groups))),
        thoughtspot(tuple(reversed(stale))),
        settings(),
    )

    assert forward.changes == backward.changes
    assert forward.warnings == backward.warnings


def test_managed_memberships_count_managed_groups() -> None:
    ada = ts_user("ada@example.com")
    bob = replace(ts_user("bob@example.com"), group_ids=frozenset({"id-CN=Team@example.com"}))
    local = ts_user("local-user", account_type="LOCAL_USER")
    child = ts_group("CN=Child@example.com", users=(ada,))
    team = ts_group("CN=Team@example.com", users=(ada, local), sub_groups=(child,))
    local_group = ts_group("Analysts", users=(ada, bob, local), group_type="LOCAL_GROUP")
    current = thoughtspot((ada, bob, local), (child, team, local_group))

    plan = compute_plan(desired(), current, settings())

    # Child: ada. Team: ada, local-user, bob (listed only on the user's side), Child.
    assert plan.managed_memberships == 5
