"""Paged searches (RFC 2696) and single-entry lookups, with their failures sorted out.

A search either yields every page and returns, or raises. Problems with
the request itself (invalid filter, base DN missing) raise UsageError or
DirectoryError. A search that stopped early (size or time limit, referral,
dropped connection) raises ``SearchIncomplete``, which makes the read
incomplete. Pages are yielded as they arrive so a large read never holds
more than one page of raw results.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import ldap
from ldap.controls import LDAPControl, SimplePagedResultsControl
from ldap.ldapobject import LDAPObject

from ldap2ts.directory.failures import CONNECTION_LOST, LIMIT_REACHED, describe, matched_dn
from ldap2ts.errors import DirectoryError, UsageError
from ldap2ts.settings import LdapSettings

logger = logging.getLogger(__name__)

RawAttributes = dict[str, list[bytes]]
RawEntry = tuple[str, RawAttributes]

SCOPE_NAMES = {ldap.SCOPE_BASE: "base", ldap.SCOPE_ONELEVEL: "one", ldap.SCOPE_SUBTREE: "sub"}


class SearchIncomplete(Exception):
    """A search ended before it returned every entry.

    ``connection_lost`` is True when the connection cannot serve more searches.
    """

    def __init__(self, reason: str, *, connection_lost: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.connection_lost = connection_lost


class PageSizeRejected(SearchIncomplete):
    """The server refused a page, maybe because of its size (adminLimitExceeded)."""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    purpose: str
    """Name of the search in messages ("users", "groups", "memberUid jdoe")."""
    base: str
    scope: int
    filter: str
    attributes: Sequence[str]
    controls: Sequence[LDAPControl] = ()
    """Server controls sent with every page, next to the paged results control."""


def ldapsearch_command(settings: LdapSettings, request: SearchRequest, page_size: int) -> str:
    """Return an ldapsearch command line equivalent to a request, with the password hidden."""
    command = ["ldapsearch", "-H", settings.url, "-x"]
    if settings.start_tls:
        command.append("-ZZ")
    if settings.bind_dn:
        command += ["-D", settings.bind_dn, "-W"]
    command += ["-b", request.base, "-s", SCOPE_NAMES.get(request.scope, str(request.scope))]
    command += ["-E", f"pr={page_size}/noprompt", request.filter, *request.attributes]
    prefix = f"LDAPTLS_CACERT={shlex.quote(settings.ca_file)} " if settings.ca_file else ""
    return prefix + shlex.join(command)


def paged_search(
    connection: LDAPObject,
    request: SearchRequest,
    *,
    page_size: int,
    timeout: float,
    on_request: Callable[[], None] | None = None,
    ignore_reference: Callable[[str], bool] | None = None,
) -> Iterator[list[RawEntry]]:
    """Yield the entries of a search page by page, following the paged results cookie.

    ``on_request`` is called before each page is requested. A server that
    rejects the page size on the first page (OpenLDAP's adminLimitExceeded
    "illegal pagedResults page size") is asked again with half the size.
    Continuation references are never followed. Those for which
    ``ignore_reference(url)`` is True are only logged; any other raises
    SearchIncomplete once every page is read.
    """
    control = SimplePagedResultsControl(True, size=page_size, cookie="")
    pages = 0
    entries = 0
    referrals: list[str] = []
    while True:
        if on_request is not None:
            on_request()
        try:
            page, references, cookie = _read_page(connection, request, control, timeout, entries)
        except PageSizeRejected as rejected:
            if pages > 0 or control.size <= 1:
                raise SearchIncomplete(rejected.reason) from None
            control.size //= 2
            logger.warning(
                "%s; asking again with pages of %d entries (lower page_size to avoid this)",
                rejected.reason,
                control.size,
            )
            continue
        pages += 1
        entries += len(page)
        referrals += references
        if page:
            yield page
        if not cookie:
            break
        if not page and not references and cookie == control.cookie:
            # A server that repeats its cookie without sending entries would
            # keep this loop going forever.
            raise SearchIncomplete(
                f"{request.purpose} search under {request.base!r} stopped after {entries} "
                "entries: the server sent the same paged results cookie again with no entries"
            )
        control.cookie = cookie
    logger.debug("%s: %d entries in %d pages", request.purpose, entries, pages)
    if referrals and ignore_reference is not None:
        ignored = [url for url in referrals if ignore_reference(url)]
        if ignored:
            logger.debug(
                "%s: ignored %d continuation references to other naming contexts: %s",
                request.purpose, len(ignored), ", ".join(ignored),
            )  # fmt: skip
        referrals = [url for url in referrals if not ignore_reference(url)]
    # Entries behind a referral live on another server: the read goes on
    # without them and is incomplete.
    if referrals:
        raise SearchIncomplete(
            f"{request.purpose} search under {request.base!r} met referrals it cannot "
            f"follow: {', '.join(referrals[:3])}"
        )


def _read_page(
    connection: LDAPObject,
    request: SearchRequest,
    control: SimplePagedResultsControl,
    timeout: float,
    entries_so_far: int,
) -> tuple[list[RawEntry], list[str], bytes]:
    try:
        message_id = connection.search_ext(
            request.base,
            request.scope,
            request.filter,
            list(request.attributes),
            serverctrls=[control, *request.controls],
        )
        _, data, _, controls = connection.result3(message_id, all=1, timeout=timeout)
    except ldap.NO_SUCH_OBJECT as error:
        raise _missing_base(request, error) from None
    except ldap.FILTER_ERROR:
        raise UsageError(
            f"invalid filter {request.filter!r} in the {request.purpose} search: "
            "expected RFC 4515 syntax such as '(&(objectClass=person)(cn=a*))'"
        ) from None
    except ldap.INVALID_DN_SYNTAX:
        raise UsageError(
            f"invalid base DN {request.base!r}: the server rejected its syntax; "
            "expected a DN such as 'ou=People,dc=example,dc=com'"
        ) from None
    except ldap.TIMEOUT:
        raise SearchIncomplete(
            f"{request.purpose} search under {request.base!r} timed out after {timeout:g} s "
            f"({entries_so_far} entries read)",
            connection_lost=True,
        ) from None
    except CONNECTION_LOST as error:
        raise SearchIncomplete(
            f"connection lost during the {request.purpose} search under {request.base!r} "
            f"after {entries_so_far} entries: {describe(error)}",
            connection_lost=True,
        ) from None
    except ldap.ADMINLIMIT_EXCEEDED as error:
        raise PageSizeRejected(
            f"{request.purpose} search under {request.base!r} stopped after "
            f"{entries_so_far} entries: {describe(error)}"
        ) from None
    except LIMIT_REACHED as error:
        raise SearchIncomplete(
            f"{request.purpose} search under {request.base!r} stopped after "
            f"{entries_so_far} entries: {describe(error)}"
        ) from None
    except ldap.UNAVAILABLE_CRITICAL_EXTENSION:
        raise DirectoryError(
            f"{request.purpose} search under {request.base!r} failed: the server does not "
            "support paged results (RFC 2696), which ldap2ts needs to read past size limits"
        ) from None
    except ldap.REFERRAL as error:
        raise SearchIncomplete(
            f"{request.purpose} search base {request.base!r} is a referral that ldap2ts does "
            f"not follow: {describe(error)}"
        ) from None
    except ldap.LDAPError as error:
        raise DirectoryError(
            f"{request.purpose} search under {request.base!r} failed: {describe(error)}"
        ) from None

    page: list[RawEntry] = []
    references: list[str] = []
    for dn, attributes in data:
        if dn is None:
            references.extend(attributes)
        else:
            page.append((dn, attributes))
    cookie = b""
    for response_control in controls:
        if response_control.controlType == SimplePagedResultsControl.controlType:
            cookie = response_control.cookie
    return page, references, cookie


def _missing_base(request: SearchRequest, error: ldap.LDAPError) -> DirectoryError:
    matched = matched_dn(error)
    hint = f"; the deepest existing entry is {matched!r}" if matched else ""
    return DirectoryError(
        f"base DN {request.base!r} not found on the server{hint}: check the base DN"
    )


def read_entry(
    connection: LDAPObject,
    dn: str,
    attributes: Sequence[str],
    *,
    timeout: float,
    filter: str = "(objectClass=*)",
) -> RawEntry | None:
    """Read one entry by DN (base-scope search); None when it does not exist or matches no filter.

    Raises LookupFailed when the entry cannot be read for another reason, and
    SearchIncomplete when the connection is lost.
    """
    try:
        message_id = connection.search_ext(dn, ldap.SCOPE_BASE, filter, list(attributes))
        _, data, _, _ = connection.result3(message_id, all=1, timeout=timeout)
    except ldap.NO_SUCH_OBJECT:
        return None
    except ldap.TIMEOUT:
        raise SearchIncomplete(
            f"reading {dn!r} timed out after {timeout:g} s", connection_lost=True
        ) from None
    except CONNECTION_LOST as error:
        raise SearchIncomplete(
            f"connection lost while reading {dn!r}: {describe(error)}", connection_lost=True
        ) from None
    except ldap.FILTER_ERROR:
        raise UsageError(f"invalid filter {filter!r} reading {dn!r}") from None
    except ldap.LDAPError as error:
        raise LookupFailed(describe(error)) from None
    for entry_dn, entry_attributes in data:
        if entry_dn is not None:
            return entry_dn, entry_attributes
    return None


class LookupFailed(Exception):
    """One entry could not be read (no access, invalid DN, referral)."""
