"""Raw search results decoded into DirectoryEntry objects."""

from __future__ import annotations

import base64
import logging

import pytest

from ldap2ts.directory.entries import EntryBuilder, template_fields
from ldap2ts.settings import Flavour

GUID = bytes.fromhex("33221100554477668899aabbccddeeff")
SID = bytes(
    [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x50, 4, 0, 0]
)


def test_template_fields() -> None:
    assert template_fields("{uid}@example.com") == ["uid"]
    assert template_fields("{givenName}.{sn}") == ["givenName", "sn"]
    assert template_fields("{cn!s:>10}") == ["cn"]
    assert template_fields("{{literal}}") == []
    assert template_fields(None) == []


def test_names_lower_cased_and_values_decoded() -> None:
    builder = EntryBuilder(Flavour.OPENLDAP)

    entry = builder.build(
        "CN=Zoë,DC=Example,DC=com",
        {"cn": ["Zoë".encode()], "Mail": [b"zoe@example.com", b"z@example.com"]},
    )

    assert entry.dn == "CN=Zoë,DC=Example,DC=com"
    assert entry.dn_key == "cn=zoë,dc=example,dc=com"
    assert entry.attributes == {
        "cn": ("Zoë",),
        "mail": ("zoe@example.com", "z@example.com"),
    }
    assert entry.anchor is None


def test_openldap_anchor_is_entry_uuid() -> None:
    builder = EntryBuilder(Flavour.OPENLDAP)

    entry = builder.build("cn=a,dc=x", {"entryUUID": [b"B9EC5BC4-846E-1041-93FC-5DA3C36BF430"]})

    assert entry.anchor == "b9ec5bc4-846e-1041-93fc-5da3c36bf430"


def test_ad_binary_attributes_decoded() -> None:
    builder = EntryBuilder(Flavour.AD)

    entry = builder.build("CN=a,DC=x", {"objectGUID": [GUID], "objectSid": [SID]})

    assert entry.first("objectGUID") == "00112233-4455-6677-8899-aabbccddeeff"
    assert entry.first("objectSid") == "S-1-5-21-1-2-3-1104"
    assert entry.anchor == "00112233-4455-6677-8899-aabbccddeeff"


def test_invalid_guid_kept_as_hex(caplog: pytest.LogCaptureFixture) -> None:
    builder = EntryBuilder(Flavour.AD)

    entry = builder.build("CN=a,DC=x", {"objectGUID": [b"\x01\x02"]})

    assert entry.first("objectGUID") == "0102"
    assert "entry CN=a,DC=x has an invalid objectguid: objectGUID must be 16 bytes" in caplog.text


def test_binary_text_kept_as_base64(caplog: pytest.LogCaptureFixture) -> None:
    builder = EntryBuilder(Flavour.OPENLDAP)
    photo = b"\xff\xd8\xff\xe0binary"

    with caplog.at_level(logging.DEBUG, logger="ldap2ts.directory.entries"):
        entry = builder.build("cn=a,dc=x", {"jpegPhoto": [photo], "cn": [b"a"]})
        builder.build("cn=b,dc=x", {"jpegPhoto": [photo]})

    assert entry.first("jpegPhoto") == base64.b64encode(photo).decode()
    assert entry.first("cn") == "a"
    assert caplog.text.count("attribute jpegphoto is not UTF-8 text") == 1


def test_member_and_ranges_skipped() -> None:
    builder = EntryBuilder(Flavour.AD, skip=["member"])

    entry = builder.build(
        "CN=g,DC=x",
        {"cn": [b"g"], "member": [], "member;range=0-1499": [b"CN=u,DC=x"]},
    )

    assert entry.attributes == {"cn": ("g",)}


def test_attribute_names_shared() -> None:
    builder = EntryBuilder(Flavour.OPENLDAP)

    first = builder.build("cn=a,dc=x", {"displayName": [b"A"]})
    second = builder.build("cn=b,dc=x", {"displayName": [b"B"]})

    assert next(iter(first.attributes)) is next(iter(second.attributes))
