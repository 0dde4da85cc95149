"""Syntax check of LDAP search filters (RFC 4515 string form).

python-ldap passes a filter to libldap only when it searches, so a typo
would surface as a server error in the middle of a run. This check runs
while the user types, and before anything connects. It checks syntax only:
attribute names and matching rules are the server's to accept.
"""

from __future__ import annotations

import re

_ATTRIBUTE = re.compile(
    r"[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*|[0-9]+(\.[0-9]+)+(;[A-Za-z0-9-]+)*"
)
_MATCHING_RULE = re.compile(r"[A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+")
_HEX = "0123456789abcdefABCDEF"


class FilterSyntaxError(ValueError):
    """Invalid filter; the message gives the 1-based position of the problem."""


def check_filter(text: str) -> str:
    """Check an RFC 4515 filter and return it stripped of surrounding blanks.

    A filter without the outer parentheses (``cn=*``) is rejected rather
    than wrapped, because libldap and AD treat such strings differently.
    """
    source = text.strip()
    if not source:
        raise FilterSyntaxError("expected a filter such as (objectClass=*)")
    end = _Parser(source).filter(0)
    if end != len(source):
        raise FilterSyntaxError(
            f"unexpected text after the filter at position {end + 1}: "
            f"combine several filters with (&...) or (|...)"
        )
    return source


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, position: int, problem: str) -> FilterSyntaxError:
        return FilterSyntaxError(f"invalid filter at position {position + 1}: {problem}")

    def filter(self, start: int) -> int:
        """Parse ``( filtercomp )`` at ``start`` and return the index after it."""
        if start >= len(self.source) or self.source[start] != "(":
            raise self.fail(start, "expected '(' (a filter is written as (attribute=value))")
        position = start + 1
        operator = self.source[position] if position < len(self.source) else ""
        if operator in "&|":
            position = self.filter_list(position + 1)
        elif operator == "!":
            position = self.filter(position + 1)
        else:
            position = self.item(position)
        if position >= len(self.source) or self.source[position] != ")":
            raise self.fail(position, f"expected ')' to close the '(' at position {start + 1}")
        return position + 1

    def filter_list(self, position: int) -> int:
        # RFC 4526 allows the empty list: (&) is true and (|) is false.
        while position < len(self.source) and self.source[position] == "(":
            position = self.filter(position)
        return position

    def item(self, start: int) -> int:
        close = self.source.find(")", start)
        if close < 0:
            raise self.fail(len(self.source), "expected ')' at the end of the filter")
        body = self.source[start:close]
        if "(" in body:
            raise self.fail(
                start + body.index("("), "unexpected '(' in an attribute value (escape it as \\28)"
            )
        operator = re.search(r"~=|>=|<=|:=|=", body)
        if operator is None:
            raise self.fail(start, f"expected attribute=value, got {body!r}")
        description, value = body[: operator.start()], body[operator.end() :]
        if operator.group() == ":=":
            self.check_extensible(start, description)
        elif not _ATTRIBUTE.fullmatch(description):
            raise self.fail(start, f"invalid attribute name {description!r}")
        self.check_value(start + operator.end(), value, wildcards=operator.group() == "=")
        return close

    def check_extensible(self, start: int, description: str) -> None:
        parts = description.split(":")
        attribute, options = parts[0], parts[1:]
        if attribute and not _ATTRIBUTE.fullmatch(attribute):
            raise self.fail(start, f"invalid attribute name {attribute!r}")
        if options and options[0].lower() == "dn":
            options = options[1:]
        if len(options) > 1 or (options and not _MATCHING_RULE.fullmatch(options[0])):
            raise self.fail(
                start,
                f"invalid extensible match {description!r}: expected attribute[:dn][:rule]:=value",
            )
        if not attribute and not options:
            raise self.fail(start, "an extensible match without an attribute needs a matching rule")

    def check_value(self, start: int, value: str, *, wildcards: bool) -> None:
        index = 0
        while index < len(value):
            character = value[index]
            if character == "\\":
                pair = value[index + 1 : index + 3]
                if len(pair) != 2 or any(digit not in _HEX for digit in pair):
                    raise self.fail(
                        start + index,
                        "a backslash must be followed by two hex digits "
                        "(\\2a for *, \\28 for (, \\29 for ), \\5c for \\)",
                    )
                index += 3
                continue
            if character == "*" and not wildcards:
                raise self.fail(start + index, "'*' is allowed only with '=' (escape it as \\2a)")
            if character == "\x00":
                raise self.fail(start + index, "NUL character in the value")
            index += 1
