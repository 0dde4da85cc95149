"""Hooks: custom code that filters and rewrites directory entries, and decides names.

Two kinds of hook run between the directory read and the naming stage:

- an **entry hook** receives each user and group as an ``Entry`` and returns
  it (changed or not), or None to leave it out of the sync. It may add
  attribute values and extra ThoughtSpot groups (``Entry.with_groups``);
  extra groups that the directory does not hold are created.
- a **name hook** receives an entry and the name the naming rules propose
  (None when they give none) and returns the ThoughtSpot name, or None to
  leave the entry out.

Mark a function with ``@entry_hook`` or ``@name_hook`` so that
``--hook module:function`` and the ``naming.hooks`` key know its kind, or
pass it in a ``Hooks`` object through the Python API. Errors while loading
a hook are ``HookError`` (exit 2); an exception inside a hook becomes
``HookFailed`` (exit 5) naming the hook and the entry's DN. Both happen
before anything is written to ThoughtSpot.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ldap2ts.errors import ExitCode, Ldap2tsError, UsageError
from ldap2ts.model import (
    DesiredGroup,
    DesiredState,
    DirectoryEntry,
    DirectoryGroup,
    DirectorySnapshot,
    DirectoryUser,
    name_key,
)
from ldap2ts.naming import Namer, SkipReport, build_desired_state
from ldap2ts.naming_rules import NamingFailure
from ldap2ts.nesting import break_cycles
from ldap2ts.settings import NamingSettings, Settings

__all__ = [
    "Entry",
    "EntryHook",
    "HookError",
    "HookFailed",
    "Hooks",
    "NameHook",
    "desired_state",
    "entry_hook",
    "load_hooks",
    "name_hook",
    "resolve_hooks",
]

logger = logging.getLogger(__name__)

Kind = Literal["user", "group"]

_MARK = "__ldap2ts_hook__"
_SPEC = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@dataclass(frozen=True, slots=True)
class Entry:
    """A directory user or group as hooks see it.

    ``attributes`` has lower-cased names (as read, plus any a hook added).
    ``extra_groups`` are ThoughtSpot group names the entry joins on top of
    its directory groups. ``disabled`` is True for disabled AD accounts.
    """

    kind: Kind
    dn: str
    attributes: Mapping[str, tuple[str, ...]]
    anchor: str | None = None
    disabled: bool = False
    extra_groups: tuple[str, ...] = ()

    def first(self, attribute: str) -> str | None:
        """Return the first value of an attribute, or None when it is absent or empty."""
        values = self.attributes.get(attribute.lower())
        return values[0] if values else None

    def values(self, attribute: str) -> tuple[str, ...]:
        """Return every value of an attribute (an empty tuple when it is absent)."""
        return tuple(self.attributes.get(attribute.lower(), ()))

    def with_attribute(self, attribute: str, *values: str) -> Entry:
        """Return a copy in which the attribute has ``values`` (no values removes it)."""
        attributes = dict(self.attributes)
        if values:
            attributes[attribute.lower()] = tuple(values)
        else:
            attributes.pop(attribute.lower(), None)
        return dataclasses.replace(self, attributes=attributes)

    def with_groups(self, *names: str) -> Entry:
        """Return a copy that also joins the ThoughtSpot groups ``names``."""
        added = tuple(name for name in names if name not in self.extra_groups)
        return dataclasses.replace(self, extra_groups=self.extra_groups + added)


EntryHook = Callable[[Entry], Entry | None]
"""Return the entry (changed or not), or None to leave it out of the sync."""
NameHook = Callable[[Entry, str | None], str | None]
"""Return the ThoughtSpot name of an entry, or None to leave it out of the sync."""

HookFunction = TypeVar("HookFunction", bound=Callable[..., Any])


def entry_hook(function: HookFunction) -> HookFunction:
    """Mark ``function`` as an entry hook, for ``--hook`` and the ``naming.hooks`` key."""
    setattr(function, _MARK, "entry")
    return function


def name_hook(function: HookFunction) -> HookFunction:
    """Mark ``function`` as a name hook, for ``--hook`` and the ``naming.hooks`` key."""
    setattr(function, _MARK, "name")
    return function


class HookError(UsageError):
    """A hook could not be loaded or is of no known kind (exit 2; nothing was read)."""


class HookFailed(Ldap2tsError):
    """A hook raised an exception or returned a wrong type; nothing was changed."""

    exit_code = ExitCode.FAILED


@dataclass(slots=True)
class Hooks:
    """The hooks of one run: entry hooks in order, and at most one name hook."""

    entries: list[EntryHook] = field(default_factory=list)
    name: NameHook | None = None
    labels: dict[int, str] = field(default_factory=dict)
    """Label of each hook by id(), such as "mymodule:skip_contractors", for messages."""

    def __bool__(self) -> bool:
        return bool(self.entries) or self.name is not None

    def label(self, hook: object) -> str:
        """Return the "module:function" label of a hook, for messages."""
        known = self.labels.get(id(hook))
        if known:
            return known
        module = getattr(hook, "__module__", "?")
        qualified = getattr(hook, "__qualname__", type(hook).__name__)
        return f"{module}:{qualified}"

    def add(self, hook: Callable[..., Any], kind: str, label: str | None = None) -> None:
        """Add a hook of kind "entry" or "name"; raise HookError for a second name hook."""
        if label:
            self.labels[id(hook)] = label
        if kind == "entry":
            self.entries.append(hook)
            return
        if self.name is not None and self.name is not hook:
            raise HookError(
                f"two name hooks given ({self.label(self.name)} and {self.label(hook)}); "
                "a name has one source, so keep one of them"
            )
        self.name = hook

    def extend(self, other: Hooks | None) -> Hooks:
        """Return a new Hooks with this one's hooks, then ``other``'s."""
        merged = Hooks(list(self.entries), self.name, dict(self.labels))
        if other is not None:
            merged.labels.update(other.labels)
            for hook in other.entries:
                merged.add(hook, "entry")
            if other.name is not None:
                merged.add(other.name, "name")
        return merged


# --- loading -------------------------------------------------------------------


def load_hook(spec: str) -> Hooks:
    """Import a hook named "module:function" (or "module:object.attribute").

    The object must be a function marked with ``@entry_hook`` or
    ``@name_hook``, or a ``Hooks`` object. Raises HookError, naming the
    hook and the fix, when it cannot be imported or has no known kind.
    """
    text = spec.strip()
    if not _SPEC.match(text):
        raise HookError(
            f"hook {spec!r}: expected module:function, such as "
            "mycompany.ldap_hooks:skip_contractors"
        )
    module_name, _, attribute_path = text.partition(":")
    module = _import(text, module_name)
    target: object = module
    for part in attribute_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise HookError(
                f"hook {text!r}: module {module_name} has no attribute {attribute_path!r}; "
                "check the spelling after the colon"
            ) from None
    return _as_hooks(text, target)


def _import(spec: str, module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise HookError(
                f"hook {spec!r}: module {module_name} not found; put the folder that holds "
                "it on PYTHONPATH, or install it in the environment that runs ldap2ts"
            ) from None
        raise HookError(
            f"hook {spec!r}: importing {module_name} failed: {error}; install the missing module"
        ) from None
    except Exception as error:
        raise HookError(
            f"hook {spec!r}: importing {module_name} raised {type(error).__name__}: {error}; "
            "fix the module so that it imports"
        ) from None


def _as_hooks(spec: str, target: object) -> Hooks:
    if isinstance(target, Hooks):
        return Hooks().extend(target)
    kind = getattr(target, _MARK, None)
    if not callable(target):
        raise HookError(f"hook {spec!r} is a {type(target).__name__}, not a function")
    if kind not in ("entry", "name"):
        raise HookError(
            f"hook {spec!r} is not marked as an entry hook or a name hook; decorate it with "
            "@ldap2ts.entry_hook or @ldap2ts.name_hook"
        )
    hooks = Hooks()
    hooks.add(target, kind, label=spec)
    return hooks


def load_hooks(specs: Iterable[str]) -> Hooks:
    """Load every "module:function" of ``specs`` in order; raise HookError on the first fault."""
    hooks = Hooks()
    for spec in specs:
        hooks = hooks.extend(load_hook(spec))
    for hook in hooks.entries:
        logger.debug("entry hook %s", hooks.label(hook))
    if hooks.name is not None:
        logger.debug("name hook %s", hooks.label(hooks.name))
    return hooks


def resolve_hooks(settings: Settings, extra: Hooks | None = None) -> Hooks:
    """Load the hooks of ``naming.hooks``, then add ``extra`` (hooks passed in Python)."""
    return load_hooks(settings.naming.hooks).extend(extra)


# --- running -------------------------------------------------------------------


def _call(hooks: Hooks, hook: Callable[..., Any], entry: Entry, *arguments: Any) -> Any:
    try:
        return hook(entry, *arguments)
    except Exception as error:
        raise HookFailed(
            f"hook {hooks.label(hook)} raised {type(error).__name__}: {error}, on {entry.kind} "
            f"{entry.dn!r}; fix the hook, or the entry in the directory"
        ) from error


def _view(kind: Kind, entry: DirectoryEntry, disabled: bool) -> Entry:
    return Entry(kind, entry.dn, dict(entry.attributes), entry.anchor, disabled)


def _run_entry_hooks(hooks: Hooks, entry: Entry) -> tuple[Entry | None, str | None]:
    """Run the entry hooks; return the final entry, or None and the hook that left it out."""
    current = entry
    for hook in hooks.entries:
        result = _call(hooks, hook, current)
        if result is None:
            return None, hooks.label(hook)
        if not isinstance(result, Entry):
            raise HookFailed(
                f"hook {hooks.label(hook)} returned {type(result).__name__} for {entry.kind} "
                f"{entry.dn!r}; an entry hook returns the Entry (changed or not) or None"
            )
        if (result.dn, result.kind) != (entry.dn, entry.kind):
            raise HookFailed(
                f"hook {hooks.label(hook)} changed the DN or kind of {entry.dn!r}; "
                "hooks may change attributes, disabled and extra_groups only"
            )
        current = result
    return current, None


@dataclass(slots=True)
class HookedSnapshot:
    """The snapshot after the entry hooks, with the entries as the hooks returned them."""

    snapshot: DirectorySnapshot
    entries: dict[str, Entry]
    """By DN key, every entry kept."""
    dropped: dict[str, str]
    """By DN key, the label of the hook that left the entry out."""


def apply_entry_hooks(snapshot: DirectorySnapshot, hooks: Hooks) -> HookedSnapshot:
    """Run the entry hooks on every user and group; return the snapshot they leave.

    Reads and changes nothing outside the returned objects. Raises
    HookFailed when a hook raises or returns something other than an
    Entry or None.
    """
    result = DirectorySnapshot(
        complete=snapshot.complete,
        incomplete_reasons=list(snapshot.incomplete_reasons),
        warnings=list(snapshot.warnings),
        searches=snapshot.searches,
    )
    hooked = HookedSnapshot(result, {}, {})
    # Sorted by DN key, as the naming stage does, so hooks see entries in a stable order.
    for key, user in sorted(snapshot.users.items()):
        entry, dropped_by = _run_entry_hooks(hooks, _view("user", user.entry, user.disabled))
        if entry is None:
            hooked.dropped[key] = dropped_by or ""
            continue
        hooked.entries[key] = entry
        result.users[key] = DirectoryUser(_rebuilt(user.entry, entry), entry.disabled)
    for key, group in sorted(snapshot.groups.items()):
        entry, dropped_by = _run_entry_hooks(hooks, _view("group", group.entry, False))
        if entry is None:
            hooked.dropped[key] = dropped_by or ""
            continue
        hooked.entries.setdefault(key, entry)
        result.groups[key] = DirectoryGroup(_rebuilt(group.entry, entry), group.member_keys)
    return hooked


def _rebuilt(original: DirectoryEntry, entry: Entry) -> DirectoryEntry:
    attributes = {name.lower(): tuple(values) for name, values in entry.attributes.items()}
    return DirectoryEntry(original.dn, original.dn_key, attributes, entry.anchor)


class HookedNamer(Namer):
    """A Namer whose names come from a name hook, given the name the rules propose."""

    def __init__(self, naming: NamingSettings, hooks: Hooks, entries: Mapping[str, Entry]) -> None:
        super().__init__(naming)
        self.hooks = hooks
        self.entries = entries

    def user_name(self, entry: DirectoryEntry) -> str:
        return self._decide("user", entry, super().user_name)

    def group_name(self, entry: DirectoryEntry) -> str:
        return self._decide("group", entry, super().group_name)

    def _decide(
        self, kind: Kind, entry: DirectoryEntry, rules: Callable[[DirectoryEntry], str]
    ) -> str:
        assert self.hooks.name is not None
        try:
            proposed: str | None = rules(entry)
            failure = None
        except NamingFailure as error:
            proposed, failure = None, error.reason
        view = self.entries.get(entry.dn_key) or _view(kind, entry, False)
        if view.kind != kind:
            view = dataclasses.replace(view, kind=kind)
        name = _call(self.hooks, self.hooks.name, view, proposed)
        label = self.hooks.label(self.hooks.name)
        if name is None:
            because = f" ({failure})" if failure else ""
            raise NamingFailure(f"name hook {label} returned no name{because}")
        if not isinstance(name, str) or not name.strip():
            raise HookFailed(
                f"hook {label} returned {name!r} for {kind} {entry.dn!r}; a name hook returns "
                "a non-empty name, or None to leave the entry out"
            )
        return name.strip()


def desired_state(
    snapshot: DirectorySnapshot,
    settings: Settings,
    hooks: Hooks | None,
    *,
    report: SkipReport | None = None,
) -> DesiredState:
    """Run the entry hooks, name the entries (with the name hook) and add the extra groups.

    Without hooks this is ``ldap2ts.naming.build_desired_state``. Entries
    left out by a hook are recorded in ``report`` and in the warnings.
    Raises HookFailed for a failing hook and ConfigError for an invalid
    naming template.
    """
    if not hooks:
        return build_desired_state(snapshot, settings, report=report)
    report = report if report is not None else SkipReport()
    hooked = apply_entry_hooks(snapshot, hooks)
    for key, label in sorted(hooked.dropped.items()):
        kind = "user" if key in snapshot.users else "group"
        entry = snapshot.users[key].entry if kind == "user" else snapshot.groups[key].entry
        report.add(kind, f"left out by hook {label}", entry.dn)
    namer = None
    if hooks.name is not None:
        namer = HookedNamer(settings.naming, hooks, hooked.entries)
    desired = build_desired_state(hooked.snapshot, settings, namer=namer, report=report)
    _add_extra_groups(desired, hooked)
    return desired


def _add_extra_groups(desired: DesiredState, hooked: HookedSnapshot) -> None:
    """Add the extra groups that entry hooks asked for, creating the ones the directory lacks."""
    user_keys = {user.source_dn: key for key, user in desired.users.items()}
    group_keys = {group.source_dn: key for key, group in desired.groups.items()}
    added_users: dict[str, set[str]] = {}
    added_groups: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for entry in hooked.entries.values():
        member = user_keys.get(entry.dn) if entry.kind == "user" else group_keys.get(entry.dn)
        if member is None:
            continue
        for group_name in entry.extra_groups:
            key = name_key(group_name)
            if key in desired.colliding_groups:
                desired.warnings.append(
                    f"extra group {group_name!r} of {entry.dn!r} is skipped: several directory "
                    "groups share that name"
                )
                continue
            names.setdefault(key, group_name)
            target = added_users if entry.kind == "user" else added_groups
            target.setdefault(key, set()).add(member)
    if not names:
        return
    groups = dict(desired.groups)
    for key, group_name in names.items():
        group = groups.get(key) or DesiredGroup(
            name=group_name, display_name=group_name, source_dn="",
            users=frozenset(), sub_groups=frozenset(),
        )  # fmt: skip
        groups[key] = dataclasses.replace(
            group,
            users=group.users | added_users.get(key, set()),
            sub_groups=group.sub_groups | (added_groups.get(key, set()) - {key}),
        )
    linked, warnings = break_cycles(list(groups.values()))
    desired.groups = {name_key(group.name): group for group in linked}
    desired.warnings.extend(warnings)

