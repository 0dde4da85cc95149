"""LDAP2TS_ environment variables under the legacy command line.

``ldap2ts`` reads any setting from ``LDAP2TS_<SECTION>_<KEY>``, and so does
``syncUsersAndGroups.py`` for the settings that have no legacy flag
(``LDAP2TS_SYNC_STATE_DIR``, ``LDAP2TS_SYNC_MAX_REMOVALS``,
``LDAP2TS_DIRECTORY_USER_FILTER``, ...). Every legacy flag has a default,
so the keys in ``LEGACY_KEYS`` always come from the command line, and a
variable for one of them is ignored with a warning. Passwords come from a
flag, else from ``LDAP2TS_LDAP_PASSWORD`` / ``LDAP2TS_TS_PASSWORD`` or their
``*_FILE`` variants, as in ``ldap2ts``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ldap2ts.config.convert import convert
from ldap2ts.config.keys import SECRET_FILE_KEYS, SECRET_KEYS
from ldap2ts.config.secrets import resolve_secret
from ldap2ts.config.sources import RawValue, read_environment
from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.legacy.translate import to_settings
from ldap2ts.settings import Secret, Settings

LEGACY_KEYS = frozenset({
    "ldap.url", "ldap.bind_dn",
    "directory.flavour", "directory.base_dn", "directory.scope", "directory.filter",
    "directory.member_attribute", "directory.include_nontree_members",
    "naming.user_identifier", "naming.authdomain", "naming.email_attribute",
    "naming.user_display_name_attribute", "naming.group_display_name_attribute",
    "thoughtspot.url", "thoughtspot.username", "thoughtspot.verify_tls",
    "sync.upsert_users", "sync.upsert_groups", "sync.keep_local_membership",
    "sync.purge_users", "sync.purge_groups", "sync.purge_action", "sync.force",
})  # fmt: skip
"""Settings that a legacy flag (or its default) decides.

The CA file flags (``--ldap_ca_file``, ``--ts_ca_file``) have no default, so
``LDAP2TS_LDAP_CA_FILE`` and ``LDAP2TS_THOUGHTSPOT_CA_FILE`` apply when the
flag is not given."""

_FLAG_WINS = frozenset({"ldap.ca_file", "thoughtspot.ca_file"})


def environment_values(environ: Mapping[str, str] | None = None) -> dict[str, RawValue]:
    """Read the LDAP2TS_ variables; raise ConfigError for one that names no setting."""
    return read_environment(os.environ if environ is None else environ)


def password_from_environment(secret_key: str, values: Mapping[str, RawValue]) -> Secret | None:
    """Return ``ldap.password`` or ``thoughtspot.password`` from a variable or its *_FILE."""
    return resolve_secret(secret_key, [values])


def settings_for_run(options: LegacyOptions,
                     values: Mapping[str, RawValue]) -> tuple[Settings, list[str]]:  # fmt: skip
    """Translate the legacy options, then apply the variables for settings without a flag.

    Return the settings and one warning per variable ignored because a
    legacy flag sets its key.
    """
    settings = to_settings(options)
    warnings: list[str] = []
    for dotted, raw in sorted(values.items()):
        if dotted in SECRET_KEYS or dotted in SECRET_FILE_KEYS:
            continue
        variable = raw.source.removeprefix("env ")
        if dotted in LEGACY_KEYS:
            warnings.append(f"{variable} is ignored: syncUsersAndGroups.py sets {dotted} "
                            "from its own flags")  # fmt: skip
            continue
        section, name = dotted.split(".", 1)
        part = getattr(settings, section)
        if dotted in _FLAG_WINS and getattr(part, name) is not None:
            continue
        setattr(part, name, convert(dotted, raw))
    return settings, warnings
