"""Run the demo: start slapd and the emulator on loopback, then plan, apply and check.

Everything happens in a temporary folder that is removed at the end; both
servers are stopped on success, on failure and on Ctrl-C. ldap2ts runs as
real subprocesses of the ``ldap2ts`` command installed next to this Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from testkit.emulator import EmulatorServer, EmulatorStartError
from testkit.sample import SampleDirectory, openldap_company
from testkit.slapd import Slapd, SlapdError

LDAP2TS = Path(sys.executable).with_name("ldap2ts")
REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_ENV = "LDAP2TS_TS_SPEC"
TS_PASSWORD = "demo-admin-password"


class DemoError(Exception):
    """A step of the demo did not end as expected."""


def say(text: str) -> None:
    """Print an explanation between the steps, set off from ldap2ts's own output."""
    print()
    for line in textwrap.dedent(text).strip().splitlines():
        print(f"# {line}")
    print(flush=True)


def find_spec() -> Path | None:
    """Return the official ThoughtSpot OpenAPI file if it is next to the repository."""
    configured = os.environ.get(SPEC_ENV)
    path = Path(configured) if configured else (
        REPO_ROOT.parent / "shared" / "thoughtspot" / "openapi-v2.json"
    )
    return path if path.is_file() else None


def write_config(folder: Path, slapd: Slapd, emulator: EmulatorServer,
                 company: SampleDirectory) -> Path:
    """Write the configuration and the two password files, readable only by their owner."""
    secrets = {"ldap.pw": slapd.reader_password, "ts.pw": TS_PASSWORD}
    for name, secret in secrets.items():
        (folder / name).write_text(secret + "\n")
        (folder / name).chmod(0o600)
    config = folder / "ldap2ts.toml"
    config.write_text(f"""\
[ldap]
url = "{slapd.url}"
bind_dn = "{slapd.reader_dn}"
password_file = "ldap.pw"

[directory]
flavour = "OpenLDAP"
base_dn = "{company.base}"
include_nontree_members = true

[naming]
user_name_template = "{{uid}}@example.com"
group_name_template = "{{cn}}"

[thoughtspot]
url = "{emulator.url}"
username = "tsadmin"
password_file = "ts.pw"

[sync]
state_dir = "{folder / 'state'}"
""")
    config.chmod(0o600)
    return config


def condense(output: str, keep: int = 4) -> str:
    """Keep the first ``keep`` change lines of each group of a plan, and count the rest."""
    lines: list[str] = []
    shown = hidden = 0
    for line in output.splitlines():
        if line.startswith("  "):
            if shown < keep:
                lines.append(line)
                shown += 1
            else:
                hidden += 1
            continue
        if hidden:
            lines.append(f"  ... and {hidden} more")
        shown = hidden = 0
        lines.append(line)
    if hidden:
        lines.append(f"  ... and {hidden} more")
    return "\n".join(lines)


def run_step(folder: Path, expected: int, *arguments: str) -> None:
    """Run ldap2ts, show its output with long plans shortened, and check its exit code."""
    command = [str(LDAP2TS), *arguments]
    print("$ ldap2ts " + " ".join(arguments), flush=True)
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith("LDAP2TS_")}
    # One unbuffered stream keeps the plan (stdout) and the log (stderr) in order.
    environ["PYTHONUNBUFFERED"] = "1"
    process = subprocess.run(command, cwd=folder, env=environ, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             check=False)
    print(condense(process.stdout), flush=True)
    if process.returncode != expected:
        raise DemoError(
            f"ldap2ts {arguments[0]} exited with {process.returncode}, expected {expected}"
        )


def run_demo(folder: Path) -> None:
    company = openldap_company()
    spec = find_spec()
    say(f"""
        Starting a throwaway OpenLDAP slapd on 127.0.0.1 with a sample company:
        {len(company.users)} users, {len(company.groups)} nested groups and \
{len(company.partners)} partners outside the base DN,
        with unicode names and DNs that need escaping.
        """)
    with Slapd(folder / "slapd", suffix=company.suffix, ldif=[company.ldif]) as slapd:
        validation = f"validating every request against {spec}" if spec else (
            "without spec validation (the official OpenAPI file was not found)")
        say(f"Starting the ThoughtSpot emulator on 127.0.0.1, {validation}.")
        with EmulatorServer(spec=spec, admin_password=TS_PASSWORD) as emulator:
            config = write_config(folder, slapd, emulator, company)
            say(f"""
                Configuration written to {config}:
                slapd at {slapd.url}, ThoughtSpot at {emulator.url}.

                Step 1: ldap2ts plan shows what it would do and changes nothing.
                (The demo shows the first lines of each group of changes.)
                """)
            run_step(folder, 0, "plan", "--config", str(config))
            say("""
                Step 2: ldap2ts apply --yes makes those changes. Without --yes it asks
                first on a terminal, and stops with an error where there is none (cron).
                """)
            run_step(folder, 0, "apply", "--yes", "--config", str(config),
                     "--report", str(folder / "report.json"))
            say("""
                Step 3: ldap2ts check compares both sides again. Exit code 0 means
                nothing is left to do; a monitoring job would get 1 for pending changes.
                """)
            run_step(folder, 0, "check", "--config", str(config))
            say("Stopping the emulator and slapd.")
    say("Done: the directory and ThoughtSpot are in sync.")


def main() -> int:
    if not LDAP2TS.exists():
        print(f"Error: {LDAP2TS} not found; run scripts/setup.sh (or make demo) first",
              file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="ldap2ts-demo-"))
    try:
        run_demo(folder)
    except (DemoError, SlapdError, EmulatorStartError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted; the servers were stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
