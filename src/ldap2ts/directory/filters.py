"""Search filters: the flavours' defaults, combination and RFC 4515 syntax checks.

Filters given by the user are checked here before any search is sent, so a
typo gives one error naming the filter and the position, never an empty
or partial read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ldap2ts.dn import escape_filter_value
from ldap2ts.errors import UsageError
from ldap2ts.settings import DirectorySettings, Flavour

AD_USER_FILTER = "(&(objectCategory=person)(objectClass=user)(!(objectClass=computer)))"
AD_GROUP_FILTER = "(objectClass=group)"
OPENLDAP_USER_FILTER = "(objectClass=inetOrgPerson)"
OPENLDAP_GROUP_FILTER = (
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
)

_ATTRIBUTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)(?:;[A-Za-z0-9-]+)*")
_MATCHING_RULE = re.compile(r"[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+")


@dataclass(frozen=True, slots=True)
class Filters:
    users: str
    groups: str


def build_filters(directory: DirectorySettings) -> Filters:
    """Return the user and group filters of a read, the extra filter ANDed to both.

    Raises UsageError when a filter from the settings is not valid RFC 4515.
    """
    if directory.flavour is Flavour.AD:
        users, groups = AD_USER_FILTER, AD_GROUP_FILTER
    else:
        users, groups = OPENLDAP_USER_FILTER, OPENLDAP_GROUP_FILTER
    if directory.user_filter:
        users = validate_filter(directory.user_filter, label="user filter")
    if directory.group_filter:
        groups = validate_filter(directory.group_filter, label="group filter")
    if directory.filter:
        extra = validate_filter(directory.filter, label="filter")
        users, groups = and_filters(users, extra), and_filters(groups, extra)
    return Filters(users=users, groups=groups)


def and_filters(*filters: str) -> str:
    """Combine filters with AND; one filter is returned as it is."""
    if len(filters) == 1:
        return filters[0]
    return "(&" + "".join(filters) + ")"


def equality_filter(attribute: str, value: str) -> str:
    """Return ``(attribute=value)`` with the value escaped as RFC 4515 requires."""
    return f"({attribute}={escape_filter_value(value)})"


def validate_filter(text: str, *, label: str = "filter") -> str:
    """Check RFC 4515 syntax and return the filter, wrapped in parentheses when it had none.

    libldap accepts a filter without its outer parentheses (``cn=*``), and the
    legacy ``--filter_str`` documented such values, so they are wrapped.
    Raises UsageError naming the filter and the position of the first error.
    """
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"empty {label}: expected an RFC 4515 filter such as '(cn=*)'")
    if not stripped.startswith("("):
        stripped = f"({stripped})"
    parser = _FilterParser(stripped, label=label, original=text)
    parser.parse()
    return stripped


class _FilterParser:
    """A recursive-descent checker of the RFC 4515 grammar; it builds nothing."""

    def __init__(self, text: str, *, label: str, original: str) -> None:
        self.text = text
        self.position = 0
        self.label = label
        self.original = original
        self.depth = 0

    def fail(self, problem: str) -> UsageError:
        return UsageError(
            f"invalid {self.label} {self.original!r}: {problem} at position {self.position + 1}; "
            "expected RFC 4515 syntax such as '(&(objectClass=person)(cn=a*))', "
            "with '*', '(', ')' and '\\' in values written as \\2a, \\28, \\29 and \\5c"
        )

    def parse(self) -> None:
        self.filter()
        if self.position != len(self.text):
            raise self.fail("unexpected text after the end of the filter")

    def expect(self, char: str) -> None:
        if self.position >= len(self.text):
            raise self.fail(f"missing {char!r}")
        if self.text[self.position] != char:
            raise self.fail(f"expected {char!r}, found {self.text[self.position]!r}")
        self.position += 1

    def filter(self) -> None:
        self.depth += 1
        if self.depth > 100:
            raise self.fail("filter nested more than 100 levels deep")
        self.expect("(")
        if self.position >= len(self.text):
            raise self.fail("missing filter component")
        char = self.text[self.position]
        if char in "&|":
            self.position += 1
            # No component at all is RFC 4526's absolute true (&) or false (|).
            while self.position < len(self.text) and self.text[self.position] == "(":
                self.filter()
        elif char == "!":
            self.position += 1
            self.filter()
        else:
            self.item()
        self.expect(")")
        self.depth -= 1

    def item(self) -> None:
        match = _ATTRIBUTE.match(self.text, self.position)
        if match is None:
            if self.text.startswith(":", self.position):
                self.extensible(has_attribute=False)
                return
            raise self.fail("missing attribute description")
        self.position = match.end()
        rest = self.text[self.position :]
        if rest.startswith(":"):
            self.extensible(has_attribute=True)
        elif rest[:2] in ("~=", ">=", "<="):
            self.position += 2
            self.value(allow_star=False)
        elif rest.startswith("="):
            self.position += 1
            self.value(allow_star=True)
        else:
            raise self.fail("expected '=', '~=', '>=', '<=' or ':' after the attribute")

    def extensible(self, *, has_attribute: bool) -> None:
        """Check ``[:dn][:rule]:=value`` after an optional attribute (RFC 4515 extensible match).

        Without an attribute, the matching rule is required.
        """
        if self.text.startswith(":dn:", self.position):
            self.position += 3
        if has_attribute and self.text.startswith(":=", self.position):
            self.position += 2
            self.value(allow_star=False)
            return
        self.expect(":")
        match = _MATCHING_RULE.match(self.text, self.position)
        if match is None:
            raise self.fail("missing matching rule after ':'")
        self.position = match.end()
        self.expect(":")
        self.expect("=")
        self.value(allow_star=False)

    def value(self, *, allow_star: bool) -> None:
        text = self.text
        while self.position < len(text) and text[self.position] != ")":
            char = text[self.position]
            if char == "(":
                raise self.fail("unescaped '(' in a value")
            if char == "*" and not allow_star:
                raise self.fail("unescaped '*' in a value")
            if char == "\\":
                pair = text[self.position + 1 : self.position + 3]
                if len(pair) != 2 or not all(c in "0123456789abcdefABCDEF" for c in pair):
                    raise self.fail("'\\' not followed by two hexadecimal digits")
                self.position += 3
                continue
            if char == "\x00":
                raise self.fail("NUL character in a value")
            self.position += 1
