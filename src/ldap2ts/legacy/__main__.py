"""``python -m ldap2ts.legacy`` runs the legacy command line."""

from ldap2ts.legacy.cli import console_main

console_main()
