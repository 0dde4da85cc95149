"""``python -m ldap2ts.legacy`` runs the legacy command line."""

import sys

from ldap2ts.legacy.cli import main

sys.exit(main())
