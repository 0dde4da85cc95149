"""ldap2ts explain NAME against slapd and the emulator."""

from __future__ import annotations

from typing import Any

from testkit import sample
from testkit.emulator import EmulatorServer

from ldap2ts.dn import normalize
from ldap2ts.settings import Secret, ThoughtSpotSettings
from ldap2ts.thoughtspot import ThoughtSpotClient
from tests.functional.api.conftest import EXAMPLES, TS_PASSWORD, Company


def direct_groups(company: Company, user: sample.SampleUser) -> list[str]:
    return sorted(group.cn for group in company.directory.groups if user.dn in group.members)


def block(stdout: str) -> list[str]:
    """Return the lines of the first finding."""
    return stdout.split("\n\n")[0].splitlines()


def test_explain_synced_user(write_config: Any, ldap2ts: Any, company: Company) -> None:
    user = company.staff[15]
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == 0
    run = ldap2ts("explain", f"{user.uid}@example.com", "-c", str(config))
    assert run.code == 0, run.stderr
    groups = ", ".join(direct_groups(company, user))
    assert block(run.stdout) == [
        f"user {user.uid}@example.com: synced",
        f"  directory entry: {user.dn}",
        f"  ThoughtSpot name: {user.uid}@example.com",
        f"  groups in the directory: {groups}",
        f"  groups in ThoughtSpot: {groups}",
        "  planned changes: none",
    ]


def test_explain_by_uid_before_sync(write_config: Any, ldap2ts: Any, company: Company) -> None:
    user = company.staff[16]
    run = ldap2ts("explain", user.uid, "-c", str(write_config()))
    assert run.code == 0, run.stderr
    lines = block(run.stdout)
    assert lines[0] == f"user {user.uid}@example.com: synced"
    assert "  groups in ThoughtSpot: not in ThoughtSpot" in lines
    assert "  planned changes:" in lines
    assert any(line.startswith(f"    create user name={user.uid}@example.com ") for line in lines)


def test_explain_filtered_out_user(write_config: Any, ldap2ts: Any, company: Company) -> None:
    user = company.staff[17]
    config = write_config(directory=f'filter = "(!(uid={user.uid}))"')
    run = ldap2ts("explain", user.dn, "-c", str(config))
    assert run.code == 0, run.stderr
    assert block(run.stdout) == [
        f"entry {user.dn}: not read from the directory",
        f"  directory entry: {user.dn}",
        "  because:",
        f"    it matches neither the user filter (&(objectClass=inetOrgPerson)(!(uid={user.uid})))"
        " nor the group filter (&(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)"
        f"(objectClass=posixGroup))(!(uid={user.uid})))",
    ]


def test_explain_user_outside_base(write_config: Any, ldap2ts: Any, company: Company) -> None:
    partner = company.directory.partners[0]
    run = ldap2ts("explain", partner.uid, "-c", str(write_config()))
    assert run.code == 0, run.stderr
    lines = block(run.stdout)
    assert lines[0] == f"user {partner.dn}: not read from the directory"
    assert lines[-1] == (
        f"    it is outside the base DN {company.directory.base!r} (search scope sub)"
    )


def test_explain_user_left_out_by_hook(write_config: Any, ldap2ts: Any, company: Company) -> None:
    contractor = company.contractors[0]
    name = f"{contractor.uid}@example.com"
    assert ldap2ts("apply", "--yes", "-c", str(write_config())).code == 0
    config = write_config(naming='hooks = ["company_hooks:skip_contractors"]')
    run = ldap2ts("explain", contractor.uid, "-c", str(config),
                  env={"PYTHONPATH": str(EXAMPLES)})
    assert run.code == 0, run.stderr
    lines = block(run.stdout)
    # The server returns the DN with its own escaping (\\2C for a comma).
    entry_dn = lines[1].removeprefix("  directory entry: ")
    assert normalize(entry_dn) == normalize(contractor.dn)
    groups = ", ".join(direct_groups(company, contractor))
    assert lines == [
        f"user {name}: left out of the sync",
        f"  directory entry: {entry_dn}",
        f"  ThoughtSpot name: {name}",
        f"  groups in the directory: {groups}",
        f"  groups in ThoughtSpot: {groups}",
        "  planned changes:",
        *[f"    remove member group={_field(group)} user={name}"
          for group in direct_groups(company, contractor)],
        f"    deactivate user name={name}",
        "  because:",
        "    left out by hook company_hooks:skip_contractors",
    ]


def test_explain_membership_differs(
    write_config: Any, ldap2ts: Any, company: Company, ts_server: EmulatorServer
) -> None:
    user = company.staff[18]
    name = f"{user.uid}@example.com"
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == 0
    groups = direct_groups(company, user)
    dropped = groups[0]
    settings = ThoughtSpotSettings(url=ts_server.url, username="tsadmin",
                                   password=Secret(TS_PASSWORD, "test"), max_retries=0)
    with ThoughtSpotClient(settings) as client:
        client.update_group(dropped, operation="REMOVE", user_identifiers=[name])
        client.update_group("Managers", operation="ADD", user_identifiers=[name])
    expected_ts = sorted({*groups, "Managers"} - {dropped})

    run = ldap2ts("explain", name, "-c", str(config))
    assert run.code == 0, run.stderr
    lines = block(run.stdout)
    assert f"  groups in the directory: {', '.join(groups)}" in lines
    assert f"  groups in ThoughtSpot: {', '.join(expected_ts)}" in lines
    changes = lines[lines.index("  planned changes:") + 1:]
    assert f"    add member group={_field(dropped)} user={name}" in changes
    if "Managers" not in groups:
        assert f"    remove member group=Managers user={name}" in changes


def test_explain_unknown_name(write_config: Any, ldap2ts: Any) -> None:
    run = ldap2ts("explain", "nobody-here", "-c", str(write_config()))
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "entry nobody-here: not found",
        "  directory entry: none in the directory read",
        "  because:",
        "    no directory entry and no ThoughtSpot principal is named 'nobody-here'",
    ]


def test_explain_without_name_is_usage_error(write_config: Any, ldap2ts: Any) -> None:
    run = ldap2ts("explain", "-c", str(write_config()))
    assert run.code == 2
    assert run.error_lines == [
        "Error: explain needs a NAME: a ThoughtSpot name, a uid or a DN, "
        "as in ldap2ts explain alice@example.com"
    ]


def _field(value: str) -> str:
    """Quote a plan field the way the plan prints it."""
    from ldap2ts.report import format_value

    return format_value(value)


def test_explain_group_created_by_hook(write_config: Any, ldap2ts: Any, company: Company) -> None:
    members = [user for user in company.staff if company.department_of(user) == "Finance"]
    run = ldap2ts("explain", "dept-finance", "--hook", "company_hooks:department_groups",
                  "-c", str(write_config()), env={"PYTHONPATH": str(EXAMPLES)})
    assert run.code == 0, run.stderr
    lines = block(run.stdout)
    assert lines[0] == "group dept-finance: created by hook company_hooks:department_groups"
    assert "    create group name=dept-finance display_name=dept-finance" in lines
    assert lines[-1] == (f"    no directory group has this name; the entry hooks put "
                         f"{len(members)} members in it, so the desired state has it")
