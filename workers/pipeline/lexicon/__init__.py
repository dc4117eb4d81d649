"""The pipeline's word lists, one data file each in this folder, read once per process.

Text files hold one entry a line (`#` starts a comment); JSON files hold lists or tables. Every module that needs
month names, weekdays, byline prefixes, furniture phrases, agencies, honorifics, language names or reporting verbs
gets them here.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@functools.cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of a one-entry-a-line text file, in file order."""
    lines = (line.split("#", 1)[0].strip() for line in _read(name).splitlines())
    return tuple(line for line in lines if line)


@functools.cache
def table(name: str) -> Any:
    """The content of a JSON file."""
    return json.loads(_read(name))


@functools.cache
def month_numbers(languages: tuple[str, ...] = ("en",)) -> dict[str, int]:
    """Month name or abbreviation (lower case) -> month number, for the given languages."""
    months: dict[str, list[list[str]]] = table("months.json")
    return {
        name: number
        for language in languages
        for number, names in enumerate(months[language], start=1)
        for name in names
    }


def month_names(languages: tuple[str, ...] = ("en",), *, abbreviations: bool = True) -> list[str]:
    """Month names (lower case, longest first) of the languages; abbreviations too unless told otherwise."""
    months: dict[str, list[list[str]]] = table("months.json")
    names = {
        name for language in languages for forms in months[language] for name in (forms if abbreviations else forms[:1])
    }
    return sorted(names, key=lambda name: (-len(name), name))


def month_abbreviations() -> list[str]:
    """English month abbreviations (lower case): `jan`, `sept` ..."""
    months: dict[str, list[list[str]]] = table("months.json")
    return [abbreviation for forms in months["en"] for abbreviation in forms[1:]]


def weekdays() -> tuple[str, ...]:
    """English weekday names, Monday first."""
    return entries("weekdays.txt")


def byline_prefixes() -> tuple[str, ...]:
    """The words that open a byline ("by", "par", "von" ...)."""
    return entries("byline_prefixes.txt")


def agency_spellings() -> dict[str, tuple[str, ...]]:
    """Canonical news and photo agency name -> the spellings seen in credits."""
    spellings: dict[str, list[str]] = table("agencies.json")
    return {name: tuple(forms) for name, forms in spellings.items()}


def honorifics(*, abbreviated_only: bool = False) -> frozenset[str]:
    """Forms of address written before a name (lower case): `mr`, `dr` ... and, unless told otherwise, `sir` ..."""
    forms: dict[str, list[str]] = table("honorifics.json")
    return frozenset(forms["abbreviated"] + ([] if abbreviated_only else forms["written_out"]))


def justext_language_names() -> dict[str, str]:
    """ISO 639-1 code -> the name of jusText's stop list for that language."""
    names: dict[str, str] = table("language_names.json")
    return names


def reporting_verbs() -> tuple[str, ...]:
    """Verbs (and verb phrases: "pointed out", "according to") that introduce or follow reported speech."""
    return entries("reporting_verbs.txt")


def naming_verbs() -> tuple[str, ...]:
    """Verbs that name or describe something in someone's words ("called", "dubbed", "described")."""
    return entries("naming_verbs.txt")


@functools.cache
def given_name_pronouns() -> dict[str, str]:
    """Common given name (lower case) -> the pronoun it usually goes with ("he" or "she"): a hint, not a fact."""
    names: dict[str, list[str]] = table("given_names.json")
    return {name: pronoun for pronoun in ("he", "she") for name in names[pronoun]}


@functools.cache
def furniture_phrases(kind: str) -> tuple[str, ...]:
    """Page-furniture phrases of one kind in the languages beyond English ("auch interessant", "síguenos en")."""
    phrases: dict[str, list[str]] = table("furniture_phrases.json")
    return tuple(phrases[kind])


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of the words, longest first so that no word shadows a longer one."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda word: (-len(word), word)))
