"""read_snapshot: every principal, direct memberships from both sides, built-ins."""

from __future__ import annotations

from ldap2ts.thoughtspot import read_snapshot
from tests.unit.thoughtspot.conftest import ClientFactory
from tests.unit.thoughtspot.fakes import FakeThoughtSpot


def test_snapshot_holds_users_groups_and_memberships(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    sales = fake.add_group("sales")
    emea = fake.add_group("sales-emea")
    fake.groups[sales]["sub_groups"].add(emea)
    alice = fake.add_user("alice", groups={sales})
    bob = fake.add_user("bob", groups={emea, sales})
    local = fake.add_user("carol", account_type="LOCAL_USER")

    snapshot = read_snapshot(connect(page_size=2))

    assert set(snapshot.users) == {fake.tsadmin, alice, bob, local}
    assert snapshot.users[alice].group_ids == {sales}
    assert snapshot.users[bob].group_ids == {sales, emea}
    assert snapshot.users[local].account_type == "LOCAL_USER"
    assert snapshot.groups[sales].user_ids == {alice, bob}
    assert snapshot.groups[sales].sub_group_ids == {emea}
    assert snapshot.groups[sales].group_type == "LDAP_GROUP"
    assert snapshot.login_user_id == fake.tsadmin
    assert snapshot.all_group_id == fake.all_group
    assert snapshot.users[fake.tsadmin].builtin
    assert snapshot.groups[fake.all_group].builtin
    assert not snapshot.groups[sales].builtin


def test_snapshot_merges_membership_seen_from_one_side(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    sales = fake.add_group("sales")
    alice = fake.add_user("alice", groups={sales})
    original = fake._user_json

    def without_groups(user_id: str, *, session: bool = False) -> dict[str, object]:
        record = original(user_id, session=session)
        record.pop("user_groups")
        return record

    fake._user_json = without_groups  # type: ignore[method-assign]

    snapshot = read_snapshot(connect())

    assert snapshot.users[alice].group_ids == {sales}
    assert snapshot.groups[sales].user_ids == {alice}


def test_snapshot_drops_all_group_from_user_groups(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    alice = fake.add_user("alice")
    fake.users[alice]["groups"].add(fake.all_group)

    snapshot = read_snapshot(connect())

    assert snapshot.users[alice].group_ids == frozenset()
