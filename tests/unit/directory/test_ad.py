"""objectGUID, objectSid and userAccountControl formats."""

from __future__ import annotations

import pytest

from ldap2ts.directory import ad


def test_guid_little_endian_layout() -> None:
    raw = bytes.fromhex("33221100554477668899aabbccddeeff")

    assert ad.guid_to_string(raw) == "00112233-4455-6677-8899-aabbccddeeff"


def test_guid_wrong_length() -> None:
    with pytest.raises(ValueError, match="16 bytes, got 3"):
        ad.guid_to_string(b"abc")


def test_sid_round_trip() -> None:
    text = "S-1-5-21-1004336348-1177238915-682003330-512"

    raw = ad.sid_to_bytes(text)

    assert raw[:8] == bytes([1, 5, 0, 0, 0, 0, 0, 5])
    assert ad.sid_to_string(raw) == text


def test_sid_well_known() -> None:
    everyone = bytes([1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])

    assert ad.sid_to_string(everyone) == "S-1-1-0"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"\x01", "at least 8 bytes"),
        (bytes([1, 2, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0]), "2 sub-authorities must be 16 bytes"),
    ],
)
def test_sid_invalid(raw: bytes, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ad.sid_to_string(raw)


def test_rid_of() -> None:
    assert ad.rid_of("S-1-5-21-1-2-3-1104") == 1104
    with pytest.raises(ValueError, match="invalid SID"):
        ad.rid_of("S-1-5-21-x")


def test_account_control_bits() -> None:
    assert ad.is_disabled(514)
    assert not ad.is_disabled(512)
    assert ad.is_machine_account(4096)
    assert ad.is_machine_account(8192 | 2)
    assert not ad.is_machine_account(66048)


def test_parse_account_control() -> None:
    assert ad.parse_account_control("514") == 514
    assert ad.parse_account_control(None) == 0
    assert ad.parse_account_control("junk") == 0
