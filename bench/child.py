"""Child process that runs one ldap2ts sync through ``ldap2ts.engine.run``.

Usage: python -m bench.child CONFIG_FILE MODE RESULT_FILE

It does what ``ldap2ts MODE --yes --config CONFIG_FILE`` does, and also
writes the facts the command line only logs (LDAP searches, the plan and
apply counts) as JSON to RESULT_FILE. Log lines carry the milliseconds
since the start, so the log shows how long each stage took.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from ldap2ts.config import load_settings
from ldap2ts.engine import RunResult, run
from ldap2ts.errors import Ldap2tsError


def result_record(result: RunResult) -> dict[str, Any]:
    record: dict[str, Any] = {"exit_code": int(result.exit_code), "changed": result.changed}
    if result.directory is not None:
        record["searches"] = result.directory.searches
        record["complete"] = result.directory.complete
        record["users"] = len(result.directory.users)
        record["groups"] = len(result.directory.groups)
    if result.plan is not None:
        record["plan_changes"] = len(result.plan.changes)
    if result.apply_result is not None:
        outcome = result.apply_result
        record["apply"] = {
            "created": outcome.created, "added": outcome.added, "updated": outcome.updated,
            "reactivated": outcome.reactivated, "removed": outcome.removed,
            "deactivated": outcome.deactivated, "deleted": outcome.deleted,
            "failed": len(outcome.failures), "requests": outcome.requests,
        }
    return record


def main(argv: list[str]) -> int:
    config_file, mode, result_file = argv
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(relativeCreated)8.0f ms %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    try:
        settings = load_settings(config_file=config_file, flags={}, environ=os.environ)
        result = run(settings, mode)
    except Ldap2tsError as error:
        print(f"Error: {error}", file=sys.stderr)
        Path(result_file).write_text(json.dumps({"exit_code": int(error.exit_code),
                                                 "error": str(error)}))
        return int(error.exit_code)
    Path(result_file).write_text(json.dumps(result_record(result)))
    return int(result.exit_code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
