"""Questions on a terminal: defaults shown and applied, invalid answers asked again.

The legacy script accepted only an exact ``y`` or ``n``, applied no
defaults, and went on with None after a typo. Here every question loops
until the answer is valid, and the end of the input stops the session with
a usage error instead of running with missing answers.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import TextIO, TypeVar

from ldap2ts.errors import UsageError

T = TypeVar("T")

_YES = {"y", "yes"}
_NO = {"n", "no"}


class Console:
    """Reads answers and writes questions; passwords are read without echo."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def read_line(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            raise UsageError(
                "the input ended before every question was answered; "
                "run 'syncUsersAndGroups.py interactive' on a terminal, "
                "or use the 'script' sub-command with flags"
            )
        return line.rstrip("\r\n")

    def read_secret(self, prompt: str) -> str:
        if not self.stdin.isatty():
            return self.read_line(prompt)
        return getpass.getpass(prompt, stream=self.stdout)


def ask(
    console: Console,
    question: str,
    parse: Callable[[str], T],
    *,
    default: str | None = None,
    shown_default: str | None = None,
) -> T:
    """Ask until ``parse`` accepts the answer; a blank answer means ``default``.

    ``shown_default`` is the text shown in brackets when it differs from the
    default value itself (a blank default shown as "none", for example).
    """
    label = shown_default if shown_default is not None else default
    prompt = f"{question} [{label}]: " if label is not None else f"{question}: "
    while True:
        answer = console.read_line(prompt).strip()
        if not answer and default is not None:
            answer = default
        if not answer and default is None:
            console.say("  An answer is required.")
            continue
        try:
            return parse(answer)
        except ValueError as error:
            console.say(f"  Invalid answer {answer!r}: {error}. Please try again.")


def ask_yes_no(console: Console, question: str, default: bool | None) -> bool:
    """Ask a yes/no question; y, yes, n and no are accepted in any case."""
    shown = {True: "y", False: "n", None: None}[default]
    return ask(console, f"{question} (y/n)", parse_yes_no, default=shown)


def parse_yes_no(answer: str) -> bool:
    word = answer.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError("expected y, yes, n or no")


def ask_secret(
    console: Console,
    question: str,
    *,
    fallback_name: str | None = None,
    fallback: str | None = None,
) -> tuple[str, str]:
    """Ask for a password without echo; return the value and where it came from.

    When ``fallback`` is set (the value of an environment variable named
    ``fallback_name``), a blank answer uses it.
    """
    hint = f" (blank: use ${fallback_name})" if fallback and fallback_name else ""
    while True:
        answer = console.read_secret(f"{question}{hint}: ")
        if answer:
            return answer, "prompt"
        if fallback and fallback_name:
            return fallback, f"env {fallback_name}"
        console.say("  An answer is required.")
