"""Translation of the legacy answers into ldap2ts ``Settings``.

This is the only place where the legacy meaning of a flag is decided, and
both ``script`` and ``interactive`` go through it. Where the legacy
defaults differ from the ldap2ts defaults, the legacy ones win:

- existing users and groups are left alone (insert only) unless
  ``--upsert_user`` / ``--upsert_group``;
- members added by hand to a synced group are removed unless
  ``--keep_local_membership``;
- nothing is removed unless ``--purge``, ``--purge_users`` or
  ``--purge_groups``, and then removal means deletion. The ldap2ts safety
  guards still apply: only managed principals, nothing after an incomplete
  directory read, and deletion thresholds unless ``--force``.

Naming uses the legacy rules (no templates): the user identifier with the
auth-domain or DC-domain suffix, and DN-path group names.
"""

from __future__ import annotations

from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.settings import (
    DirectorySettings,
    LdapSettings,
    NamingSettings,
    PurgeAction,
    Settings,
    SyncSettings,
    ThoughtSpotSettings,
)


def to_settings(options: LegacyOptions) -> Settings:
    """Build the ldap2ts settings that reproduce a legacy run."""
    return Settings(
        ldap=ldap_settings(options),
        directory=_directory(options),
        naming=_naming(options),
        thoughtspot=thoughtspot_settings(options),
        sync=_sync(options),
    )


def ldap_settings(options: LegacyOptions) -> LdapSettings:
    return LdapSettings(
        url=options.ldap_hostport,
        bind_dn=options.ldap_uname,
        password=options.ldap_pass,
        ca_file=options.ldap_ca_file,
    )


def _directory(options: LegacyOptions) -> DirectorySettings:
    return DirectorySettings(
        flavour=options.ldap_type,
        base_dn=options.basedn or "",
        scope=options.scope,
        filter=options.filter_str,
        member_attribute=options.member_str,
        # With --include_nontree_members, the reader follows every member that the
        # searches did not return, whether --filter_str or the base DN left it out,
        # and checks it against the flavour's filters only, as the legacy script did.
        include_nontree_members=options.include_nontree_members,
    )


def _naming(options: LegacyOptions) -> NamingSettings:
    return NamingSettings(
        user_identifier=options.resolved_user_identifier,
        authdomain=options.authdomain_identifier or None,
        email_attribute=options.email_identifier,
        user_display_name_attribute=options.user_display_name_identifier,
        group_display_name_attribute=options.group_display_name_identifier,
    )


def thoughtspot_settings(options: LegacyOptions) -> ThoughtSpotSettings:
    return ThoughtSpotSettings(
        url=options.ts_hostport,
        username=options.ts_uname,
        password=options.ts_pass,
        verify_tls=not options.disable_ssl,
        ca_file=options.ts_ca_file,
    )


def _sync(options: LegacyOptions) -> SyncSettings:
    purge_users = options.purge or options.purge_users
    purge_groups = options.purge or options.purge_groups
    return SyncSettings(
        upsert_users=options.upsert_user,
        upsert_groups=options.upsert_group,
        keep_local_membership=options.keep_local_membership,
        purge_users=purge_users,
        purge_groups=purge_groups,
        purge_action=PurgeAction.DELETE if options.purges else PurgeAction.NONE,
        force=options.force,
    )
