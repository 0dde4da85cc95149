"""SQL pieces shared by the user and group searches: paging, sorting, name patterns."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from tsemulator import fields
from tsemulator.errors import BadRequest
from tsemulator.fields import Body


class Filters:
    """WHERE conditions of a search and their parameters."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: list[Any] = []
        self.impossible = False
        """True when a filter names something that does not exist, so nothing can match."""

    def add(self, condition: str, *params: Any) -> None:
        self.where.append(condition)
        self.params.extend(params)


SORT_COLUMNS = {
    "NAME": "name_key",
    "DISPLAY_NAME": "display_key",
    "AUTHOR": "name_key",
    "CREATED": "created_ms",
    "MODIFIED": "modified_ms",
}


def page_clause(body: Body) -> tuple[str, list[int]]:
    """Return the LIMIT clause for ``record_size`` (default 10, -1: all) and ``record_offset``."""
    size = fields.get_int(body, "record_size")
    offset = fields.get_int(body, "record_offset")
    size = 10 if size is None else size
    offset = 0 if offset is None else offset
    if size < -1:
        raise BadRequest(f"Field 'record_size' must be -1 or more, got {size}.")
    if offset < 0:
        raise BadRequest(f"Field 'record_offset' must not be negative, got {offset}.")
    return " LIMIT ? OFFSET ?", [size, offset]


def order_clause(body: Body) -> str:
    """Return the ORDER BY clause for ``sort_options``; names ascending by default."""
    options = fields.get_object(body, "sort_options") or {}
    field_name = fields.get_enum(options, "field_name", fields.SORT_FIELDS) or "NAME"
    order = fields.get_enum(options, "order", fields.SORT_ORDERS) or "ASC"
    return f" ORDER BY {SORT_COLUMNS[field_name]} {order}, seq {order}"


def fetch_page(
    conn: sqlite3.Connection, table: str, filters: Filters, body: Body
) -> list[sqlite3.Row]:
    """Return one sorted page of rows from ``table`` matching ``where``.

    The page's keys are found first with an index-only scan, so a deep
    ``record_offset`` skips index entries instead of whole rows.
    """
    limit, limit_params = page_clause(body)
    condition = " WHERE " + " AND ".join(filters.where) if filters.where else ""
    keys = conn.execute(
        f"SELECT seq FROM {table}{condition}{order_clause(body)}{limit}",
        [*filters.params, *limit_params],
    ).fetchall()
    seqs = [row[0] for row in keys]
    rows = conn.execute(
        f"SELECT * FROM {table} WHERE seq IN (SELECT value FROM json_each(?))", (json.dumps(seqs),)
    ).fetchall()
    position = {seq: index for index, seq in enumerate(seqs)}
    return sorted(rows, key=lambda row: position[row["seq"]])


def add_name_filters(
    filters: Filters,
    body: Body,
    identifier_key: str,
    find: Callable[[str], sqlite3.Row | None],
) -> None:
    """Add the identifier (GUID or name), ``name_pattern`` and ``display_name`` filters."""
    identifier = fields.get_str(body, identifier_key)
    if identifier is not None:
        row = find(identifier)
        if row is None:
            filters.impossible = True
        else:
            filters.add("seq = ?", row["seq"])
    pattern = fields.get_str(body, "name_pattern")
    if pattern:
        filters.add("name LIKE ? ESCAPE '\\'", like_pattern(pattern))
    display_name = fields.get_str(body, "display_name")
    if display_name is not None:
        filters.add("display_key = ?", display_name.casefold())


def like_pattern(pattern: str) -> str:
    """Turn a ThoughtSpot name pattern into a LIKE pattern with ``\\`` as escape.

    ``%`` is the wildcard. A pattern without one matches names that contain it.
    """
    escaped = pattern.replace("\\", "\\\\").replace("_", "\\_")
    if "%" not in escaped:
        escaped = f"%{escaped}%"
    return escaped
