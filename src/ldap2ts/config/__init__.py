"""Build ``Settings`` from a TOML file, environment variables and flags.

Precedence rises from file to environment to flags: a flag wins over
LDAP2TS_<SECTION>_<KEY>, which wins over the file. Every error is a
ConfigError (exit 2) that names the key, where the value came from
(file and line, environment variable or flag), the bad value and what was
expected.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from ldap2ts.config.convert import convert
from ldap2ts.config.keys import (
    CONFIG_ENV,
    FLAGS,
    KEYS,
    REQUIRED_KEYS,
    SECRET_FILE_KEYS,
    SECRET_KEYS,
    SECTIONS,
)
from ldap2ts.config.secrets import Prompt, prompt_secret, resolve_secret, ways_to_set
from ldap2ts.config.sources import RawValue, read_config_file, read_environment
from ldap2ts.errors import ConfigError
from ldap2ts.settings import Secret, Settings

__all__ = ["KEYS", "FLAGS", "CONFIG_ENV", "RawValue", "load_settings", "config_path"]

logger = logging.getLogger(__name__)


def config_path(flag_value: str | None, environ: Mapping[str, str]) -> str | None:
    """Return the configuration file to read: --config, else LDAP2TS_CONFIG, else none."""
    if flag_value:
        return flag_value
    return environ.get(CONFIG_ENV) or None


def _resolve_relative_paths(values: dict[str, RawValue], config_file: str) -> None:
    """Read relative *_file paths written in the file from the file's own folder."""
    folder = os.path.dirname(os.path.abspath(config_file))
    for dotted, raw in values.items():
        if dotted.endswith("_file") and isinstance(raw.value, str) and raw.value:
            if not os.path.isabs(raw.value):
                absolute = os.path.join(folder, raw.value)
                values[dotted] = RawValue(absolute, raw.source, raw.file_path)


def _merge(layers: list[dict[str, RawValue]]) -> dict[str, RawValue]:
    merged: dict[str, RawValue] = {}
    for layer in layers:
        merged.update(layer)
    return merged


def _missing(dotted: str) -> ConfigError:
    key = KEYS[dotted]
    ways = [f"{key.name} in [{key.section}] of the configuration file"]
    if key.flag:
        ways.append(key.flag)
    ways.append(key.env_var)
    return ConfigError("missing setting: set " + ", ".join(ways[:-1]) + " or " + ways[-1],
                       key=dotted)


def _typed_values(merged: dict[str, RawValue]) -> dict[str, object]:
    typed: dict[str, object] = {}
    for dotted, raw in merged.items():
        if dotted in SECRET_KEYS or dotted in SECRET_FILE_KEYS:
            continue
        typed[dotted] = convert(dotted, raw)
    for dotted in REQUIRED_KEYS:
        value = typed.get(dotted)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise _missing(dotted)
    return typed


def _check_combinations(typed: dict[str, object], merged: dict[str, RawValue]) -> None:
    url = str(typed["ldap.url"])
    if typed.get("ldap.start_tls") and url.lower().startswith("ldaps://"):
        raise ConfigError(
            f"start_tls is set but {url!r} is an ldaps:// URL, which is already encrypted; "
            "use ldap:// with start_tls, or ldaps:// without it",
            key="ldap.start_tls",
            source=merged["ldap.start_tls"].source,
        )


def _resolve_secrets(
    typed: dict[str, object], layers: list[dict[str, RawValue]], prompt: Prompt | None
) -> dict[str, object]:
    secrets: dict[str, Secret | None] = {
        dotted: resolve_secret(dotted, layers) for dotted in SECRET_KEYS
    }

    bind_dn = typed.get("ldap.bind_dn")
    if bind_dn and secrets["ldap.password"] is None:
        secrets["ldap.password"] = prompt_secret(prompt, f"LDAP password for {bind_dn}: ")
        if secrets["ldap.password"] is None:
            raise ConfigError(
                f"missing secret: bind_dn is {bind_dn!r}, so a password is needed; set "
                + ways_to_set("ldap.password"),
                key="ldap.password",
            )

    if secrets["thoughtspot.password"] is None and secrets["thoughtspot.secret_key"] is None:
        username = typed["thoughtspot.username"]
        secrets["thoughtspot.password"] = prompt_secret(
            prompt, f"ThoughtSpot password for {username}: "
        )
        if secrets["thoughtspot.password"] is None:
            raise ConfigError(
                "missing secret: ThoughtSpot needs a password or a secret key; set "
                + ways_to_set("thoughtspot.password")
                + ", or "
                + ways_to_set("thoughtspot.secret_key"),
                key="thoughtspot.password",
            )

    for dotted, secret in secrets.items():
        if secret is not None:
            logger.info("%s from %s", dotted, secret.source)
    return dict(secrets)


def _build(values: dict[str, object], config_file: str | None) -> Settings:
    parts: dict[str, object] = {}
    for section, cls in SECTIONS.items():
        arguments = {
            dotted.split(".", 1)[1]: value
            for dotted, value in values.items()
            if dotted.startswith(section + ".") and dotted not in SECRET_FILE_KEYS
        }
        parts[section] = cls(**arguments)
    return Settings(config_file=config_file, **parts)  # type: ignore[arg-type]


def load_settings(
    *,
    config_file: str | None,
    flags: Mapping[str, RawValue],
    environ: Mapping[str, str],
    prompt: Prompt | None = None,
) -> Settings:
    """Read, merge, convert and check every setting; raise ConfigError on the first fault.

    ``flags`` maps "section.key" to the value a command-line flag gave.
    ``prompt`` reads a missing secret on a terminal; pass None when standard
    input is not a terminal, so that cron runs fail instead of waiting.
    """
    from_file: dict[str, RawValue] = {}
    if config_file:
        from_file = read_config_file(config_file)
        _resolve_relative_paths(from_file, config_file)
    from_env = read_environment(environ)
    from_flags = dict(flags)
    for dotted in from_flags:
        if dotted not in KEYS:
            raise ConfigError(f"unknown key {dotted!r}", source=from_flags[dotted].source)

    layers = [from_file, from_env, from_flags]
    merged = _merge(layers)
    typed = _typed_values(merged)
    _check_combinations(typed, merged)
    typed.update(_resolve_secrets(typed, layers, prompt))
    settings = _build(typed, os.path.abspath(config_file) if config_file else None)

    for dotted, raw in sorted(merged.items()):
        if dotted not in SECRET_KEYS:
            logger.debug("%s = %r from %s", dotted, raw.value, raw.source)
    return settings
