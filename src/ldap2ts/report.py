"""The plan and the result as people and programs read them.

Each change prints as one line: a constant verb phrase, then ``key=value``
fields (``create user name=alice@example.com``), with ``would`` in front
when nothing is applied. Lines are grouped by action in the order the apply
stage runs them, each group headed by its count, and a summary line ends
the plan. ``write_json_report`` writes the same facts for programs.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from typing import Any, Protocol, TextIO

from ldap2ts.model import Action, Change, DesiredState, DirectorySnapshot, Plan, name_key

_NEEDS_QUOTES = re.compile(r"[\s\"'\\]|^$")

# The verb phrase of each action and the noun of its summary count.
_PHRASES: dict[Action, tuple[str, str]] = {
    Action.CREATE_GROUP: ("create group", "group"),
    Action.CREATE_USER: ("create user", "user"),
    Action.ADD_MEMBERS: ("add member", "member"),
    Action.UPDATE_GROUP: ("update group", "group"),
    Action.UPDATE_USER: ("update user", "user"),
    Action.REACTIVATE_USER: ("reactivate user", "user"),
    Action.REMOVE_MEMBERS: ("remove member", "member"),
    Action.DEACTIVATE_USER: ("deactivate user", "user"),
    Action.DELETE_USER: ("delete user", "user"),
    Action.DELETE_GROUP: ("delete group", "group"),
}


class ApplyOutcome(Protocol):
    """The fields of ``ldap2ts.apply.ApplyResult`` that the report reads.

    ``added`` and ``removed`` count memberships, the others principals.
    ``skipped`` counts the changes never started because the run was
    stopped, one per principal or member, as the printed plan counts them.
    """

    created: int
    added: int
    updated: int
    reactivated: int
    removed: int
    deactivated: int
    deleted: int
    skipped: int
    failures: list[tuple[Change, str]]
    interrupted: bool


def format_value(value: str) -> str:
    """Quote a field value when it contains spaces, quotes or backslashes, or is empty."""
    if _NEEDS_QUOTES.search(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _fields(pairs: list[tuple[str, str]]) -> str:
    return " ".join(f"{key}={format_value(value)}" for key, value in pairs)


def change_lines(change: Change) -> list[str]:
    """Return the lines of one change; a membership change gives one line per member."""
    phrase = _PHRASES[change.action][0]
    if change.action in (Action.ADD_MEMBERS, Action.REMOVE_MEMBERS):
        lines = [
            f"{phrase} {_fields([('group', change.name), ('user', user)])}"
            for user in change.users
        ]
        lines += [
            f"{phrase} {_fields([('group', change.name), ('sub_group', group)])}"
            for group in change.sub_groups
        ]
        return lines
    pairs = [("name", change.name)] + sorted(change.fields.items())
    return [f"{phrase} {_fields(pairs)}"]


def count_lines(plan: Plan, action: Action) -> int:
    """Count the printed lines of one action (members for membership changes)."""
    return sum(len(change_lines(change)) for change in plan.changes if change.action is action)


def change_count(plan: Plan) -> int:
    """Count the plan's changes as printed: one per principal, one per member."""
    return sum(len(change_lines(change)) for change in plan.changes)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(plan: Plan) -> str:
    """Summarise a plan in one line: "Plan: create 2 groups, add 5 members, 7 changes in all."."""
    parts = []
    for action, (phrase, noun) in _PHRASES.items():
        count = count_lines(plan, action)
        if count:
            verb = phrase.split(" ")[0]
            parts.append(f"{verb} {_plural(count, noun)}")
    held = f" ({_plural(len(plan.skipped), 'removal')} held back)" if plan.skipped else ""
    if not parts:
        return f"Plan: nothing to change{held}."
    parts.append(f"{_plural(change_count(plan), 'change')} in all")
    return "Plan: " + ", ".join(parts) + held + "."


def print_plan(plan: Plan, out: TextIO, *, would: bool) -> None:
    """Print the plan: one line per change grouped by action, held-back removals, warnings."""
    prefix = "would " if would else ""
    for action, (phrase, _) in _PHRASES.items():
        lines = [
            line
            for change in plan.changes
            if change.action is action
            for line in change_lines(change)
        ]
        if not lines:
            continue
        print(f"{phrase} ({len(lines)}):", file=out)
        for line in lines:
            print(f"  {prefix}{line}", file=out)
    if plan.skipped:
        print(f"held back ({len(plan.skipped)}):", file=out)
        for reason in plan.skipped:
            print(f"  {reason}", file=out)
    if plan.warnings:
        print(f"warnings ({len(plan.warnings)}):", file=out)
        for warning in plan.warnings:
            print(f"  {warning}", file=out)
    print(summary_line(plan), file=out)


def failed_count(result: ApplyOutcome) -> int:
    """Count failed changes as the plan does: one per principal, one per member."""
    return sum(len(change_lines(change)) for change, _ in result.failures)


def apply_counts(result: ApplyOutcome) -> str:
    """List the outcome counts; "changes" are counted as in the plan, one per line."""
    return (
        f"{result.created} created, {_plural(result.added, 'member')} added, "
        f"{result.updated} updated, {result.reactivated} reactivated, "
        f"{_plural(result.removed, 'member')} removed, "
        f"{result.deactivated} deactivated, {result.deleted} deleted; "
        f"{_plural(failed_count(result), 'change')} failed, "
        f"{_plural(result.skipped, 'change')} not started"
    )


def apply_summary_line(result: ApplyOutcome) -> str:
    """Summarise an apply result, such as "Applied: 3 created, ...; 0 changes failed, ..."."""
    if result.interrupted:
        return f"Interrupted: {apply_counts(result)}; run ldap2ts again to finish."
    return f"Applied: {apply_counts(result)}."


def print_failures(result: ApplyOutcome, out: TextIO) -> None:
    """Print each failed change with its reason."""
    if not result.failures:
        return
    print(f"failed ({failed_count(result)}):", file=out)
    for change, reason in result.failures:
        for line in change_lines(change):
            print(f"  {line}: {reason}", file=out)


# --- JSON report ------------------------------------------------------------------


def _anchors(desired: DesiredState | None) -> dict[str, str]:
    if desired is None:
        return {}
    anchors: dict[str, str] = {}
    for key, user in desired.users.items():
        if user.anchor:
            anchors[key] = user.anchor
    for key, group in desired.groups.items():
        if group.anchor:
            anchors.setdefault(key, group.anchor)
    return anchors


def change_record(change: Change, anchors: Mapping[str, str]) -> dict[str, Any]:
    """Describe one change as JSON-ready data (no secrets: changes hold none)."""
    record: dict[str, Any] = {"action": change.action.value, "name": change.name}
    anchor = anchors.get(name_key(change.name))
    if anchor:
        record["anchor"] = anchor
    if change.target_id:
        record["id"] = change.target_id
    if change.fields:
        record["fields"] = dict(change.fields)
    if change.users:
        record["users"] = list(change.users)
    if change.sub_groups:
        record["sub_groups"] = list(change.sub_groups)
    record["lines"] = change_lines(change)
    return record


def plan_record(plan: Plan, desired: DesiredState | None) -> dict[str, Any]:
    anchors = _anchors(desired)
    return {
        "changes": [change_record(change, anchors) for change in plan.changes],
        "counts": {
            action.value: count_lines(plan, action)
            for action in Action
            if count_lines(plan, action)
        },
        "held_back": list(plan.skipped),
        "warnings": list(plan.warnings),
        "managed_users": plan.managed_users,
        "managed_groups": plan.managed_groups,
        "summary": summary_line(plan),
    }


def directory_record(snapshot: DirectorySnapshot) -> dict[str, Any]:
    return {
        "users": len(snapshot.users),
        "groups": len(snapshot.groups),
        "complete": snapshot.complete,
        "incomplete_reasons": list(snapshot.incomplete_reasons),
        "warnings": list(snapshot.warnings),
        "searches": snapshot.searches,
    }


def apply_record(result: ApplyOutcome, desired: DesiredState | None) -> dict[str, Any]:
    anchors = _anchors(desired)
    return {
        "created": result.created,
        "added": result.added,
        "updated": result.updated,
        "reactivated": result.reactivated,
        "removed": result.removed,
        "deactivated": result.deactivated,
        "deleted": result.deleted,
        "skipped": result.skipped,
        "failed": failed_count(result),
        "interrupted": result.interrupted,
        "failures": [
            {"change": change_record(change, anchors), "reason": reason}
            for change, reason in result.failures
        ],
        "summary": apply_summary_line(result),
    }


def iter_report_text(report: Mapping[str, Any]) -> Iterator[str]:
    yield json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False)
    yield "\n"


def write_json_report(path: str, report: Mapping[str, Any]) -> None:
    """Write the report atomically (a temporary file renamed over ``path``)."""
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".ldap2ts-report-", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.writelines(iter_report_text(report))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
