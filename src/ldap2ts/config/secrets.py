"""Resolution of the LDAP bind password and the ThoughtSpot password or secret key.

A secret comes from, in rising precedence: the configuration file (a
``password`` key, allowed only in a file no one else can read, or a
``password_file`` key), the environment (LDAP2TS_LDAP_PASSWORD,
LDAP2TS_TS_PASSWORD, LDAP2TS_TS_SECRET_KEY, or the *_FILE variables), and
the flags (--ldap-password-file ...). With none of these and a terminal on
standard input, a hidden prompt asks for it. Only the source is logged.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Mapping, Sequence

from ldap2ts.config.keys import KEYS, SECRET_FILE_KEYS
from ldap2ts.config.sources import RawValue
from ldap2ts.errors import ConfigError
from ldap2ts.settings import Secret

logger = logging.getLogger(__name__)

Prompt = Callable[[str], str]
"""Reads a secret without echo, like getpass.getpass."""

_FILE_KEY_OF = {secret: file_key for file_key, secret in SECRET_FILE_KEYS.items()}


def read_secret_file(path: str, *, key: str, source: str) -> Secret:
    """Read a secret from a file, dropping one trailing newline (as ``echo`` writes it)."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError(f"secret file {path} not found", key=key, source=source) from None
    except IsADirectoryError:
        raise ConfigError(
            f"secret file {path} is a directory, not a file: give the path of the file that "
            "contains the secret",
            key=key,
            source=source,
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read secret file {path}: {error.strerror}", key=key, source=source
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"secret file {path} is not valid UTF-8", key=key, source=source
        ) from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise ConfigError(f"secret file {path} is empty", key=key, source=source)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning(
            "secret file %s has mode %04o, so group or others can read it; run chmod 600 %s",
            path,
            stat.S_IMODE(mode),
            path,
        )
    return Secret(text, f"file {path}")


def _from_layer(secret_key: str, layer: Mapping[str, RawValue]) -> Secret | None:
    file_key = _FILE_KEY_OF[secret_key]
    inline = layer.get(secret_key)
    from_file = layer.get(file_key)
    if inline is not None and from_file is not None:
        raise ConfigError(
            f"both {secret_key} ({inline.source}) and {file_key} ({from_file.source}) "
            "are set; keep only one",
            key=secret_key,
        )
    if inline is not None:
        if not isinstance(inline.value, str) or not inline.value:
            raise ConfigError("invalid value: expected a non-empty string", key=secret_key,
                              source=inline.source)
        return Secret(inline.value, inline.source)
    if from_file is not None:
        if not isinstance(from_file.value, str) or not from_file.value:
            raise ConfigError("invalid value: expected a file path", key=file_key,
                              source=from_file.source)
        return read_secret_file(from_file.value, key=file_key, source=from_file.source)
    return None


def resolve_secret(secret_key: str, layers: Sequence[Mapping[str, RawValue]]) -> Secret | None:
    """Return the secret from the highest layer that sets it, or None; layers rise in precedence."""
    for layer in reversed(layers):
        secret = _from_layer(secret_key, layer)
        if secret is not None:
            logger.debug("%s from %s", secret_key, secret.source)
            return secret
    return None


def ways_to_set(secret_key: str) -> str:
    """Describe, for an error message, every way to give a secret."""
    key = KEYS[secret_key]
    file_key = KEYS[_FILE_KEY_OF[secret_key]]
    ways = [key.env_var]
    if file_key.flag:
        ways.append(file_key.flag)
    ways.append(f"{file_key.name} in [{file_key.section}] of the configuration file")
    return ", ".join(ways[:-1]) + " or " + ways[-1]


def prompt_secret(prompt: Prompt | None, text: str) -> Secret | None:
    """Ask for a secret on the terminal; None when there is no terminal or nothing was typed."""
    if prompt is None:
        return None
    try:
        value = prompt(text)
    except EOFError:
        return None
    return Secret(value, "prompt") if value else None
