"""Which ThoughtSpot principals the plan may change."""

from __future__ import annotations

import logging

import pytest

from ldap2ts.diff import compute_plan
from ldap2ts.model import Action, Change
from ldap2ts.scope import ManagedScope
from ldap2ts.settings import NamingSettings, SyncSettings

from .factories import (
    LOGIN,
    desired,
    desired_group,
    desired_user,
    settings,
    thoughtspot,
    ts_group,
    ts_user,
)

LAB_BASE = "OU=Lab,DC=lab,DC=example,DC=com"
PERMISSIVE = SyncSettings(max_removal_ratio=1.0)


def changed_names(changes: list[Change]) -> list[str]:
    return sorted(change.name for change in changes)


def test_derived_scope_covers_base_domain() -> None:
    drop = ts_user("drop-me@lab.example.com")
    elsewhere = ts_user("dont-touch-me@other.org")
    plan = compute_plan(desired(), thoughtspot((drop, elsewhere)), settings(base_dn=LAB_BASE))

    assert changed_names(plan.changes) == ["drop-me@lab.example.com"]
    assert plan.managed_users == 1


def test_derived_scope_covers_desired_suffixes() -> None:
    keep = ts_user("keep-me@upn.example.org")
    drop = ts_user("drop-me@upn.example.org")
    state = desired(users=(desired_user("keep-me@upn.example.org"),))
    plan = compute_plan(
        state, thoughtspot((keep, drop)), settings(base_dn=LAB_BASE, sync=PERMISSIVE)
    )

    assert [(change.action, change.name) for change in plan.changes] == [
        (Action.DEACTIVATE_USER, "drop-me@upn.example.org")
    ]


def test_derived_scope_covers_authdomain() -> None:
    drop = ts_user("drop-me@example.com@corp.local")
    naming = NamingSettings(authdomain="corp.local")
    plan = compute_plan(desired(), thoughtspot((drop,)), settings(naming=naming))

    assert changed_names(plan.changes) == ["drop-me@example.com@corp.local"]


def test_derived_scope_covers_bare_names() -> None:
    drop = ts_user("drop-me")
    elsewhere = ts_user("dont-touch-me@other.org")
    naming = NamingSettings(user_identifier="uid")
    plan = compute_plan(desired(), thoughtspot((drop, elsewhere)), settings(naming=naming))

    assert changed_names(plan.changes) == ["drop-me"]


def test_upn_naming_leaves_bare_names_alone() -> None:
    bare = ts_user("dont-touch-me")

    assert compute_plan(desired(), thoughtspot((bare,)), settings()).changes == []


def test_template_scope_is_template_glob() -> None:
    drop = ts_user("drop-me@example.com")
    elsewhere = ts_user("dont-touch-me@example.com.evil")
    naming = NamingSettings(user_name_template="{uid}@example.com")
    plan = compute_plan(desired(), thoughtspot((drop, elsewhere)), settings(naming=naming))

    assert changed_names(plan.changes) == ["drop-me@example.com"]


def test_group_scope_follows_base_path() -> None:
    drop = ts_group("CN=drop-me.OU=Groups.OU=Lab@lab.example.com")
    lower = ts_group("cn=drop-me-too.ou=lab@LAB.example.com")
    other_ou = ts_group("CN=dont-touch-me.OU=Sales@lab.example.com")
    sync = SyncSettings(purge_action=SyncSettings().purge_action.DELETE, max_removal_ratio=1.0)
    plan = compute_plan(
        desired(),
        thoughtspot(groups=(drop, lower, other_ou)),
        settings(base_dn=LAB_BASE, sync=sync),
    )

    assert changed_names(plan.changes) == [
        "CN=drop-me.OU=Groups.OU=Lab@lab.example.com",
        "cn=drop-me-too.ou=lab@LAB.example.com",
    ]


def test_group_scope_escapes_glob_characters() -> None:
    base = "OU=Team [EU],DC=example,DC=com"
    drop = ts_group("CN=drop-me.OU=Team [EU]@example.com")
    lookalike = ts_group("CN=dont-touch-me.OU=Team E@example.com")
    sync = SyncSettings(purge_action=SyncSettings().purge_action.DELETE, max_removal_ratio=1.0)
    plan = compute_plan(
        desired(), thoughtspot(groups=(drop, lookalike)), settings(base_dn=base, sync=sync)
    )

    assert changed_names(plan.changes) == ["CN=drop-me.OU=Team [EU]@example.com"]


def test_explicit_scope_limits_removals() -> None:
    drop = ts_user("drop-me@lab.example.com")
    elsewhere = ts_user("dont-touch-me@example.com")
    sync = SyncSettings(managed_scope=("*@LAB.example.com",), max_removal_ratio=1.0)
    plan = compute_plan(desired(), thoughtspot((drop, elsewhere)), settings(sync=sync))

    assert changed_names(plan.changes) == ["drop-me@lab.example.com"]


def test_explicit_scope_blocks_creates_outside() -> None:
    state = desired(
        users=(desired_user("keep-me@lab.example.com"), desired_user("outside@example.com"))
    )
    sync = SyncSettings(managed_scope=("*@lab.example.com",))
    plan = compute_plan(state, thoughtspot(), settings(sync=sync))

    assert changed_names(plan.changes) == ["keep-me@lab.example.com"]
    assert plan.warnings == [
        "user outside@example.com is in the directory but outside sync.managed_scope "
        "(*@lab.example.com), so it is not created"
    ]


def test_local_principals_untouched() -> None:
    local_user = ts_user("dont-touch-me@example.com", account_type="LOCAL_USER")
    saml_user = ts_user("dont-touch-me-either@example.com", account_type="SAML_USER")
    local_group = ts_group("CN=dont-touch-me@example.com", group_type="LOCAL_GROUP")
    sync = SyncSettings(purge_action=SyncSettings().purge_action.DELETE)
    plan = compute_plan(
        desired(), thoughtspot((local_user, saml_user), (local_group,)), settings(sync=sync)
    )

    assert plan.changes == []
    assert plan.managed_users == 0
    assert plan.managed_groups == 0


def test_local_user_with_synced_name_left_alone() -> None:
    local = ts_user("dont-touch-me@example.com", account_type="LOCAL_USER", display_name="Old")
    sales = ts_group("CN=Sales@example.com")
    state = desired(
        users=(desired_user("dont-touch-me@example.com", "New", "new@example.com"),),
        groups=(desired_group("CN=Sales@example.com", users=("dont-touch-me@example.com",)),),
    )
    plan = compute_plan(state, thoughtspot((local,), (sales,)), settings())

    assert plan.changes == []
    assert plan.warnings == [
        "user dont-touch-me@example.com is in the directory, but the ThoughtSpot user of that "
        "name is left alone because its account type is LOCAL_USER, not LDAP_USER"
    ]


def test_local_group_with_synced_name_left_alone() -> None:
    keep = ts_user("keep-me@example.com")
    extra = ts_user("dont-touch-me@example.com")
    local = ts_group("CN=Sales@example.com", users=(extra,), group_type="LOCAL_GROUP")
    parent = ts_group("CN=Parent@example.com")
    state = desired(
        users=(desired_user("keep-me@example.com"), desired_user("dont-touch-me@example.com")),
        groups=(
            desired_group(
                "CN=Sales@example.com", users=("keep-me@example.com",), display_name="New"
            ),
            desired_group("CN=Parent@example.com", sub_groups=("CN=Sales@example.com",)),
        ),
    )
    plan = compute_plan(state, thoughtspot((keep, extra), (local, parent)), settings())

    assert plan.changes == []
    assert len(plan.warnings) == 1
    assert "its type is LOCAL_GROUP, not LDAP_GROUP" in plan.warnings[0]


def test_builtins_and_login_untouched() -> None:
    login = ts_user("svc-sync@example.com", user_id="id-svc")
    system = ts_user("system_user", builtin=True)
    current = thoughtspot((login, system))
    current.login_user_id = "id-svc"
    sync = SyncSettings(purge_action=SyncSettings().purge_action.DELETE, max_removal_ratio=1.0)
    plan = compute_plan(desired(), current, settings(sync=sync))

    assert plan.changes == []
    assert plan.managed_users == 0


def test_login_matched_by_name_too() -> None:
    login = ts_user(LOGIN.upper(), account_type="LDAP_USER", user_id="id-other")
    current = thoughtspot((login,), with_builtins=False)
    naming = NamingSettings(user_identifier="uid")

    assert compute_plan(desired(), current, settings(naming=naming)).changes == []


def test_builtin_names_without_flag_untouched() -> None:
    tsadmin = ts_user("tsadmin", account_type="LDAP_USER")
    administrator = ts_group("Administrator")
    everyone = ts_group("ALL")
    current = thoughtspot((tsadmin,), (administrator, everyone), with_builtins=False)
    naming = NamingSettings(user_identifier="uid", group_name_template="{cn}")
    sync = SyncSettings(purge_action=SyncSettings().purge_action.DELETE, max_removal_ratio=1.0)

    assert compute_plan(desired(), current, settings(naming=naming, sync=sync)).changes == []


def test_builtin_group_with_synced_name_untouched() -> None:
    keep = ts_user("keep-me")
    state = desired(
        users=(desired_user("keep-me"),),
        groups=(desired_group("Administrator", users=("keep-me",)),),
    )
    naming = NamingSettings(user_identifier="uid", group_name_template="{cn}")
    plan = compute_plan(state, thoughtspot((keep,)), settings(naming=naming))

    assert plan.changes == []
    assert plan.warnings == []


def test_protected_name_never_removed() -> None:
    protected = ts_user("dont-touch-me@example.com")
    globbed = ts_user("svc-backup@example.com")
    sales = ts_group("CN=Sales@example.com", users=(protected, globbed))
    state = desired(groups=(desired_group("CN=Sales@example.com"),))
    sync = SyncSettings(
        protect=("Dont-Touch-Me@example.com", "svc-*@example.com"), max_removal_ratio=1.0
    )
    plan = compute_plan(state, thoughtspot((protected, globbed), (sales,)), settings(sync=sync))

    assert plan.changes == []
    assert plan.skipped == [
        "deactivate user name=dont-touch-me@example.com: the name is in sync.protect",
        "deactivate user name=svc-backup@example.com: the name is in sync.protect",
    ]


def test_protected_name_still_updated() -> None:
    protected = ts_user("keep-me@example.com", display_name="Old")
    state = desired(users=(desired_user("keep-me@example.com", "New"),))
    sync = SyncSettings(protect=("keep-me@example.com",))
    plan = compute_plan(state, thoughtspot((protected,)), settings(sync=sync))

    assert [change.action for change in plan.changes] == [Action.UPDATE_USER]


def test_keep_local_membership_on() -> None:
    local = ts_user("dont-touch-me", account_type="LOCAL_USER")
    other_scope = ts_user("dont-touch-me@other.org")
    drop = ts_user("drop-me@example.com")
    sales = ts_group("CN=Sales@example.com", users=(local, other_scope, drop))
    state = desired(
        users=(desired_user("drop-me@example.com"),),
        groups=(desired_group("CN=Sales@example.com"),),
    )
    plan = compute_plan(state, thoughtspot((local, other_scope, drop), (sales,)), settings())

    assert [(change.action, change.users) for change in plan.changes] == [
        (Action.REMOVE_MEMBERS, ("drop-me@example.com",))
    ]


def test_keep_local_membership_off() -> None:
    local = ts_user("drop-me", account_type="LOCAL_USER")
    local_group = ts_group("drop-me-group", group_type="LOCAL_GROUP")
    login = ts_user("svc@example.com", user_id="id-svc")
    sales = ts_group("CN=Sales@example.com", users=(local, login), sub_groups=(local_group,))
    current = thoughtspot((local, login), (sales, local_group))
    current.login_user_id = "id-svc"
    admin = current.users["id-tsadmin"]
    current.groups[sales.id] = ts_group(
        "CN=Sales@example.com", users=(local, login, admin), sub_groups=(local_group,)
    )
    state = desired(groups=(desired_group("CN=Sales@example.com"),))
    sync = SyncSettings(keep_local_membership=False)
    plan = compute_plan(state, current, settings(sync=sync))

    assert [(change.action, change.users, change.sub_groups) for change in plan.changes] == [
        (Action.REMOVE_MEMBERS, ("drop-me",), ("drop-me-group",))
    ]


def test_local_member_with_synced_name_kept() -> None:
    local = ts_user("dont-touch-me@example.com", account_type="LOCAL_USER")
    sales = ts_group("CN=Sales@example.com", users=(local,))
    state = desired(
        users=(desired_user("dont-touch-me@example.com"),),
        groups=(desired_group("CN=Sales@example.com"),),
    )
    sync = SyncSettings(keep_local_membership=False)
    plan = compute_plan(state, thoughtspot((local,), (sales,)), settings(sync=sync))

    assert plan.changes == []


def test_all_group_never_edited() -> None:
    keep = ts_user("keep-me")
    everyone = ts_group("All", users=(keep,), group_type="LOCAL_GROUP", builtin=True)
    current = thoughtspot((keep,), (everyone,), with_builtins=False)
    current.all_group_id = everyone.id
    state = desired(users=(desired_user("keep-me"),), groups=(desired_group("All"),))
    naming = NamingSettings(user_identifier="uid", group_name_template="{cn}")
    sync = SyncSettings(keep_local_membership=False)

    assert compute_plan(state, current, settings(naming=naming, sync=sync)).changes == []


def test_scope_note_when_plan_removes() -> None:
    drop = ts_user("drop-me@example.com")
    plan = compute_plan(desired(), thoughtspot((drop,)), settings())

    assert plan.warnings == [
        "managed scope derived from the naming rules: users *@example.com; groups "
        "*@example.com; set sync.managed_scope to choose it"
    ]


def test_ignored_principals_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="ldap2ts")
    local = ts_user("dont-touch-me@example.com", account_type="LOCAL_USER")
    sales = ts_group("CN=Sales@example.com", users=(local,))
    state = desired(
        users=(desired_user("dont-touch-me@example.com"),),
        groups=(desired_group("CN=Sales@example.com"),),
    )
    compute_plan(state, thoughtspot((local,), (sales,)), settings())

    assert (
        "ignored user dont-touch-me@example.com because its account type is LOCAL_USER, "
        "not LDAP_USER"
    ) in caplog.messages
    assert (
        "kept member dont-touch-me@example.com of group CN=Sales@example.com because its "
        "account type is LOCAL_USER, not LDAP_USER, so it is left alone"
    ) in caplog.messages


def test_scope_description_counts_names() -> None:
    one = ManagedScope(patterns=("*@example.com",), names=frozenset({"ada"}))
    two = ManagedScope(patterns=(), names=frozenset({"ada", "bob"}), bare_names=True)

    assert one.describe() == "*@example.com, 1 desired name"
    assert two.describe() == "names without @, 2 desired names"
