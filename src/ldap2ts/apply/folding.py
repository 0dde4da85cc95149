"""Fold the memberships of brand-new principals into their import requests.

A first sync creates thousands of users and groups and puts them in
groups. Sent one by one that costs a call per principal plus a call per
group; folded into the import requests it costs about
``ceil(principals / batch size)`` calls. What is folded:

* a new user's groups become ``group_identifiers`` of the user import
  (groups are created before users, so they all exist by then);
* existing users joining a new group become ``user_identifiers`` of the
  group import;
* existing groups nested in a new group become its ``sub_group_identifiers``;
* new groups nested in a new group too, when the child is imported in an
  earlier wave than the parent (waves follow nesting depth, so every
  identifier in an import names a group that already exists).

Anything else (members of groups that already exist, an edge that closes a
nesting cycle) stays an ``add members`` change for the group update endpoint.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from ldap2ts.model import Action, Change, name_key


@dataclass(slots=True)
class NewGroup:
    change: Change
    users: list[str] = field(default_factory=list)
    """Names of existing users to put in the group."""
    sub_groups: list[str] = field(default_factory=list)
    """Names of groups to nest in the group (existing, or new in an earlier wave)."""
    wave: int = 0


@dataclass(slots=True)
class NewUser:
    change: Change
    groups: list[str] = field(default_factory=list)
    """Names of the groups the user joins."""


@dataclass(slots=True)
class CreatePlan:
    groups: dict[str, NewGroup] = field(default_factory=dict)
    users: dict[str, NewUser] = field(default_factory=dict)
    residual: list[Change] = field(default_factory=list)
    """``add members`` changes with what could not be folded, for the update endpoint."""
    fully_folded: list[Change] = field(default_factory=list)
    """``add members`` changes with nothing left over."""
    nestable: dict[str, set[str]] = field(default_factory=dict)
    """For each new group, the new child groups it can name in its import."""

    def waves(self) -> list[list[NewGroup]]:
        """Return the new groups by wave, children before parents."""
        by_wave: dict[int, list[NewGroup]] = defaultdict(list)
        for group in self.groups.values():
            by_wave[group.wave].append(group)
        return [by_wave[wave] for wave in sorted(by_wave)]


def fold_memberships(changes: list[Change], *, member_limit: int | None = None) -> CreatePlan:
    """Split the plan's creates and additions into import work and leftover additions.

    ``member_limit`` caps the members folded into one group's import entry,
    so that a new group of tens of thousands of existing users does not make
    one huge request; the rest stay an ``add members`` change, sent in chunks.
    """
    plan = CreatePlan()
    for change in changes:
        if change.action is Action.CREATE_GROUP:
            plan.groups.setdefault(name_key(change.name), NewGroup(change))
        elif change.action is Action.CREATE_USER:
            plan.users.setdefault(name_key(change.name), NewUser(change))

    additions = [change for change in changes if change.action is Action.ADD_MEMBERS]
    new_children = _new_group_edges(additions, plan)
    _assign_waves(plan, new_children)
    for change in additions:
        leftover = _fold_one(change, plan, member_limit)
        if leftover is None:
            plan.fully_folded.append(change)
        else:
            plan.residual.append(leftover)
    return plan


def _new_group_edges(additions: list[Change], plan: CreatePlan) -> dict[str, list[str]]:
    """Return, for each new group, the new groups to nest in it."""
    edges: dict[str, list[str]] = defaultdict(list)
    for change in additions:
        parent = name_key(change.name)
        if parent not in plan.groups:
            continue
        for child in change.sub_groups:
            if name_key(child) in plan.groups and name_key(child) != parent:
                edges[parent].append(name_key(child))
    return edges


def _assign_waves(plan: CreatePlan, edges: dict[str, list[str]]) -> None:
    """Set each new group's wave to one more than its deepest new child.

    An edge that closes a cycle is ignored here, so it stays an ``add
    members`` change (ThoughtSpot decides whether it accepts the cycle).
    """
    state: dict[str, str] = {}
    for root in plan.groups:
        if root in state:
            continue
        # Depth-first without recursion: nesting chains can be thousands deep.
        state[root] = "open"
        stack = [(root, iter(edges.get(root, ())))]
        while stack:
            key, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[key] = "done"
                nested = plan.nestable.get(key, set())
                plan.groups[key].wave = max(
                    (plan.groups[item].wave + 1 for item in nested), default=0
                )
                continue
            if state.get(child) == "open":
                continue
            plan.nestable.setdefault(key, set()).add(child)
            if child not in state:
                state[child] = "open"
                stack.append((child, iter(edges.get(child, ()))))


def _fold_one(change: Change, plan: CreatePlan, member_limit: int | None) -> Change | None:
    parent_key = name_key(change.name)
    parent = plan.groups.get(parent_key)

    def has_room(group: NewGroup) -> bool:
        folded = len(group.users) + len(group.sub_groups)
        return member_limit is None or folded < member_limit

    users_left: list[str] = []
    for user in change.users:
        new_user = plan.users.get(name_key(user))
        if new_user is not None:
            new_user.groups.append(change.name)
        elif parent is not None and has_room(parent):
            parent.users.append(user)
        else:
            users_left.append(user)

    groups_left: list[str] = []
    for child in change.sub_groups:
        child_key = name_key(child)
        foldable = child_key not in plan.groups or child_key in plan.nestable.get(parent_key, set())
        if parent is not None and foldable and has_room(parent):
            parent.sub_groups.append(child)
        else:
            groups_left.append(child)

    if not users_left and not groups_left:
        return None
    return dataclasses.replace(change, users=tuple(users_left), sub_groups=tuple(groups_left))
