"""ldap2ts as cron and systemd run it: --quiet, --log-format json, --metrics-file, --hook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.functional.api.conftest import EXAMPLES, LDAP_PASSWORD, SERVICE_PASSWORD, Company

HOOKS_PATH = {"PYTHONPATH": str(EXAMPLES)}


def samples(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse a metrics file with the Prometheus client's parser: (name, labels) to value."""
    parsed = {}
    for family in text_string_to_metric_families(path.read_text()):
        for sample in family.samples:
            parsed[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return parsed


def test_quiet_plan_prints_one_summary_line(write_config: Any, ldap2ts: Any) -> None:
    config = write_config()
    run = ldap2ts("plan", "--quiet", "-c", str(config))
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Plan: create ")
    assert lines[0].endswith("Nothing was changed in ThoughtSpot. Exit code 0 (ok).")


def test_quiet_apply_summary_says_changed(write_config: Any, ldap2ts: Any) -> None:
    config = write_config()
    run = ldap2ts("apply", "--yes", "--quiet", "-c", str(config))
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Applied: ")
    assert lines[0].endswith("ThoughtSpot was changed. Exit code 0 (ok).")


def test_quiet_check_exit_code_pending(write_config: Any, ldap2ts: Any) -> None:
    config = write_config()
    run = ldap2ts("check", "--quiet", "-c", str(config))
    assert run.code == 1
    assert run.stderr.splitlines()[-1].endswith("Exit code 1 (changes_pending).")
    assert ldap2ts("apply", "--yes", "--quiet", "-c", str(config)).code == 0
    again = ldap2ts("check", "--quiet", "-c", str(config))
    assert again.code == 0
    assert again.stderr.splitlines() == [
        "Plan: nothing to change. Nothing was changed in ThoughtSpot. Exit code 0 (ok)."
    ]


def test_quiet_apply_needs_yes(write_config: Any, ldap2ts: Any) -> None:
    run = ldap2ts("apply", "--quiet", "-c", str(write_config()))
    assert run.code == 2
    assert run.error_lines == [
        "Error: apply needs --yes when standard input is not a terminal (cron, pipes); "
        "review the changes with ldap2ts plan first"
    ]


def test_json_log_lines_are_objects(write_config: Any, ldap2ts: Any) -> None:
    run = ldap2ts("apply", "--yes", "--log-format", "json", "-v", "-c", str(write_config()))
    assert run.code == 0, run.stderr
    records = [json.loads(line) for line in run.stderr.splitlines()]
    assert records
    for record in records:
        assert {"time", "level", "logger", "message"} <= set(record)
        assert record["time"].endswith("Z")
    final = records[-1]
    assert final["message"] == "ThoughtSpot was changed; the summary above lists what was done."
    assert final["exit_code"] == 0
    assert final["exit_status"] == "ok"
    assert final["changed"] is True
    assert final["directory_complete"] is True


def test_json_logs_hold_no_secret(write_config: Any, ldap2ts: Any, service_account: str) -> None:
    config = write_config(username=service_account)
    run = ldap2ts("apply", "--yes", "--log-format", "json", "-v", "-c", str(config))
    assert run.code == 0, run.stderr
    for secret in (LDAP_PASSWORD, SERVICE_PASSWORD):
        assert secret not in run.stderr
        assert secret not in run.stdout
    messages = [json.loads(line)["message"] for line in run.stderr.splitlines()]
    assert any("ldap.password from file" in message for message in messages)


def test_json_error_is_one_record(folder: Path, ldap2ts: Any) -> None:
    run = ldap2ts("plan", "--log-format", "json", "-c", str(folder / "missing.toml"))
    assert run.code == 2
    records = [json.loads(line) for line in run.stderr.splitlines()]
    errors = [record for record in records if record["level"] == "error"]
    assert len(errors) == 1
    assert errors[0]["message"].startswith(f"Error: configuration file {folder / 'missing.toml'}")
    assert errors[0]["exit_code"] == 2


def test_metrics_after_apply(write_config: Any, ldap2ts: Any, folder: Path) -> None:
    metrics = folder / "ldap2ts.prom"
    run = ldap2ts("apply", "--yes", "--quiet", "--metrics-file", str(metrics),
                  "-c", str(write_config()))
    assert run.code == 0, run.stderr
    values = samples(metrics)
    assert values[("ldap2ts_last_run_exit_code", ())] == 0
    assert values[("ldap2ts_last_run_result", (("result", "ok"),))] == 1
    assert values[("ldap2ts_last_run_result", (("result", "failed"),))] == 0
    assert values[("ldap2ts_last_run_changed", ())] == 1
    assert values[("ldap2ts_directory_principals", (("kind", "user"),))] == 41
    assert values[("ldap2ts_directory_read_complete", ())] == 1
    assert values[("ldap2ts_applied_changes", (("kind", "created"),))] > 41
    assert values[("ldap2ts_apply_failures", ())] == 0
    assert values[("ldap2ts_last_run_duration_seconds", ())] > 0
    assert values[("ldap2ts_last_success_timestamp_seconds", ())] == values[
        ("ldap2ts_last_run_timestamp_seconds", ())
    ]
    assert oct(metrics.stat().st_mode & 0o777) == "0o644"
    assert [path.name for path in folder.iterdir() if path.name.startswith(".ldap2ts-metrics")] \
        == []


def test_metrics_after_failure_keep_last_success(
    write_config: Any, ldap2ts: Any, folder: Path
) -> None:
    metrics = folder / "ldap2ts.prom"
    config = write_config()
    assert ldap2ts("plan", "--metrics-file", str(metrics), "-c", str(config)).code == 0
    success = samples(metrics)[("ldap2ts_last_success_timestamp_seconds", ())]
    (folder / "ldap.pw").write_text("wrong-password\n")
    failed = ldap2ts("plan", "--metrics-file", str(metrics), "-c", str(config))
    assert failed.code == 5
    values = samples(metrics)
    assert values[("ldap2ts_last_run_result", (("result", "failed"),))] == 1
    assert values[("ldap2ts_last_run_exit_code", ())] == 5
    assert values[("ldap2ts_last_success_timestamp_seconds", ())] == success
    assert ("ldap2ts_directory_read_complete", ()) not in values


def test_metrics_folder_missing_is_usage_error(write_config: Any, ldap2ts: Any,
                                               folder: Path) -> None:  # fmt: skip
    path = folder / "missing" / "ldap2ts.prom"
    run = ldap2ts("plan", "--metrics-file", str(path), "-c", str(write_config()))
    assert run.code == 2
    assert run.error_lines == [
        f"Error: --metrics-file {path}: folder {path.parent} not found; create it or pick another"
    ]


def test_hook_flag_leaves_contractors_out(
    write_config: Any, ldap2ts: Any, company: Company
) -> None:
    run = ldap2ts("plan", "--hook", "company_hooks:skip_contractors", "-c", str(write_config()),
                  env=HOOKS_PATH)
    assert run.code == 0, run.stderr
    for user in company.contractors:
        assert f"create user name={user.uid}@example.com " not in run.stdout
    assert f"create user name={company.staff[5].uid}@example.com " in run.stdout
    assert "3 users skipped, left out by hook company_hooks:skip_contractors" in run.stdout


def test_hook_config_key_adds_groups(write_config: Any, ldap2ts: Any) -> None:
    config = write_config(naming='hooks = ["company_hooks:department_groups"]')
    run = ldap2ts("plan", "-c", str(config), env=HOOKS_PATH)
    assert run.code == 0, run.stderr
    assert "would create group name=dept-finance display_name=dept-finance" in run.stdout


def test_hook_module_missing_is_usage_error(write_config: Any, ldap2ts: Any) -> None:
    run = ldap2ts("plan", "--hook", "no_such_hooks:skip", "-c", str(write_config()))
    assert run.code == 2
    assert run.error_lines == [
        "Error: hook 'no_such_hooks:skip': module no_such_hooks not found; put the folder "
        "that holds it on PYTHONPATH, or install it in the environment that runs ldap2ts"
    ]


def test_hook_exception_names_hook_and_dn(
    write_config: Any, ldap2ts: Any, folder: Path, company: Company
) -> None:
    (folder / "broken_hooks.py").write_text(
        "import ldap2ts\n\n"
        "@ldap2ts.entry_hook\n"
        "def explode(entry):\n"
        "    if entry.first('uid') == " + repr(company.staff[12].uid) + ":\n"
        "        raise KeyError('costCenter')\n"
        "    return entry\n"
    )
    run = ldap2ts("apply", "--yes", "--hook", "broken_hooks:explode", "-c", str(write_config()),
                  env={"PYTHONPATH": str(folder)})
    assert run.code == 5
    assert run.error_lines == [
        f"Error: hook broken_hooks:explode raised KeyError: 'costCenter', on user "
        f"{company.staff[12].dn!r}; fix the hook, or the entry in the directory"
    ]
    assert "Traceback" not in run.stderr


def test_quiet_summaries_match_the_docs(
    write_config: Any, ldap2ts: Any, company: Company
) -> None:
    documented = (EXAMPLES.parent / "docs" / "unattended.md").read_text()
    assert ldap2ts("apply", "--yes", "--quiet", "-c", str(write_config())).code == 0
    leaver = company.staff[11]
    config = write_config(directory=f'filter = "(!(uid={leaver.uid}))"')
    for arguments in (("plan", "--quiet"), ("apply", "--yes", "--quiet"), ("check", "--quiet")):
        run = ldap2ts(*arguments, "-c", str(config))
        assert run.code == 0, run.stderr
        summary = run.stderr.splitlines()[-1]
        assert f"\n    {summary}\n" in documented, summary
