"""The naming scope: which ThoughtSpot names this configuration manages.

Only LDAP-typed principals whose names fall in the scope are ever updated,
deactivated, deleted or removed from a group, so that two configurations
(or an LDAP sync and a SAML setup) sharing one cluster leave each other's
principals alone.

``sync.managed_scope`` sets the scope explicitly: case-insensitive
``fnmatch`` globs, used for users and groups alike. A desired principal
outside an explicit scope is neither created nor changed.

Without it, the scope is derived from the naming rules:

- users named by a template: the template with each placeholder replaced
  by ``*`` (``"{uid}@example.com"`` gives ``*@example.com``);
- users named by the legacy rules: ``*@<domain of the base DN>``,
  ``*@<auth domain>``, and ``*@<suffix>`` for the part after the last ``@``
  of every desired user name. When the naming produces bare names (an
  identifier such as ``uid`` with no auth domain, or any desired name
  without ``@``), every name without ``@`` is in the scope too;
- groups named by a template: the template's glob, as for users. A
  template such as ``"{cn}"`` gives ``*``, so every LDAP-typed group is
  managed; set ``sync.managed_scope`` to narrow it;
- groups named by the legacy rules: the names of groups under the base DN,
  ``*.<base DN path>@<domain>`` and ``<base DN path>@<domain>`` (or
  ``*@<domain>`` when the base DN has only DC components).

Every desired name is in the scope as well, so that a group outside the
base DN that the read includes (a non-tree member) is still created and
updated. NOTE: once such a group leaves the directory, a derived scope no
longer covers it, so it is never removed. An explicit ``managed_scope``
that covers it fixes that.

NOTE: user names carry no OU, so two configurations that sync different
OUs of one domain derive the same user scope and each would remove the
other's users. Give them user names that differ by a template, or turn
``sync.purge_users`` off in all but one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ldap2ts.model import DesiredState, name_key
from ldap2ts.naming_rules import (
    SAM_ACCOUNT_NAME,
    NamingFailure,
    dn_path_and_domain,
    domain_of,
    glob_escape,
    parse_template,
)
from ldap2ts.settings import Settings

_IDENTIFIERS_WITH_AT = frozenset({"userprincipalname", "mail"})


@dataclass(frozen=True, slots=True)
class ManagedScope:
    """A set of names: case-insensitive globs, exact names, and optionally all bare names."""

    patterns: tuple[str, ...]
    names: frozenset[str] = frozenset()
    """name_key() of names in the scope even when no pattern matches them."""
    bare_names: bool = False
    """True when every name without ``@`` is in the scope."""
    explicit: bool = False
    """True when the patterns come from ``sync.managed_scope``."""

    def __contains__(self, name: str) -> bool:
        key = name_key(name)
        if key in self.names:
            return True
        if self.bare_names and "@" not in name:
            return True
        return any(fnmatchcase(key, name_key(pattern)) for pattern in self.patterns)

    def describe(self) -> str:
        parts = list(self.patterns)
        if self.bare_names:
            parts.append("names without @")
        if self.names:
            count = len(self.names)
            parts.append("1 desired name" if count == 1 else f"{count} desired names")
        return ", ".join(parts) if parts else "nothing"


def derive_scopes(desired: DesiredState, settings: Settings) -> tuple[ManagedScope, ManagedScope]:
    """Return the user scope and the group scope of this configuration."""
    configured = settings.sync.managed_scope
    if configured:
        scope = ManagedScope(patterns=tuple(configured), explicit=True)
        return scope, scope
    return _derive_user_scope(desired, settings), _derive_group_scope(desired, settings)


def _derive_user_scope(desired: DesiredState, settings: Settings) -> ManagedScope:
    naming = settings.naming
    names = frozenset(desired.users)
    if naming.user_name_template is not None:
        template = parse_template(naming.user_name_template, "naming.user_name_template")
        return ManagedScope(patterns=(template.as_glob(),), names=names)

    patterns: set[str] = set()
    base_domain = _base_domain(settings.directory.base_dn)
    if base_domain:
        patterns.add(f"*@{glob_escape(base_domain)}")
    authdomain = (naming.authdomain or "").strip()
    if authdomain:
        patterns.add(f"*@{glob_escape(authdomain)}")
    patterns.update(_suffix_patterns(user.name for user in desired.users.values()))

    identifier = naming.user_identifier.lower()
    bare = not authdomain and identifier not in _IDENTIFIERS_WITH_AT
    bare = bare and identifier != SAM_ACCOUNT_NAME.lower()
    bare = bare or any("@" not in user.name for user in desired.users.values())
    return ManagedScope(patterns=tuple(sorted(patterns)), names=names, bare_names=bare)


def _derive_group_scope(desired: DesiredState, settings: Settings) -> ManagedScope:
    names = frozenset(desired.groups)
    template_text = settings.naming.group_name_template
    if template_text is not None:
        template = parse_template(template_text, "naming.group_name_template")
        return ManagedScope(patterns=(template.as_glob(),), names=names)

    base_dn = settings.directory.base_dn
    if not base_dn.strip():
        return ManagedScope(patterns=(), names=names)
    try:
        path, domain = dn_path_and_domain(base_dn)
    except NamingFailure:
        return ManagedScope(patterns=(), names=names)
    suffix = f"@{glob_escape(domain)}"
    if not path:
        return ManagedScope(patterns=(f"*{suffix}",), names=names)
    path_glob = glob_escape(path)
    return ManagedScope(patterns=(f"*.{path_glob}{suffix}", f"{path_glob}{suffix}"), names=names)


def _base_domain(base_dn: str) -> str:
    try:
        return domain_of(base_dn)
    except NamingFailure:
        return ""


def _suffix_patterns(names: Iterable[str]) -> set[str]:
    return {f"*@{glob_escape(name.rpartition('@')[2])}" for name in names if "@" in name}
