"""The Python API stage by stage against slapd and the emulator."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from testkit.emulator import EmulatorServer

import ldap2ts
from tests.functional.api.conftest import Company


def test_stages_apply_then_clean(write_config: Any, company: Company) -> None:
    settings = ldap2ts.load_settings(write_config(), environ={})
    directory = ldap2ts.read_directory(settings)
    assert directory.complete
    assert len(directory.users) == len(company.staff)
    desired = ldap2ts.build_desired_state(directory, settings)
    with ldap2ts.connect(settings) as client:
        current = ldap2ts.read_thoughtspot(client)
        plan = ldap2ts.compute_plan(desired, current, settings)
        assert plan.count(ldap2ts.Action.CREATE_USER) == len(company.staff)
        result = ldap2ts.apply_plan(plan, client, current, settings)
        assert result.failures == []
        assert result.created == len(company.staff) + len(company.directory.groups)
        after = ldap2ts.read_thoughtspot(client)
    assert ldap2ts.compute_plan(desired, after, settings).changes == []


def test_sync_returns_run_result(write_config: Any) -> None:
    settings = ldap2ts.load_settings(write_config(), environ={})
    out = io.StringIO()
    checked = ldap2ts.sync(settings, "check", out=out)
    assert checked.exit_code is ldap2ts.ExitCode.CHANGES_PENDING
    assert out.getvalue().splitlines()[-1].startswith("Plan: create ")
    applied = ldap2ts.sync(settings, "apply")
    assert applied.exit_code is ldap2ts.ExitCode.OK
    assert applied.changed is True
    again = ldap2ts.sync(settings, "check")
    assert again.exit_code is ldap2ts.ExitCode.OK
    assert again.changed is False


def test_sync_with_python_hooks(write_config: Any, company: Company) -> None:
    def only_three(entry: ldap2ts.Entry) -> ldap2ts.Entry | None:
        keep = {user.uid for user in company.staff[20:23]}
        return entry if entry.kind == "group" or entry.first("uid") in keep else None

    settings = ldap2ts.load_settings(write_config(), environ={}, sync={"max_removal_ratio": 1.0})
    result = ldap2ts.sync(settings, "plan", hooks=ldap2ts.Hooks(entries=[only_three]))
    assert result.plan is not None
    assert result.plan.count(ldap2ts.Action.CREATE_USER) == 3


def test_apply_plan_respects_lock(write_config: Any, folder: Path) -> None:
    from ldap2ts.lock import run_lock

    settings = ldap2ts.load_settings(write_config(), environ={})
    desired = ldap2ts.build_desired_state(ldap2ts.read_directory(settings), settings)
    with ldap2ts.connect(settings) as client:
        current = ldap2ts.read_thoughtspot(client)
        plan = ldap2ts.compute_plan(desired, current, settings)
        with run_lock(settings), pytest.raises(ldap2ts.LockedError):
            ldap2ts.apply_plan(plan, client, current, settings)
        assert ldap2ts.read_thoughtspot(client).users.keys() == current.users.keys()


def test_apply_plan_checks_guard(write_config: Any, ts_server: EmulatorServer) -> None:
    settings = ldap2ts.load_settings(write_config(), environ={})
    assert ldap2ts.sync(settings, "apply").exit_code is ldap2ts.ExitCode.OK
    narrow = ldap2ts.load_settings(write_config(), environ={},
                                   directory={"filter": "(uid=nobody-matches)"})
    desired = ldap2ts.build_desired_state(ldap2ts.read_directory(narrow), narrow)
    with ldap2ts.connect(narrow) as client:
        current = ldap2ts.read_thoughtspot(client)
        plan = ldap2ts.compute_plan(desired, current, narrow)
        with pytest.raises(ldap2ts.RefusedError):
            ldap2ts.apply_plan(plan, client, current, narrow)


def test_client_for_one_extra_call(write_config: Any) -> None:
    settings = ldap2ts.load_settings(write_config(), environ={})
    ldap2ts.sync(settings, "apply", stop=threading.Event())
    with ldap2ts.connect(settings) as client:
        group = client.find_group("Analysts") or client.create_group(
            ldap2ts.GroupSpec(name="Analysts", display_name="Analysts",
                              group_type="LOCAL_GROUP")
        )
        user = client.search_users()[0]
        client.update_group(group.id, operation="ADD", user_identifiers=[user.name])
        found = client.find_group("Analysts")
    assert found is not None
    assert user.id in found.user_ids
    assert found.group_type == "LOCAL_GROUP"
    # A LOCAL group is not managed, so the next sync leaves it alone.
    assert ldap2ts.sync(settings, "check").exit_code is ldap2ts.ExitCode.OK


def test_connect_logs_in_once(write_config: Any, ts_server: EmulatorServer) -> None:
    settings = ldap2ts.load_settings(write_config(), environ={})
    ts_server.reset_counters()
    with ldap2ts.connect(settings) as client:
        assert client.session_user is not None
    requests = ts_server.counters()["requests"]
    logins = {endpoint: count for endpoint, count in requests.items()
              if endpoint.endswith(("/auth/token/full", "/auth/session/user"))}
    assert sorted(logins.values()) == [1, 1], logins
