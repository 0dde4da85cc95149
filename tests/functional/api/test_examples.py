"""The example scripts under examples/, run as written against slapd and the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testkit.emulator import EmulatorServer

from ldap2ts.settings import Secret, ThoughtSpotSettings
from ldap2ts.thoughtspot import ThoughtSpotClient
from tests.functional.api.conftest import CONTRACTORS, TS_PASSWORD, Company

DEPARTMENT_GROUPS = {"dept-sales-emea", "dept-engineering", "dept-finance"}


def thoughtspot(server: EmulatorServer) -> ThoughtSpotClient:
    settings = ThoughtSpotSettings(url=server.url, username="tsadmin",
                                   password=Secret(TS_PASSWORD, "test"), max_retries=0)
    return ThoughtSpotClient(settings)


def user_names(server: EmulatorServer) -> set[str]:
    with thoughtspot(server) as client:
        return {user.name for user in client.search_users() if user.account_type == "LDAP_USER"}


def test_sync_example_plans_without_writing(
    write_config: Any, example: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    run = example("sync_with_hooks.py", "--config", str(config))
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("read 41 users and ")
    assert user_names(ts_server) == set()


def test_sync_example_skips_contractors(
    write_config: Any, example: Any, company: Company, ts_server: EmulatorServer
) -> None:
    config = write_config()
    run = example("sync_with_hooks.py", "--config", str(config), "--apply")
    assert run.code == 0, run.stderr
    names = user_names(ts_server)
    contractors = {f"{user.uid}@example.com" for user in company.contractors}
    staff = {f"{user.uid}@example.com" for user in company.staff}
    assert names == staff - contractors


def test_sync_example_adds_department_groups(
    write_config: Any, example: Any, company: Company, ts_server: EmulatorServer
) -> None:
    config = write_config()
    assert example("sync_with_hooks.py", "--config", str(config), "--apply").code == 0
    with thoughtspot(ts_server) as client:
        groups = {group.name: group for group in client.search_groups()}
        users = {user.id: user.name for user in client.search_users()}
    assert DEPARTMENT_GROUPS <= set(groups)
    finance = {users[user_id] for user_id in groups["dept-finance"].user_ids}
    expected = {f"{user.uid}@example.com" for user in company.staff[CONTRACTORS:]
                if company.department_of(user) == "Finance"}  # fmt: skip
    assert finance == expected


def test_sync_example_second_run_is_clean(write_config: Any, example: Any) -> None:
    config = write_config()
    assert example("sync_with_hooks.py", "--config", str(config), "--apply").code == 0
    again = example("sync_with_hooks.py", "--config", str(config))
    assert again.code == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "0 changes"


def test_sync_example_bad_config_is_one_error(folder: Path, example: Any) -> None:
    run = example("sync_with_hooks.py", "--config", str(folder / "missing.toml"))
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"Error: configuration file {folder / 'missing.toml'} not found; check the path "
        "given to --config or LDAP2TS_CONFIG"
    ]


def test_stale_example_lists_then_deletes(
    write_config: Any, example: Any, ldap2ts: Any, company: Company, ts_server: EmulatorServer
) -> None:
    leaver = company.staff[10]
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == 0
    # The leaver drops out of the read; the next apply deactivates the account.
    config = write_config(directory=f'filter = "(!(uid={leaver.uid}))"')
    applied = ldap2ts("apply", "--yes", "-c", str(config))
    assert applied.code == 0, applied.stderr
    assert f"deactivate user name={leaver.uid}@example.com" in applied.stdout

    listed = example("delete_stale_accounts.py", "--config", str(config))
    assert listed.code == 0, listed.stderr
    assert f"would delete user {leaver.uid}@example.com" in listed.stdout
    assert f"{leaver.uid}@example.com" in user_names(ts_server)

    deleted = example("delete_stale_accounts.py", "--config", str(config), "--delete")
    assert deleted.code == 0, deleted.stderr
    assert deleted.stdout.splitlines()[-1] == "1 stale account deleted"
    assert f"{leaver.uid}@example.com" not in user_names(ts_server)


def test_stale_example_keeps_protected_accounts(
    write_config: Any, example: Any, ldap2ts: Any, company: Company, ts_server: EmulatorServer
) -> None:
    leaver = company.staff[11]
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == 0
    config = write_config(directory=f'filter = "(!(uid={leaver.uid}))"')
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == 0
    config = write_config(directory=f'filter = "(!(uid={leaver.uid}))"',
                          sync=f'protect = ["{leaver.uid}@*"]')
    run = example("delete_stale_accounts.py", "--config", str(config), "--delete")
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "0 stale accounts deleted"
    assert f"{leaver.uid}@example.com" in user_names(ts_server)

