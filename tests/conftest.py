"""Fixtures shared by every test tier; each server's fixtures live in tests/fixtures/."""

pytest_plugins: list[str] = ["tests.fixtures.samba"]
