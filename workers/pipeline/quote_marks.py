"""Quotation marks in paragraphs: the quoted spans, quotes running over paragraphs, and sentence ends outside quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workers.pipeline import lexicon
from workers.pipeline.names import word_set

# Openers and the closers that end them. „ (German) may close with “ or ”; « » are guillemets; “ is sometimes closed
# with a straight mark (`“somebody ought to ...," the office said`).
_CLOSERS_FOR_OPENER = {"“": '”"', "«": "»", "„": "“”", "‹": "›"}
_CLOSING_MARKS = "”»›"
_STRAIGHT = '"'
_ABBREVIATIONS = (
    word_set("sen rep gov gen col lt sgt st jr sr inc corp co ltd no vs etc u.s u.k u.n e.g i.e a.m p.m")
    | lexicon.honorifics(abbreviated_only=True)
    | frozenset(lexicon.month_abbreviations())
)


@dataclass
class Quote:
    paragraph: int
    start: int  # inner text, without the marks
    end: int
    open_mark: int
    close_mark: int | None  # None: the paragraph ended first
    continues: bool = False  # the paragraph opened with a mark but the quote began in an earlier one
    speaker: str | None = None
    cue: str | None = None
    cue_at: tuple[int, int] | None = None  # paragraph and offset of the reporting verb
    speaker_mention: str | None = None  # the source as the text names it at the cue
    speaker_kind: str | None = None  # person | organisation | description


@dataclass
class QuotedParagraph:
    index: int
    text: str
    quotes: list[Quote] = field(default_factory=list)
    boundaries: list[int] = field(default_factory=list)  # sentence-final positions (exclusive ends)


def quote_spans(text: str, paragraph: int, warnings: list[str]) -> list[Quote]:
    """Top-level double-quoted spans (nested single quotes stay inside), then single-quoted ones outside them."""
    spans: list[Quote] = []
    opener: str | None = None
    opened_at = 0
    # Positions of marks that open nothing and of openers never closed: one warning each per paragraph, with a
    # count, since a paragraph of 1,000,000 quote marks once made 1,000,000 warnings.
    never_closed: list[int] = []
    without_opening: list[int] = []
    for position, mark in enumerate(text):
        if opener is not None and (
            mark in _CLOSERS_FOR_OPENER.get(opener, _CLOSING_MARKS) or opener == mark == _STRAIGHT
        ):
            spans.append(_make_quote(text, paragraph, opened_at, position))
            opener = None
        elif (
            mark in _CLOSERS_FOR_OPENER
            or (mark == _STRAIGHT and _starts_word(text, position + 1))
            or (mark in _CLOSING_MARKS and opener is None and _opens_typed_as_closer(text, position))
        ):
            if opener is not None:
                never_closed.append(opened_at)
            opener, opened_at = mark, position
        elif mark in _CLOSING_MARKS or mark == _STRAIGHT:
            without_opening.append(position)
    warnings.extend(_mark_warning(paragraph, never_closed, "quotation mark", "never closed"))
    warnings.extend(_mark_warning(paragraph, without_opening, "closing quotation mark", "without an opening one"))
    if opener is not None:
        spans.append(_make_quote(text, paragraph, opened_at, None))
    spans += _single_quoted_spans(text, paragraph, spans)
    return sorted(spans, key=lambda quote: quote.open_mark)


def _mark_warning(paragraph: int, positions: list[int], what: str, problem: str) -> list[str]:
    if not positions:
        return []
    if len(positions) == 1:
        return [f"paragraph {paragraph}: {what} at {positions[0]} {problem}"]
    return [f"paragraph {paragraph}: {len(positions):,} {what}s {problem} (the first at {positions[0]})"]


def _single_quoted_spans(text: str, paragraph: int, double_quoted: list[Quote]) -> list[Quote]:
    """‘British-style’ quotes outside double quotes; ’ inside a word is an apostrophe, not a closer."""
    spans: list[Quote] = []
    for match in re.finditer(r"(?:(?<=^)|(?<=[\s(\[—–]))‘(\S(?:.*?\S)?)’(?![\w])", text):
        if any(inside(match.start(), quote) for quote in double_quoted):
            continue
        spans.append(_make_quote(text, paragraph, match.start(), match.end() - 1))
    return spans


def _make_quote(text: str, paragraph: int, open_mark: int, close_mark: int | None) -> Quote:
    start, end = open_mark + 1, len(text) if close_mark is None else close_mark
    while start < end and text[start].isspace():
        start += 1
    # The comma before a closing mark belongs to the reporting sentence, not to the words quoted.
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return Quote(paragraph, start, end, open_mark, close_mark)


def _starts_word(text: str, position: int) -> bool:
    """A straight quote opens when it stands before a word and after a space, bracket or the start."""
    before_ok = position == 1 or text[position - 2].isspace() or text[position - 2] in "([{—–-/"
    return before_ok and position < len(text) and not text[position].isspace()


def _opens_typed_as_closer(text: str, position: int) -> bool:
    """`”We ...` at a paragraph's start or after a space: an opener typed with the closing mark."""
    before_ok = position == 0 or text[position - 1].isspace() or text[position - 1] in "([{—–-"
    return before_ok and position + 1 < len(text) and not text[position + 1].isspace()


def inside(position: int, quote: Quote) -> bool:
    end = quote.close_mark if quote.close_mark is not None else quote.end
    return quote.open_mark <= position <= end


def mark_continuations(paragraphs: list[QuotedParagraph], warnings: list[str]) -> None:
    """A quote left open at a paragraph's end continues if the next paragraph opens with a mark (news style)."""
    for position, current in enumerate(paragraphs):
        following = paragraphs[position + 1] if position + 1 < len(paragraphs) else None
        unclosed = [quote for quote in current.quotes if quote.close_mark is None]
        if not unclosed:
            continue
        next_opens = following is not None and following.quotes and following.quotes[0].open_mark == 0
        if next_opens and following is not None:
            following.quotes[0].continues = True
        else:
            warnings.append(f"paragraph {current.index}: a quotation is still open at the paragraph's end")


def sentence_boundaries(text: str, quotes: list[Quote]) -> list[int]:
    """Sentence ends outside quotes; a quote that ends its own sentence (`.”`) ends one at its closing mark."""
    boundaries = []
    for match in re.finditer(r"[.!?]+", text):
        position = match.end()
        if any(inside(match.start(), quote) for quote in quotes):
            continue
        if _is_sentence_end(text, match.start(), position):
            boundaries.append(position)
    for quote in quotes:
        if quote.close_mark is not None and quote.end > quote.start and text[quote.end - 1] in ".!?":
            after = text[quote.close_mark + 1 :].lstrip()
            if not after or after[0].isupper() or after[0] in _CLOSERS_FOR_OPENER:
                boundaries.append(quote.close_mark + 1)
    return sorted(boundaries)


def _is_sentence_end(text: str, mark: int, after_mark: int) -> bool:
    rest = text[after_mark:]
    stripped = rest.lstrip('”’")]»')
    if stripped and not stripped[0].isspace():
        return False
    following = stripped.lstrip()
    if following and not (following[0].isupper() or following[0] in '“‘"«„('):
        return False
    if text[mark] == ".":
        word = re.search(r"([\w.]+)$", text[:mark])
        if word:
            token = word.group(1).casefold()
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(\w\.)+\w", token):
                return False
    return True
