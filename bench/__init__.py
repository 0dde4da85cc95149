"""Benchmark of ldap2ts against the legacy call pattern; run it with ``python -m bench``."""
