"""Plan and result output: one line per change, grouped, with counts and a summary."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ldap2ts.model import Action, Change, DesiredState, DesiredUser, Plan
from ldap2ts.report import (
    apply_record,
    apply_summary_line,
    change_lines,
    plan_record,
    print_failures,
    print_plan,
    summary_line,
    write_json_report,
)


def sample_plan() -> Plan:
    return Plan(
        changes=[
            Change(Action.CREATE_GROUP, "Sales", fields={"display_name": "Sales team"}),
            Change(
                Action.CREATE_USER,
                "alice@example.com",
                fields={"display_name": "Alice Ng", "email": "alice@example.com"},
            ),
            Change(
                Action.ADD_MEMBERS,
                "Sales",
                users=("alice@example.com", "bob@example.com"),
                sub_groups=("Sales EMEA",),
            ),
            Change(
                Action.UPDATE_USER,
                "carol@example.com",
                target_id="u-3",
                fields={"display_name": "Carol Díaz"},
            ),
            Change(Action.REMOVE_MEMBERS, "Sales", target_id="g-1", users=("dan@example.com",)),
            Change(Action.DEACTIVATE_USER, "erin@example.com", target_id="u-5"),
            Change(Action.DELETE_GROUP, "Old", target_id="g-9"),
        ],
        skipped=["delete user frank@example.com: protected"],
        warnings=["two entries map to gil@example.com; both skipped"],
        managed_users=10,
        managed_groups=3,
    )


@dataclass
class Outcome:
    created: int = 2
    added: int = 3
    updated: int = 1
    reactivated: int = 0
    removed: int = 1
    deactivated: int = 1
    deleted: int = 0
    skipped: int = 0
    failures: list[tuple[Change, str]] = field(default_factory=list)
    interrupted: bool = False


def test_membership_change_gives_line_per_member() -> None:
    change = Change(Action.ADD_MEMBERS, "Sales", users=("a@x.com",), sub_groups=("Sub",))
    assert change_lines(change) == [
        "add member group=Sales user=a@x.com",
        "add member group=Sales sub_group=Sub",
    ]


def test_values_with_spaces_are_quoted() -> None:
    change = Change(
        Action.CREATE_GROUP,
        r"cn=R&D\, Europe.ou=Groups@example.com",
        fields={"display_name": "R&D Europe"},
    )
    assert change_lines(change) == [
        'create group name="cn=R&D\\\\, Europe.ou=Groups@example.com" display_name="R&D Europe"'
    ]


def test_plan_mode_prints_would_and_groups() -> None:
    out = io.StringIO()
    print_plan(sample_plan(), out, would=True)
    assert out.getvalue().splitlines() == [
        "create group (1):",
        '  would create group name=Sales display_name="Sales team"',
        "create user (1):",
        '  would create user name=alice@example.com display_name="Alice Ng" '
        "email=alice@example.com",
        "add member (3):",
        "  would add member group=Sales user=alice@example.com",
        "  would add member group=Sales user=bob@example.com",
        '  would add member group=Sales sub_group="Sales EMEA"',
        "update user (1):",
        '  would update user name=carol@example.com display_name="Carol Díaz"',
        "remove member (1):",
        "  would remove member group=Sales user=dan@example.com",
        "deactivate user (1):",
        "  would deactivate user name=erin@example.com",
        "delete group (1):",
        "  would delete group name=Old",
        "held back (1):",
        "  delete user frank@example.com: protected",
        "warnings (1):",
        "  two entries map to gil@example.com; both skipped",
        "Plan: create 1 group, create 1 user, add 3 members, update 1 user, remove 1 member, "
        "deactivate 1 user, delete 1 group, 9 changes in all (1 removal held back).",
    ]


def test_apply_mode_prints_without_would() -> None:
    out = io.StringIO()
    print_plan(sample_plan(), out, would=False)
    assert "  create user name=alice@example.com" in out.getvalue()
    assert "would" not in out.getvalue()


def test_empty_plan_summary() -> None:
    assert summary_line(Plan()) == "Plan: nothing to change."


def test_apply_summary_counts_everything() -> None:
    failed = Change(Action.CREATE_USER, "x@example.com")
    outcome = Outcome(failures=[(failed, "400 invalid email")])
    assert apply_summary_line(outcome) == (
        "Applied: 2 created, 3 members added, 1 updated, 0 reactivated, 1 member removed, "
        "1 deactivated, 0 deleted; 1 change failed, 0 changes not started."
    )


def test_interrupted_summary_counts_plan_lines() -> None:
    failed = Change(Action.ADD_MEMBERS, "sales", users=("a@example.com", "b@example.com"))
    outcome = Outcome(failures=[(failed, "404 group not found")], skipped=7, interrupted=True)
    assert apply_summary_line(outcome) == (
        "Interrupted: 2 created, 3 members added, 1 updated, 0 reactivated, 1 member removed, "
        "1 deactivated, 0 deleted; 2 changes failed, 7 changes not started; "
        "run ldap2ts again to finish."
    )


def test_failures_listed_per_member() -> None:
    failed = Change(Action.ADD_MEMBERS, "sales", users=("a@example.com", "b@example.com"))
    out = io.StringIO()
    print_failures(Outcome(failures=[(failed, "404 group not found")]), out)
    assert out.getvalue().splitlines() == [
        "failed (2):",
        "  add member group=sales user=a@example.com: 404 group not found",
        "  add member group=sales user=b@example.com: 404 group not found",
    ]


def test_json_report_holds_plan_and_anchors(tmp_path: Path) -> None:
    desired = DesiredState(
        users={
            "alice@example.com": DesiredUser(
                "alice@example.com",
                "Alice Ng",
                "alice@example.com",
                "uid=alice,ou=People,dc=example,dc=com",
                anchor="6f1c-entry-uuid",
            ),
        }
    )
    path = tmp_path / "report.json"
    failed = Change(Action.CREATE_USER, "alice@example.com")
    write_json_report(
        str(path),
        {
            "plan": plan_record(sample_plan(), desired),
            "apply": apply_record(Outcome(failures=[(failed, "400 invalid")]), desired),
        },
    )
    data = json.loads(path.read_text())
    created = data["plan"]["changes"][1]
    assert created["action"] == "create user"
    assert created["name"] == "alice@example.com"
    assert created["anchor"] == "6f1c-entry-uuid"
    assert data["plan"]["counts"]["add members"] == 3
    assert data["plan"]["held_back"] == ["delete user frank@example.com: protected"]
    assert data["apply"]["failed"] == 1
    assert data["apply"]["failures"][0]["reason"] == "400 invalid"
    assert data["apply"]["failures"][0]["change"]["anchor"] == "6f1c-entry-uuid"
