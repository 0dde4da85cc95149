"""ldap2ts: keep ThoughtSpot users and groups in step with an LDAP directory.

The names below are the public Python API; everything else may change
between releases. ``docs/api.md`` walks through them with an example.
"""

from ldap2ts.api import (
    apply_plan,
    build_desired_state,
    check_plan,
    compute_plan,
    connect,
    load_settings,
    read_directory,
    read_thoughtspot,
    sync,
)
from ldap2ts.apply import ApplyResult
from ldap2ts.engine import RunResult, version
from ldap2ts.errors import (
    ConfigError,
    DirectoryError,
    ExitCode,
    Ldap2tsError,
    LockedError,
    RefusedError,
    ThoughtSpotError,
    UsageError,
)
from ldap2ts.hooks import Entry, HookError, HookFailed, Hooks, entry_hook, name_hook
from ldap2ts.model import (
    Action,
    Change,
    DesiredGroup,
    DesiredState,
    DesiredUser,
    DirectorySnapshot,
    Plan,
    ThoughtSpotSnapshot,
    TSGroup,
    TSUser,
)
from ldap2ts.settings import Secret, Settings
from ldap2ts.thoughtspot import GroupSpec, ThoughtSpotClient, UserSpec

__version__ = version()

__all__ = [
    "Action",
    "ApplyResult",
    "Change",
    "ConfigError",
    "DesiredGroup",
    "DesiredState",
    "DesiredUser",
    "DirectoryError",
    "DirectorySnapshot",
    "Entry",
    "ExitCode",
    "GroupSpec",
    "HookError",
    "HookFailed",
    "Hooks",
    "Ldap2tsError",
    "LockedError",
    "Plan",
    "RefusedError",
    "RunResult",
    "Secret",
    "Settings",
    "TSGroup",
    "TSUser",
    "ThoughtSpotClient",
    "ThoughtSpotError",
    "ThoughtSpotSnapshot",
    "UsageError",
    "UserSpec",
    "__version__",
    "apply_plan",
    "build_desired_state",
    "check_plan",
    "compute_plan",
    "connect",
    "entry_hook",
    "load_settings",
    "name_hook",
    "read_directory",
    "read_thoughtspot",
    "sync",
]
