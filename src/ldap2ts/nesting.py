"""Cycle removal in the nesting of desired groups.

Directories allow a group to contain itself through other groups. ldap2ts
leaves out each sub-group link that closes a cycle, so that ThoughtSpot
gets an acyclic hierarchy whatever it accepts, and a link it might reject
is not retried on every run. NOTE: the ThoughtSpot REST API v2.0 spec does
not say whether cyclic sub-groups are rejected; this is a safe choice, not
a documented requirement.

``break_cycles`` walks the links depth first, in name order, so that the
same links are left out on every run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

from ldap2ts.model import DesiredGroup, name_key

logger = logging.getLogger(__name__)

_UNSEEN, _ON_PATH, _DONE = 0, 1, 2


def break_cycles(groups: list[DesiredGroup]) -> tuple[list[DesiredGroup], list[str]]:
    """Return the groups without the sub-group links that close a cycle, and one warning per cycle.

    The groups come back sorted by name key.
    """
    by_key = {name_key(group.name): group for group in groups}
    children = {
        key: sorted(child for child in group.sub_groups if child in by_key)
        for key, group in by_key.items()
    }
    state = dict.fromkeys(by_key, _UNSEEN)
    cut: set[tuple[str, str]] = set()
    warnings: list[str] = []

    for root in sorted(by_key):
        if state[root] != _UNSEEN:
            continue
        path = [root]
        pending: list[Iterator[str]] = [iter(children[root])]
        state[root] = _ON_PATH
        while pending:
            child = next(pending[-1], None)
            if child is None:
                state[path.pop()] = _DONE
                pending.pop()
            elif state[child] == _UNSEEN:
                state[child] = _ON_PATH
                path.append(child)
                pending.append(iter(children[child]))
            elif state[child] == _ON_PATH:
                parent = path[-1]
                cut.add((parent, child))
                loop = [by_key[key].name for key in path[path.index(child) :]]
                warnings.append(
                    f"nested groups form a cycle ({' > '.join([*loop, loop[0]])}); "
                    f"{by_key[child].name} is not made a sub-group of {by_key[parent].name}"
                )
                logger.debug(
                    "ignored sub-group link %s > %s because it closes a cycle", parent, child
                )

    result = []
    for key in sorted(by_key):
        group = by_key[key]
        dropped = {child for parent, child in cut if parent == key}
        if dropped:
            group = replace(group, sub_groups=group.sub_groups - dropped)
        result.append(group)
    return result, warnings
