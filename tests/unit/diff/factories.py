"""Plain objects for the naming and diff tests, built with the fewest arguments."""

from __future__ import annotations

from ldap2ts.dn import normalize
from ldap2ts.model import (
    DesiredGroup,
    DesiredState,
    DesiredUser,
    DirectoryEntry,
    DirectoryGroup,
    DirectorySnapshot,
    DirectoryUser,
    ThoughtSpotSnapshot,
    TSGroup,
    TSUser,
    name_key,
)
from ldap2ts.settings import (
    DirectorySettings,
    Flavour,
    LdapSettings,
    NamingSettings,
    Settings,
    SyncSettings,
    ThoughtSpotSettings,
)

LOGIN = "tsadmin"


def dn_key(dn: str) -> str:
    """Return the key the directory reader gives a DN."""
    return normalize(dn)


def entry(
    dn: str, anchor: str | None = None, **attributes: str | tuple[str, ...]
) -> DirectoryEntry:
    values = {
        name.lower(): (value,) if isinstance(value, str) else value
        for name, value in attributes.items()
    }
    return DirectoryEntry(dn=dn, dn_key=dn_key(dn), attributes=values, anchor=anchor)


def user(
    dn: str,
    disabled: bool = False,
    anchor: str | None = None,
    **attributes: str | tuple[str, ...],
) -> DirectoryUser:
    return DirectoryUser(entry(dn, anchor=anchor, **attributes), disabled=disabled)


def group(dn: str, members: tuple[str, ...] = (), **attributes: str) -> DirectoryGroup:
    return DirectoryGroup(entry(dn, **attributes), frozenset(dn_key(member) for member in members))


def snapshot(
    users: tuple[DirectoryUser, ...] = (),
    groups: tuple[DirectoryGroup, ...] = (),
    incomplete: str | None = None,
) -> DirectorySnapshot:
    result = DirectorySnapshot(
        users={item.entry.dn_key: item for item in users},
        groups={item.entry.dn_key: item for item in groups},
    )
    if incomplete is not None:
        result.mark_incomplete(incomplete)
    return result


def settings(
    base_dn: str = "dc=example,dc=com",
    flavour: Flavour = Flavour.AD,
    naming: NamingSettings | None = None,
    sync: SyncSettings | None = None,
    include_disabled: bool = False,
) -> Settings:
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1:389"),
        directory=DirectorySettings(
            flavour=flavour, base_dn=base_dn, include_disabled=include_disabled
        ),
        naming=naming or NamingSettings(),
        thoughtspot=ThoughtSpotSettings(url="http://127.0.0.1:8088", username=LOGIN),
        sync=sync or SyncSettings(),
    )


def desired_user(
    name: str,
    display_name: str | None = None,
    email: str | None = None,
    active: bool = True,
) -> DesiredUser:
    return DesiredUser(
        name=name,
        display_name=display_name or name,
        email=email,
        source_dn=f"cn={name},dc=example,dc=com",
        active=active,
    )


def desired_group(
    name: str,
    users: tuple[str, ...] = (),
    sub_groups: tuple[str, ...] = (),
    display_name: str | None = None,
) -> DesiredGroup:
    return DesiredGroup(
        name=name,
        display_name=display_name or name,
        source_dn=f"cn={name},dc=example,dc=com",
        users=frozenset(name_key(member) for member in users),
        sub_groups=frozenset(name_key(member) for member in sub_groups),
    )


def desired(
    users: tuple[DesiredUser, ...] = (),
    groups: tuple[DesiredGroup, ...] = (),
    incomplete: str | None = None,
) -> DesiredState:
    state = DesiredState(
        users={name_key(item.name): item for item in users},
        groups={name_key(item.name): item for item in groups},
    )
    if incomplete is not None:
        state.complete = False
        state.incomplete_reasons.append(incomplete)
    return state


def ts_user(
    name: str,
    account_type: str = "LDAP_USER",
    status: str = "ACTIVE",
    display_name: str | None = None,
    email: str | None = None,
    builtin: bool = False,
    user_id: str | None = None,
) -> TSUser:
    return TSUser(
        id=user_id or f"id-{name}",
        name=name,
        display_name=display_name or name,
        email=email,
        account_type=account_type,
        account_status=status,
        group_ids=frozenset(),
        builtin=builtin,
    )


def ts_group(
    name: str,
    users: tuple[TSUser, ...] = (),
    sub_groups: tuple[TSGroup, ...] = (),
    group_type: str = "LDAP_GROUP",
    display_name: str | None = None,
    builtin: bool = False,
) -> TSGroup:
    return TSGroup(
        id=f"id-{name}",
        name=name,
        display_name=display_name or name,
        group_type=group_type,
        user_ids=frozenset(member.id for member in users),
        sub_group_ids=frozenset(member.id for member in sub_groups),
        builtin=builtin,
    )


def thoughtspot(
    users: tuple[TSUser, ...] = (),
    groups: tuple[TSGroup, ...] = (),
    with_builtins: bool = True,
) -> ThoughtSpotSnapshot:
    """Return a snapshot with the given principals plus the cluster's built-ins."""
    all_users = list(users)
    all_groups = list(groups)
    if with_builtins:
        login = ts_user(LOGIN, account_type="LOCAL_USER", builtin=True)
        all_users += [login, ts_user("guest", account_type="LOCAL_USER", builtin=True)]
        all_groups += [
            ts_group("All", group_type="LOCAL_GROUP", builtin=True),
            ts_group("Administrator", users=(login,), group_type="LOCAL_GROUP", builtin=True),
        ]
    return ThoughtSpotSnapshot(
        users={item.id: item for item in all_users},
        groups={item.id: item for item in all_groups},
        login_user_id=f"id-{LOGIN}" if with_builtins else None,
        all_group_id="id-All" if with_builtins else None,
    )
