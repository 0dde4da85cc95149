"""Child process that times ldap2ts's directory read alone and prints the figures as JSON.

Usage: python -m bench.read_probe CONFIG_FILE
"""

from __future__ import annotations

import json
import os
import sys
import time

from ldap2ts.config import load_settings
from ldap2ts.directory import read_directory


def main(argv: list[str]) -> int:
    settings = load_settings(config_file=argv[0], flags={}, environ=os.environ)
    started = time.perf_counter()
    snapshot = read_directory(settings)
    seconds = time.perf_counter() - started
    figures = {
        "read_seconds": seconds,
        "users": len(snapshot.users),
        "groups": len(snapshot.groups),
        "member_values": sum(len(group.member_keys) for group in snapshot.groups.values()),
        "searches": snapshot.searches,
        "complete": snapshot.complete,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
