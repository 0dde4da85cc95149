"""Name pools for the generated directory.

Plain ASCII names make up most of the directory. About 12 % of users and
groups take a name from the Unicode pools (Latin with diacritics, Greek,
Cyrillic, CJK, Arabic). About 3 % of entries get an RDN value that RFC 4514
requires to be escaped in a DN string.
"""

from __future__ import annotations

import random

UNICODE_SHARE = 0.12
ESCAPED_DN_SHARE = 0.03

ASCII_GIVEN_NAMES = (
    "Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "James",
    "Karen", "Liam", "Maria", "Noah", "Olivia", "Peter", "Quinn", "Rachel", "Samuel", "Tara",
    "Umar", "Victor", "Wendy", "Xavier", "Yara", "Zoe", "Aaron", "Bella", "Colin", "Diana",
)
ASCII_SURNAMES = (
    "Smith", "Johnson", "Brown", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris",
    "Martin", "Thompson", "Garcia", "Martinez", "Robinson", "Clark", "Lewis", "Walker", "Hall",
    "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
    "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres",
)
UNICODE_GIVEN_NAMES = (
    "Jürgen", "Zoë", "François", "Łukasz", "Søren", "Ángel", "Çağla", "Dušan", "Håkon",
    "Ελένη", "Γιώργος", "Дмитрий", "Анна", "Ольга", "太郎", "美咲", "伟", "芳", "محمد", "فاطمة",
)
UNICODE_SURNAMES = (
    "Müller", "Brontë", "Lefèvre", "Wałęsa", "Ødegård", "Núñez", "Yılmaz", "Dvořák", "Ångström",
    "Παπαδόπουλος", "Иванов", "Смирнова", "山田", "佐藤", "王", "李", "حسن", "علي",
)
ASCII_GROUP_WORDS = (
    "sales", "finance", "engineering", "support", "marketing", "legal", "hr", "operations",
    "analytics", "security", "research", "design", "procurement", "logistics", "it",
)
UNICODE_GROUP_WORDS = (
    "Équipe Données", "Vertrieb Süd", "Análisis", "Δεδομένα", "Отдел продаж", "営業部",
    "数据分析", "Försäljning", "Kraków Ops", "المالية",
)


def person_name(rng: random.Random, unicode_name: bool) -> tuple[str, str]:
    """Return a (given name, surname) pair from the ASCII or the Unicode pools."""
    if unicode_name:
        return rng.choice(UNICODE_GIVEN_NAMES), rng.choice(UNICODE_SURNAMES)
    return rng.choice(ASCII_GIVEN_NAMES), rng.choice(ASCII_SURNAMES)


def escaped_person_cn(rng: random.Random, given: str, surname: str) -> str:
    """Return a cn whose DN form needs RFC 4514 escapes (comma, plus, quote, ...)."""
    forms = (
        f"{surname}, {given}",
        f"{given} {surname} + Co",
        f'{given} "{surname[:3]}" {surname}',
        f"#{given} {surname}",
        f"{surname}; {given}",
        f"{given} <{surname}>",
        f"CORP\\{given}.{surname}",
    )
    return rng.choice(forms)


def group_words(rng: random.Random, unicode_name: bool) -> str:
    if unicode_name:
        return rng.choice(UNICODE_GROUP_WORDS)
    return f"{rng.choice(ASCII_GROUP_WORDS)}-{rng.choice(ASCII_GROUP_WORDS)}"


def escaped_group_cn(rng: random.Random, words: str) -> str:
    """Return a group cn whose DN form needs RFC 4514 escapes."""
    forms = (f"R&D, {words}", f"{words} + partners", f'"{words}"', f"#{words}", f"{words} <ext>")
    return rng.choice(forms)
