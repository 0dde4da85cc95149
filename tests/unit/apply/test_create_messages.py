"""Progress messages of the create stage: counts with the right plural."""

from __future__ import annotations

import logging

import pytest

from ldap2ts.apply import apply_plan
from ldap2ts.model import Action, Change, Plan
from ldap2ts.thoughtspot import ThoughtSpotClient, read_snapshot
from tests.unit.apply.conftest import make_full_settings
from tests.unit.thoughtspot.fakes import FakeThoughtSpot


def create_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "ldap2ts.apply.creates" and record.getMessage().startswith("Creating")
    ]


def test_one_group_and_user_singular(
    client: ThoughtSpotClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ldap2ts.apply.creates")
    plan = Plan(
        changes=[
            Change(Action.CREATE_GROUP, "sales", fields={"display_name": "Sales"}),
            Change(Action.CREATE_USER, "ada@example.com", fields={"display_name": "Ada"}),
        ]
    )

    apply_plan(plan, client, read_snapshot(client), make_full_settings(import_batch_size=50))

    assert create_messages(caplog) == [
        "Creating 1 group in 1 nesting level, up to 50 per import",
        "Creating 1 user, up to 50 per import",
    ]


def test_nested_groups_plural(client: ThoughtSpotClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ldap2ts.apply.creates")
    plan = Plan(
        changes=[
            Change(Action.CREATE_GROUP, "staff", fields={"display_name": "Staff"}),
            Change(Action.CREATE_GROUP, "sales", fields={"display_name": "Sales"}),
            Change(Action.CREATE_USER, "ada@example.com", fields={"display_name": "Ada"}),
            Change(Action.CREATE_USER, "bob@example.com", fields={"display_name": "Bob"}),
            Change(Action.ADD_MEMBERS, "staff", sub_groups=("sales",)),
        ]
    )

    apply_plan(plan, client, read_snapshot(client), make_full_settings(import_batch_size=50))

    assert create_messages(caplog) == [
        "Creating 2 groups in 2 nesting levels, up to 50 per import",
        "Creating 2 users, up to 50 per import",
    ]


def test_rejected_import_requests_counted(
    client: ThoughtSpotClient, fake: FakeThoughtSpot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ldap2ts.apply.creates")
    fake.rejected_names = {"bad-1", "bad-2"}
    names = ["bad-1", "ok-1", "bad-2", "ok-2"]
    plan = Plan(changes=[Change(Action.CREATE_USER, name) for name in names])

    apply_plan(plan, client, read_snapshot(client), make_full_settings(import_batch_size=4))

    messages = [
        record.getMessage()
        for record in caplog.records
        if record.getMessage().startswith("ThoughtSpot rejected")
    ]
    assert messages == [
        "ThoughtSpot rejected 1 import request of users; importing halves on their own",
        "ThoughtSpot rejected 2 import requests of users; importing halves on their own",
    ]
