"""The Python API for custom sync scripts: each sync stage as one function.

A script runs the stages the ``ldap2ts`` command runs, in order, and may
look at or change what passes between them::

    settings = ldap2ts.load_settings("/etc/ldap2ts/ldap2ts.toml")
    directory = ldap2ts.read_directory(settings)
    desired = ldap2ts.build_desired_state(directory, settings, hooks)
    with ldap2ts.connect(settings) as client:
        current = ldap2ts.read_thoughtspot(client)
        plan = ldap2ts.compute_plan(desired, current, settings)
        result = ldap2ts.apply_plan(plan, client, current, settings)

or all of it at once with ``ldap2ts.sync(settings, "apply")``. Every
function raises ``Ldap2tsError`` subclasses with the message the command
line would print; their ``exit_code`` is the code it would exit with.
"""

from __future__ import annotations

import enum
import io
import logging
import os
import threading
from collections.abc import Mapping
from typing import Any, TextIO

from ldap2ts import config, engine
from ldap2ts import hooks as hooks_module
from ldap2ts.apply import ApplyResult
from ldap2ts.config import KEYS, RawValue
from ldap2ts.errors import ConfigError
from ldap2ts.model import DesiredState, DirectorySnapshot, Plan, ThoughtSpotSnapshot
from ldap2ts.settings import Secret, Settings
from ldap2ts.thoughtspot import ThoughtSpotClient

logger = logging.getLogger(__name__)

SettingsValues = Mapping[str, Mapping[str, Any]]
"""Settings by section and key, as in the TOML file: {"ldap": {"url": ...}, ...}."""


def _raw_values(values: SettingsValues, origin: str) -> dict[str, RawValue]:
    raw: dict[str, RawValue] = {}
    for section, table in values.items():
        for name, value in table.items():
            dotted = f"{section}.{name}"
            if dotted not in KEYS:
                raise ConfigError(f"unknown key {dotted!r}", source=origin)
            if isinstance(value, Secret):
                raw[dotted] = RawValue(value.reveal(), value.source)
            elif value is not None:
                raw[dotted] = RawValue(_plain(value), f"{origin} {dotted}")
    return raw


def _plain(value: Any) -> Any:
    """Return enums by value and tuples as lists, as a TOML file would hold them."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def load_settings(
    path: str | os.PathLike[str] | None = None,
    values: SettingsValues | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    **sections: Mapping[str, Any],
) -> Settings:
    """Build Settings from a TOML file, a dict and keyword arguments, checked as the CLI does.

    Reads ``path`` (a TOML file, or None for none), the LDAP2TS_ variables
    of ``environ`` (default: ``os.environ``; pass ``{}`` to ignore them) and
    the password files the settings name. ``values`` and the keyword
    arguments are sections of keys, as in the file
    (``ldap={"url": "ldaps://dc1.example.com"}``); they win over the
    environment, which wins over the file. Secrets may be given as values
    (strings or ``Secret``), as ``password_file`` keys or as environment
    variables; nothing prompts. Writes nothing. Raises ConfigError naming
    the key and where its value came from.
    """
    given: dict[str, dict[str, Any]] = {}
    for layer in (values or {}, sections):
        for section, table in layer.items():
            if not isinstance(table, Mapping):
                raise ConfigError(
                    f"section {section!r} must be a mapping of keys to values, "
                    f"not {type(table).__name__}",
                    source="argument",
                )
            given.setdefault(section, {}).update(table)
    return config.load_settings(
        config_file=os.fspath(path) if path is not None else None,
        flags=_raw_values(given, "argument"),
        environ=os.environ if environ is None else environ,
        prompt=None,
    )


def read_directory(settings: Settings) -> DirectorySnapshot:
    """Read the users and groups the settings select from the LDAP server.

    Only reads. Returns the snapshot; ``snapshot.complete`` is False when a
    search ended early, and then no plan built on it removes anything.
    Raises UsageError for invalid directory settings and DirectoryError
    when the server cannot be reached, bound or searched.
    """
    from ldap2ts.directory import read_directory as read

    return read(settings)


def build_desired_state(
    snapshot: DirectorySnapshot,
    settings: Settings,
    hooks: hooks_module.Hooks | None = None,
) -> DesiredState:
    """Turn a directory snapshot into the users and groups ThoughtSpot should hold.

    Runs the hooks of ``naming.hooks``, then ``hooks``, then the naming
    rules. No I/O beyond importing the configured hook modules. Raises
    HookError (a hook cannot be loaded), HookFailed (a hook raised) and
    ConfigError (an invalid naming template).
    """
    resolved = hooks_module.resolve_hooks(settings, hooks)
    return hooks_module.desired_state(snapshot, settings, resolved)


def connect(settings: Settings) -> ThoughtSpotClient:
    """Log in to ThoughtSpot and return the client; use it in a ``with`` block to close it.

    The client renews its bearer token when it expires and retries
    requests that may be retried. Its methods ``search_users``,
    ``find_user``, ``create_user``, ``update_user``, ``delete_user`` and the
    same for groups make single calls the sync does not. Raises
    ThoughtSpotError when ThoughtSpot cannot be reached, the login fails or
    the account may not manage users and groups.
    """
    client = _ConnectedClient(settings.thoughtspot)
    try:
        client.connect()
    except BaseException:
        client.close()
        raise
    return client


class _ConnectedClient(ThoughtSpotClient):
    """A client that ``connect`` has logged in already, so ``with`` only closes it."""

    def __enter__(self) -> _ConnectedClient:
        return self


def read_thoughtspot(client: ThoughtSpotClient) -> ThoughtSpotSnapshot:
    """Read every user and group of ThoughtSpot through ``client``; only reads.

    Raises ThoughtSpotError when a search fails after its retries.
    """
    from ldap2ts.thoughtspot import read_snapshot

    return read_snapshot(client)


def compute_plan(
    desired: DesiredState, current: ThoughtSpotSnapshot, settings: Settings
) -> Plan:
    """Compare the desired state with ThoughtSpot and return the changes to make.

    Pure: reads and writes nothing. Removals are held back (listed in
    ``plan.skipped``) when the directory read was incomplete. The safety
    guard runs in ``apply_plan``, or call ``check_plan`` to run it now.
    Raises ConfigError when a naming template is invalid.
    """
    from ldap2ts.diff import compute_plan as diff

    return diff(desired, current, settings)


def check_plan(plan: Plan, settings: Settings) -> None:
    """Raise RefusedError when the plan removes more than the safety thresholds allow.

    ``sync.max_removals`` and ``sync.max_removal_ratio`` set the thresholds;
    ``sync.force`` lets the plan through.
    """
    from ldap2ts.guard import check_plan as guard

    guard(plan, settings)


def apply_plan(
    plan: Plan,
    client: ThoughtSpotClient,
    current: ThoughtSpotSnapshot,
    settings: Settings,
    *,
    stop: threading.Event | None = None,
) -> ApplyResult:
    """Check the plan against the safety guard, then write it to ThoughtSpot.

    ``current`` is the snapshot the plan was computed from. Holds the run
    lock of this configuration and records each change in the journal,
    both under ``sync.state_dir``. A change that fails is listed in
    ``result.failures`` and does not stop the others; setting ``stop``
    finishes the changes in flight and starts no new ones. Raises
    RefusedError (guard), LockedError (another run holds the lock) and
    ConfigError (the state folder cannot be written), all before the first
    write.
    """
    from ldap2ts.apply import apply_plan as apply
    from ldap2ts.journal import Journal, default_journal_path
    from ldap2ts.lock import run_lock

    check_plan(plan, settings)
    with run_lock(settings), Journal(default_journal_path(settings)) as journal:
        logger.info("Journal of this run: %s", journal.path)
        return apply(plan, client, current, settings, journal=journal, stop=stop)


def sync(
    settings: Settings,
    mode: str = "plan",
    *,
    hooks: hooks_module.Hooks | None = None,
    out: TextIO | None = None,
    report_path: str | None = None,
    stop: threading.Event | None = None,
) -> engine.RunResult:
    """Run one whole sync as ``ldap2ts MODE`` does, without asking for confirmation.

    ``mode`` is "plan" (read only), "check" (read only; exit code 1 when
    changes are pending) or "apply" (writes the plan to ThoughtSpot under
    the run lock). The plan and the apply summary go to ``out`` (default:
    discarded); ``report_path`` gets the JSON report. Returns the
    RunResult, whose ``exit_code`` is the command's; raises Ldap2tsError
    when the command would print an ``Error:`` line.
    """
    return engine.run(settings, mode, out=out if out is not None else io.StringIO(),
                      report_path=report_path, stop=stop, hooks=hooks)

