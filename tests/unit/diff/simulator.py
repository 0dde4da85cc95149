"""Apply a plan to a ThoughtSpot snapshot in memory, as the apply stage would on a cluster.

Only for the convergence tests: it trusts the plan and checks nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ldap2ts.model import Action, Change, Plan, ThoughtSpotSnapshot, TSGroup, TSUser, name_key

Applier = Callable[[ThoughtSpotSnapshot, Change], None]


def apply(plan: Plan, current: ThoughtSpotSnapshot) -> ThoughtSpotSnapshot:
    """Return a copy of the snapshot with every change of the plan made."""
    result = ThoughtSpotSnapshot(
        users=dict(current.users),
        groups=dict(current.groups),
        login_user_id=current.login_user_id,
        all_group_id=current.all_group_id,
    )
    for change in plan.changes:
        _APPLY[change.action](result, change)
    return result


def _user_id(snapshot: ThoughtSpotSnapshot, name: str) -> str:
    return snapshot.user_by_name()[name_key(name)].id


def _group_id(snapshot: ThoughtSpotSnapshot, name: str) -> str:
    return snapshot.group_by_name()[name_key(name)].id


def _target_group(snapshot: ThoughtSpotSnapshot, change: Change) -> TSGroup:
    return snapshot.groups[change.target_id or _group_id(snapshot, change.name)]


def _create_group(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    group_id = f"new-group-{change.name}"
    snapshot.groups[group_id] = TSGroup(
        id=group_id,
        name=change.name,
        display_name=change.fields["display_name"],
        group_type="LDAP_GROUP",
        user_ids=frozenset(),
        sub_group_ids=frozenset(),
    )


def _create_user(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    user_id = f"new-user-{change.name}"
    snapshot.users[user_id] = TSUser(
        id=user_id,
        name=change.name,
        display_name=change.fields["display_name"],
        email=change.fields.get("email"),
        account_type="LDAP_USER",
        account_status=change.fields.get("account_status", "ACTIVE"),
        group_ids=frozenset(),
    )


def _add_members(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    group = _target_group(snapshot, change)
    users = {_user_id(snapshot, name) for name in change.users}
    sub_groups = {_group_id(snapshot, name) for name in change.sub_groups}
    snapshot.groups[group.id] = replace(
        group, user_ids=group.user_ids | users, sub_group_ids=group.sub_group_ids | sub_groups
    )


def _remove_members(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    group = _target_group(snapshot, change)
    users = {_user_id(snapshot, name) for name in change.users}
    sub_groups = {_group_id(snapshot, name) for name in change.sub_groups}
    for user_id in users:
        user = snapshot.users[user_id]
        snapshot.users[user_id] = replace(user, group_ids=user.group_ids - {group.id})
    snapshot.groups[group.id] = replace(
        group, user_ids=group.user_ids - users, sub_group_ids=group.sub_group_ids - sub_groups
    )


def _update_group(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    group = snapshot.groups[str(change.target_id)]
    snapshot.groups[group.id] = replace(group, display_name=change.fields["display_name"])


def _update_user(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    user = snapshot.users[str(change.target_id)]
    display_name = change.fields.get("display_name", user.display_name)
    email = change.fields.get("email", user.email)
    snapshot.users[user.id] = replace(user, display_name=display_name, email=email)


def _set_status(status: str) -> Applier:
    def set_status(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
        user = snapshot.users[str(change.target_id)]
        snapshot.users[user.id] = replace(user, account_status=status)

    return set_status


def _delete_user(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    user_id = str(change.target_id)
    del snapshot.users[user_id]
    for group in list(snapshot.groups.values()):
        if user_id in group.user_ids:
            snapshot.groups[group.id] = replace(group, user_ids=group.user_ids - {user_id})


def _delete_group(snapshot: ThoughtSpotSnapshot, change: Change) -> None:
    group_id = str(change.target_id)
    del snapshot.groups[group_id]
    for group in list(snapshot.groups.values()):
        if group_id in group.sub_group_ids:
            snapshot.groups[group.id] = replace(
                group, sub_group_ids=group.sub_group_ids - {group_id}
            )
    for user in list(snapshot.users.values()):
        if group_id in user.group_ids:
            snapshot.users[user.id] = replace(user, group_ids=user.group_ids - {group_id})


_APPLY: dict[Action, Applier] = {
    Action.CREATE_GROUP: _create_group,
    Action.CREATE_USER: _create_user,
    Action.ADD_MEMBERS: _add_members,
    Action.UPDATE_GROUP: _update_group,
    Action.UPDATE_USER: _update_user,
    Action.REACTIVATE_USER: _set_status("ACTIVE"),
    Action.REMOVE_MEMBERS: _remove_members,
    Action.DEACTIVATE_USER: _set_status("INACTIVE"),
    Action.DELETE_USER: _delete_user,
    Action.DELETE_GROUP: _delete_group,
}
