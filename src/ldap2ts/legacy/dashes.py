"""Flags typed with a typographic dash (``–-ts_hostport``) read as the intended flag."""

from __future__ import annotations

import argparse
import re

# Hyphen look-alikes that documentation renderers put in place of "--".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASHED_FLAG = re.compile(f"^[-{_DASHES}]{{1,2}}([A-Za-z][A-Za-z0-9_-]*)(=.*)?$", re.DOTALL)


def replace_dashes(
    arguments: list[str], parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """Read ``–-flag`` (an en dash or a similar character in place of a hyphen) as ``--flag``.

    ThoughtSpot's documentation prints ``–-ts_hostport`` with an en dash, and
    people paste it. Only words that become a known flag are rewritten, and
    never the value of a flag, so a password that starts with a dash is
    left alone. Return the arguments and one warning per rewritten flag.
    """
    takes_value = _flags_taking_values(parser)
    warnings: list[str] = []
    result: list[str] = []
    previous = ""
    for argument in arguments:
        match = _DASHED_FLAG.match(argument)
        typographic = [character for character in argument[:2] if character in _DASHES]
        flag = f"--{match.group(1)}" if match else ""
        is_value = previous in takes_value
        if (
            match
            and typographic
            and flag in takes_value.keys() | _switches(parser)
            and not is_value
        ):
            warnings.append(
                f"read {argument.split('=')[0]!r} as {flag}: the command line has a "
                f"typographic dash (U+{ord(typographic[0]):04X}) in place of '-'; "
                f"type {flag} to silence this warning"
            )
            argument = flag + (match.group(2) or "")
        result.append(argument)
        previous = "" if is_value or "=" in argument else argument
    return result, warnings


def _all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    actions: list[argparse.Action] = []
    for action in parser._actions:
        actions.append(action)
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                actions.extend(_all_actions(subparser))
    return actions


def _flags_taking_values(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        option: action
        for action in _all_actions(parser)
        if action.option_strings and action.nargs is None
        for option in action.option_strings
    }


def _switches(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in _all_actions(parser)
        if action.nargs is not None
        for option in action.option_strings
        if option.startswith("--")
    }
