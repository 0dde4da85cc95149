#!/usr/bin/env python3
"""Delete ThoughtSpot accounts that the sync deactivated and the directory no longer has.

    python3 delete_stale_accounts.py --config /etc/ldap2ts/ldap2ts.toml            # list them
    python3 delete_stale_accounts.py --config /etc/ldap2ts/ldap2ts.toml --delete   # delete them

With ``sync.purge_action = "deactivate"`` (the default), ldap2ts sets users
who left the directory INACTIVE, so their content stays. This script makes
the one call the sync does not: it deletes those accounts once their
content has been handed over. It considers only LDAP_USER accounts that
are INACTIVE, that the directory read does not produce, and that are not
listed in ``sync.protect``. It deletes nothing when the directory read was
incomplete.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys

import ldap2ts


def stale_accounts(
    settings: ldap2ts.Settings, current: ldap2ts.ThoughtSpotSnapshot, desired: ldap2ts.DesiredState
) -> list[ldap2ts.TSUser]:
    """Return the inactive LDAP users of ThoughtSpot that the directory no longer has."""
    protected = [pattern.casefold() for pattern in settings.sync.protect]
    stale = []
    for user in current.users.values():
        key = user.name.casefold()
        if user.builtin or user.account_type != "LDAP_USER" or user.account_status != "INACTIVE":
            continue
        if key in desired.users or any(fnmatch.fnmatchcase(key, p) for p in protected):
            continue
        stale.append(user)
    return sorted(stale, key=lambda user: user.name.casefold())


def run(config: str, delete: bool) -> int:
    settings = ldap2ts.load_settings(config)
    directory = ldap2ts.read_directory(settings)
    if not directory.complete:
        reasons = "; ".join(directory.incomplete_reasons)
        print(f"Error: the directory read was incomplete ({reasons}); nothing was deleted",
              file=sys.stderr)
        return int(ldap2ts.ExitCode.PARTIAL)
    desired = ldap2ts.build_desired_state(directory, settings)

    with ldap2ts.connect(settings) as client:
        current = ldap2ts.read_thoughtspot(client)
        stale = stale_accounts(settings, current, desired)
        for user in stale:
            print(f"{'deleting' if delete else 'would delete'} user {user.name} (id {user.id})")
            if delete:
                client.delete_user(user.id)
    noun = "stale account" if len(stale) == 1 else "stale accounts"
    print(f"{len(stale)} {noun}{' deleted' if delete else ''}")
    return int(ldap2ts.ExitCode.OK)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--config", required=True, help="ldap2ts TOML configuration file")
    parser.add_argument("--delete", action="store_true", help="delete the accounts listed")
    arguments = parser.parse_args()
    try:
        return run(arguments.config, arguments.delete)
    except ldap2ts.Ldap2tsError as error:
        print(f"Error: {error}", file=sys.stderr)
        return int(error.exit_code)


if __name__ == "__main__":
    sys.exit(main())
