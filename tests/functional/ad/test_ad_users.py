"""Users read from Samba AD: which accounts, which attributes, which flags."""

from __future__ import annotations

import dataclasses
import subprocess
import uuid
from pathlib import Path

import ldap
import pytest
from testkit import samba_content
from testkit.samba import SambaDC

from ldap2ts.directory import ad, read_directory
from ldap2ts.errors import DirectoryError
from ldap2ts.model import DirectorySnapshot
from ldap2ts.settings import Secret

from .conftest import ad_settings, key

pytestmark = pytest.mark.samba


def _raw_attribute(dc: SambaDC, dn: str, attribute: str) -> bytes:
    connection = dc.connect()
    try:
        result = connection.search_s(dn, ldap.SCOPE_BASE, attrlist=[attribute])
    finally:
        connection.unbind_s()
    value: bytes = result[0][1][attribute][0]
    return value


def test_read_is_complete(sync_snapshot: DirectorySnapshot) -> None:
    assert sync_snapshot.complete
    assert sync_snapshot.incomplete_reasons == []


def test_every_person_read(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    expected = {key(user.dn(samba_dc.base_dn)) for user in samba_content.USERS}
    expected |= {key(user.dn(samba_dc.base_dn)) for user in samba_content.bulk_users()}

    assert set(sync_snapshot.users) == expected


def test_computer_account_left_out(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    for computer in samba_content.COMPUTERS:
        computer_dn = f"CN={computer},OU=Computers,{samba_content.sync_dn(samba_dc.base_dn)}"
        assert key(computer_dn) not in sync_snapshot.users
        assert key(computer_dn) not in sync_snapshot.groups


def test_account_outside_base_left_out(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    service_dn = samba_content.SERVICE_ACCOUNT.dn(samba_dc.base_dn)

    assert key(service_dn) not in sync_snapshot.users


@pytest.mark.parametrize(
    ("sam", "account_control", "disabled"),
    [
        ("alice", 512, False),
        ("bob", 514, True),
        ("carol", 66050, True),
        ("dave", 66048, False),
    ],
)
def test_disabled_flag_from_account_control(
    sync_snapshot: DirectorySnapshot,
    samba_dc: SambaDC,
    sam: str,
    account_control: int,
    disabled: bool,
) -> None:
    user = sync_snapshot.users[key(samba_content.user_by_sam(sam).dn(samba_dc.base_dn))]

    assert user.entry.first("userAccountControl") == str(account_control)
    assert user.disabled is disabled


def test_user_attributes_read(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    alice = sync_snapshot.users[key(samba_content.user_by_sam("alice").dn(samba_dc.base_dn))].entry

    assert alice.first("sAMAccountName") == "alice"
    assert alice.first("userPrincipalName") == "alice@corp.example.test"
    assert alice.first("displayName") == "Alice Archer"
    assert alice.first("mail") == "alice@corp.example.test"


def test_user_without_upn(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    erin = sync_snapshot.users[key(samba_content.user_by_sam("erin").dn(samba_dc.base_dn))].entry

    assert erin.first("userPrincipalName") is None
    assert erin.first("sAMAccountName") == "erin"


def test_comma_in_common_name(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    jane_dn = samba_content.user_by_sam("jdoe").dn(samba_dc.base_dn)

    entry = sync_snapshot.users[key(jane_dn)].entry

    assert entry.dn.startswith("CN=Doe\\, Jane,")
    assert entry.first("cn") == "Doe, Jane"


def test_unicode_names(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    zoe_dn = samba_content.user_by_sam("zcelik").dn(samba_dc.base_dn)

    entry = sync_snapshot.users[key(zoe_dn)].entry

    assert entry.first("displayName") == "Zoë Çelik"
    assert entry.first("cn") == "Zoë Çelik"


def test_anchor_is_little_endian_guid(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    alice_dn = samba_content.user_by_sam("alice").dn(samba_dc.base_dn)
    raw = _raw_attribute(samba_dc, alice_dn, "objectGUID")

    anchor = sync_snapshot.users[key(alice_dn)].entry.anchor

    assert anchor == str(uuid.UUID(bytes_le=raw))
    # The first three fields are stored little-endian, so the bytes read in order differ.
    assert anchor != str(uuid.UUID(bytes=raw))


def test_anchors_unique(sync_snapshot: DirectorySnapshot) -> None:
    anchors = [user.entry.anchor for user in sync_snapshot.users.values()]
    anchors += [group.entry.anchor for group in sync_snapshot.groups.values()]

    assert None not in anchors
    assert len(set(anchors)) == len(anchors)


def test_object_sid_decoded(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    alice_dn = samba_content.user_by_sam("alice").dn(samba_dc.base_dn)
    raw = _raw_attribute(samba_dc, alice_dn, "objectSid")
    sub_authorities = [int.from_bytes(raw[8 + 4 * i : 12 + 4 * i], "little") for i in range(raw[1])]

    sid = sync_snapshot.users[key(alice_dn)].entry.first("objectSid")

    assert sid == "S-1-5-" + "-".join(map(str, sub_authorities))
    assert sid is not None and sid.startswith("S-1-5-21-")
    assert ad.sid_to_bytes(sid) == raw


@pytest.mark.parametrize(
    "bind_name",
    [samba_content.SERVICE_ACCOUNT.upn, f"CORP\\{samba_content.SERVICE_ACCOUNT.sam}"],
    ids=["user-principal-name", "down-level-name"],
)
def test_bind_with_logon_name(samba_dc: SambaDC, bind_name: str) -> None:
    bulk_ou = f"OU=Bulk,{samba_content.sync_dn(samba_dc.base_dn)}"
    settings = ad_settings(samba_dc, base_dn=bulk_ou)
    settings = dataclasses.replace(
        settings, ldap=dataclasses.replace(settings.ldap, bind_dn=bind_name)
    )

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == samba_content.BULK_USERS


def test_bind_with_wrong_password(samba_dc: SambaDC) -> None:
    settings = ad_settings(samba_dc)
    wrong = Secret("not-the-password", "test")
    settings = dataclasses.replace(
        settings, ldap=dataclasses.replace(settings.ldap, password=wrong)
    )

    with pytest.raises(DirectoryError, match="invalid credentials"):
        read_directory(settings)


def test_read_over_start_tls(samba_dc: SambaDC) -> None:
    bulk_ou = f"OU=Bulk,{samba_content.sync_dn(samba_dc.base_dn)}"
    settings = ad_settings(samba_dc, base_dn=bulk_ou)
    ldap_settings = dataclasses.replace(settings.ldap, url=samba_dc.ldap_url, start_tls=True)
    settings = dataclasses.replace(settings, ldap=ldap_settings)

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == samba_content.BULK_USERS


def test_read_rejects_unknown_ca(samba_dc: SambaDC, tmp_path: Path) -> None:
    other_ca = tmp_path / "other-ca.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=unrelated CA", "-keyout", str(tmp_path / "other-ca.key"),
         "-out", str(other_ca)],
        check=True, capture_output=True,
    )  # fmt: skip
    settings = ad_settings(samba_dc)
    settings = dataclasses.replace(
        settings, ldap=dataclasses.replace(settings.ldap, ca_file=str(other_ca))
    )

    with pytest.raises(DirectoryError, match="certificate"):
        read_directory(settings)
