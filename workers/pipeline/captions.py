"""Photo captions and credits: split a credit off a caption, read photographer and agencies, pair twin captions."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from workers.pipeline import lexicon
from workers.pipeline.document import Media

# Canonical agency name -> the spellings seen in credits (lexicon/agencies.json). Matched as whole words; short
# all-caps names (AP, PA, EPA) only in capitals, so "pa" or "ap" inside prose never counts.
AGENCY_SPELLINGS = lexicon.agency_spellings()

_AGENCY_BY_SPELLING = {
    spelling.casefold(): name for name, spellings in AGENCY_SPELLINGS.items() for spelling in spellings
}
# Short names (AP, PA, EPA, dpa) count only as written, since "ap" or "pa" can be anything; longer ones ("getty",
# "REUTERS") in any case. Longest first, so "Getty Images" wins over "Getty" and "PA Images" over "PA".
_SHORT_AGENCY_LENGTH = 4
AGENCY_PATTERN = re.compile(
    r"(?<!\w)("
    + "|".join(
        re.escape(spelling) if len(spelling) <= _SHORT_AGENCY_LENGTH else f"(?i:{re.escape(spelling)})"
        for spelling in sorted(
            {spelling for spellings in AGENCY_SPELLINGS.values() for spelling in spellings}, key=len, reverse=True
        )
    )
    + r")(?!\w)"
)

# Words that introduce or decorate a credit and are never part of a name.
_CREDIT_LEAD = re.compile(
    r"^\s*(?:(?:photo|photograph|picture|image|video|illustration|graphic)s?\s*(?:credit\s*)?(?:should read|by|:|-|–)"
    r"|credits?\s*(?:should read|:|-|–|\.\.\.|…)|courtesy(?:\s+of)?|source\s*:|file\s*:|©|\(c\)|copyright)\s*",
    re.IGNORECASE,
)
_CREDIT_KEYWORDS = re.compile(
    r"\b(?:photo|photograph|photographer|picture|image|credit|courtesy|handout|file|pool|staff|illustration)s?\b"
    r"|©",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"^(?:photo|photograph|photos|pictures?|images?|file|files|handout|pool|staff|courtesy|credit|via|for|the|and"
    r"|contributor|stringer|illustration|screenshot|screengrab|video|still|archive|news|press|wire|agency)$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]*|[a-z]{1,3}|[A-Z]\.)$")
# Longer than the longest credit any trailing pattern accepts.
CREDIT_SEARCH_WINDOW = 200
_CREDIT_HINT = re.compile(r"photo|picture|image|credit|courtesy|©", re.IGNORECASE)
_CREDIT_SEPARATOR = re.compile(r"\s*/\s*|\s+via\s+|\s+for\s+|\s*,\s*|\s*;\s*|\s*\|\s*|\s+-\s+|\s+and\s+")
# An agency name not followed by a possessive ("NASA's Goddard Space Flight Center" is one organisation).
_AGENCY_BEFORE_NAME = re.compile(AGENCY_PATTERN.pattern + r"(?!['’]s\b)")
_CREDIT_JOINERS = frozenset({"via", "for", "and", "by", "of"})
_NAME_CONNECTORS = frozenset({"of", "the", "de", "da", "del", "di", "van", "von", "der", "la", "le", "du", "&", "and"})
_TRAILING_GROUP = re.compile(r"\s*[(\[]([^()\[\]]{2,160})[)\]]\s*$")
# What opens a labelled credit: "Photo by", "Pictures:", "Credit:", "Courtesy of", "©".
_CREDIT_LABEL = (
    r"(?:(?:photo|photograph|picture|image)s?\s*(?:credit)?\s*(?:by|:)|credits?\s*(?::|\.\.\.|…)|courtesy(?: of)?|©)"
)
_TRAILING_LABELLED = re.compile(rf"(?:(?<=[.!?”\"’)])\s*|\s*[|–—]\s*|^)({_CREDIT_LABEL}[^|]{{2,120}})$", re.IGNORECASE)
# A credit glued to the caption's last sentence ("Austria.Leonhard Foeger / Reuters") is common in scraped text.
_TRAILING_BARE = re.compile(r"(?:(?<=[.!?”\"’])\s*|\s*[|–—]\s*)([A-Z][^.!?|]{1,89})$")


def canonical_agency(text: str) -> str | None:
    """The canonical agency name when the whole text names one agency, else None."""
    match = AGENCY_PATTERN.fullmatch(text.strip())
    return _AGENCY_BY_SPELLING[match.group(1).casefold()] if match else None


def agencies_in(text: str) -> list[str]:
    """Every agency named in a credit, canonical and sorted case-insensitively."""
    found = {_AGENCY_BY_SPELLING[match.group(1).casefold()] for match in AGENCY_PATTERN.finditer(text)}
    return sorted(found, key=str.casefold)


@lru_cache(maxsize=8192)
def looks_like_credit(text: str) -> bool:
    """True when a short piece of text reads as a photo credit (agency, "Photo by", "NAME/AGENCY")."""
    text = text.strip()
    words = text.split()
    if not words or len(words) > 16:
        return False
    if _CREDIT_LEAD.match(text) and len(words) >= 2:
        return True
    # An agency name separates like a slash: "Tom Davies Associated Press" is "Tom Davies / Associated Press".
    spaced = _AGENCY_BEFORE_NAME.sub(lambda match: f" / {match.group(1)} / ", text)
    parts = [
        part
        for part in _CREDIT_SEPARATOR.split(spaced)
        if re.search(r"\w", part) and part.strip(" .").casefold() not in _CREDIT_JOINERS
    ]
    if AGENCY_PATTERN.search(text) or (len(parts) > 1 and "/" in text):
        # Every piece must be an agency, a name or an organisation: "NAME/AGENCY", "AGENCY via AGENCY", ...
        pieces = [part.strip(" .") for part in parts]
        if not any(canonical_agency(piece) or _is_name(piece) for piece in pieces):
            return False
        return all(
            canonical_agency(piece) or _is_proper_noun_phrase(piece) or all(map(_NOT_A_NAME.match, piece.split()))
            for piece in pieces
        )
    return bool(_CREDIT_KEYWORDS.search(text)) and len(words) <= 8 and _mostly_capitalised(words)


def looks_like_credit_line(text: str) -> bool:
    """True for a photo credit standing on its own line: it names an agency or says "Photo by", "Credit:", "©"."""
    return bool(_CREDIT_LEAD.match(text) or AGENCY_PATTERN.search(text)) and looks_like_credit(text)


@lru_cache(maxsize=8192)
def split_credit(caption: str) -> tuple[str, str | None]:
    """Split trailing credits off a caption: ("caption", "credit") or (caption, None) when there is none."""
    rest = caption.strip()
    ending = rest[-CREDIT_SEARCH_WINDOW:]
    if not (ending.endswith((")", "]")) or _CREDIT_HINT.search(ending) or AGENCY_PATTERN.search(ending)):
        return rest, None  # nothing a trailing credit could start with
    credits: list[str] = []
    while True:
        # Credits sit at the very end: search only the tail, so long paragraphs cost no more than captions.
        tail = max(0, len(rest) - CREDIT_SEARCH_WINDOW)
        group = _TRAILING_GROUP.search(rest, tail)
        if group and looks_like_credit(group.group(1)):
            credits.insert(0, group.group(1).strip())
            rest = rest[: group.start()].rstrip()
            continue
        labelled = _TRAILING_LABELLED.search(rest, tail)
        if labelled and looks_like_credit(labelled.group(1)):
            credits.insert(0, labelled.group(1).strip())
            rest = rest[: labelled.start()].rstrip(" |–—")
            continue
        bare = _TRAILING_BARE.search(rest, tail)
        if bare and AGENCY_PATTERN.search(bare.group(1)) and looks_like_credit(bare.group(1)):
            credits.insert(0, bare.group(1).strip())
            rest = rest[: bare.start()].rstrip(" |–—")
            continue
        break
    if not credits:
        return caption.strip(), None
    return rest, "; ".join(credits)


def photographer_in(credit: str) -> str | None:
    """The first person named in a credit, title-cased when written in capitals."""
    for segment in re.split(r"[;()\[\]]", credit):
        # "Jane Doe for The Guardian": what follows "for" is the client, never the photographer.
        segment = _CREDIT_LEAD.sub("", re.split(r"\s+for\s+", segment.strip())[0])
        for part in re.split(r"\s*/\s*|\s+via\s+|\s+for\s+|\s*,\s*|\s*\|\s*|\s+-\s+", segment):
            part = _CREDIT_LEAD.sub("", part.strip()).strip(" .")
            part = AGENCY_PATTERN.sub("", part).strip(" .")
            if _is_name(part) and not canonical_agency(part):
                return _title_case_name(part)
    return None


def complete_media(media: Media) -> Media:
    """Fill credit (split from the caption when missing), photographer and agencies of one media item."""
    caption, credit = media.caption, media.credit
    if not credit:
        caption, credit = split_credit(caption)
    else:
        # A caption that repeats the given credit at its end ("... (Jane Doe/AP)" with credit "Jane Doe/AP").
        core, repeated = split_credit(caption)
        if repeated and (_words(repeated) <= _words(credit) or _words(credit) <= _words(repeated)):
            caption = core
    if not credit:
        return replace(media, caption=caption)
    return replace(
        media,
        caption=caption,
        credit=credit,
        photographer=media.photographer or photographer_in(credit),
        agencies=media.agencies or agencies_in(credit),
    )


def are_twin_captions(first: str, second: str) -> bool:
    """True when two captions (credits already split off) describe the same photo, one a variant of the other."""
    short, long = sorted((_comparable(first), _comparable(second)), key=len)
    if len(short) < 4:
        return False
    if long[: len(short)] == short:
        return True
    common_prefix = 0
    for short_word, long_word in zip(short, long, strict=False):
        if short_word != long_word:
            break
        common_prefix += 1
    shared = len(set(short) & set(long)) / len(set(short))
    return common_prefix >= 5 and shared >= 0.7


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _comparable(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4 or not any(len(word) > 2 for word in words):
        return False
    if any(_NOT_A_NAME.match(word) for word in words):
        return False
    capitalised = [word for word in words if word[:1].isupper()]
    return len(capitalised) >= max(1, len(words) - 1) and all(_NAME_WORD.match(word) for word in words)


def _is_proper_noun_phrase(text: str) -> bool:
    """A name or an organisation: capitalised words, a few short connectors, at most six words."""
    words = text.split()
    if not 1 <= len(words) <= 6:
        return False
    capitalised = [word for word in words if word[:1].isupper() or word[:1].isdigit()]
    connectors = [word for word in words if word.casefold() in _NAME_CONNECTORS or _NOT_A_NAME.match(word)]
    return len(set(capitalised) | set(connectors)) == len(set(words)) and len(capitalised) >= 1


def _mostly_capitalised(words: list[str]) -> bool:
    return sum(1 for word in words if word[:1].isupper() or not word[:1].isalpha()) >= len(words) / 2


def _title_case_name(name: str) -> str:
    """Title-case the words written in capitals ("Jaafar ASHTIYEH" becomes "Jaafar Ashtiyeh"); initials stay."""
    return " ".join(
        "-".join(
            part.capitalize() if part.isalpha() and part.isupper() and len(part) > 2 else part
            for part in word.split("-")
        )
        for word in name.split()
    )
