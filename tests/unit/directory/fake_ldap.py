"""An in-memory stand-in for python-ldap's LDAPObject that serves canned entries.

It answers paged searches (RFC 2696 cookies), base-scope reads and range
retrieval the way Active Directory does (``max_values`` per attribute),
or ignores range options the way OpenLDAP does (``max_values=None``).
Filters are not evaluated: each search filter is looked up in ``results``,
which lists the DNs it returns. ``failures`` raises a python-ldap
exception on the Nth result call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ldap
from ldap.controls import SimplePagedResultsControl

from ldap2ts.directory.ranges import parse_range

Attributes = dict[str, list[bytes]]


@dataclass
class _Pending:
    base: str
    scope: int
    filter: str
    attributes: list[str]
    page_size: int | None
    offset: int


@dataclass
class FakeConnection:
    entries: dict[str, Attributes]
    results: dict[str, list[str]] = field(default_factory=dict)
    max_values: int | None = 1500
    """Values per attribute before a range is forced; None ignores range options."""
    failures: dict[int, ldap.LDAPError] = field(default_factory=dict)
    """Exception raised by the result call with this number (1 is the first)."""
    references: dict[str, list[str]] = field(default_factory=dict)
    """Search references (referral URLs) returned with a filter's results."""
    calls: list[tuple[str, int, str, list[str]]] = field(default_factory=list)
    page_sizes: list[int | None] = field(default_factory=list)
    """Requested page size of each search, None without paging."""
    control_types: list[list[str]] = field(default_factory=list)
    """OIDs of the server controls of each search, in call order."""
    _pending: dict[int, _Pending] = field(default_factory=dict)
    _result_calls: int = 0

    def search_ext(
        self,
        base: str,
        scope: int,
        filterstr: str,
        attrlist: list[str],
        serverctrls: list[Any] | None = None,
    ) -> int:
        self.calls.append((base, scope, filterstr, list(attrlist)))
        self.control_types.append([control.controlType for control in serverctrls or []])
        page_size = None
        offset = 0
        for control in serverctrls or []:
            if isinstance(control, SimplePagedResultsControl):
                page_size = control.size
                offset = int(control.cookie.decode() or 0) if control.cookie else 0
        self.page_sizes.append(page_size)
        message_id = len(self.calls)
        self._pending[message_id] = _Pending(base, scope, filterstr, attrlist, page_size, offset)
        return message_id

    def result3(
        self, message_id: int, all: int = 1, timeout: float = -1
    ) -> tuple[int, list[Any], int, list[Any]]:
        self._result_calls += 1
        if self._result_calls in self.failures:
            raise self.failures[self._result_calls]
        pending = self._pending.pop(message_id)
        if pending.scope == ldap.SCOPE_BASE:
            return self._read_base(pending, message_id)
        dns = self.results.get(pending.filter, [])
        end = len(dns) if pending.page_size is None else pending.offset + pending.page_size
        page = dns[pending.offset : end]
        data: list[Any] = [(dn, self._select(dn, pending.attributes)) for dn in page]
        controls: list[Any] = []
        if pending.page_size is not None:
            cookie = str(end).encode() if end < len(dns) else b""
            controls.append(SimplePagedResultsControl(True, size=0, cookie=cookie))
        if end >= len(dns):
            data += [(None, [url]) for url in self.references.get(pending.filter, [])]
        return ldap.RES_SEARCH_RESULT, data, message_id, controls

    def _read_base(
        self, pending: _Pending, message_id: int
    ) -> tuple[int, list[Any], int, list[Any]]:
        if pending.base not in self.entries:
            raise ldap.NO_SUCH_OBJECT({"desc": "No such object", "matched": ""})
        allowed = self.results.get(pending.filter)
        if allowed is not None and pending.base not in allowed:
            return ldap.RES_SEARCH_RESULT, [], message_id, []
        data = [(pending.base, self._select(pending.base, pending.attributes))]
        return ldap.RES_SEARCH_RESULT, data, message_id, []

    def _select(self, dn: str, requested: list[str]) -> Attributes:
        entry = self.entries[dn]
        selected: Attributes = {}
        for description in requested:
            name, _, options = description.partition(";")
            values = next((v for k, v in entry.items() if k.lower() == name.lower()), None)
            if values is None:
                continue
            value_range = parse_range(description) if options else None
            if options and value_range is None:
                continue
            if value_range is not None and self.max_values is None:
                continue  # OpenLDAP: an unknown option makes the description unknown
            if self.max_values is None or (value_range is None and len(values) <= self.max_values):
                selected[name] = list(values)
                continue
            low = value_range.low if value_range else 0
            high = len(values) - 1
            if value_range is not None and value_range.high is not None:
                high = min(high, value_range.high)
            high = min(high, low + self.max_values - 1)
            end = "*" if high >= len(values) - 1 else str(high)
            selected[name] = []
            selected[f"{name};range={low}-{end}"] = list(values[low : high + 1])
        return selected

    def unbind_s(self) -> None:
        pass
