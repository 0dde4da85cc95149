"""A small desired state to sync: users in nested groups, built by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ldap2ts.model import DesiredGroup, DesiredState, DesiredUser, name_key
from ldap2ts.settings import (
    DirectorySettings,
    LdapSettings,
    NamingSettings,
    PurgeAction,
    Settings,
    SyncSettings,
    ThoughtSpotSettings,
)


def sync_settings(thoughtspot: ThoughtSpotSettings, **sync: object) -> Settings:
    values: dict[str, object] = {"managed_scope": ("*",), "purge_action": PurgeAction.DELETE}
    values.update(sync)
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1"),
        directory=DirectorySettings(base_dn="dc=example,dc=com"),
        naming=NamingSettings(),
        thoughtspot=thoughtspot,
        sync=SyncSettings(**values),  # type: ignore[arg-type]
    )


def user(name: str, display_name: str | None = None) -> DesiredUser:
    return DesiredUser(
        name=name,
        display_name=display_name or name.split("@")[0].title(),
        email=name,
        source_dn=f"uid={name.split('@')[0]},ou=people,dc=example,dc=com",
    )


def group(name: str, users: Iterable[str] = (), sub_groups: Iterable[str] = ()) -> DesiredGroup:
    return DesiredGroup(
        name=name,
        display_name=name.title(),
        source_dn=f"cn={name},ou=groups,dc=example,dc=com",
        users=frozenset(name_key(item) for item in users),
        sub_groups=frozenset(name_key(item) for item in sub_groups),
    )


def company(users: int, teams: int) -> DesiredState:
    """Return users spread over team groups, nested in two departments under "staff"."""
    state = DesiredState()
    names = [f"user{number:04d}@example.com" for number in range(users)]
    for name in names:
        state.users[name_key(name)] = user(name)
    team_names = [f"team-{number:02d}" for number in range(teams)]
    for index, team in enumerate(team_names):
        members = names[index::teams]
        state.groups[team] = group(team, users=members)
    departments = {"engineering": team_names[::2], "operations": team_names[1::2]}
    for department, children in departments.items():
        state.groups[department] = group(department, sub_groups=children)
    state.groups["staff"] = group("staff", sub_groups=departments)
    return state


def drifted(state: DesiredState, renames: int = 1) -> DesiredState:
    """Return the next day's directory: hires, leavers, renames, moves and a removed team."""
    changed = DesiredState(users=dict(state.users), groups=dict(state.groups))
    leavers = sorted(changed.users)[:5]
    for key in leavers:
        del changed.users[key]
    hires = [f"hire{number:02d}@example.com" for number in range(7)]
    for name in hires:
        changed.users[name_key(name)] = user(name)
    for renamed in sorted(changed.users)[10 : 10 + renames]:
        changed.users[renamed] = dataclasses.replace(changed.users[renamed], display_name="Renamed")

    for key, item in list(changed.groups.items()):
        kept = frozenset(member for member in item.users if member in changed.users)
        changed.groups[key] = dataclasses.replace(item, users=kept)
    first_team = changed.groups["team-00"]
    changed.groups["team-00"] = dataclasses.replace(
        first_team, users=first_team.users | {name_key(name) for name in hires}
    )
    removed_team = "team-01"
    del changed.groups[removed_team]
    operations = changed.groups["operations"]
    changed.groups["operations"] = dataclasses.replace(
        operations, sub_groups=operations.sub_groups - {removed_team}
    )
    changed.groups["newcomers"] = group("newcomers", users=hires[:3], sub_groups=["team-02"])
    return changed
