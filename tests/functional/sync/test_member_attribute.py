"""A wrong member attribute must never strip the synced groups in ThoughtSpot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testkit.emulator import EmulatorServer

from ldap2ts.errors import ExitCode
from tests.functional.sync import directory
from tests.functional.sync.conftest import write_requests
from tests.functional.sync.thoughtspot import ldap_groups


def first_sync(ldap2ts: Any, config: Path, ts_server: EmulatorServer) -> dict[str, int]:
    run = ldap2ts("apply", "--yes", "-c", str(config))
    assert run.code == ExitCode.OK, run.stderr
    return write_requests(ts_server)


def synced_groups(ts_server: EmulatorServer) -> dict[str, tuple[set[str], set[str]]]:
    return {
        name: (set(group["users"]), set(group["sub_groups"]))
        for name, group in ldap_groups(ts_server).items()
    }


def test_misspelt_member_attribute_rejected(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    writes = first_sync(ldap2ts, config, ts_server)

    for command in (["plan"], ["apply", "--yes"]):
        for value in ("membr", "memberOf"):
            run = ldap2ts(*command, "-c", str(config), "--member-attribute", value)

            assert run.code == ExitCode.USAGE, run.stderr
            assert run.error_lines == [
                f"Error: directory.member_attribute, flag --member-attribute: invalid value "
                f"{value!r}: expected member, uniqueMember or memberUid (the group attribute "
                "that lists the members)"
            ]
            assert "Traceback" not in run.stderr
    assert write_requests(ts_server) == writes
    assert synced_groups(ts_server) == directory.expected_groups()


def test_unused_member_attribute_refused(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    writes = first_sync(ldap2ts, config, ts_server)
    memberships = directory.expected_membership_count()
    groups = len(directory.GROUPS)

    for command in (["plan"], ["check"], ["apply", "--yes"]):
        run = ldap2ts(*command, "-c", str(config), "--member-attribute", "uniqueMember")

        assert run.code == ExitCode.REFUSED, run.stderr
        output = run.stdout + run.stderr
        assert f"none of the {groups} groups read has a value in uniqueMember" in output, output
        assert run.error_lines == [
            f"Error: the plan removes {memberships} group memberships from {groups} groups: "
            f"{memberships} of {memberships} managed memberships (100.0%), while the limit "
            "is 50% (sync.max_removal_ratio); check the directory read and the plan, then "
            "rerun with --force to apply it"
        ]
    assert write_requests(ts_server) == writes
    assert synced_groups(ts_server) == directory.expected_groups()


def test_membership_removals_applied_with_force(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    first_sync(ldap2ts, config, ts_server)

    run = ldap2ts(
        "apply", "--yes", "--force", "-c", str(config), "--member-attribute", "uniqueMember"
    )

    assert run.code == ExitCode.OK, run.stderr
    assert "applying a plan over the removal limits because --force is set" in run.stderr
    assert synced_groups(ts_server) == {name: (set(), set()) for name in directory.GROUPS}
