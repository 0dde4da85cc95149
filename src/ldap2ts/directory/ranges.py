"""Range retrieval of multi-valued attributes, as Active Directory does it.

AD returns at most MaxValRange values of an attribute per search (1,500 by
default). A larger group comes back as ``member;range=0-1499`` (with the
plain ``member`` empty or absent), and the client asks for
``member;range=1500-*`` and so on until a range ends in ``*``. The server
may reply with a shorter range than requested, so each request starts
right after the last value received, whatever the step. Servers that do not
know ranges (OpenLDAP) return the plain attribute, which is taken as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

RawAttributes = dict[str, list[bytes]]

_RANGE = re.compile(r";range=(\d+)-(\d+|\*)(?:;|$)", re.IGNORECASE)


class RangeError(Exception):
    """The server's ranges do not fit together, so some values may be missing.

    ``values`` contains the values read before the error.
    """

    def __init__(self, message: str, values: list[bytes] | None = None) -> None:
        super().__init__(message)
        self.values = values or []


@dataclass(frozen=True, slots=True)
class ValueRange:
    low: int
    high: int | None
    """None when the range ends in ``*`` (the last values)."""


def range_request(attribute: str, low: int, step: int | None) -> str:
    """Return the attribute description asking for values from ``low`` on (``step`` of them)."""
    high = "*" if step is None else str(low + step - 1)
    return f"{attribute};range={low}-{high}"


def parse_range(description: str) -> ValueRange | None:
    """Return the range option of an attribute description, or None when it has none."""
    match = _RANGE.search(description)
    if match is None:
        return None
    low, high = match.groups()
    return ValueRange(int(low), None if high == "*" else int(high))


def split_values(
    attributes: RawAttributes, attribute: str
) -> tuple[list[bytes], ValueRange | None]:
    """Return the values of ``attribute`` in a result and the range they cover, if any.

    Plain values and ranged values are both collected: AD sends an empty
    plain attribute next to the ranged one.
    """
    name = attribute.lower()
    values: list[bytes] = []
    found_range: ValueRange | None = None
    for description, attribute_values in attributes.items():
        base, _, options = description.partition(";")
        if base.lower() != name:
            continue
        if not options:
            values.extend(attribute_values)
            continue
        value_range = parse_range(description)
        if value_range is None:
            continue
        if found_range is not None:
            raise RangeError(f"two ranges of {attribute} in one result: {sorted(attributes)}")
        found_range = value_range
        values.extend(attribute_values)
    return values, found_range


def read_all_values(
    attributes: RawAttributes,
    attribute: str,
    fetch: Callable[[str], RawAttributes | None],
    *,
    step: int | None = None,
) -> list[bytes]:
    """Return every value of ``attribute``, fetching the ranges the first result left out.

    ``fetch(description)`` reads the same entry again asking for one
    attribute description and returns its attributes, or None when the entry
    is gone. Raises RangeError when the ranges do not join up or the entry
    disappears between two requests.
    """
    values, value_range = split_values(attributes, attribute)
    while value_range is not None and value_range.high is not None:
        low = value_range.high + 1
        try:
            more = fetch(range_request(attribute, low, step))
        except RangeError as error:
            raise RangeError(str(error), values) from None
        if more is None:
            raise RangeError(
                f"entry disappeared while reading {attribute} from value {low} on", values
            )
        extra, value_range = split_values(more, attribute)
        if value_range is None:
            # A reply without a range has no values past the previous range.
            values.extend(extra)
            break
        if value_range.low != low:
            high = "*" if value_range.high is None else value_range.high
            raise RangeError(
                f"asked for {attribute} values from {low} on, the server sent "
                f"{value_range.low}-{high}",
                values,
            )
        if value_range.high is not None and value_range.high < low:
            raise RangeError(f"the server sent an empty range {low}-{value_range.high}", values)
        values.extend(extra)
    return values
