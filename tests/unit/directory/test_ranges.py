"""Range retrieval of member values, driven by canned server responses."""

from __future__ import annotations

import pytest

from ldap2ts.directory.ranges import (
    RangeError,
    ValueRange,
    parse_range,
    range_request,
    read_all_values,
    split_values,
)


def members(low: int, high: int) -> list[bytes]:
    return [f"cn=user{number},dc=x".encode() for number in range(low, high + 1)]


class CannedServer:
    """A server that forces ranges of ``max_values`` values on a member list of ``total``."""

    def __init__(self, total: int, max_values: int) -> None:
        self.total = total
        self.max_values = max_values
        self.requests: list[str] = []

    def first_result(self) -> dict[str, list[bytes]]:
        return self.answer("member")

    def answer(self, description: str) -> dict[str, list[bytes]]:
        self.requests.append(description)
        value_range = parse_range(description)
        low = value_range.low if value_range else 0
        high = self.total - 1
        if value_range is not None and value_range.high is not None:
            high = min(high, value_range.high)
        high = min(high, low + self.max_values - 1)
        if value_range is None and high == self.total - 1:
            return {"member": members(0, high)}
        end = "*" if high == self.total - 1 else str(high)
        # AD sends an empty plain attribute next to the ranged one.
        return {"member": [], f"member;range={low}-{end}": members(low, high)}


def test_parse_range() -> None:
    assert parse_range("member;range=0-1499") == ValueRange(0, 1499)
    assert parse_range("member;Range=1500-*") == ValueRange(1500, None)
    assert parse_range("member;range=0-*;binary") == ValueRange(0, None)
    assert parse_range("member") is None
    assert parse_range("member;lang-en") is None


def test_range_request() -> None:
    assert range_request("member", 1500, None) == "member;range=1500-*"
    assert range_request("member", 1500, 1000) == "member;range=1500-2499"


def test_split_values_merges_plain_and_ranged() -> None:
    result = {"Member": [b"a"], "member;range=0-1": [b"b", b"c"], "cn": [b"g"]}

    values, value_range = split_values(result, "member")

    assert values == [b"a", b"b", b"c"]
    assert value_range == ValueRange(0, 1)


def test_split_values_two_ranges_is_error() -> None:
    result = {"member;range=0-1": [b"a"], "member;range=2-3": [b"b"]}

    with pytest.raises(RangeError, match="two ranges"):
        split_values(result, "member")


def test_plain_attribute_needs_no_fetch() -> None:
    server = CannedServer(total=10, max_values=1500)

    values = read_all_values(server.first_result(), "member", server.answer)

    assert values == members(0, 9)
    assert server.requests == ["member"]


def test_server_forced_ranges_read_every_value() -> None:
    server = CannedServer(total=4000, max_values=1500)

    values = read_all_values(server.first_result(), "member", server.answer)

    assert values == members(0, 3999)
    assert server.requests == ["member", "member;range=1500-*", "member;range=3000-*"]


def test_exact_multiple_ends_with_star() -> None:
    server = CannedServer(total=3000, max_values=1500)

    values = read_all_values(server.first_result(), "member", server.answer)

    assert len(values) == 3000
    assert server.requests == ["member", "member;range=1500-*"]


def test_explicit_step_follows_server_steps() -> None:
    # The client asks for 1,000 values at a time; the server sends at most 700.
    server = CannedServer(total=2500, max_values=700)
    first = server.answer("member;range=0-999")

    values = read_all_values(first, "member", server.answer, step=1000)

    assert values == members(0, 2499)
    assert server.requests == [
        "member;range=0-999",
        "member;range=700-1699",
        "member;range=1400-2399",
        "member;range=2100-3099",
    ]


def test_no_cap_on_total_values() -> None:
    server = CannedServer(total=25_000, max_values=1500)

    values = read_all_values(server.first_result(), "member", server.answer)

    assert len(values) == 25_000
    assert len(set(values)) == 25_000


def test_range_answer_without_range_ends_read() -> None:
    def fetch(description: str) -> dict[str, list[bytes]]:
        return {"member": []}

    values = read_all_values({"member;range=0-1": [b"a", b"b"]}, "member", fetch)

    assert values == [b"a", b"b"]


def test_range_gap_is_error() -> None:
    def fetch(description: str) -> dict[str, list[bytes]]:
        return {"member;range=5-*": [b"z"]}

    with pytest.raises(RangeError, match="from 2 on, the server sent 5-\\*") as raised:
        read_all_values({"member;range=0-1": [b"a", b"b"]}, "member", fetch)

    assert raised.value.values == [b"a", b"b"]


def test_entry_gone_between_ranges_is_error() -> None:
    with pytest.raises(RangeError, match="entry disappeared"):
        read_all_values({"member;range=0-1": [b"a", b"b"]}, "member", lambda _: None)


def test_backwards_range_is_error() -> None:
    def fetch(description: str) -> dict[str, list[bytes]]:
        return {"member;range=2-1": []}

    with pytest.raises(RangeError, match="empty range"):
        read_all_values({"member;range=0-1": [b"a", b"b"]}, "member", fetch)
