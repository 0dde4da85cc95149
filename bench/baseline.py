"""The legacy sync's call pattern, replayed through ldap2ts's own ThoughtSpot client.

This is a yardstick for the benchmark and never part of the product. Like
the legacy script it makes, on every run and one request at a time:

- one create call per user and per group that ThoughtSpot lacks, and one
  update call (upsert) per user and per group that it has;
- two calls per group that replace its whole membership, one for the
  users and one for the sub-groups.

It reads the directory with ldap2ts's reader and names principals with
ldap2ts's naming rules, so it pays none of the legacy script's extra LDAP
searches: its timings flatter the legacy script.

Usage: python -m bench.baseline CONFIG_FILE RESULT_FILE
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

from ldap2ts.config import load_settings
from ldap2ts.directory import read_directory
from ldap2ts.model import DesiredGroup, DesiredState, DesiredUser, name_key
from ldap2ts.naming import build_desired_state
from ldap2ts.settings import Settings
from ldap2ts.thoughtspot import ThoughtSpotClient
from ldap2ts.thoughtspot.bodies import LDAP_GROUP, LDAP_USER, GroupSpec, UserSpec

log = logging.getLogger(__name__)

SETUP_READS = 3
"""Requests before the first listing page: token, auth/session/user and system."""


def baseline_write_requests(users: int, groups: int) -> int:
    """Return the number of write requests the legacy pattern makes for a directory."""
    return users + 3 * groups


def baseline_read_requests(ts_users: int, ts_groups: int, page_size: int) -> int:
    """Return the read requests: set-up, then one listing of users and one of groups.

    A listing ends with the first page shorter than ``page_size``, so a
    listing of N records takes N // page_size + 1 pages.
    """
    return SETUP_READS + ts_users // page_size + 1 + ts_groups // page_size + 1


def run_baseline(settings: Settings) -> dict[str, float | int]:
    """Sync the directory to ThoughtSpot with the legacy call pattern and return counts."""
    started = time.perf_counter()
    snapshot = read_directory(settings)
    desired = build_desired_state(snapshot, settings)
    read_seconds = time.perf_counter() - started
    # One request at a time, as the legacy script made them.
    settings.thoughtspot.concurrency = 1
    with ThoughtSpotClient(settings.thoughtspot) as client:
        user_names = {name_key(user.name) for user in client.search_users()}
        group_names = {name_key(group.name) for group in client.search_groups()}
        for user in desired.users.values():
            _upsert_user(client, user, name_key(user.name) in user_names)
        for group in desired.groups.values():
            _upsert_group(client, group, name_key(group.name) in group_names)
        for group in desired.groups.values():
            _replace_members(client, group, desired)
    return {
        "users": len(desired.users),
        "groups": len(desired.groups),
        "read_seconds": read_seconds,
        "seconds": time.perf_counter() - started,
    }


def _upsert_user(client: ThoughtSpotClient, user: DesiredUser, exists: bool) -> None:
    if exists:
        client.update_user(user.name, display_name=user.display_name, email=user.email)
        return
    client.create_user(UserSpec(user.name, user.display_name, user.email, LDAP_USER))


def _upsert_group(client: ThoughtSpotClient, group: DesiredGroup, exists: bool) -> None:
    if exists:
        client.update_group(group.name, display_name=group.display_name)
        return
    client.create_group(GroupSpec(group.name, group.display_name, LDAP_GROUP))


def _replace_members(client: ThoughtSpotClient, group: DesiredGroup, desired: DesiredState) -> None:
    """Replace the group's users, then its sub-groups, in two calls.

    The display name rides along so that a call with an empty member list
    still has a body; the client drops empty lists.
    """
    users = [desired.users[key].name for key in sorted(group.users)]
    sub_groups = [desired.groups[key].name for key in sorted(group.sub_groups)]
    client.update_group(group.name, operation="REPLACE", user_identifiers=users,
                        display_name=group.display_name)
    client.update_group(group.name, operation="REPLACE", sub_group_identifiers=sub_groups,
                        display_name=group.display_name)


def main(argv: list[str]) -> int:
    config_file, result_file = argv
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings(config_file=config_file, flags={}, environ=os.environ)
    Path(result_file).write_text(json.dumps(run_baseline(settings)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
