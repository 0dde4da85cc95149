"""Entry and name hooks: loading by name, running on entries, and their errors."""

from __future__ import annotations

import pytest

from ldap2ts import dn
from ldap2ts.hooks import Entry, HookError, HookFailed, Hooks, desired_state, load_hooks
from ldap2ts.model import DirectoryEntry, DirectoryGroup, DirectorySnapshot, DirectoryUser
from ldap2ts.naming import SkipReport
from ldap2ts.settings import (
    DirectorySettings,
    LdapSettings,
    NamingSettings,
    Settings,
    ThoughtSpotSettings,
)
from tests.unit.api import hook_samples

SAMPLES = "tests.unit.api.hook_samples"
BASE = "ou=people,dc=example,dc=com"


def settings(*hooks: str) -> Settings:
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1:1"),
        directory=DirectorySettings(base_dn=BASE),
        naming=NamingSettings(user_name_template="{uid}@example.com",
                              group_name_template="{cn}", hooks=hooks),
        thoughtspot=ThoughtSpotSettings(url="https://127.0.0.1:1", username="tsadmin"),
    )


def entry(rdn: str, **attributes: str) -> DirectoryEntry:
    text = f"{rdn},{BASE}"
    values = {name.lower(): (value,) for name, value in attributes.items()}
    return DirectoryEntry(text, dn.normalize(text), values)


def snapshot() -> DirectorySnapshot:
    keep = entry("uid=keep-me", uid="keep-me", ou="blue")
    drop = entry("uid=drop-me", uid="drop-me", employeeType="contractor")
    group = entry("cn=staff", cn="staff")
    return DirectorySnapshot(
        users={keep.dn_key: DirectoryUser(keep), drop.dn_key: DirectoryUser(drop)},
        groups={group.dn_key: DirectoryGroup(group, frozenset({keep.dn_key, drop.dn_key}))},
    )


# --- loading ------------------------------------------------------------------------


def test_load_marked_hooks_in_order() -> None:
    hooks = load_hooks([f"{SAMPLES}:drop_contractors", f"{SAMPLES}:team_groups",
                        f"{SAMPLES}:upper_names"])  # fmt: skip
    assert hooks.entries == [hook_samples.drop_contractors, hook_samples.team_groups]
    assert hooks.name is hook_samples.upper_names
    assert hooks.label(hook_samples.team_groups) == f"{SAMPLES}:team_groups"


def test_load_hooks_object() -> None:
    hooks = load_hooks([f"{SAMPLES}:BUNDLE"])
    assert hooks.entries == [hook_samples.drop_contractors]
    assert hooks.name is hook_samples.upper_names


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-colon", "hook 'no-colon': expected module:function, such as "
                     "mycompany.ldap_hooks:skip_contractors"),
        ("missing_module_xyz:hook", "hook 'missing_module_xyz:hook': module missing_module_xyz "
                                    "not found; put the folder that holds it on PYTHONPATH, or "
                                    "install it in the environment that runs ldap2ts"),
        (f"{SAMPLES}:absent", f"hook '{SAMPLES}:absent': module {SAMPLES} has no attribute "
                              "'absent'; check the spelling after the colon"),
        (f"{SAMPLES}:unmarked", f"hook '{SAMPLES}:unmarked' is not marked as an entry hook or a "
                                "name hook; decorate it with @ldap2ts.entry_hook or "
                                "@ldap2ts.name_hook"),
        (f"{SAMPLES}:NOT_CALLABLE", f"hook '{SAMPLES}:NOT_CALLABLE' is a int, not a function"),
    ],
)  # fmt: skip
def test_load_error_names_hook_and_fix(spec: str, message: str) -> None:
    with pytest.raises(HookError) as caught:
        load_hooks([spec])
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_two_name_hooks_rejected() -> None:
    with pytest.raises(HookError, match="two name hooks given"):
        load_hooks([f"{SAMPLES}:upper_names", f"{SAMPLES}:other_names"])


# --- running ------------------------------------------------------------------------


def test_entry_hook_drops_and_reports() -> None:
    report = SkipReport()
    desired = desired_state(snapshot(), settings(f"{SAMPLES}:drop_contractors"),
                            load_hooks([f"{SAMPLES}:drop_contractors"]), report=report)
    assert set(desired.users) == {"keep-me@example.com"}
    assert desired.groups["staff"].users == frozenset({"keep-me@example.com"})
    assert report.entries() == [
        ("user", f"left out by hook {SAMPLES}:drop_contractors", f"uid=drop-me,{BASE}")
    ]


def test_entry_hook_adds_new_group() -> None:
    desired = desired_state(snapshot(), settings(), load_hooks([f"{SAMPLES}:team_groups"]))
    team = desired.groups["team-blue"]
    assert team.users == frozenset({"keep-me@example.com"})
    assert team.display_name == "team-blue"
    assert team.source_dn == ""


def test_extra_group_joins_existing_group() -> None:
    def to_staff(item: Entry) -> Entry:
        return item.with_groups("STAFF") if item.kind == "user" else item

    hooks = Hooks()
    hooks.add(to_staff, "entry")
    desired = desired_state(snapshot(), settings(), hooks)
    assert desired.groups["staff"].name == "staff"
    assert desired.groups["staff"].users == frozenset({"keep-me@example.com",
                                                      "drop-me@example.com"})


def test_entry_hook_rewrites_attribute() -> None:
    def rename(item: Entry) -> Entry:
        if item.kind == "user":
            return item.with_attribute("uid", f"{item.first('uid')}-2")
        return item

    hooks = Hooks()
    hooks.add(rename, "entry")
    desired = desired_state(snapshot(), settings(), hooks)
    assert set(desired.users) == {"keep-me-2@example.com", "drop-me-2@example.com"}


def test_name_hook_decides_names() -> None:
    desired = desired_state(snapshot(), settings(), load_hooks([f"{SAMPLES}:upper_names"]))
    assert [user.name for user in desired.users.values()] == ["DROP-ME@EXAMPLE.COM",
                                                             "KEEP-ME@EXAMPLE.COM"]
    assert [group.name for group in desired.groups.values()] == ["STAFF"]


def test_name_hook_none_leaves_entry_out() -> None:
    def only_keep(item: Entry, proposed: str | None) -> str | None:
        return proposed if item.first("uid") != "drop-me" else None

    hooks = Hooks()
    hooks.add(only_keep, "name", label="mine:only_keep")
    report = SkipReport()
    desired = desired_state(snapshot(), settings(), hooks, report=report)
    assert set(desired.users) == {"keep-me@example.com"}
    assert ("user", "name hook mine:only_keep returned no name", f"uid=drop-me,{BASE}") in (
        report.entries()
    )


def test_hook_exception_names_hook_and_dn() -> None:
    def explode(item: Entry) -> Entry:
        raise ValueError("no department")

    hooks = Hooks()
    hooks.add(explode, "entry", label="mine:explode")
    with pytest.raises(HookFailed) as caught:
        desired_state(snapshot(), settings(), hooks)
    assert str(caught.value) == (
        f"hook mine:explode raised ValueError: no department, on user 'uid=drop-me,{BASE}'; "
        "fix the hook, or the entry in the directory"
    )
    assert caught.value.exit_code == 5


def test_hook_wrong_return_type() -> None:
    def wrong(item: Entry) -> object:
        return {"dn": item.dn}

    hooks = Hooks()
    hooks.add(wrong, "entry", label="mine:wrong")
    with pytest.raises(HookFailed, match="hook mine:wrong returned dict for user"):
        desired_state(snapshot(), settings(), hooks)


def test_hook_may_not_change_dn() -> None:
    def move(item: Entry) -> Entry:
        return Entry(item.kind, "uid=else," + BASE, item.attributes)

    hooks = Hooks()
    hooks.add(move, "entry", label="mine:move")
    with pytest.raises(HookFailed, match="hook mine:move changed the DN or kind"):
        desired_state(snapshot(), settings(), hooks)


def test_no_hooks_is_plain_naming() -> None:
    desired = desired_state(snapshot(), settings(), Hooks())
    assert set(desired.users) == {"keep-me@example.com", "drop-me@example.com"}
    assert desired.groups["staff"].users == frozenset({"keep-me@example.com",
                                                      "drop-me@example.com"})
