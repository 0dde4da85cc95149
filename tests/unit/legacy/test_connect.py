"""The base DN that interactive mode offers after reading the rootDSE."""

from __future__ import annotations

from ldap2ts.legacy.connect import LdapServerInfo
from ldap2ts.settings import Flavour


def test_ad_default_context_is_offered() -> None:
    server = LdapServerInfo(Flavour.AD, ("DC=example,DC=com", "CN=Configuration,DC=example,DC=com"),
                            "DC=example,DC=com")  # fmt: skip
    assert server.suggested_base_dn() == "DC=example,DC=com"


def test_single_context_is_offered() -> None:
    server = LdapServerInfo(Flavour.OPENLDAP, ("dc=example,dc=com",), None)
    assert server.suggested_base_dn() == "dc=example,dc=com"


def test_several_contexts_offer_nothing() -> None:
    server = LdapServerInfo(Flavour.OPENLDAP, ("dc=example,dc=com", "dc=other,dc=org"), None)
    assert server.suggested_base_dn() is None
