"""The seeded sample company: stable, consistent, and full of names that need escaping."""

from __future__ import annotations

import io

import ldif  # type: ignore[import-untyped]
from testkit import sample

from ldap2ts import dn


def all_dns(company: sample.SampleDirectory) -> list[str]:
    return [entry.dn for entry in [*company.users, *company.partners]] + [
        group.dn for group in company.groups
    ]


def entries(text: str) -> dict[str, dict[str, list[bytes]]]:
    parser = ldif.LDIFRecordList(io.StringIO(text))
    parser.parse()
    return {record_dn: attributes for record_dn, attributes in parser.all_records}


def test_same_seed_same_ldif() -> None:
    assert sample.openldap_company().ldif == sample.openldap_company().ldif
    assert sample.ad_company().ldif == sample.ad_company().ldif
    assert sample.openldap_company(seed=1).ldif != sample.openldap_company(seed=2).ldif


def test_openldap_counts() -> None:
    company = sample.openldap_company(users=300, partners=8)

    assert len(company.users) == 301
    assert len(company.partners) == 8
    assert len(company.groups) == len(sample.GROUP_NAMES)
    assert len(company.groups) >= 30


def test_members_exist() -> None:
    for company in (sample.openldap_company(), sample.ad_company()):
        known = {dn.normalize(text) for text in all_dns(company)}
        for group in company.groups:
            assert group.members, group.cn
            for member in group.members:
                assert dn.normalize(member) in known, (group.cn, member)


def test_ldif_matches_entries() -> None:
    company = sample.openldap_company()

    records = entries(company.ldif)

    keys = {dn.normalize(record_dn) for record_dn in records}
    for text in all_dns(company):
        assert dn.normalize(text) in keys
    assert len(records) == len(company.users) + len(company.partners) + len(company.groups) + 4


def test_names_need_escaping() -> None:
    company = sample.openldap_company()
    texts = all_dns(company)

    for escaped in ("\\,", "\\+", "\\\\", "\\#", '\\"', "\\;", "\\<"):
        assert any(escaped in text for text in texts), escaped
    assert any("+uid=" in text for text in texts)
    assert any(not text.isascii() for text in texts)


def test_nesting_three_levels() -> None:
    company = sample.openldap_company()
    group_dns = {dn.normalize(group.dn) for group in company.groups}

    all_staff = company.group("All Staff")
    engineering = company.group("Engineering")

    assert all(dn.normalize(member) in group_dns for member in all_staff.members)
    assert dn.normalize(engineering.dn) in {dn.normalize(m) for m in all_staff.members}
    assert any(dn.normalize(m) in group_dns for m in engineering.members)


def test_ad_shape_special_accounts() -> None:
    company = sample.ad_company(users=90, computers=3)

    assert len([u for u in company.users if u.computer]) == 3
    assert len([u for u in company.users if u.disabled]) == 3
    assert [g.cn for g in company.groups if g.system] == ["Domain Admins"]
    records = entries(company.ldif)
    smith = records[company.user("jsmith").dn]
    assert smith["objectGUID"] == [sample.guid_for(company.user("jsmith").dn)]
    assert smith["userAccountControl"] == [b"512"]


def test_bulk_ldif() -> None:
    records = entries(sample.bulk_ldif("ou=Bulk,dc=example,dc=com", 3))

    assert list(records) == [
        "ou=Bulk,dc=example,dc=com",
        "uid=bulk00000,ou=Bulk,dc=example,dc=com",
        "uid=bulk00001,ou=Bulk,dc=example,dc=com",
        "uid=bulk00002,ou=Bulk,dc=example,dc=com",
    ]
