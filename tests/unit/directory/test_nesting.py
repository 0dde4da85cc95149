"""Cycle detection among nested groups."""

from __future__ import annotations

from ldap2ts.directory.nesting import find_cycles
from ldap2ts.model import DirectoryEntry, DirectoryGroup


def groups(edges: dict[str, set[str]]) -> dict[str, DirectoryGroup]:
    return {
        key: DirectoryGroup(DirectoryEntry(dn=key, dn_key=key, attributes={}), frozenset(members))
        for key, members in edges.items()
    }


def test_tree_has_no_cycle() -> None:
    tree = groups({"all": {"a", "b", "user"}, "a": {"c"}, "b": {"c"}, "c": set()})

    assert find_cycles(tree) == []


def test_two_group_cycle() -> None:
    assert find_cycles(groups({"a": {"b"}, "b": {"a"}})) == [["a", "b"]]


def test_self_member_is_cycle() -> None:
    assert find_cycles(groups({"a": {"a", "b"}, "b": set()})) == [["a"]]


def test_each_cycle_reported_once() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "x": {"y", "a"}, "y": {"x"}, "z": {"a"}}

    assert find_cycles(groups(edges)) == [["a", "b", "c"], ["x", "y"]]


def test_deep_chain_no_recursion_limit() -> None:
    edges = {f"g{n:05d}": {f"g{n + 1:05d}"} for n in range(5000)}
    edges["g05000"] = {"g00000"}

    cycles = find_cycles(groups(edges))

    assert len(cycles) == 1
    assert len(cycles[0]) == 5001
    assert cycles[0][:2] == ["g00000", "g00001"]
