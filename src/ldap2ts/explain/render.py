"""The text of ``ldap2ts explain``: one block per user or group found."""

from __future__ import annotations

from collections.abc import Iterator

from ldap2ts.explain import Explanation, Finding


def _names(names: list[str] | None, missing: str) -> str:
    if names is None:
        return missing
    return ", ".join(names) if names else "none"


def finding_lines(finding: Finding, query: str = "?") -> Iterator[str]:
    """Yield the lines of one finding: a heading, then indented facts.

    The heading names the principal, else its DN, else ``query`` (the name given).
    """
    title = finding.name or finding.dn or query
    yield f"{finding.kind} {title}: {finding.status}"
    if finding.dn:
        yield f"  directory entry: {finding.dn}"
    else:
        yield "  directory entry: none in the directory read"
    if finding.name:
        yield f"  ThoughtSpot name: {finding.name}"
    if finding.status not in ("not found", "not read from the directory"):
        yield f"  groups in the directory: {_names(finding.directory_groups, 'none')}"
        yield "  groups in ThoughtSpot: " + _names(
            finding.thoughtspot_groups, "not in ThoughtSpot"
        )
        if finding.changes:
            yield "  planned changes:"
            yield from (f"    {line}" for line in finding.changes)
        else:
            yield "  planned changes: none"
    if finding.reasons:
        yield "  because:"
        yield from (f"    {reason}" for reason in finding.reasons)


def explanation_lines(explanation: Explanation) -> Iterator[str]:
    """Yield the whole text, findings separated by a blank line."""
    for index, finding in enumerate(explanation.findings):
        if index:
            yield ""
        yield from finding_lines(finding, explanation.query)
