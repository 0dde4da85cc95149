"""Raw setting values from the three sources: TOML file, environment, flags.

Each value keeps where it came from ("file /etc/ldap2ts.toml line 4",
"env LDAP2TS_LDAP_URL", "flag --ldap-url") so that every validation error
can point at it.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from ldap2ts.config.keys import (
    CONFIG_ENV,
    ENV_PREFIX,
    ENV_SECTION_ALIASES,
    KEYS,
    SECRET_KEYS,
    SECTIONS,
    keys_of,
)
from ldap2ts.errors import ConfigError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RawValue:
    value: object
    """A TOML value (str, int, float, bool, list) or the text of an env var or flag."""
    source: str
    """The origin of the value, for messages: "file PATH line N", "env VAR", "flag --x"."""
    file_path: str | None = None
    """The configuration file, for values read from one."""


def suggest(word: str, choices: list[str], *, brackets: bool = False) -> str:
    """Return "; did you mean X?" for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not matches:
        return ""
    return f"; did you mean [{matches[0]}]?" if brackets else f"; did you mean {matches[0]}?"


# --- TOML file ------------------------------------------------------------------

_TABLE_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")


def _unquote_dotted(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def find_key_lines(text: str) -> dict[str, int]:
    """Map each "section.key" (and bare "section") to its 1-based line in the TOML text.

    tomllib returns no positions, so this follows table headers and key
    lines itself. It understands what configuration files here use:
    ``[section]`` tables, ``key = value`` lines and dotted keys
    (``ldap.url = ...`` at top level). A key it cannot place has no entry.
    """
    lines: dict[str, int] = {}
    table = ""
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        # Skip the inside of multi-line strings so that their text is not read as keys.
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        header = _TABLE_HEADER.match(line)
        if header and not line.lstrip().startswith("[["):
            table = _unquote_dotted(header.group(1))
            lines.setdefault(table, number)
            continue
        key_line = _KEY_LINE.match(line)
        if key_line:
            dotted = _unquote_dotted(key_line.group(1))
            full = f"{table}.{dotted}" if table else dotted
            lines.setdefault(full, number)
            if full.count(".") == 1:
                lines.setdefault(full.split(".")[0], number)
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = True
    return lines


def _location(path: str, lines: dict[str, int], dotted: str) -> str:
    number = lines.get(dotted)
    return f"file {path} line {number}" if number else f"file {path}"


def read_config_file(path: str) -> dict[str, RawValue]:
    """Read a TOML configuration file into raw values keyed by "section.key".

    Unknown sections and keys are errors with a suggestion. A secret written
    in the file is refused unless only the owner can read the file.
    """
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError(
            f"configuration file {path} not found; check the path given to --config "
            f"or {CONFIG_ENV}"
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read configuration file {path}: {error.strerror}"
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"configuration file {path} is not valid UTF-8 (byte {error.start}); "
            "save it as UTF-8"
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML in {path}: {error}") from None

    lines = find_key_lines(text)
    values: dict[str, RawValue] = {}
    for section, table in document.items():
        if section not in SECTIONS:
            known = ", ".join(f"[{name}]" for name in SECTIONS)
            raise ConfigError(
                f"unknown section [{section}]{suggest(section, list(SECTIONS), brackets=True)} "
                f"Known sections: {known}",
                source=_location(path, lines, section),
            )
        if not isinstance(table, dict):
            raise ConfigError(
                f"{section} must be a table: write [{section}] on a line of its own "
                "and the keys below it",
                source=_location(path, lines, section),
            )
        for name, value in table.items():
            dotted = f"{section}.{name}"
            if dotted not in KEYS:
                hint = suggest(name, keys_of(section))
                raise ConfigError(
                    f"unknown key {name!r} in [{section}]{hint}",
                    key=dotted,
                    source=_location(path, lines, dotted),
                )
            values[dotted] = RawValue(value, _location(path, lines, dotted), file_path=path)

    _reject_readable_secrets(path, mode, values)
    return values


def _reject_readable_secrets(path: str, mode: int, values: dict[str, RawValue]) -> None:
    written = [dotted for dotted in SECRET_KEYS if dotted in values]
    if not written or not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return
    raise ConfigError(
        f"the file contains a secret ({', '.join(written)}) but its mode is "
        f"{stat.S_IMODE(mode):04o}, so group or others can read it; run chmod 600 {path}, "
        "or move the secret to a password_file or an environment variable",
        key=written[0],
        source=_location(path, find_key_lines(_read_text(path)), written[0]),
    )


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as stream:
        return stream.read()


# --- Environment ------------------------------------------------------------------

NON_SETTING_ENV = frozenset({"LDAP2TS_TS_SPEC"})
"""LDAP2TS_ variables that are not settings: the test suite's path to the ThoughtSpot spec."""


def _env_key(variable: str) -> str | None:
    """Return the "section.key" an LDAP2TS_ variable sets, or None when it names none."""
    rest = variable[len(ENV_PREFIX):]
    sections = {name.upper(): name for name in SECTIONS} | ENV_SECTION_ALIASES
    for prefix, section in sections.items():
        if rest.startswith(prefix + "_"):
            dotted = f"{section}.{rest[len(prefix) + 1:].lower()}"
            if dotted in KEYS:
                return dotted
    return None


def read_environment(environ: Mapping[str, str]) -> dict[str, RawValue]:
    """Read LDAP2TS_<SECTION>_<KEY> variables into raw values.

    An LDAP2TS_ variable that names no key is ignored with a warning and a
    suggestion, so that a misspelt variable is not ignored without a word.
    It is no error, because the legacy front end reads the same variables
    and an old cron environment must not stop it. The variables of
    ``NON_SETTING_ENV`` are left alone.
    """
    values: dict[str, RawValue] = {}
    known = sorted({key.env_var for key in KEYS.values()} | {CONFIG_ENV})
    for variable in sorted(environ):
        if not variable.startswith(ENV_PREFIX) or variable == CONFIG_ENV:
            continue
        dotted = _env_key(variable)
        if variable in NON_SETTING_ENV:
            continue
        if dotted is None:
            hint = suggest(variable, known) or "; unset it or correct its name"
            logger.warning("ignoring unknown environment variable %s%s", variable, hint)
            continue
        if dotted in values:
            raise ConfigError(
                f"{variable} and {values[dotted].source.removeprefix('env ')} both set "
                f"{dotted}; unset one of them"
            )
        values[dotted] = RawValue(environ[variable], f"env {variable}")
    return values
