"""Helpers shared by the user and group endpoints: paged search, lookup, reconcile checks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.model import name_key
from ldap2ts.settings import ThoughtSpotSettings
from ldap2ts.thoughtspot.paging import fetch_all
from ldap2ts.thoughtspot.parsing import SystemInfo
from ldap2ts.thoughtspot.transport import Applied, Reconcile, Sender

logger = logging.getLogger(__name__)

SORT_BY_NAME = {"field_name": "NAME", "order": "ASC"}
"""A fixed order keeps offset paging stable while we read."""


class EndpointBase:
    """State and helpers of a logged-in client that the endpoint groups build on."""

    settings: ThoughtSpotSettings
    system_info: SystemInfo | None
    _sender: Sender

    def _search(self, path: str, filters: dict[str, Any]) -> Iterable[Any]:
        size = self.settings.page_size

        def fetch_page(offset: int, record_size: int) -> list[Any]:
            body = {
                **filters,
                "record_offset": offset,
                "record_size": record_size,
                "sort_options": SORT_BY_NAME,
            }
            reply = self._sender.call("POST", path, body=body)
            if not isinstance(reply, list):
                raise ThoughtSpotError(
                    f"ThoughtSpot {path} returned {type(reply).__name__}, expected a list",
                    endpoint=path,
                )
            return reply

        ignored = 0
        for record in fetch_all(fetch_page, size, endpoint=path):
            if isinstance(record, dict) and record.get("id") and record.get("name"):
                yield record
            else:
                ignored += 1
        if ignored:
            logger.warning(
                "Ignored %d records without id or name from ThoughtSpot %s", ignored, path
            )

    def _find(self, path: str, filters: dict[str, Any], identifier: str) -> Any:
        """Return the one record whose id or name is ``identifier``, or None.

        The spec documents no 404, so a search for an identifier that does not
        exist may be rejected with 400; that and an empty list both mean "none".
        """
        try:
            reply = self._sender.call("POST", path, body={**filters, "record_size": 10})
        except ThoughtSpotError as exc:
            if exc.status == 400:
                return None
            raise
        expected_key = name_key(identifier)
        for record in reply if isinstance(reply, list) else []:
            if not isinstance(record, dict):
                continue
            if (
                record.get("id") == identifier
                or name_key(str(record.get("name", ""))) == expected_key
            ):
                return record
        return None

    @staticmethod
    def _exists(find: Callable[[], object | None]) -> Reconcile:
        def reconcile() -> Applied | None:
            found = find()
            return Applied(found) if found is not None else None

        return reconcile

    @staticmethod
    def _gone(find: Callable[[], object | None]) -> Reconcile:
        def reconcile() -> Applied | None:
            return Applied(None) if find() is None else None

        return reconcile
