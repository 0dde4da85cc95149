"""explain's reasoning over snapshots built by hand (no servers)."""

from __future__ import annotations

from ldap2ts import dn
from ldap2ts.diff import compute_plan
from ldap2ts.explain import Explanation, Finding, Sources, gather
from ldap2ts.explain.render import explanation_lines
from ldap2ts.hooks import Entry, Hooks, desired_state
from ldap2ts.model import (
    DirectoryEntry,
    DirectoryGroup,
    DirectorySnapshot,
    DirectoryUser,
    ThoughtSpotSnapshot,
    TSGroup,
    TSUser,
)
from ldap2ts.naming import SkipReport
from ldap2ts.settings import (
    DirectorySettings,
    LdapSettings,
    NamingSettings,
    PurgeAction,
    Settings,
    SyncSettings,
    ThoughtSpotSettings,
)

BASE = "ou=people,dc=example,dc=com"


def settings(**sync: object) -> Settings:
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1:1"),
        directory=DirectorySettings(base_dn=BASE),
        naming=NamingSettings(user_name_template="{uid}@example.com", group_name_template="{cn}"),
        thoughtspot=ThoughtSpotSettings(url="https://127.0.0.1:1", username="tsadmin"),
        sync=SyncSettings(**sync),  # type: ignore[arg-type]
    )


def entry(rdn: str, **attributes: str) -> DirectoryEntry:
    text = f"{rdn},{BASE}"
    return DirectoryEntry(text, dn.normalize(text),
                          {name.lower(): (value,) for name, value in attributes.items()})


def sources(current: ThoughtSpotSnapshot, config: Settings) -> Sources:
    keep = entry("uid=keep-me", uid="keep-me")
    twin_a = entry("cn=twin a", uid="twin")
    twin_b = entry("cn=twin b", uid="twin")
    nameless = entry("cn=no uid")
    gone = entry("uid=gone", uid="gone")
    staff = entry("cn=staff", cn="staff")
    team = entry("cn=team-b", cn="team-b")
    snapshot = DirectorySnapshot(
        users={item.dn_key: DirectoryUser(item) for item in (keep, twin_a, twin_b, nameless)}
        | {gone.dn_key: DirectoryUser(gone, disabled=True)},
        groups={staff.dn_key: DirectoryGroup(staff, frozenset({keep.dn_key, nameless.dn_key})),
                team.dn_key: DirectoryGroup(team, frozenset())},
    )
    report = SkipReport()
    desired = desired_state(snapshot, config, None, report=report)
    return Sources(snapshot, desired, report, current, compute_plan(desired, current, config))


def thoughtspot() -> ThoughtSpotSnapshot:
    users = {
        "u1": TSUser("u1", "keep-me@example.com", "keep-me@example.com", None, "LDAP_USER",
                     "ACTIVE", frozenset({"g2"})),
        "u2": TSUser("u2", "local@example.com", "local", None, "LOCAL_USER", "ACTIVE",
                     frozenset()),
    }
    groups = {
        "g1": TSGroup("g1", "staff", "staff", "LDAP_GROUP", frozenset(), frozenset()),
        "g2": TSGroup("g2", "team-b", "team-b", "LDAP_GROUP", frozenset({"u1"}),
                      frozenset()),
    }
    return ThoughtSpotSnapshot(users=users, groups=groups)


def test_synced_user_with_drift() -> None:
    config = settings()
    [finding] = gather(sources(thoughtspot(), config), config, "keep-me@example.com").findings
    assert finding.status == "synced"
    assert finding.directory_groups == ["staff"]
    assert finding.thoughtspot_groups == ["team-b"]
    assert finding.changes == [
        "add member group=staff user=keep-me@example.com",
        "remove member group=team-b user=keep-me@example.com",
    ]


def test_collision_reason() -> None:
    config = settings()
    findings = gather(sources(thoughtspot(), config), config, "twin").findings
    assert [finding.status for finding in findings] == ["left out of the sync"] * 2
    assert findings[0].reasons == [
        "same ThoughtSpot name twin@example.com (names ignore case)"
    ]


def test_missing_identifier_reason() -> None:
    config = settings()
    [finding] = gather(sources(thoughtspot(), config), config, f"cn=no uid,{BASE}").findings
    assert finding.status == "left out of the sync"
    assert finding.reasons == ["no uid attribute for the template '{uid}@example.com'"]
    assert finding.directory_groups == ["staff"]


def test_disabled_user_reason() -> None:
    config = settings()
    [finding] = gather(sources(thoughtspot(), config), config, "gone").findings
    assert finding.status == "disabled in the directory"
    assert finding.reasons == [
        "directory.include_disabled is off, so it is not created, and an existing account "
        "is deactivated"
    ]
    assert finding.thoughtspot_groups is None


def test_unmanaged_thoughtspot_user() -> None:
    config = settings()
    [finding] = gather(sources(thoughtspot(), config), config, "local@example.com").findings
    assert finding.status == "not in the directory read"
    assert finding.reasons == [
        "ldap2ts leaves it alone in ThoughtSpot because its account type is LOCAL_USER, "
        "not LDAP_USER"
    ]
    assert finding.changes == []


def test_protected_name_reason() -> None:
    config = settings(protect=("keep-*",))
    [finding] = gather(sources(thoughtspot(), config), config, "keep-me@example.com").findings
    assert "sync.protect lists it: it is never deactivated, deleted or removed from a group" in (
        finding.reasons
    )


def test_render_lists_facts() -> None:
    config = settings()
    explanation = gather(sources(thoughtspot(), config), config, "keep-me")
    assert list(explanation_lines(explanation)) == [
        "user keep-me@example.com: synced",
        f"  directory entry: uid=keep-me,{BASE}",
        "  ThoughtSpot name: keep-me@example.com",
        "  groups in the directory: staff",
        "  groups in ThoughtSpot: team-b",
        "  planned changes:",
        "    add member group=staff user=keep-me@example.com",
        "    remove member group=team-b user=keep-me@example.com",
    ]


def test_group_kept_under_deactivate_says_why() -> None:
    config = settings(purge_action=PurgeAction.DEACTIVATE)
    current = thoughtspot()
    current.groups["g3"] = TSGroup("g3", "old-team", "old-team", "LDAP_GROUP", frozenset(),
                                   frozenset())
    [finding] = gather(sources(current, config), config, "old-team").findings
    assert finding.status == "not in the directory read"
    assert finding.changes == []
    assert finding.reasons == [
        "sync.purge_action is deactivate, which applies to users only, so the group is kept; "
        "set it to delete to delete groups missing from the directory"
    ]


def _department_groups(hooked: Entry) -> Entry:
    return hooked.with_groups("dept-sales") if hooked.kind == "user" else hooked


def test_group_created_by_hook() -> None:
    config = settings()
    hooks = Hooks()
    hooks.add(_department_groups, "entry", "company_hooks:department_groups")
    base = sources(thoughtspot(), config)
    desired = desired_state(base.snapshot, config, hooks, report=SkipReport())
    plan = compute_plan(desired, base.current, config)
    made = Sources(base.snapshot, desired, base.skipped, base.current, plan, hooks)
    explanation = gather(made, config, "dept-sales")
    lines = list(explanation_lines(explanation))
    assert lines[0] == "group dept-sales: created by hook company_hooks:department_groups"
    assert "    create group name=dept-sales display_name=dept-sales" in lines
    assert lines[-1] == ("    no directory group has this name; the entry hooks put 2 members "
                         "in it, so the desired state has it")


def test_unknown_name_heading_shows_name() -> None:
    explanation = Explanation("nobody-here", [Finding("entry", status="not found")])
    assert list(explanation_lines(explanation))[0] == "entry nobody-here: not found"
