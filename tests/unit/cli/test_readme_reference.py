"""The README's configuration reference lists every key, flag and exit code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ldap2ts.config.keys import FLAGS, KEYS, SECTIONS
from ldap2ts.errors import ExitCode

README = Path(__file__).resolve().parents[3] / "README.md"


def section_text(section: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^### `\[{section}\]`\n(.*?)(?=^##)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README has no [{section}] reference"
    return match.group(1)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_key_documented(section: str) -> None:
    text = section_text(section)
    missing = [
        key.name for key in KEYS.values() if key.section == section and f"`{key.name}`" not in text
    ]
    assert missing == []


def test_every_flag_documented() -> None:
    text = README.read_text(encoding="utf-8")
    assert [flag for flag in FLAGS.values() if f"`{flag}`" not in text] == []


def test_every_exit_code_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {int(code)} | {code.name} |" in text


def test_readme_flags_exist() -> None:
    """Every flag the README names belongs to ldap2ts, the legacy script or the benchmark."""
    from ldap2ts.cli.parser import build_parser

    known = {option for action in build_parser()._actions for option in action.option_strings}
    legacy_table = (README.parent / "docs" / "legacy.md").read_text(encoding="utf-8")
    known |= set(re.findall(r"^\| `(--[a-z_-]+)", legacy_table, re.MULTILINE))
    known.add("--size")  # python -m bench --size small|medium|full
    named = set(re.findall(r"`(--[a-z_-]+)", README.read_text(encoding="utf-8")))

    assert sorted(named - known) == []
