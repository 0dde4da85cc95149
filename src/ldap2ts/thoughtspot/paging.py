"""Offset paging for ``users/search`` and ``groups/search``.

The API returns a bare JSON array with no total and no cursor, so pages are
read until one comes back shorter than ``record_size``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ldap2ts.errors import ThoughtSpotError

FetchPage = Callable[[int, int], list[Any]]
"""Called with (record_offset, record_size); returns one page of records."""


def _record_id(record: Any) -> Any:
    return record.get("id") if isinstance(record, dict) else None


def fetch_all(fetch_page: FetchPage, record_size: int, *, endpoint: str) -> Iterator[Any]:
    """Yield every record of a paged search once, in server order.

    Records seen on an earlier page (the set changed while we read) are
    dropped. A full page of only known records means the server ignores
    ``record_offset``; that raises ThoughtSpotError instead of looping forever.
    """
    if record_size < 1:
        raise ValueError(f"record_size must be at least 1, not {record_size}")
    seen: set[Any] = set()
    offset = 0
    while True:
        page = fetch_page(offset, record_size)
        fresh = 0
        for record in page:
            record_id = _record_id(record)
            if record_id is not None:
                if record_id in seen:
                    continue
                seen.add(record_id)
            fresh += 1
            yield record
        if len(page) < record_size:
            return
        if fresh == 0:
            raise ThoughtSpotError(
                f"ThoughtSpot {endpoint} returned the same records again at record_offset "
                f"{offset}; the server does not page, so the read stopped",
                endpoint=endpoint,
            )
        offset += len(page)
