#!/usr/bin/env python3
"""A custom sync script: the ldap2ts stages run one by one, with hooks passed in Python.

    python3 sync_with_hooks.py --config /etc/ldap2ts/ldap2ts.toml           # show the plan
    python3 sync_with_hooks.py --config /etc/ldap2ts/ldap2ts.toml --apply   # and apply it

It leaves contractors out, adds every user to a group per department
(``company_hooks``), prints the plan, and applies it only with ``--apply``.
The exit code follows ldap2ts: 0 done or in sync, 2 bad configuration,
3 partial, 4 refused by the safety guard, 5 failed, 7 another run holds the
lock.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import company_hooks  # noqa: E402

import ldap2ts  # noqa: E402

HOOKS = ldap2ts.Hooks(
    entries=[company_hooks.skip_contractors, company_hooks.department_groups],
)


def sync(config: str, apply: bool) -> ldap2ts.ExitCode:
    """Run the stages; return the exit code."""
    settings = ldap2ts.load_settings(config)

    directory = ldap2ts.read_directory(settings)
    print(f"read {len(directory.users)} users and {len(directory.groups)} groups")
    desired = ldap2ts.build_desired_state(directory, settings, HOOKS)

    with ldap2ts.connect(settings) as client:
        current = ldap2ts.read_thoughtspot(client)
        plan = ldap2ts.compute_plan(desired, current, settings)
        for change in plan.changes:
            users = f" users={','.join(change.users)}" if change.users else ""
            print(f"{change.action.value}: {change.name}{users}")
        print(f"{len(plan.changes)} changes")
        if not apply or not plan.changes:
            return ldap2ts.ExitCode.OK if directory.complete else ldap2ts.ExitCode.PARTIAL

        result = ldap2ts.apply_plan(plan, client, current, settings)
    for change, reason in result.failures:
        print(f"failed: {change.action.value} {change.name}: {reason}", file=sys.stderr)
    print(f"applied: {result.created} created, {result.added} members added, "
          f"{result.updated} updated, {result.deactivated} deactivated, {result.failed} failed")
    if result.failures or not directory.complete:
        return ldap2ts.ExitCode.PARTIAL
    return ldap2ts.ExitCode.OK


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--config", required=True, help="ldap2ts TOML configuration file")
    parser.add_argument("--apply", action="store_true", help="apply the plan")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(sync(arguments.config, arguments.apply))
    except ldap2ts.Ldap2tsError as error:
        print(f"Error: {error}", file=sys.stderr)
        return int(error.exit_code)


if __name__ == "__main__":
    sys.exit(main())
