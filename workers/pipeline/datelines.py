"""Datelines: recognise a "Published 11:11 PM EST Nov 19, 2019" line and read its dates as ISO 8601."""

from __future__ import annotations

import re

from workers.pipeline import lexicon

_DATELINE_WORDS = frozenset(
    {"by", "on", "at", "in", "published", "updated", "posted", "modified", "am", "pm", "et", "and"}
)
_MONTH_DATE = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?,?\s+\d{4}"
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)
_CLOCK = r"(?:[,\s|•·–-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_DATELINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|modified|first published|created|date)\s*(?:on|at)?\s*:?\s*)?"
    rf"{_MONTH_DATE}{_CLOCK}(?:[\s|•·–-]+.{{0,40}})?$"
    r"|^(?:published|updated|posted|last updated|modified)\b.{0,60}$"
    r"|^\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|[smhd])\s+(?:read|ago)\b.{0,30}$"
    r"|^.{0,60}\b\d+\s+min(?:ute)?s?\s+read$",
    re.IGNORECASE,
)


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?\b")
_MONTH_NAME = r"(?P<month>[A-Za-z]{3,9})\.?"
_WRITTEN_DATE = re.compile(
    rf"\b(?:{_MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>[A-Za-z]{{3,9}})\.?,?\s+(?P<year2>\d{{4}}))\b"
)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_CLOCK_TIME = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*(?:([ap])\.?m\.?)?(?:\s*([A-Z]{3,4})\b)?", re.IGNORECASE)
_ZONES = {
    "UTC": "+00:00",
    "GMT": "+00:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CST": "-06:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "BST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
}
_UPDATED = re.compile(r"\b(?:updated|modified|last updated|edited)\b", re.IGNORECASE)


def looks_like_dateline(line: str) -> bool:
    """True for a line that is a publication date with at most a few labels around it."""
    return bool(_DATELINE.match(line))


def has_date(line: str) -> bool:
    """True when the line holds a written, ISO or numeric date."""
    return bool(date_in(line) or _NUMERIC_DATE.search(line))


def only_labels_besides_date(line: str) -> bool:
    """True when what is left of a line once dates and times are cut out is a few names or labels, not a clause."""
    rest = _CLOCK_TIME.sub(" ", _WRITTEN_DATE.sub(" ", _ISO_DATE.sub(" ", _NUMERIC_DATE.sub(" ", line))))
    words = re.findall(r"[^\W\d_][\w'’.-]*", rest)
    if len(words) > 10:
        return False
    labels = [word for word in words if word[:1].isupper() or word.casefold() in _DATELINE_WORDS]
    return len(labels) >= len(words) - 1


def dates_in_dateline(text: str) -> tuple[str | None, str | None]:
    """(published, updated) as ISO 8601 from a dateline such as "Published 11:11 PM EST Nov 19, 2019 | Updated ..."."""
    published: str | None = None
    updated: str | None = None
    # "Updated: X; Posted: Y" lists several dates: each part says which one it is.
    for part in re.split(r"\s*[|;]\s*|\s*(?=(?:updated|published|posted|modified)\b)", text, flags=re.IGNORECASE):
        date = date_in(part)
        if date is None:
            continue
        if _UPDATED.search(part):
            updated = updated or date
        else:
            published = published or date
    return published, updated


def date_in(text: str) -> str | None:
    iso = _ISO_DATE.search(text)
    if iso:
        return iso.group(0).replace(" ", "T")
    written = _WRITTEN_DATE.search(text)
    if written is None:
        return None
    month_name = (written.group("month") or written.group("month2")).casefold()
    months = lexicon.month_numbers()
    month = months.get(month_name) or months.get(month_name[:3])
    day = int(written.group("day") or written.group("day2"))
    year = int(written.group("year") or written.group("year2"))
    if month is None or not 1 <= day <= 31:
        return None
    date = f"{year:04d}-{month:02d}-{day:02d}"
    clock = _CLOCK_TIME.search(text)
    if clock is None:
        return date
    hour, minute = int(clock.group(1)), int(clock.group(2))
    meridiem = (clock.group(3) or "").casefold()
    if meridiem == "p" and hour < 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return date
    zone = _ZONES.get((clock.group(4) or "").upper(), "")
    return f"{date}T{hour:02d}:{minute:02d}:00{zone}"
