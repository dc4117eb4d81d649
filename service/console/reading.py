"""The reading view of a parsed article: paragraphs with quotes and entity mentions marked, and the removed
boilerplate put back where it stood in the input.

The contract lists what was removed but not where; its place is found by looking each removed text and each
paragraph up in the raw input, in order. What cannot be found there is listed after the text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

PROBE_LENGTH = 60
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]+>")


@dataclass
class Piece:
    """A stretch of text, inside the mention of entity number `entity` or of none."""

    text: str
    entity: int | None = None


@dataclass
class Run:
    """A stretch of a paragraph: inside quote number `quote` (with its speaker) or plain text."""

    pieces: list[Piece]
    quote: int | None = None
    speaker: str | None = None


@dataclass
class Block:
    kind: str  # a paragraph kind (body, heading, blockquote, list) or "removed"
    index: int | None = None
    runs: list[Run] = field(default_factory=list)
    text: str = ""
    reason: str | None = None


@dataclass
class Reading:
    blocks: list[Block]
    unplaced: list[Block]


def comparable(text: str) -> str:
    return " ".join(text.split()).casefold()


def visible_text(raw: str, is_html: bool) -> str:
    """The raw input as text to search in: tags and scripts dropped and entities decoded for HTML."""
    if is_html:
        raw = html.unescape(TAG.sub(" ", SCRIPT_OR_STYLE.sub(" ", raw)))
    return comparable(raw)


def position(haystack: str, text: str, start: int = 0) -> int:
    probe = comparable(text)[:PROBE_LENGTH]
    return haystack.find(probe, start) if probe else -1


def reading_view(document: dict[str, Any], raw: str | None, is_html: bool) -> Reading:
    """Paragraph blocks in order, with each removed text placed before the first paragraph that follows it."""
    paragraphs = document.get("paragraphs") or []
    mentions = mention_pattern(document.get("entities") or [])
    quotes_by_paragraph: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for number, quote in enumerate(document.get("quotes") or []):
        quotes_by_paragraph.setdefault(quote["paragraph"], []).append((number, quote))
    blocks = [
        Block(
            kind=paragraph["kind"],
            index=paragraph["index"],
            text=paragraph["text"],
            runs=paragraph_runs(paragraph["text"], quotes_by_paragraph.get(paragraph["index"], []), mentions),
        )
        for paragraph in paragraphs
    ]
    removed = [
        Block(kind="removed", text=item["text"], reason=item["reason"]) for item in document.get("removed") or []
    ]
    if raw is None:
        return Reading(blocks, removed)
    haystack = visible_text(raw, is_html)
    # Each paragraph's place in the input, never before the previous one's (one not found stays with it).
    places: list[int] = []
    cursor = 0
    for block in blocks:
        found = position(haystack, block.text, cursor)
        cursor = found if found >= 0 else cursor
        places.append(cursor)
    placed: list[tuple[int, int, Block]] = [(place, 1, block) for place, block in zip(places, blocks, strict=True)]
    unplaced = []
    for block in removed:
        found = position(haystack, block.text)
        if found < 0:
            unplaced.append(block)
        else:
            # 0 sorts a removed text before a paragraph found at the same place.
            placed.append((found, 0, block))
    placed.sort(key=lambda item: (item[0], item[1]))
    return Reading([block for _place, _order, block in placed], unplaced)


def mention_pattern(entities: list[dict[str, Any]]) -> tuple[re.Pattern[str], dict[str, int]] | None:
    """One pattern for every entity name and alias (longest first, whole words), and whose name each one is."""
    owner: dict[str, int] = {}
    for number, entity in enumerate(entities):
        for name in [entity.get("name"), *(entity.get("aliases") or [])]:
            if isinstance(name, str) and len(name.strip()) > 1:
                owner.setdefault(name.strip().casefold(), number)
    if not owner:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(owner, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), owner


def paragraph_runs(
    text: str,
    quotes: list[tuple[int, dict[str, Any]]],
    mentions: tuple[re.Pattern[str], dict[str, int]] | None,
) -> list[Run]:
    """The paragraph cut at its quotes' offsets, each stretch cut again at entity mentions."""
    runs: list[Run] = []
    cursor = 0
    for number, quote in sorted(quotes, key=lambda item: item[1]["start"]):
        start, end = quote["start"], quote["end"]
        if start < cursor or end > len(text) or start >= end:
            continue  # overlapping or out of range: the quote is still listed beside the text
        if start > cursor:
            runs.append(Run(mention_pieces(text[cursor:start], mentions)))
        runs.append(Run(mention_pieces(text[start:end], mentions), quote=number, speaker=quote.get("speaker")))
        cursor = end
    if cursor < len(text):
        runs.append(Run(mention_pieces(text[cursor:], mentions)))
    return runs


def mention_pieces(text: str, mentions: tuple[re.Pattern[str], dict[str, int]] | None) -> list[Piece]:
    if mentions is None:
        return [Piece(text)]
    pattern, owner = mentions
    pieces: list[Piece] = []
    cursor = 0
    for match in pattern.finditer(text):
        if match.start() > cursor:
            pieces.append(Piece(text[cursor : match.start()]))
        pieces.append(Piece(match.group(0), entity=owner.get(match.group(0).casefold())))
        cursor = match.end()
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces


def decode_raw(body: bytes, content_type: str) -> str:
    """The raw input as text for display: its declared charset, else UTF-8, never failing."""
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
