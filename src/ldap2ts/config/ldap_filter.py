"""Syntax check of LDAP search filters (RFC 4515), before any server sees them.

A filter the server rejects would stop the run after connecting; checked
here, it becomes a configuration error that shows the position of the fault.
"""

from __future__ import annotations

import re

_ATTRIBUTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)(?:;[A-Za-z0-9-]+)*")
_MATCHING_RULE = re.compile(r"[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+")
_HEX = "0123456789abcdefABCDEF"


class FilterSyntaxError(ValueError):
    """An invalid filter; the message names the 1-based position and the fault."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def fail(self, what: str) -> FilterSyntaxError:
        return FilterSyntaxError(f"{what} at position {self.position + 1}")

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def expect(self, character: str) -> None:
        if self.peek() != character:
            found = repr(self.peek()) if self.peek() else "the end"
            raise self.fail(f"expected {character!r} but found {found}")
        self.position += 1

    def parse_filter(self) -> None:
        self.expect("(")
        operator = self.peek()
        if operator in ("&", "|"):
            self.position += 1
            # RFC 4526 allows the empty lists (&) and (|).
            while self.peek() == "(":
                self.parse_filter()
        elif operator == "!":
            self.position += 1
            self.parse_filter()
        else:
            self.parse_item()
        self.expect(")")

    def parse_item(self) -> None:
        attribute = _ATTRIBUTE.match(self.text, self.position)
        if attribute:
            self.position = attribute.end()
        if self.peek() == ":":
            self.parse_extensible(has_attribute=attribute is not None)
            return
        if attribute is None:
            raise self.fail("expected an attribute name")
        if self.text.startswith(("~=", ">=", "<="), self.position):
            self.position += 2
            self.parse_value(allow_star=False)
            return
        self.expect("=")
        self.parse_value(allow_star=True)

    def parse_extensible(self, *, has_attribute: bool) -> None:
        if self.text.startswith(":dn:", self.position):
            self.position += 3
        has_rule = False
        at_rule = not self.text.startswith(":=", self.position)
        if at_rule and self.text.startswith(":", self.position):
            self.position += 1
            rule = _MATCHING_RULE.match(self.text, self.position)
            if rule is None:
                raise self.fail("expected a matching rule name or OID")
            self.position = rule.end()
            has_rule = True
        if not has_attribute and not has_rule:
            raise self.fail("an extensible match needs an attribute or a matching rule")
        if not self.text.startswith(":=", self.position):
            raise self.fail("expected ':='")
        self.position += 2
        self.parse_value(allow_star=False)

    def parse_value(self, *, allow_star: bool) -> None:
        while self.peek() not in ("", ")"):
            character = self.peek()
            if character == "(":
                raise self.fail("unescaped '(' in a value (write \\28)")
            if character == "*" and not allow_star:
                raise self.fail("'*' is not allowed in this value (write \\2a)")
            if character == "\\":
                escape = self.text[self.position + 1 : self.position + 3]
                if len(escape) != 2 or any(digit not in _HEX for digit in escape):
                    raise self.fail("a backslash must be followed by two hex digits")
                self.position += 3
                continue
            if character == "\x00":
                raise self.fail("NUL character in a value (write \\00)")
            self.position += 1


def check_filter(text: str) -> None:
    """Raise FilterSyntaxError unless ``text`` is a valid RFC 4515 filter.

    A filter without outer parentheses (``cn=admins``) is accepted, as
    ldapsearch accepts it.
    """
    candidate = text.strip()
    offset = 0
    if not candidate.startswith("("):
        candidate = f"({candidate})"
        offset = 1
    parser = _Parser(candidate)
    try:
        parser.parse_filter()
    except FilterSyntaxError as error:
        if offset:
            parser.position = max(parser.position - offset, 0)
            raise parser.fail(str(error).rsplit(" at position", 1)[0]) from None
        raise
    if parser.position != len(candidate):
        raise parser.fail("unexpected text after the end of the filter")
