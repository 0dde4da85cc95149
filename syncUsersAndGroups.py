#!/usr/bin/env python3
"""Drop-in replacement for ThoughtSpot's syncUsersAndGroups.py, run by ldap2ts.

Usage is that of the legacy script:

    python3 syncUsersAndGroups.py interactive
    python3 syncUsersAndGroups.py script --ts_hostport URL ... --sync ...

This file only starts ``ldap2ts.legacy``. When the interpreter running it
lacks ldap2ts or its dependencies (a system ``python3`` in a checkout set up
with scripts/setup.sh), it runs itself again with the checkout's
``.venv/bin/python``.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

_CHECKOUT = Path(__file__).resolve().parent
_VENV_PYTHON = _CHECKOUT / ".venv" / "bin" / "python"
_REEXEC_MARK = "SYNCUSERSANDGROUPS_REEXEC"


def _load_main() -> Callable[[], NoReturn]:
    try:
        from ldap2ts.legacy import console_main
    except ImportError:
        sys.path.insert(0, str(_CHECKOUT / "src"))
        try:
            from ldap2ts.legacy import console_main
        except ImportError as error:
            if _VENV_PYTHON.exists() and not os.environ.get(_REEXEC_MARK):
                os.environ[_REEXEC_MARK] = "1"
                os.execv(_VENV_PYTHON, [str(_VENV_PYTHON), __file__, *sys.argv[1:]])
            print(
                f"Error: cannot start ldap2ts ({error}); run scripts/setup.sh in {_CHECKOUT} "
                "(it creates .venv), or install ldap2ts with pip",
                file=sys.stderr,
            )
            sys.exit(5)
    return console_main


if __name__ == "__main__":
    # console_main exits with the exit code; once it is known, signals are ignored.
    _load_main()()
