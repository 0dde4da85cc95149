"""The ldap2ts configuration file and command that reproduce a legacy run.

``--print-config`` prints both, and interactive mode saves the file. The
output is a valid TOML document (the command is in comments), so it can be
redirected straight into a file. Passwords are never written. Instead, the file
names the environment variables and the password_file keys that ldap2ts reads.
"""

from __future__ import annotations

import dataclasses
import enum
import shlex
from collections.abc import Iterable

from ldap2ts.legacy.options import LDAP_PASSWORD_ENV, TS_PASSWORD_ENV, LegacyOptions
from ldap2ts.settings import Scope, Secret, Settings

DEFAULT_CONFIG_NAME = "ldap2ts.toml"

# Keys written even when they equal the ldap2ts default, because they carry a
# legacy decision that must survive a change of that default.
_ALWAYS_WRITTEN = {
    "directory": (
        "flavour",
        "base_dn",
        "scope",
        "filter",
        "member_attribute",
        "include_nontree_members",
    ),
    "naming": (
        "user_identifier",
        "email_attribute",
        "user_display_name_attribute",
        "group_display_name_attribute",
    ),
    "thoughtspot": ("verify_tls",),
    "sync": (
        "upsert_users",
        "upsert_groups",
        "keep_local_membership",
        "purge_users",
        "purge_groups",
        "purge_action",
    ),
}

# Settings given on the ldap2ts command line rather than in the file.
_COMMAND_LINE_ONLY = {"sync": ("force",)}

_PASSWORD_HINTS = {
    "ldap": (LDAP_PASSWORD_ENV, "/etc/ldap2ts/ldap.password"),
    "thoughtspot": (TS_PASSWORD_ENV, "/etc/ldap2ts/thoughtspot.password"),
}

_SECTIONS = ("ldap", "directory", "naming", "thoughtspot", "sync")


def render_config(settings: Settings) -> str:
    """Render the settings as an ldap2ts TOML configuration file, without any secret."""
    blocks = [_render_section(name, getattr(settings, name)) for name in _SECTIONS]
    return "\n".join(blocks)


def render_command(options: LegacyOptions, config_path: str = DEFAULT_CONFIG_NAME) -> list[str]:
    """Return the ldap2ts command lines (as shell text) equivalent to the legacy run."""
    config = shlex.quote(config_path)
    flags = " --force" if options.force else ""
    setup = f"export {LDAP_PASSWORD_ENV}=... {TS_PASSWORD_ENV}=...  # or password_file in the file"
    if not options.sync:
        return [
            setup,
            f"ldap2ts plan --config {config}  # the legacy run without --sync synced nothing",
        ]
    if options.dry_run:
        return [setup, f"ldap2ts plan --config {config}{flags}"]
    return [
        setup,
        f"ldap2ts plan --config {config}  # review the plan first",
        f"ldap2ts apply --yes --config {config}{flags}  # unattended, as from cron",
    ]


def render_migration(
    options: LegacyOptions, settings: Settings, config_path: str = DEFAULT_CONFIG_NAME
) -> str:
    """Render the whole ``--print-config`` output: the command as comments, then the file."""
    lines = [
        "# ldap2ts configuration equivalent to this syncUsersAndGroups.py command line.",
        f"# Save it as {config_path} (readable only by the account that runs ldap2ts), then run:",
    ]
    lines += [f"#   {command}" for command in render_command(options, config_path)]
    return "\n".join(lines) + "\n\n" + render_config(settings)


def _render_section(name: str, part: object) -> str:
    lines = [f"[{name}]"]
    defaults = _defaults_of(part)
    skipped = _COMMAND_LINE_ONLY.get(name, ())
    for item in dataclasses.fields(part):  # type: ignore[arg-type]
        value = getattr(part, item.name)
        if item.name in skipped or value is None:
            continue
        if isinstance(value, Secret):
            continue
        if item.name not in _ALWAYS_WRITTEN.get(name, ()) and value == defaults.get(item.name):
            continue
        lines.append(f"{item.name} = {render_value(value)}")
    if name in _PASSWORD_HINTS:
        lines += _password_hint(*_PASSWORD_HINTS[name])
    return "\n".join(lines) + "\n"


def _password_hint(variable: str, example_path: str) -> list[str]:
    return [
        f"# The password is not written here: set {variable} in the environment, or set",
        f'# password_file = "{example_path}" (readable only by the account that runs ldap2ts).',
    ]


def _defaults_of(part: object) -> dict[str, object]:
    """Return the dataclass defaults of a settings part (fields without a default are left out)."""
    defaults: dict[str, object] = {}
    for item in dataclasses.fields(part):  # type: ignore[arg-type]
        if item.default is not dataclasses.MISSING:
            defaults[item.name] = item.default
        elif item.default_factory is not dataclasses.MISSING:
            defaults[item.name] = item.default_factory()
    return defaults


def render_value(value: object) -> str:
    """Render one value as TOML: strings, booleans, numbers, enums by value, tuples as arrays."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Scope):
        return render_value(value.name.lower())
    if isinstance(value, enum.Enum):
        return render_value(value.value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _render_string(value)
    if isinstance(value, Iterable):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _render_string(text: str) -> str:
    """Render a TOML basic string, escaping backslashes, quotes and control characters."""
    escaped = []
    for character in text:
        if character in '"\\':
            escaped.append("\\" + character)
        elif character == "\n":
            escaped.append("\\n")
        elif character == "\t":
            escaped.append("\\t")
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            escaped.append(f"\\u{ord(character):04X}")
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'
