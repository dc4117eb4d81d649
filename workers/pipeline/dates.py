"""Dates written in English news text, resolved to calendar days against the publication date.

Absolute dates ("Sunday, Feb. 27, 2022", "15 June 2019") resolve on their own; a day and month without a year take
the year that puts them nearest the publication; weekdays ("Monday", "last Friday") resolve to the most recent
such day on or before publication, unless the same paragraph or caption has just named a full date on that weekday.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from workers.pipeline import lexicon
from workers.pipeline.document import Media

# Month words that are also ordinary words: "Mar" only with its period, "May" only before a day.
_AMBIGUOUS_MONTHS = {"mar": r"Mar\.", "may": r"May(?=\s+\d)"}
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20|21)\d\d)"


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The date patterns, built once from the lexicon's month and weekday names."""
    full = [name.capitalize() for name in lexicon.month_names(abbreviations=False) if name not in _AMBIGUOUS_MONTHS]
    # Abbreviations may drop their period ("Nov 6").
    short = [name.capitalize() for name in lexicon.month_abbreviations() if name not in _AMBIGUOUS_MONTHS]
    month = (
        f"(?P<month>{lexicon.alternation(full)}|(?:{lexicon.alternation(short)})\\.?|"
        + "|".join(_AMBIGUOUS_MONTHS.values())
        + ")"
    )
    weekday = f"(?P<weekday>{lexicon.alternation([day.capitalize() for day in lexicon.weekdays()])})"
    return [
        ("absolute", re.compile(rf"\b(?:{weekday},?\s+)?{month}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?")),
        ("absolute", re.compile(rf"\b(?:{weekday},?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{month}(?:,?\s+{_YEAR}\b)?")),
        ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
        ("month_year", re.compile(rf"\b{month}\s+(?:of\s+)?{_YEAR}\b")),
        ("weekday", re.compile(rf"\b(?:(?P<direction>last|next|this|Last|Next|This)\s+)?{weekday}\b")),
        ("relative", re.compile(r"\b(?P<word>today|yesterday|tomorrow|Today|Yesterday|Tomorrow)\b")),
    ]


_OFFSET_OF_WORD = {"today": 0, "yesterday": -1, "tomorrow": 1}


@dataclass(frozen=True)
class _Found:
    text: str
    start: int
    date: dt.date | None
    absolute: bool


def find_dates(paragraphs: list[str], media: list[Media], published_at: str | None) -> list[dict[str, object]]:
    """Every date mention: text, resolved day (or None), and the paragraph or media item it was found in."""
    reference = parse_reference_date(published_at)
    dates: list[dict[str, object]] = []
    for index, paragraph in enumerate(paragraphs):
        for found in dates_in_text(paragraph, reference):
            dates.append({"text": found.text, "date": _iso(found.date), "paragraph": index, "media": None})
    for index, item in enumerate(media):
        seen: set[str] = set()
        for caption in [item.caption, *item.alt_captions]:
            for found in dates_in_text(caption or "", reference):
                if found.text not in seen:  # a caption and its shorter variant repeat the same date
                    seen.add(found.text)
                    dates.append({"text": found.text, "date": _iso(found.date), "paragraph": None, "media": index})
    return dates


def parse_reference_date(published_at: str | None) -> dt.date | None:
    """The publication day in the publisher's own offset, or None when absent or unreadable."""
    if not published_at:
        return None
    try:
        return dt.datetime.fromisoformat(published_at.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(published_at.strip()[:10])
        except ValueError:
            return None


def dates_in_text(text: str, reference: dt.date | None) -> list[_Found]:
    """Date mentions in one text, in reading order; overlapping matches keep the earliest, longest one."""
    candidates = []
    for kind, pattern in _patterns():
        for match in pattern.finditer(text):
            candidates.append((match.start(), -(match.end() - match.start()), kind, match))
    taken_until = -1
    found: list[_Found] = []
    for start, _, kind, match in sorted(candidates, key=lambda candidate: candidate[:2]):
        if start < taken_until:
            continue
        taken_until = match.end()
        anchor = next((f.date for f in reversed(found) if f.absolute and f.date), None)
        date = _resolve(kind, match, reference, anchor)
        found.append(_Found(match.group(0), start, date, absolute=kind in ("absolute", "iso") and date is not None))
    return found


def _resolve(kind: str, match: re.Match[str], reference: dt.date | None, anchor: dt.date | None) -> dt.date | None:
    groups = match.groupdict()
    if kind == "iso":
        return _safe_date(int(groups["year"]), int(groups["month"]), int(groups["day"]))
    if kind == "absolute":
        month, day = lexicon.month_numbers()[groups["month"].rstrip(".").casefold()], int(groups["day"])
        if groups.get("year"):
            return _safe_date(int(groups["year"]), month, day)
        return _nearest_year(month, day, reference)
    if kind == "weekday":
        weekday = lexicon.weekdays().index(groups["weekday"].casefold())
        if anchor is not None and anchor.weekday() == weekday and not groups.get("direction"):
            return anchor
        return _weekday_near(weekday, (groups.get("direction") or "").casefold(), reference)
    if kind == "relative" and reference is not None:
        return reference + dt.timedelta(days=_OFFSET_OF_WORD[groups["word"].casefold()])
    return None  # a month and year, or a relative date with nothing to resolve it against


def _nearest_year(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    if reference is None:
        return None
    options = [_safe_date(year, month, day) for year in (reference.year - 1, reference.year, reference.year + 1)]
    valid = [option for option in options if option is not None]
    return min(valid, key=lambda option: abs((option - reference).days), default=None)


def _weekday_near(weekday: int, direction: str, reference: dt.date | None) -> dt.date | None:
    if reference is None:
        return None
    back = (reference.weekday() - weekday) % 7
    if direction == "next":
        return reference + dt.timedelta(days=(weekday - reference.weekday()) % 7 or 7)
    if direction == "last":
        return reference - dt.timedelta(days=back or 7)
    return reference - dt.timedelta(days=back)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None
