"""The validated settings of one run.

``ldap2ts.config`` builds a ``Settings`` from a TOML file, environment
variables and flags; the legacy front end builds one from the legacy flags.
Every other stage reads only these objects. Secrets are wrapped in ``Secret``
so that no ``repr``, log line or report can show them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Secret:
    """A password or key that never shows its value in ``repr`` or ``str``.

    ``source`` says where it came from ("env LDAP2TS_LDAP_PASSWORD", "file
    /etc/ldap2ts/ldap.pw", "prompt", "flag --ldap_pass") for messages.
    """

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str) -> None:
        self._value = value
        self.source = source

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret(source={self.source!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Flavour(enum.Enum):
    AD = "AD"
    OPENLDAP = "OpenLDAP"

    @classmethod
    def parse(cls, text: str) -> Flavour:
        """Parse a flavour name case-insensitively ("ad", "OpenLdap", ...)."""
        for flavour in cls:
            if flavour.value.lower() == text.strip().lower():
                return flavour
        raise ValueError(f"unknown directory flavour {text!r}: expected AD or OpenLDAP")


class Scope(enum.Enum):
    """LDAP search scope; values are python-ldap's SCOPE_* numbers (legacy --scope 0/1/2)."""

    BASE = 0
    ONE = 1
    SUB = 2


class PurgeAction(enum.Enum):
    NONE = "none"
    """Never deactivate or delete; report what would go."""
    DEACTIVATE = "deactivate"
    """Set vanished users INACTIVE (keeps their content); groups are left in place."""
    DELETE = "delete"
    """Delete vanished users and groups (the legacy --purge meaning)."""


class NestedGroups(enum.Enum):
    WALK = "walk"
    """Resolve nesting from the member attributes we read, with cycle detection."""
    IN_CHAIN = "in-chain"
    """Ask AD with LDAP_MATCHING_RULE_IN_CHAIN (1.2.840.113556.1.4.1941)."""


@dataclass(slots=True)
class LdapSettings:
    url: str
    bind_dn: str | None = None
    password: Secret | None = None
    ca_file: str | None = None
    start_tls: bool = False
    """Upgrade an ldap:// connection with StartTLS; never falls back to plaintext."""
    verify_tls: bool = True
    timeout: float = 30.0
    """Seconds for the connection and for each search."""
    page_size: int = 500
    range_step: int | None = None
    """Ask for member;range=0-(N-1) explicitly; None reads what the server returns."""


@dataclass(slots=True)
class DirectorySettings:
    flavour: Flavour = Flavour.AD
    base_dn: str = ""
    scope: Scope = Scope.SUB
    filter: str | None = None
    """Extra RFC 4515 filter ANDed with the user and group filters (legacy --filter_str)."""
    user_filter: str | None = None
    """Replaces the flavour's default user filter."""
    group_filter: str | None = None
    """Replaces the flavour's default group filter."""
    member_attribute: str = "member"
    include_nontree_members: bool = False
    nested_groups: NestedGroups = NestedGroups.WALK
    include_disabled: bool = False
    """AD only: sync accounts with ACCOUNTDISABLE as INACTIVE instead of skipping them."""
    primary_groups: bool = False
    """AD only: add users to the group named by their primaryGroupID."""
    exclude_system_groups: bool = True
    """AD only: leave out isCriticalSystemObject groups and CN=Builtin."""
    extra_attributes: tuple[str, ...] = ()
    """More attributes to read, for naming templates and hooks."""


@dataclass(slots=True)
class NamingSettings:
    user_identifier: str = "userPrincipalName"
    authdomain: str | None = None
    email_attribute: str = "mail"
    user_display_name_attribute: str = "displayName"
    group_display_name_attribute: str = "displayName"
    user_name_template: str | None = None
    """For example "{uid}@example.com"; None uses the legacy rules."""
    group_name_template: str | None = None
    """For example "{cn}"; None uses the legacy DN-path rule."""
    email_fallback_domain: str | None = None
    """ThoughtSpot requires an email on create: users without one get NAME@this domain."""
    hooks: tuple[str, ...] = ()
    """Hooks as "module:function", run in order on the entries read (see ldap2ts.hooks)."""


@dataclass(slots=True)
class ThoughtSpotSettings:
    url: str
    username: str
    password: Secret | None = None
    secret_key: Secret | None = None
    verify_tls: bool = True
    ca_file: str | None = None
    timeout: float = 60.0
    org_id: int | None = None
    concurrency: int = 8
    page_size: int = 1000
    import_batch_size: int = 500
    max_retries: int = 5


@dataclass(slots=True)
class SyncSettings:
    upsert_users: bool = True
    upsert_groups: bool = True
    keep_local_membership: bool = True
    purge_users: bool = True
    purge_groups: bool = True
    purge_action: PurgeAction = PurgeAction.DEACTIVATE
    max_removals: int = 500
    max_removal_ratio: float = 0.10
    force: bool = False
    protect: tuple[str, ...] = ()
    """Names never deactivated, deleted or removed from a group."""
    state_dir: str | None = None
    """Folder for the journal and the lock; None uses ~/.local/state/ldap2ts."""
    managed_scope: tuple[str, ...] = ()
    """Case-insensitive glob patterns of names this configuration manages;
    empty means derived from the naming rules (see ldap2ts.diff)."""


@dataclass(slots=True)
class Settings:
    ldap: LdapSettings
    directory: DirectorySettings
    naming: NamingSettings
    thoughtspot: ThoughtSpotSettings
    sync: SyncSettings = field(default_factory=SyncSettings)
    config_file: str | None = None
    """Path of the TOML file the settings came from, for messages."""
