"""The public names of the ldap2ts package: a change here is a change of the API."""

from __future__ import annotations

import inspect

import ldap2ts

PUBLIC = [
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

FUNCTIONS = [
    "apply_plan", "build_desired_state", "check_plan", "compute_plan", "connect",
    "load_settings", "read_directory", "read_thoughtspot", "sync",
]  # fmt: skip


def test_all_is_pinned() -> None:
    assert sorted(ldap2ts.__all__) == sorted(PUBLIC)


def test_every_public_name_exists() -> None:
    missing = [name for name in ldap2ts.__all__ if not hasattr(ldap2ts, name)]
    assert missing == []


def test_version_is_the_package_version() -> None:
    assert isinstance(ldap2ts.__version__, str)
    assert ldap2ts.__version__ == ldap2ts.engine.version()


def test_functions_are_typed_and_documented() -> None:
    for name in FUNCTIONS:
        function = getattr(ldap2ts, name)
        signature = inspect.signature(function)
        assert signature.return_annotation is not inspect.Signature.empty, name
        for parameter in signature.parameters.values():
            if parameter.kind is not inspect.Parameter.VAR_KEYWORD:
                assert parameter.annotation is not inspect.Parameter.empty, (name, parameter)
        assert function.__doc__ is not None, name
        assert "raise" in function.__doc__.lower(), name


def test_client_methods_for_scripts() -> None:
    for method in ("search_users", "find_user", "create_user", "update_user", "delete_user",
                   "search_groups", "find_group", "create_group", "update_group",
                   "delete_group", "current_user"):  # fmt: skip
        assert callable(getattr(ldap2ts.ThoughtSpotClient, method)), method


def test_package_is_typed() -> None:
    from importlib import resources

    assert resources.files("ldap2ts").joinpath("py.typed").is_file()
