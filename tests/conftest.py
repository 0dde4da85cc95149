"""Fixtures shared by every test tier.

Each server's fixtures live in their own module under tests/fixtures/; every
module there is loaded as a pytest plugin, so adding a server needs no edit
here.
"""

from pathlib import Path

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)
