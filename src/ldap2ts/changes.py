"""Small helpers shared by the diff modules: journal states and change descriptions."""

from __future__ import annotations

from ldap2ts.model import Action, Change, TSGroup, TSUser


def describe_change(change: Change) -> str:
    """Return a one-line description of a change (``deactivate user name=jdoe@example.com``)."""
    if change.action not in (Action.ADD_MEMBERS, Action.REMOVE_MEMBERS):
        return f"{change.action.value} name={change.name}"
    text = f"{change.action.value} group={change.name}"
    if change.users:
        text += f" users={','.join(change.users)}"
    if change.sub_groups:
        text += f" sub_groups={','.join(change.sub_groups)}"
    return text


def user_state(user: TSUser) -> dict[str, object]:
    """Return the fields of a user that a change may alter, for ``Change.before``."""
    return {
        "id": user.id,
        "name": user.name,
        "display_name": user.display_name,
        "email": user.email,
        "account_type": user.account_type,
        "account_status": user.account_status,
    }


def group_state(group: TSGroup) -> dict[str, object]:
    """Return the fields of a group that a change may alter, for ``Change.before``."""
    return {
        "id": group.id,
        "name": group.name,
        "display_name": group.display_name,
        "group_type": group.group_type,
    }
