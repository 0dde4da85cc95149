"""The legacy command line of ThoughtSpot's ``syncUsersAndGroups.py``, run by ldap2ts.

``script`` takes the legacy flags and ``interactive`` asks the legacy
questions. Both translate the answers into ldap2ts ``Settings`` with the
legacy naming and defaults, and run them on the ldap2ts engine with its
safety guards.
"""

from ldap2ts.legacy.cli import console_main, main

__all__ = ["console_main", "main"]
