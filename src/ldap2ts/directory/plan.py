"""Everything a directory read needs, checked before the first packet is sent."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ldap2ts import dn as dn_module
from ldap2ts.directory import entries
from ldap2ts.directory.connection import check_settings
from ldap2ts.directory.filters import Filters, build_filters
from ldap2ts.errors import UsageError
from ldap2ts.settings import Flavour, NestedGroups, Scope, Settings

_ATTRIBUTE_NAME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$")

MEMBER_ATTRIBUTES = ("member", "uniqueMember", "memberUid")
"""Group attributes the reader can resolve to members: DNs for the first two, uids for
memberUid. Any other name (a typo, or ``memberOf``, which sits on users) would read
every group as empty, and the plan would remove every membership."""


def canonical_member_attribute(name: str) -> str | None:
    """Return the supported spelling of a member attribute (case-insensitive), or None."""
    folded = name.strip().casefold()
    for supported in MEMBER_ATTRIBUTES:
        if supported.casefold() == folded:
            return supported
    return None


def check_member_attribute(name: str) -> str:
    """Return the member attribute in its supported spelling, or raise UsageError."""
    canonical = canonical_member_attribute(name)
    if canonical is None:
        raise UsageError(
            f"invalid member attribute {name!r} (directory.member_attribute): expected "
            + ", ".join(MEMBER_ATTRIBUTES[:-1])
            + f" or {MEMBER_ATTRIBUTES[-1]}"
        )
    return canonical


@dataclass(frozen=True, slots=True)
class ReadPlan:
    base: str
    base_key: str
    scope: Scope
    filters: Filters
    user_attributes: list[str]
    group_attributes: list[str]
    member_attribute: str
    flavour: Flavour
    include_nontree_members: bool
    exclude_system_groups: bool
    primary_groups: bool
    nested_groups: NestedGroups
    page_size: int
    timeout: float
    range_step: int | None
    member_filters: Filters | None = None
    """The flavour's filters without ``filter``, for members read with
    ``include_nontree_members``; None when no ``filter`` is set."""

    @property
    def members_are_uids(self) -> bool:
        """True for ``memberUid``, whose values are user ids rather than DNs."""
        return self.member_attribute.lower() == "memberuid"

    def in_region(self, dn_key: str) -> bool:
        """Tell whether an entry lies where the searches look (base DN and scope)."""
        if self.scope is Scope.BASE:
            return dn_key == self.base_key
        if self.scope is Scope.ONE:
            return dn_module.parent_key(dn_key) == self.base_key
        return dn_module.is_under(dn_key, self.base_key)


def check_attribute_name(name: str, *, label: str) -> str:
    """Return an attribute name unchanged, or raise UsageError naming the setting."""
    if not _ATTRIBUTE_NAME.match(name):
        raise UsageError(
            f"invalid {label} {name!r}: expected an LDAP attribute name such as 'member' "
            "(letters, digits and '-', starting with a letter) or an OID"
        )
    return name


def _check_attribute_settings(settings: Settings) -> None:
    """Check every attribute name the settings add to the searches, naming its setting."""
    naming = settings.naming
    for name in settings.directory.extra_attributes:
        check_attribute_name(name, label="extra attribute")
    check_attribute_name(naming.user_identifier, label="user identifier attribute")
    check_attribute_name(naming.email_attribute, label="email attribute")
    check_attribute_name(naming.user_display_name_attribute, label="user display name attribute")
    check_attribute_name(naming.group_display_name_attribute, label="group display name attribute")
    for template, label in (
        (naming.user_name_template, "user name template"),
        (naming.group_name_template, "group name template"),
    ):
        for name in entries.template_fields(template):
            check_attribute_name(name, label=f"attribute in the {label}")


def plan_read(settings: Settings) -> ReadPlan:
    """Check the settings of a directory read and return its plan.

    Raises UsageError naming the first invalid setting.
    """
    check_settings(settings.ldap)
    directory = settings.directory
    if not isinstance(directory.scope, Scope):
        raise UsageError(
            f"unknown scope {directory.scope!r}: expected base, one or sub (0, 1 or 2)"
        )
    if not isinstance(directory.flavour, Flavour):
        raise UsageError(
            f"unknown directory flavour {directory.flavour!r}: expected AD or OpenLDAP"
        )
    if directory.nested_groups is NestedGroups.IN_CHAIN and directory.flavour is not Flavour.AD:
        raise UsageError(
            "nested_groups = in-chain needs flavour AD: the in-chain matching rule "
            "1.2.840.113556.1.4.1941 is an Active Directory extension; use nested_groups = walk"
        )
    base = dn_module.validate(directory.base_dn, label="base DN")
    member_attribute = check_member_attribute(directory.member_attribute)
    _check_attribute_settings(settings)
    user_attributes = entries.user_attributes(settings)
    group_attributes = entries.group_attributes(settings)
    if member_attribute == "memberUid" and "uid" not in map(str.lower, user_attributes):
        user_attributes.append("uid")
    return ReadPlan(
        base=base,
        base_key=dn_module.normalize(base),
        scope=directory.scope,
        filters=build_filters(directory),
        user_attributes=user_attributes,
        group_attributes=group_attributes,
        member_attribute=member_attribute,
        flavour=directory.flavour,
        include_nontree_members=directory.include_nontree_members,
        exclude_system_groups=directory.exclude_system_groups,
        primary_groups=directory.primary_groups and directory.flavour is Flavour.AD,
        nested_groups=directory.nested_groups,
        page_size=settings.ldap.page_size,
        timeout=settings.ldap.timeout,
        range_step=settings.ldap.range_step,
        member_filters=build_filters(replace(directory, filter=None)) if directory.filter else None,
    )
