"""Bylines: recognise a "By Jane Doe and John Roe" line and read the authors' names out of it."""

from __future__ import annotations

import re

from workers.pipeline import lexicon

_BY = lexicon.alternation(lexicon.byline_prefixes())

_BYLINE_LEAD = re.compile(rf"^(?:{_BY})\s+(.+)$", re.IGNORECASE)
# Where a date starts after the names of a byline: a weekday, a month name followed by a day, "on", or a digit.
_DATE_START = re.compile(
    r"\s+(?=(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|(?:on\s+)?[A-Za-z]{3,9}\.?\s+\d{1,2}\b|(?:on\s+)?\d)"
    r"|\s*[|•·–—]\s*",
    re.IGNORECASE,
)
_ROLE = (
    r"(?i:(?:staff |senior |chief |contributing |special )?(?:writer|contributor|reporter|editor|correspondent"
    r"|columnist|journalist|producer|author)s?|editorial staff|staff|wire services?|wire reports?|news services?)"
)
_NAME = r"(?:[A-ZÀ-Ý][\w'’.-]+\s*){1,4}"
# What follows the names in "Jane Doe, AP Sports Writer" or "Bruce Lee Senior Contributor".
_ROLE_TAIL = re.compile(rf",[^,]*\b{_ROLE}\b.*$|\s+{_ROLE}\b.*$")
_BYLINE = re.compile(
    rf"^(?i:{_BY})\s+{_NAME}(?:(?:,|and|&|und|y|e|et)\s+{_NAME})*(?:[,|–—-]\s*.{{0,60}})?$"
    r"|^(?i:written|posted|reported|reviewed|edited|published) (?i:by)\b.{0,80}$"
    r"|^(?i:author|words|text|story|reporter|editor)\s*:\s*.{2,60}$"
    # "Jane Doe and John Roe, AP Sports Writer", "Bruce Y. Lee Senior Contributor"
    rf"|^{_NAME}(?:(?:,|and|&)\s+{_NAME})*,?\s+.{{0,30}}\b{_ROLE}\b.{{0,20}}$",
)


def looks_like_byline(line: str) -> bool:
    """True for a line that names the story's authors ("By A and B", "Jane Doe, AP Sports Writer")."""
    return bool(_BYLINE.match(line))


def has_byline_lead(line: str) -> bool:
    """True for a line that opens with "By" (or its equivalent in another language)."""
    return bool(_BYLINE_LEAD.match(line))


def authors_in_byline(text: str) -> list[str]:
    """Author names of a "By A and B" line, in order (a date after the names is cut off)."""
    text = _DATE_START.split(text, maxsplit=1)[0].strip()
    match = _BYLINE_LEAD.match(text)
    role = _ROLE_TAIL.search(text)
    names = match.group(1) if match else text[: role.start()] if role else None
    if names is None:
        return []
    authors: list[str] = []
    for name in re.split(r"\s*(?:,|\band\b|&|\bund\b|\by\b|\bet\b)\s*", names):
        name = re.split(r"\s*[|–—]\s*|\s+-\s+", name)[0].strip(" .")
        name = re.sub(r"\s*@\w+$", "", name)  # a handle glued to the name
        parts = name.split()
        half = len(parts) // 2
        if half and parts[:half] == parts[half:]:
            parts = parts[:half]  # the name printed twice (link text and label)
            name = " ".join(parts)
        if 2 <= len(parts) <= 4 and all(part[:1].isupper() for part in parts):
            authors.append(name)
    return authors
