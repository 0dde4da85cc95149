"""Settings and snapshots for reads from the Samba AD domain controller."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from testkit import samba_content
from testkit.samba import SambaDC

from ldap2ts import dn as dn_module
from ldap2ts.directory import read_directory
from ldap2ts.model import DirectorySnapshot
from ldap2ts.settings import (
    DirectorySettings,
    Flavour,
    LdapSettings,
    NamingSettings,
    Secret,
    Settings,
    ThoughtSpotSettings,
)

NO_BULK = "(!(|(sAMAccountName=bulk*)(cn=Bulk Members)))"
"""Extra filter that leaves the 3,000 bulk users and their group out, for quicker reads."""


def ad_settings(dc: SambaDC, *, base_dn: str | None = None, **directory: Any) -> Settings:
    """Return settings that read ``dc`` as the unprivileged service account over LDAPS.

    ``base_dn`` defaults to OU=Sync; keyword arguments set DirectorySettings
    fields, and ``range_step`` or ``page_size`` set LdapSettings fields.
    """
    ldap_fields = {
        name: directory.pop(name) for name in ("range_step", "page_size") if name in directory
    }
    return Settings(
        ldap=LdapSettings(
            url=dc.ldaps_url,
            bind_dn=samba_content.SERVICE_ACCOUNT.dn(dc.base_dn),
            password=Secret(samba_content.USER_PASSWORD, "test"),
            ca_file=str(dc.ca_file),
            **ldap_fields,
        ),
        directory=DirectorySettings(
            flavour=Flavour.AD,
            base_dn=base_dn if base_dn is not None else samba_content.sync_dn(dc.base_dn),
            **directory,
        ),
        naming=NamingSettings(),
        # Never contacted by a directory read.
        thoughtspot=ThoughtSpotSettings(url="http://127.0.0.1:9", username="tsadmin"),
    )


def with_directory(settings: Settings, **changes: Any) -> Settings:
    return dataclasses.replace(
        settings, directory=dataclasses.replace(settings.directory, **changes)
    )


def key(dn: str) -> str:
    return dn_module.normalize(dn)


@pytest.fixture(scope="module")
def sync_snapshot(samba_dc: SambaDC) -> DirectorySnapshot:
    """One read of OU=Sync with the default AD settings, shared by the tests of a module."""
    return read_directory(ad_settings(samba_dc))
