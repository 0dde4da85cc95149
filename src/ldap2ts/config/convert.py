"""Conversion of raw values to typed settings, and the checks of single keys.

TOML values arrive typed; environment variables and flags arrive as text.
Both are accepted for every key: ``timeout = 5`` in the file and
``LDAP2TS_LDAP_TIMEOUT=5`` in the environment mean the same.
"""

from __future__ import annotations

import enum
import string
import types
import urllib.parse
from collections.abc import Callable

import ldap.dn

from ldap2ts.cafile import ca_file_problem
from ldap2ts.config.keys import KEYS, Key
from ldap2ts.config.ldap_filter import FilterSyntaxError, check_filter
from ldap2ts.config.sources import RawValue
from ldap2ts.directory.plan import MEMBER_ATTRIBUTES, canonical_member_attribute
from ldap2ts.dn import describe_syntax_error
from ldap2ts.errors import ConfigError
from ldap2ts.settings import Flavour, Scope

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_SCOPE_NAMES = {
    "base": Scope.BASE,
    "one": Scope.ONE,
    "onelevel": Scope.ONE,
    "sub": Scope.SUB,
    "subtree": Scope.SUB,
}


class _Invalid(Exception):
    """A value that does not fit its key; the message states what was expected.

    ``shown`` replaces the value in the error message when the value itself
    must not be printed (a URL with a password in it).
    """

    def __init__(self, message: str, *, shown: str | None = None) -> None:
        super().__init__(message)
        self.shown = shown


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _to_str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _Invalid(f"expected a string, got {_type_name(value)}")


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Invalid("expected true or false")


def _to_int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise _Invalid("expected a whole number")


def _to_float(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise _Invalid("expected a number")


def _to_str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _Invalid("expected an array of strings (or a comma-separated list)")


def _to_scope(value: object) -> Scope:
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1, 2):
        return Scope(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("0", "1", "2"):
            return Scope(int(text))
        if text in _SCOPE_NAMES:
            return _SCOPE_NAMES[text]
    raise _Invalid("expected base, one or sub (or 0, 1, 2)")


def _to_enum(cls: type[enum.Enum], value: object) -> enum.Enum:
    if cls is Scope:
        return _to_scope(value)
    if cls is Flavour and isinstance(value, str):
        try:
            return Flavour.parse(value)
        except ValueError:
            raise _Invalid("expected AD or OpenLDAP") from None
    for member in cls:
        if isinstance(value, str) and str(member.value).lower() == value.strip().lower():
            return member
    expected = " or ".join(str(member.value) for member in cls)
    raise _Invalid(f"expected {expected}")


def convert_type(key: Key, value: object) -> object:
    """Convert a raw value to the type of the settings field, or raise _Invalid."""
    hint = key.type_hint
    optional = False
    if isinstance(hint, types.UnionType):
        members = [member for member in hint.__args__ if member is not type(None)]
        optional = len(members) < len(hint.__args__)
        hint = members[0]
    if optional and isinstance(value, str) and not value.strip():
        return None
    if hint is str:
        return _to_str(value)
    if hint is bool:
        return _to_bool(value)
    if hint is int:
        return _to_int(value)
    if hint is float:
        return _to_float(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _to_enum(hint, value)
    if hint == tuple[str, ...]:
        return _to_str_tuple(value)
    raise NotImplementedError(f"no conversion for {key.dotted} of type {hint!r}")


# --- Checks of single keys ----------------------------------------------------------


def _check_url(schemes: tuple[str, ...], default_ports: str) -> Callable[[object], None]:
    expected = " or ".join(f"{scheme}://HOST[:PORT]" for scheme in schemes)

    def check(value: object) -> None:
        text = str(value)
        parts = urllib.parse.urlsplit(text)
        if not parts.scheme or "://" not in text:
            raise _Invalid(f"not a URL: expected {expected}")
        if parts.scheme.lower() not in schemes:
            raise _Invalid(f"unknown scheme {parts.scheme!r}: expected {expected}")
        if parts.username is not None or parts.password is not None:
            masked = parts._replace(netloc=f"***@{parts.netloc.rsplit('@', 1)[1]}").geturl()
            raise _Invalid(
                "credentials in the URL are not accepted, because the URL appears in logs "
                f"and reports: remove them and give the user and password as settings; "
                f"expected {expected}",
                shown=repr(masked),
            )
        if not parts.hostname:
            raise _Invalid(f"no host name: expected {expected}")
        try:
            port = parts.port
        except ValueError:
            raise _Invalid(
                f"invalid port: expected a number from 1 to 65535 ({default_ports})"
            ) from None
        if port == 0:
            raise _Invalid(f"invalid port: expected a number from 1 to 65535 ({default_ports})")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise _Invalid(f"unexpected path or query after the host: expected {expected}")

    return check


def _check_dn(value: object) -> None:
    text = str(value)
    if not text.strip():
        raise _Invalid("empty DN: expected a DN such as dc=example,dc=com")
    if not ldap.dn.is_dn(text):
        raise _Invalid(f"invalid DN (RFC 4514): {describe_syntax_error(text)}")


def _check_filter(value: object) -> None:
    if value is None:
        return
    try:
        check_filter(str(value))
    except FilterSyntaxError as error:
        raise _Invalid(f"invalid LDAP filter (RFC 4515): {error}") from None


def _member_attribute(value: object) -> object:
    canonical = canonical_member_attribute(str(value))
    if canonical is None:
        expected = ", ".join(MEMBER_ATTRIBUTES[:-1]) + f" or {MEMBER_ATTRIBUTES[-1]}"
        raise _Invalid(f"expected {expected} (the group attribute that lists the members)")
    return canonical


def _check_template(value: object) -> None:
    if value is None:
        return
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(str(value)) if field]
    except ValueError as error:
        raise _Invalid(
            f"invalid template ({error}): expected text with {{attribute}} fields"
        ) from None
    if not fields:
        raise _Invalid("the template has no {attribute} field, so every name would be the same")


def _check_ca_file(value: object) -> None:
    if value is None:
        return
    problem = ca_file_problem(str(value))
    if problem is not None:
        raise _Invalid(problem)


def _at_least(minimum: float) -> Callable[[object], None]:
    def check(value: object) -> None:
        if value is not None and float(value) < minimum:  # type: ignore[arg-type]
            raise _Invalid(f"expected a number of at least {minimum:g}")

    return check


def _positive(value: object) -> None:
    if float(value) <= 0:  # type: ignore[arg-type]
        raise _Invalid("expected a number greater than 0")


def _ratio(value: object) -> None:
    if not 0.0 <= float(value) <= 1.0:  # type: ignore[arg-type]
        raise _Invalid("expected a share from 0.0 to 1.0 (0.10 is 10 %)")


KEY_CHECKS: dict[str, Callable[[object], None]] = {
    "ldap.url": _check_url(("ldap", "ldaps"), "389 for ldap, 636 for ldaps"),
    "ldap.bind_dn": lambda value: _check_dn(value) if value is not None else None,
    "ldap.ca_file": _check_ca_file,
    "ldap.timeout": _positive,
    "ldap.page_size": _at_least(1),
    "ldap.range_step": _at_least(1),
    "directory.base_dn": _check_dn,
    "directory.filter": _check_filter,
    "directory.user_filter": _check_filter,
    "directory.group_filter": _check_filter,
    "naming.user_name_template": _check_template,
    "naming.group_name_template": _check_template,
    "thoughtspot.url": _check_url(("http", "https"), "443 for https"),
    "thoughtspot.ca_file": _check_ca_file,
    "thoughtspot.timeout": _positive,
    "thoughtspot.concurrency": _at_least(1),
    "thoughtspot.page_size": _at_least(1),
    "thoughtspot.import_batch_size": _at_least(1),
    "thoughtspot.max_retries": _at_least(0),
    "sync.max_removals": _at_least(0),
    "sync.max_removal_ratio": _ratio,
}


KEY_NORMALISERS: dict[str, Callable[[object], object]] = {
    "directory.member_attribute": _member_attribute,
}
"""Checks that also return the value in its one accepted spelling."""


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def convert(dotted: str, raw: RawValue) -> object:
    """Convert and check one raw value; a ConfigError names the key, the source and the value."""
    key = KEYS[dotted]
    try:
        value = convert_type(key, raw.value)
        check = KEY_CHECKS.get(dotted)
        if check is not None and value is not None:
            check(value)
        normalise = KEY_NORMALISERS.get(dotted)
        if normalise is not None and value is not None:
            value = normalise(value)
    except _Invalid as error:
        shown = error.shown if error.shown is not None else _shown(raw.value)
        raise ConfigError(
            f"invalid value {shown}: {error}", key=dotted, source=raw.source
        ) from None
    return value
