"""The legacy answers, as the ``script`` flags and the ``interactive`` prompts give them.

Both modes fill one ``LegacyOptions`` and hand it to
``ldap2ts.legacy.translate.to_settings``, so the same answers always give
the same ``Settings`` and therefore the same ThoughtSpot names. Defaults are
the legacy script's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ldap2ts.settings import Flavour, Scope, Secret

DEFAULT_FILTER = "(cn=*)"
"""The legacy script's first enumeration matched every entry with a cn."""

DEFAULT_USER_IDENTIFIER = {Flavour.AD: "userPrincipalName", Flavour.OPENLDAP: "uid"}
"""User identifier when none is given. The legacy default was userPrincipalName for
both flavours, which skipped every OpenLDAP user (they have no UPN), so no
cluster contains names made that way and OpenLDAP gets ``uid`` instead."""

LDAP_PASSWORD_ENV = "LDAP2TS_LDAP_PASSWORD"
TS_PASSWORD_ENV = "LDAP2TS_TS_PASSWORD"


@dataclass(slots=True)
class LegacyOptions:
    """Every setting of the legacy command line, plus the ldap2ts extensions at the end."""

    ts_hostport: str
    ts_uname: str
    ldap_hostport: str
    ldap_uname: str
    ts_pass: Secret | None = None
    ldap_pass: Secret | None = None
    disable_ssl: bool = False
    sync: bool = False
    purge: bool = False
    purge_users: bool = False
    purge_groups: bool = False
    dry_run: bool = False
    basedn: str | None = None
    scope: Scope = Scope.SUB
    filter_str: str = DEFAULT_FILTER
    include_nontree_members: bool = False
    user_identifier: str | None = None
    """None means the flavour's default (see DEFAULT_USER_IDENTIFIER)."""
    authdomain_identifier: str | None = None
    email_identifier: str = "mail"
    user_display_name_identifier: str = "displayName"
    group_display_name_identifier: str = "displayName"
    ldap_type: Flavour = Flavour.AD
    member_str: str = "member"
    keep_local_membership: bool = False
    upsert_group: bool = False
    upsert_user: bool = False
    force: bool = False
    """ldap2ts extension: allow removals beyond the safety thresholds."""
    ldap_ca_file: str | None = None
    """ldap2ts extension: CA certificates that sign the LDAP server's certificate."""
    ts_ca_file: str | None = None
    """ldap2ts extension: CA certificates that sign ThoughtSpot's certificate."""

    @property
    def purges(self) -> bool:
        return self.purge or self.purge_users or self.purge_groups

    @property
    def resolved_user_identifier(self) -> str:
        return self.user_identifier or DEFAULT_USER_IDENTIFIER[self.ldap_type]
