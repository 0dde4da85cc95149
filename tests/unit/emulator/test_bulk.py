"""Bulk loading through the control API: explicit principals and synthetic populations."""

from __future__ import annotations

import httpx
import pytest
from testkit.emulator import InProcessEmulator


def test_load_inserts_principals(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.reset_counters()
    loaded = ts_app.load(
        groups=[
            {"name": "parent", "type": "LDAP_GROUP", "sub_groups": ["child"]},
            {"name": "child", "display_name": "Child", "privileges": ["DEVELOPER"]},
        ],
        users=[
            {"name": "ann", "email": "ann@example.com", "groups": ["child"], "password": "pw"},
            {"name": "local", "account_type": "LOCAL_USER", "account_status": "INACTIVE"},
        ],
    )
    assert loaded == {"users": 2, "groups": 2, "memberships": 1}
    assert ts_app.counters()["total"] == 0
    ann = ts_admin.post("/users/search", json={"user_identifier": "ann"}).json()[0]
    assert [group["name"] for group in ann["user_groups"]] == ["All", "child"]
    assert [group["name"] for group in ann["user_inherited_groups"]] == ["parent"]
    assert "DEVELOPER" in ann["privileges"]
    assert ts_app.token("ann", "pw")


def test_load_rejects_duplicate(ts_app: InProcessEmulator) -> None:
    with pytest.raises(ValueError, match="already exists"):
        ts_app.load(users=[{"name": "TSADMIN"}])


def test_load_rejects_unknown_group(ts_app: InProcessEmulator) -> None:
    with pytest.raises(ValueError, match="nope"):
        ts_app.load(users=[{"name": "x", "groups": ["nope"]}])
    assert "x" not in [user["name"] for user in ts_app.state()["users"]]


def test_populate_makes_population(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    population = ts_app.populate(users=300, groups=20, memberships=900, nested=10, seed=5)
    assert population == {"users": 300, "groups": 20, "memberships": 900, "nested": 10}
    state = ts_app.state()
    assert len(state["users"]) == 304
    builtin_memberships = 3
    assert sum(len(user["groups"]) for user in state["users"]) == 900 + builtin_memberships
    assert sum(len(group["sub_groups"]) for group in state["groups"]) == 10
    body = {"name_pattern": "user0000", "record_size": 5}
    page = ts_admin.post("/users/search", json=body).json()
    assert [user["name"] for user in page] == [f"user{i:06d}" for i in range(5)]
    assert page[0]["account_type"] == "LDAP_USER"


def test_populate_is_deterministic() -> None:
    memberships = []
    for _ in range(2):
        emulator = InProcessEmulator()
        emulator.populate(users=50, groups=10, memberships=120, seed=9)
        memberships.append({user["name"]: user["groups"] for user in emulator.state()["users"]})
        emulator.close()
    assert memberships[0] == memberships[1]


def test_populate_rejects_impossible_counts(ts_app: InProcessEmulator) -> None:
    with pytest.raises(ValueError, match="More memberships"):
        ts_app.populate(users=2, groups=2, memberships=5)


def test_populate_twice_needs_prefix(ts_app: InProcessEmulator) -> None:
    ts_app.populate(users=3, groups=2)
    with pytest.raises(ValueError, match="prefix"):
        ts_app.populate(users=3)
    assert ts_app.populate(users=3, groups=2, prefix="b-")["users"] == 3
    assert len(ts_app.state()["users"]) == 4 + 6
