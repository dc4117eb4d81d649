"""Quoted spans joined into quotes as newsrooms count them, and quoted titles told apart from quotes.

`“A,” he said, “B.”` and `“A,” he said. “B.”` are one quote in two parts; so is a quote that runs on into the next
paragraph (the paragraph opens with a new mark and the previous one did not close), and so are fragments under
one attribution (`called it “X” and “Y”`). A span with a reporting verb of its own after it starts a new quote.
"""

from __future__ import annotations

import re

from workers.pipeline.names import word_set
from workers.pipeline.quote_context import SPEECH_VERBS
from workers.pipeline.quote_marks import Quote, QuotedParagraph

# Fragments under one attribution sit this close: `“stronger” and “more viable” print and digital news enterprise`.
MAX_WORDS_BETWEEN_FRAGMENTS = 8
# An attribution between two parts of one quote is this short: `,” Interior Minister X said on Tuesday. “`.
MAX_WORDS_OF_ATTRIBUTION = 25
# Words written in lower case inside a title (`Meet the Press`, `Takin’ It to the Streets`).
_MINOR_WORDS = word_set("a an and as at but by for from in into nor of on or per the to vs via with its it’s it's")
_TITLE_CUES = re.compile(r"\b(?:titled|entitled)\s*$")
_SPOKEN = re.compile(rf"(?<![-\w])(?:{SPEECH_VERBS})\s*[,:]?\s*$")


def is_title(paragraph: QuotedParagraph, quote: Quote) -> bool:
    """A quoted title or name (`“Meet the Press”`, `“Takin’ It to the Streets”`), not reported speech."""
    inner = paragraph.text[quote.start : quote.end].rstrip(",.;:")
    before = paragraph.text[: quote.open_mark]
    if _TITLE_CUES.search(before):
        return True
    if _SPOKEN.search(before):
        return False  # `chanted, “Red for Ed”`: what a reporting verb introduces was said, whatever its case
    words = re.findall(r"[\w’'&-]+", inner)
    if len(words) < 2 or len(words) > 10 or re.search(r"[.!?]\s+\w", inner):
        return False
    major = [word for word in words if word.casefold() not in _MINOR_WORDS]
    return bool(major) and all(word[0].isupper() or word[0].isdigit() for word in major)


def group_quotes(paragraphs: list[QuotedParagraph], keep: list[Quote]) -> list[list[Quote]]:
    """The kept spans in reading order, joined into quotes (each a list of its parts)."""
    groups: list[list[Quote]] = []
    by_paragraph = {quote.paragraph: paragraphs[quote.paragraph] for quote in keep}
    for quote in keep:
        if groups and _continues(by_paragraph, groups[-1][-1], quote, groups[-1][0]):
            groups[-1].append(quote)
        else:
            groups.append([quote])
    return groups


def _continues(paragraphs: dict[int, QuotedParagraph], previous: Quote, quote: Quote, first: Quote) -> bool:
    if quote.continues:
        return previous.close_mark is None and previous.paragraph == quote.paragraph - 1
    if previous.paragraph != quote.paragraph or previous.close_mark is None:
        return False
    paragraph = paragraphs[quote.paragraph]
    between_start, between_end = previous.close_mark + 1, quote.open_mark
    own_cue = quote.cue_at is not None and quote.cue_at not in (first.cue_at, previous.cue_at)
    if (
        own_cue
        and quote.cue_at is not None
        and not _lies_between(quote.cue_at, quote.paragraph, between_start, between_end)
    ):
        return False  # a reporting verb of its own after it: `“A,” X said. “B,” Y said` are two quotes
    between = paragraph.text[between_start:between_end]
    inner_ends = [boundary for boundary in paragraph.boundaries if between_start < boundary < between_end]
    cues = [cue for cue in (previous.cue_at, quote.cue_at) if cue is not None and cue[0] == quote.paragraph]
    if any(between_start <= cue[1] < between_end for cue in cues):
        # `,” he said, “`, `,” X weighed in, telling Y, “` or `,” X said on Tuesday. “`: the attribution, then the
        # next part in the same sentence or opening the next one; `X said. He added that “B”` is a second quote.
        after_last_end = paragraph.text[inner_ends[-1] : between_end] if inner_ends else ""
        return len(inner_ends) <= 1 and not after_last_end.strip() and len(between.split()) <= MAX_WORDS_OF_ATTRIBUTION
    if inner_ends:
        # Two sentences with no attribution between them: one quote only when nothing but the marks separates them.
        return False
    # Fragments the same verb introduces, however far apart in its sentence (`argued that while X provided “A,” the
    # climb in Y is “B”`), are one quote.
    same_verb = quote.cue_at is not None and quote.cue_at == previous.cue_at
    return same_verb or len(between.split()) <= MAX_WORDS_BETWEEN_FRAGMENTS


def _lies_between(cue: tuple[int, int], paragraph: int, start: int, end: int) -> bool:
    return cue[0] == paragraph and start <= cue[1] < end
