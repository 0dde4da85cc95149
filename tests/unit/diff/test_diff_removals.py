"""Purge actions, disabled accounts, reactivation and incomplete reads."""

from __future__ import annotations

from ldap2ts.diff import compute_plan
from ldap2ts.model import Action, Change
from ldap2ts.settings import PurgeAction, SyncSettings

from .factories import (
    desired,
    desired_group,
    desired_user,
    settings,
    thoughtspot,
    ts_group,
    ts_user,
)


def actions(changes: list[Change]) -> list[tuple[Action, str]]:
    return [(change.action, change.name) for change in changes]


def test_vanished_user_deactivated_by_default() -> None:
    keep = ts_user("keep-me@example.com")
    drop = ts_user("drop-me@example.com", email="drop@example.com")
    state = desired(users=(desired_user("keep-me@example.com"),))
    plan = compute_plan(state, thoughtspot((keep, drop)), settings())

    assert actions(plan.changes) == [(Action.DEACTIVATE_USER, "drop-me@example.com")]
    assert plan.changes[0].target_id == "id-drop-me@example.com"
    assert plan.changes[0].before == {
        "id": "id-drop-me@example.com",
        "name": "drop-me@example.com",
        "display_name": "drop-me@example.com",
        "email": "drop@example.com",
        "account_type": "LDAP_USER",
        "account_status": "ACTIVE",
    }


def test_inactive_vanished_user_not_deactivated_again() -> None:
    gone = ts_user("drop-me@example.com", status="INACTIVE")

    assert compute_plan(desired(), thoughtspot((gone,)), settings()).changes == []


def test_deactivate_leaves_vanished_groups_with_warning() -> None:
    old = ts_group("CN=drop-me@example.com")
    plan = compute_plan(desired(), thoughtspot(groups=(old,)), settings())

    assert plan.changes == []
    assert plan.warnings[0] == (
        "kept 1 group no longer in the directory, because sync.purge_action deactivate "
        "applies to users only (set it to delete to delete groups too): "
        "CN=drop-me@example.com"
    )


def test_delete_action_deletes_users_and_groups() -> None:
    drop_user = ts_user("drop-me@example.com")
    drop_group = ts_group("CN=drop-me@example.com", users=(drop_user,))
    keep_group = ts_group("CN=keep-me@example.com", users=(drop_user,))
    state = desired(groups=(desired_group("CN=keep-me@example.com"),))
    sync = SyncSettings(purge_action=PurgeAction.DELETE)
    plan = compute_plan(
        state, thoughtspot((drop_user,), (drop_group, keep_group)), settings(sync=sync)
    )

    assert actions(plan.changes) == [
        (Action.DELETE_USER, "drop-me@example.com"),
        (Action.DELETE_GROUP, "CN=drop-me@example.com"),
    ]
    assert plan.changes[1].before["group_type"] == "LDAP_GROUP"


def test_deleted_sub_group_not_removed_first() -> None:
    drop_group = ts_group("CN=drop-me@example.com")
    keep_group = ts_group("CN=keep-me@example.com", sub_groups=(drop_group,))
    state = desired(groups=(desired_group("CN=keep-me@example.com"),))
    sync = SyncSettings(purge_action=PurgeAction.DELETE)
    plan = compute_plan(state, thoughtspot(groups=(drop_group, keep_group)), settings(sync=sync))

    assert actions(plan.changes) == [(Action.DELETE_GROUP, "CN=drop-me@example.com")]


def test_deactivated_user_removed_from_groups() -> None:
    drop = ts_user("drop-me@example.com")
    sales = ts_group("CN=Sales@example.com", users=(drop,))
    state = desired(groups=(desired_group("CN=Sales@example.com"),))
    plan = compute_plan(state, thoughtspot((drop,), (sales,)), settings())

    assert actions(plan.changes) == [
        (Action.REMOVE_MEMBERS, "CN=Sales@example.com"),
        (Action.DEACTIVATE_USER, "drop-me@example.com"),
    ]


def test_purge_action_none_lists_skipped() -> None:
    drop_user = ts_user("drop-me@example.com")
    drop_group = ts_group("CN=drop-me@example.com")
    sync = SyncSettings(purge_action=PurgeAction.NONE)
    plan = compute_plan(desired(), thoughtspot((drop_user,), (drop_group,)), settings(sync=sync))

    assert plan.changes == []
    assert plan.skipped == [
        "deactivate user name=drop-me@example.com: no longer in the directory, but "
        "sync.purge_action is none",
        "delete group name=CN=drop-me@example.com: no longer in the directory, but "
        "sync.purge_action is none",
    ]


def test_purge_off_keeps_vanished() -> None:
    drop_user = ts_user("dont-touch-me@example.com")
    drop_group = ts_group("CN=dont-touch-me@example.com")
    sync = SyncSettings(purge_users=False, purge_groups=False, purge_action=PurgeAction.DELETE)
    plan = compute_plan(desired(), thoughtspot((drop_user,), (drop_group,)), settings(sync=sync))

    assert plan.changes == []
    assert plan.skipped == []


def test_purge_users_only() -> None:
    drop_user = ts_user("drop-me@example.com")
    keep_group = ts_group("CN=dont-touch-me@example.com")
    sync = SyncSettings(purge_groups=False, purge_action=PurgeAction.DELETE)
    plan = compute_plan(desired(), thoughtspot((drop_user,), (keep_group,)), settings(sync=sync))

    assert actions(plan.changes) == [(Action.DELETE_USER, "drop-me@example.com")]


def test_disabled_user_not_created() -> None:
    state = desired(users=(desired_user("disabled@example.com", active=False),))

    assert compute_plan(state, thoughtspot(), settings()).changes == []


def test_disabled_user_created_inactive_when_included() -> None:
    state = desired(users=(desired_user("disabled@example.com", "Dis Abled", active=False),))
    plan = compute_plan(state, thoughtspot(), settings(include_disabled=True))

    assert actions(plan.changes) == [(Action.CREATE_USER, "disabled@example.com")]
    assert plan.changes[0].fields == {"display_name": "Dis Abled", "account_status": "INACTIVE"}


def test_disabled_user_deactivated() -> None:
    active = ts_user("disabled@example.com")
    state = desired(users=(desired_user("disabled@example.com", active=False),))
    plan = compute_plan(state, thoughtspot((active,)), settings())

    assert actions(plan.changes) == [(Action.DEACTIVATE_USER, "disabled@example.com")]


def test_disabled_inactive_user_left() -> None:
    inactive = ts_user("disabled@example.com", status="INACTIVE")
    state = desired(users=(desired_user("disabled@example.com", active=False),))

    assert compute_plan(state, thoughtspot((inactive,)), settings()).changes == []


def test_disabled_user_kept_with_purge_none() -> None:
    active = ts_user("disabled@example.com")
    state = desired(users=(desired_user("disabled@example.com", active=False),))
    sync = SyncSettings(purge_action=PurgeAction.NONE)
    plan = compute_plan(state, thoughtspot((active,)), settings(sync=sync))

    assert plan.changes == []
    assert plan.skipped == [
        "deactivate user name=disabled@example.com: the account is disabled in the "
        "directory, but sync.purge_action is none"
    ]


def test_disabled_member_not_added_when_not_created() -> None:
    sales = desired_group(
        "CN=Sales@example.com", users=("disabled@example.com", "keep-me@example.com")
    )
    state = desired(
        users=(
            desired_user("disabled@example.com", active=False),
            desired_user("keep-me@example.com"),
        ),
        groups=(sales,),
    )
    plan = compute_plan(state, thoughtspot(), settings())

    members = [change for change in plan.changes if change.action is Action.ADD_MEMBERS]
    assert [change.users for change in members] == [("keep-me@example.com",)]


def test_returning_user_reactivated() -> None:
    back = ts_user("back@example.com", status="INACTIVE")
    state = desired(users=(desired_user("back@example.com"),))
    plan = compute_plan(state, thoughtspot((back,)), settings())

    assert actions(plan.changes) == [(Action.REACTIVATE_USER, "back@example.com")]
    assert plan.changes[0].before["account_status"] == "INACTIVE"


def test_other_statuses_not_reactivated() -> None:
    locked = ts_user("locked@example.com", status="LOCKED")
    state = desired(users=(desired_user("locked@example.com"),))

    assert compute_plan(state, thoughtspot((locked,)), settings()).changes == []


def test_incomplete_read_holds_back_removals() -> None:
    keep = ts_user("keep-me@example.com", display_name="Old")
    drop = ts_user("drop-me@example.com")
    old = ts_group("CN=drop-me@example.com")
    sales = ts_group("CN=Sales@example.com", users=(keep, drop))
    state = desired(
        users=(
            desired_user("keep-me@example.com", "New"),
            desired_user("new@example.com"),
            desired_user("disabled@example.com", active=False),
        ),
        groups=(
            desired_group("CN=Sales@example.com", users=("keep-me@example.com", "new@example.com")),
        ),
        incomplete="size limit exceeded on ou=People",
    )
    disabled = ts_user("disabled@example.com")
    sync = SyncSettings(purge_action=PurgeAction.DELETE)
    plan = compute_plan(
        state, thoughtspot((keep, drop, disabled), (sales, old)), settings(sync=sync)
    )

    assert actions(plan.changes) == [
        (Action.CREATE_USER, "new@example.com"),
        (Action.ADD_MEMBERS, "CN=Sales@example.com"),
        (Action.UPDATE_USER, "keep-me@example.com"),
    ]
    reason = "the directory read is incomplete (size limit exceeded on ou=People)"
    assert sorted(plan.skipped) == sorted(
        [
            f"deactivate user name=disabled@example.com: {reason}",
            f"delete user name=drop-me@example.com: {reason}",
            f"delete group name=CN=drop-me@example.com: {reason}",
        ]
    )
    assert (
        "the directory read is incomplete (size limit exceeded on ou=People), so 3 changes "
        "that remove something are held back; creates and updates still apply"
    ) in plan.warnings


def test_incomplete_read_holds_back_member_removal() -> None:
    keep = ts_user("keep-me@example.com")
    extra = ts_user("extra@example.com")
    sales = ts_group("CN=Sales@example.com", users=(keep, extra))
    state = desired(
        users=(desired_user("keep-me@example.com"), desired_user("extra@example.com")),
        groups=(desired_group("CN=Sales@example.com", users=("keep-me@example.com",)),),
        incomplete="member range of CN=Sales unread",
    )
    plan = compute_plan(state, thoughtspot((keep, extra), (sales,)), settings())

    assert plan.changes == []
    assert plan.skipped == [
        "remove members group=CN=Sales@example.com users=extra@example.com: the directory "
        "read is incomplete (member range of CN=Sales unread)"
    ]


def test_colliding_names_never_removed() -> None:
    existing_user = ts_user("dont-touch-me@example.com")
    existing_group = ts_group("CN=dont-touch-me@example.com")
    sales = ts_group("CN=Sales@example.com", users=(existing_user,), sub_groups=(existing_group,))
    state = desired(groups=(desired_group("CN=Sales@example.com"),))
    state.colliding_users.add("dont-touch-me@example.com")
    state.colliding_groups.add("cn=dont-touch-me@example.com")
    sync = SyncSettings(purge_action=PurgeAction.DELETE)
    plan = compute_plan(
        state, thoughtspot((existing_user,), (existing_group, sales)), settings(sync=sync)
    )

    assert plan.changes == []
    reason = "several directory entries map to this name, so it is left as it is"
    assert plan.skipped == [
        f"delete user name=dont-touch-me@example.com: {reason}",
        f"delete group name=CN=dont-touch-me@example.com: {reason}",
    ]


def test_force_never_releases_held_removals() -> None:
    drop = ts_user("drop-me@example.com")
    state = desired(users=(desired_user("keep-me@example.com"),), incomplete="server timed out")
    sync = SyncSettings(force=True, purge_action=PurgeAction.DELETE)
    plan = compute_plan(state, thoughtspot((drop,)), settings(sync=sync))

    assert actions(plan.changes) == [(Action.CREATE_USER, "keep-me@example.com")]
    assert plan.skipped == [
        "delete user name=drop-me@example.com: the directory read is incomplete "
        "(server timed out)"
    ]
