"""Endpoints, headers, paging and parsing of the ThoughtSpot client."""

from __future__ import annotations

import json

import httpx
import pytest

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.thoughtspot import GroupSpec, UserSpec
from tests.unit.thoughtspot.conftest import ClientFactory
from tests.unit.thoughtspot.fakes import FakeThoughtSpot


def body_of(request: httpx.Request) -> dict[str, object]:
    loaded = json.loads(request.content)
    assert isinstance(loaded, dict)
    return loaded


def test_login_sends_password_once_and_bearer_after(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    connect(org_id=3)

    login, *others = fake.requests
    assert login.url.path == "/api/rest/2.0/auth/token/full"
    assert body_of(login)["password"] == "s3cret-pass"
    assert body_of(login)["org_id"] == 3
    assert "Authorization" not in login.headers
    assert others
    for request in others:
        assert request.headers["Authorization"] == "Bearer token-1"
        assert b"s3cret-pass" not in request.content


def test_user_agent_names_ldap2ts(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    connect()

    for request in fake.requests:
        assert request.headers["User-Agent"].startswith("ldap2ts/")


def test_secret_key_wins_over_password(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    from ldap2ts.settings import Secret

    connect(password=Secret("wrong", "test"), secret_key=Secret("s3cret-pass", "test"))

    body = body_of(fake.requests[0])
    assert body["secret_key"] == "s3cret-pass"
    assert "password" not in body


def test_connect_reads_session_user_and_system(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()

    assert client.session_user is not None
    assert client.session_user.id == fake.tsadmin
    assert client.system_info is not None
    assert client.system_info.all_user_group_id == fake.all_group
    assert [r.url.path.removeprefix("/api/rest/2.0/") for r in fake.requests] == [
        "auth/token/full",
        "auth/session/user",
        "system",
    ]


def test_search_users_reads_every_page(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    for number in range(24):
        fake.add_user(f"user{number:02d}")
    client = connect(page_size=10)

    users = client.search_users()

    assert len(users) == 25
    assert len({user.id for user in users}) == 25
    assert fake.calls["users/search"] == 3
    offsets = [
        body_of(r)["record_offset"] for r in fake.requests if r.url.path.endswith("users/search")
    ]
    assert offsets == [0, 10, 20]


def test_search_stops_on_empty_page_after_full_pages(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    for number in range(19):
        fake.add_user(f"user{number:02d}")
    client = connect(page_size=10)

    assert len(client.search_users()) == 20
    assert fake.calls["users/search"] == 3


def test_search_sends_record_size_from_settings(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()

    client.search_groups()

    search = [r for r in fake.requests if r.url.path.endswith("groups/search")]
    assert body_of(search[0])["record_size"] == 1000


def test_search_rejects_server_ignoring_offset(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    for number in range(10):
        fake.add_user(f"user{number:02d}")
    client = connect(page_size=5)
    original = fake._page
    fake._page = lambda records, body: original(records, {**body, "record_offset": 0})  # type: ignore[method-assign]

    with pytest.raises(ThoughtSpotError, match="does not page"):
        client.search_users()


def test_parsing_keeps_unknown_status_and_ignores_unknown_fields(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    fake.add_user("frozen", account_status="FROZEN_BY_POLICY", brand_new_field=[1, 2])
    client = connect()

    user = client.find_user("frozen")

    assert user is not None
    assert user.account_status == "FROZEN_BY_POLICY"
    assert user.account_type == "LDAP_USER"


def test_search_skips_record_without_id(
    connect: ClientFactory, fake: FakeThoughtSpot, caplog: pytest.LogCaptureFixture
) -> None:
    broken = fake.add_user("broken")
    fake.users[broken]["id"] = None
    client = connect()

    names = [user.name for user in client.search_users()]

    assert "broken" not in names
    assert "tsadmin" in names
    assert "Ignored 1 records without id or name" in caplog.text


def test_builtin_flags_and_all_group_excluded(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    fake.add_user("guest", account_type="LOCAL_USER")
    fake.add_user("alice", groups={fake.admin_group})
    client = connect()

    users = {user.name: user for user in client.search_users()}
    groups = {group.name: group for group in client.search_groups()}

    assert users["tsadmin"].builtin
    assert users["guest"].builtin
    assert not users["alice"].builtin
    assert users["alice"].group_ids == {fake.admin_group}
    assert groups["All"].builtin
    assert groups["Administrator"].builtin


def test_find_user_returns_none_when_missing(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()

    assert client.find_user("nobody") is None
    fake.missing_search_status = 200
    assert client.find_user("nobody") is None


def test_identifier_is_percent_encoded_in_path(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    name = "R&D/Europe 50% #1?"
    fake.add_group(name)
    client = connect()

    client.update_group(name, display_name="Research")

    update = fake.requests[-1]
    assert update.url.raw_path == b"/api/rest/2.0/groups/R%26D%2FEurope%2050%25%20%231%3F/update"
    group = fake.group_named(name)
    assert group is not None
    assert group["display_name"] == "Research"


def test_update_with_members_needs_operation(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    group_id = fake.add_group("sales")
    client = connect()

    with pytest.raises(ValueError, match="explicit operation"):
        client.update_group(group_id, user_identifiers=["alice"])


def test_update_group_sends_add_with_both_lists(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    group_id = fake.add_group("sales")
    child_id = fake.add_group("sales-emea")
    alice = fake.add_user("alice")
    client = connect()

    client.update_group(
        group_id, operation="ADD", user_identifiers=[alice], sub_group_identifiers=[child_id]
    )

    assert body_of(fake.requests[-1]) == {
        "user_identifiers": [alice],
        "sub_group_identifiers": [child_id],
        "operation": "ADD",
    }
    assert fake.groups[group_id]["sub_groups"] == {child_id}
    assert group_id in fake.users[alice]["groups"]


def test_create_user_sends_ldap_type(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()

    spec = UserSpec("alice@example.com", "Alice", "alice@example.com", account_type="LDAP_USER")
    user = client.create_user(spec)

    assert user.name == "alice@example.com"
    assert user.account_type == "LDAP_USER"
    assert body_of(fake.requests[-1])["account_type"] == "LDAP_USER"


def test_specs_default_to_local_types(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    # A principal made by a custom script must not become a sync's removal candidate.
    client = connect()

    user = client.create_user(UserSpec("carol", "Carol", "carol@example.com"))
    user_body = body_of(fake.requests[-1])
    client.create_group(GroupSpec("analysts", "Analysts"))
    group_body = body_of(fake.requests[-1])

    assert user.account_type == "LOCAL_USER"
    assert user_body["account_type"] == "LOCAL_USER"
    assert group_body["type"] == "LOCAL_GROUP"


def test_import_never_dry_run_never_deletes(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()

    users = client.import_users([UserSpec("alice", "Alice"), UserSpec("bob", "Bob")])
    groups = client.import_groups([GroupSpec("sales", "Sales", group_type="LDAP_GROUP")])

    user_body = body_of([r for r in fake.requests if r.url.path.endswith("users/import")][0])
    group_body = body_of([r for r in fake.requests if r.url.path.endswith("groups/import")][0])
    assert user_body["dry_run"] is False
    assert user_body["delete_unspecified_users"] is False
    assert group_body["dry_run"] is False
    assert group_body["delete_unspecified_groups"] is False
    assert group_body["groups"] == [
        {"group_identifier": "sales", "display_name": "Sales", "type": "LDAP_GROUP"}
    ]
    assert sorted(n.name or "" for n in users.added) == ["alice", "bob"]
    assert [n.name for n in groups.added] == ["sales"]
    assert all(n.id for n in users.added)


def test_delete_user_by_id(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    user_id = fake.add_user("leaver")
    client = connect()

    client.delete_user(user_id)

    assert user_id not in fake.users


def test_delete_missing_user_is_an_error(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()

    with pytest.raises(ThoughtSpotError) as caught:
        client.delete_user("nobody")

    assert caught.value.status == 400
    assert caught.value.server_message == "user nobody not found"
    assert caught.value.endpoint == "/api/rest/2.0/users/nobody/delete"
