"""Cycles among nested groups, found once per read so each is reported once."""

from __future__ import annotations

from collections.abc import Mapping

from ldap2ts.model import DirectoryGroup


def find_cycles(groups: Mapping[str, DirectoryGroup]) -> list[list[str]]:
    """Return each set of groups that contain each other, directly or through others.

    Every cycle is a list of group keys in membership order, starting with
    the smallest key, so that the same directory always gives the same
    message. A group that contains itself is a cycle of one. This is
    Tarjan's strongly connected components algorithm, written without
    recursion so that deep nesting cannot exhaust the Python stack.
    """
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    def children(key: str) -> list[str]:
        return sorted(member for member in groups[key].member_keys if member in groups)

    for root in sorted(groups):
        if root in index_of:
            continue
        work: list[tuple[str, list[str]]] = []
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, children(root)))
        while work:
            key, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, children(child)))
                elif child in on_stack:
                    low[key] = min(low[key], index_of[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[key])
            if low[key] == index_of[key]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == key:
                        break
                if len(component) > 1 or key in groups[key].member_keys:
                    components.append(_in_cycle_order(component, groups))
    return sorted(components)


def _in_cycle_order(component: list[str], groups: Mapping[str, DirectoryGroup]) -> list[str]:
    """Order a component along membership edges from its smallest key, as far as a path goes."""
    members = set(component)
    start = min(component)
    order = [start]
    seen = {start}
    current = start
    while True:
        following = sorted(
            key for key in groups[current].member_keys if key in members and key not in seen
        )
        if not following:
            break
        current = following[0]
        order.append(current)
        seen.add(current)
    order.extend(sorted(members - seen))
    return order
