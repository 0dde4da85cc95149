"""ldap2ts setting names in messages, rewritten to what a legacy user can set.

The engine's messages name ldap2ts configuration keys ("set
sync.managed_scope to choose it"), but a ``syncUsersAndGroups.py`` user has
no configuration file. A key with a legacy flag is set with that flag, or
in interactive mode with the answer to a question. Any other key is set
with its ``LDAP2TS_<SECTION>_<KEY>`` environment variable, which the legacy
front end reads too. ``LegacyWording`` rewrites the messages of the
ldap2ts core where the legacy front end prints them: log records, ``Error:``
lines, the connection checks and the engine's output. The legacy front
end's own messages and its ``--print-config`` output name ldap2ts keys on
purpose, so they are left as written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO, cast

from ldap2ts.config.keys import KEYS
from ldap2ts.legacy.environment import LEGACY_KEYS


@dataclass(frozen=True, slots=True)
class LegacySetting:
    """The legacy flag and interactive question that set one ldap2ts key."""

    flag: str
    question: str | None = None
    """The interactive question that sets the key; None when interactive mode has none."""
    switch: bool = False
    """True for a flag without a value, which sets a boolean key."""
    inverted: bool = False
    """True when giving the flag sets the key to false (``--disable_ssl``)."""


_PURGE_QUESTION = "Purge: delete LDAP users and groups that are no longer in the synced tree?"

LEGACY_SETTINGS: dict[str, LegacySetting] = {
    "ldap.url": LegacySetting("--ldap_hostport", "LDAP URL"),
    "ldap.bind_dn": LegacySetting("--ldap_uname", "LDAP bind DN (or AD user principal name)"),
    "ldap.password": LegacySetting("--ldap_pass", "LDAP password"),
    "ldap.ca_file": LegacySetting("--ldap_ca_file"),
    "directory.flavour": LegacySetting("--ldap_type", "LDAP type, AD or OpenLdap"),
    "directory.base_dn": LegacySetting("--basedn", "Base DN where the search starts"),
    "directory.scope": LegacySetting("--scope", "Scope"),
    "directory.filter": LegacySetting(
        "--filter_str", "LDAP filter that entries must match (blank for the default)"
    ),
    "directory.member_attribute": LegacySetting(
        "--member_str", "Membership attribute (member, uniqueMember or memberUid)"
    ),
    "directory.include_nontree_members": LegacySetting(
        "--include_nontree_members",
        "Also sync group members outside the base DN or the filter?",
        switch=True,
    ),
    "naming.user_identifier": LegacySetting(
        "--user_identifier", "Attribute that becomes the ThoughtSpot user name"
    ),
    "naming.authdomain": LegacySetting(
        "--authdomain_identifier", "Domain appended to user names as @DOMAIN (blank for none)"
    ),
    "naming.email_attribute": LegacySetting(
        "--email_identifier", "Attribute that becomes the email"
    ),
    "naming.user_display_name_attribute": LegacySetting(
        "--user_display_name_identifier", "Attribute that becomes the user display name"
    ),
    "naming.group_display_name_attribute": LegacySetting(
        "--group_display_name_identifier", "Attribute that becomes the group display name"
    ),
    "thoughtspot.url": LegacySetting("--ts_hostport", "ThoughtSpot URL, http(s)://host:port"),
    "thoughtspot.username": LegacySetting("--ts_uname", "ThoughtSpot administrator login name"),
    "thoughtspot.password": LegacySetting("--ts_pass", "ThoughtSpot password"),
    "thoughtspot.verify_tls": LegacySetting(
        "--disable_ssl",
        "Disable verification of ThoughtSpot's TLS certificate (insecure)?",
        switch=True,
        inverted=True,
    ),
    "thoughtspot.ca_file": LegacySetting("--ts_ca_file"),
    "sync.upsert_users": LegacySetting(
        "--upsert_user", "Update existing users too (upsert users)?", switch=True
    ),
    "sync.upsert_groups": LegacySetting(
        "--upsert_group", "Update existing groups too (upsert groups)?", switch=True
    ),
    "sync.keep_local_membership": LegacySetting(
        "--keep_local_membership",
        "Keep users and groups added by hand to a synced group?",
        switch=True,
    ),
    "sync.purge_users": LegacySetting("--purge_users", "Purge users only?", switch=True),
    "sync.purge_groups": LegacySetting("--purge_groups", "Purge groups only?", switch=True),
    "sync.purge_action": LegacySetting("--purge", _PURGE_QUESTION, switch=True),
    "sync.force": LegacySetting("--force", switch=True),
}
"""The ldap2ts keys that a legacy flag sets, with the flag and the interactive question."""

# Key names that engine messages write without their section. Only the LDAP certificate
# message writes a bare "ca_file"; ThoughtSpot's writes thoughtspot.ca_file.
_BARE_KEYS = {
    "include_nontree_members": "directory.include_nontree_members",
    "ca_file": "ldap.ca_file",
}

# Phrases rewritten before the key names, because the legacy front end has no
# equivalent of their words: it has no trusted authentication (secret key), its
# purge is a yes/no flag, and it is run again as syncUsersAndGroups.py.
_SCRIPT_PHRASES = (
    (re.compile(r", the password or (?:thoughtspot\.)?secret_key\b"), " and the password"),
    (re.compile(r"\bsync\.purge_action is none\b"), "neither --purge nor --purge_users "
                                                    "nor --purge_groups is given"),
    (re.compile(r"\brun ldap2ts again\b"), "run syncUsersAndGroups.py again"),
)  # fmt: skip
_INTERACTIVE_PHRASES = (
    _SCRIPT_PHRASES[0],
    (re.compile(r"\bsync\.purge_action is none\b"), "the purge answers are no"),
    _SCRIPT_PHRASES[2],
)

_LEGACY_LOGGER = "ldap2ts.legacy"

_SECTIONS = "ldap|directory|naming|thoughtspot|sync"
# A key name starts a word: after a space, an opening bracket or quote, or a comma,
# so that paths (/etc/ldap2ts/ldap.password) and principal names keep their text.
_KEY_NAME = re.compile(
    r"(?P<set>\bset )?"
    rf"(?<![^\s(\'\"`,])(?P<name>(?:{_SECTIONS})\.[a-z_]+|{'|'.join(_BARE_KEYS)})(?![\w@]|\.\w)"
    r"(?P<to> to(?P<value> true| false)?\b)?"
)


class LegacyWording:
    """Rewrites the ldap2ts key names in a message to legacy flags, questions or variables."""

    def __init__(self, *, interactive: bool) -> None:
        self.interactive = interactive
        self._phrases = _INTERACTIVE_PHRASES if interactive else _SCRIPT_PHRASES

    def __call__(self, text: str) -> str:
        for pattern, replacement in self._phrases:
            text = pattern.sub(replacement, text)
        return _KEY_NAME.sub(self._rewrite, text)

    def name(self, dotted: str) -> str:
        """Return what a legacy user sets for the key: a flag, a question or a variable."""
        setting = self._legacy_setting(dotted)
        if setting is None:
            return KEYS[dotted].env_var
        if self.interactive and setting.question is not None:
            return f'the answer to "{setting.question}"'
        return setting.flag

    def _legacy_setting(self, dotted: str) -> LegacySetting | None:
        setting = LEGACY_SETTINGS.get(dotted)
        # Interactive mode has no question for the CA files, but reads their variables.
        # It has none for --force either, and ignores its variable, so the flag stays.
        if setting is not None and self.interactive and setting.question is None:
            return setting if dotted in LEGACY_KEYS else None
        return setting

    def _rewrite(self, match: re.Match[str]) -> str:
        name = match["name"]
        dotted = _BARE_KEYS.get(name, name)
        if dotted not in KEYS:
            return match[0]
        setting = self._legacy_setting(dotted)
        if setting is None:
            return match[0].replace(name, KEYS[dotted].env_var)
        if not match["set"]:
            return self.name(dotted) + (match["to"] or "")
        if setting.switch:
            return self._set_switch(setting, match)
        return self._give(setting) + (match["value"] or "")

    def _give(self, setting: LegacySetting) -> str:
        if self.interactive and setting.question is not None:
            return f'answer "{setting.question}" with'
        return f"give {setting.flag}"

    def _set_switch(self, setting: LegacySetting, match: re.Match[str]) -> str:
        turned_on = match["value"] != " false"
        given = turned_on != setting.inverted
        # Without " true" or " false", " to" starts a purpose clause ("to read them").
        rest = match["to"] if match["to"] and not match["value"] else ""
        if self.interactive and setting.question is not None:
            return f'answer {"yes" if given else "no"} to "{setting.question}"{rest}'
        return f"{'give' if given else 'leave out'} {setting.flag}{rest}"

    def log_filter(self) -> logging.Filter:
        """Return a filter that rewrites the records of the ldap2ts core (not ldap2ts.legacy)."""
        return _RewritingFilter(self)

    def stream(self, stream: TextIO) -> TextIO:
        """Return ``stream`` with every written text rewritten."""
        return cast(TextIO, _RewritingStream(stream, self))


class _RewritingFilter(logging.Filter):
    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__()
        self.rewrite = rewrite

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == _LEGACY_LOGGER or record.name.startswith(_LEGACY_LOGGER + "."):
            return True
        message = record.getMessage()
        rewritten = self.rewrite(message)
        if rewritten != message:
            record.msg = rewritten
            record.args = None
        return True


class _RewritingStream:
    """A text stream that rewrites what is written and passes the rest to ``stream``.

    Each ``write`` is rewritten on its own. The engine prints each line with
    ``print``, which writes the text in one call, so a key name is not split.
    """

    def __init__(self, stream: TextIO, rewrite: Callable[[str], str]) -> None:
        self._stream = stream
        self._rewrite = rewrite

    def write(self, text: str) -> int:
        self._stream.write(self._rewrite(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
