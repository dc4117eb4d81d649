"""Direct quotes in the body and who said them, by rules over quotation marks, speech verbs and named spans.

News attributes quotes in a few fixed shapes: `“...,” X said`, `“...,” said X`, `X said “...”`, `X said: “...”`,
`according to X`, a pronoun (`he said`) for the person last named, or no cue at all when a quote continues the
previous speaker. The rules below find the quoted spans and their reporting verbs; with a parser, the verb's
grammatical subject names the source (quote_sources). Spans are then joined into quotes as newsrooms count them
(quote_groups): one quote, its parts, one speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from workers.pipeline.document import NamedSpan
from workers.pipeline.quote_groups import group_quotes, is_title
from workers.pipeline.quote_marks import Quote, QuotedParagraph, mark_continuations, quote_spans, sentence_boundaries
from workers.pipeline.quote_sources import SentenceParser
from workers.pipeline.quote_speakers import Attribution

# `PENCE: ...`, `SEN. KAMALA HARRIS: ...`: an upper-case speaker label opening a transcript paragraph.
_TRANSCRIPT_LABEL = re.compile(r"((?:[A-Z][A-Z’'.-]*\s){0,3}[A-Z][A-Z’'-]+):\s+(?=\S)")
# A quote with no speech cue and fewer words than this is a scare quote or a term, not reported speech.
MIN_WORDS_WITHOUT_CUE = 5
# A quote of one to three words counts only when its reporting verb governs it, this close before it.
SHORT_QUOTE_WORDS = 3
MAX_WORDS_FROM_VERB_TO_SHORT_QUOTE = 8


def find_quotes(
    paragraphs: list[str],
    names: list[NamedSpan],
    resolve_name: Callable[[str], str | None] | None = None,
    parse: SentenceParser | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Quotes with their parts, speaker, cue and offsets of the first part; warnings for unbalanced marks."""
    # resolve_name maps a name the recogniser missed (`Scholz`) to the person it belongs to (`Olaf Scholz`).
    warnings: list[str] = []
    parsed = [QuotedParagraph(index, text) for index, text in enumerate(paragraphs)]
    for paragraph in parsed:
        paragraph.quotes = quote_spans(paragraph.text, paragraph.index, warnings)
        paragraph.boundaries = sentence_boundaries(paragraph.text, paragraph.quotes)
    mark_continuations(parsed, warnings)
    names_by_paragraph: dict[int, list[NamedSpan]] = {}
    for span in sorted(names, key=lambda span: (span.paragraph, span.start)):
        names_by_paragraph.setdefault(span.paragraph, []).append(span)
    attribution = Attribution(parsed, names_by_paragraph, resolve_name or (lambda name: None), parse)
    spans: list[Quote] = []
    for paragraph in parsed:
        for quote in paragraph.quotes:
            if quote.end > quote.start and not is_title(paragraph, quote):
                attribution.attribute(paragraph, quote)
                spans.append(quote)
    groups = [group for group in group_quotes(parsed, spans) if _is_reported_speech(parsed, group, attribution)]
    kinds = {span.name: "person" if span.kind == "person" else "organisation" for span in names}
    quotes = [_quote(parsed, group, kinds) for group in groups]
    quotes += transcript_quotes(parsed, resolve_name or (lambda name: None))
    _credit_pull_quotes(quotes)
    return sorted(quotes, key=lambda quote: (quote["paragraph"], quote["start"])), warnings


def transcript_quotes(
    paragraphs: list[QuotedParagraph], resolve_name: Callable[[str], str | None]
) -> list[dict[str, Any]]:
    """`PENCE: We will ...` in a transcript: the paragraph after the label is its speaker's, quotation marks or not.

    A label counts when it names a person of the article (`PENCE` -> Mike Pence) or labels two paragraphs or more
    (a transcript of people the recogniser does not know); a dateline (`NEW DELHI: ...`) does neither.
    """
    labelled = [
        (paragraph, label)
        for paragraph in paragraphs
        if not paragraph.quotes and (label := _TRANSCRIPT_LABEL.match(paragraph.text))
    ]
    counts: dict[str, int] = {}
    for _, label in labelled:
        counts[label.group(1)] = counts.get(label.group(1), 0) + 1
    quotes = []
    for paragraph, label in labelled:
        name = label.group(1).title()
        speaker = resolve_name(name) or (name if counts[label.group(1)] >= 2 else None)
        if speaker is None:
            continue
        start, end = label.end(), len(paragraph.text.rstrip())
        part = {"text": paragraph.text[start:end], "paragraph": paragraph.index, "start": start, "end": end}
        quotes.append(
            {
                "text": part["text"],
                "speaker": speaker,
                "speaker_mention": label.group(1),
                "speaker_kind": "person",
                "cue": ":",
                "paragraph": paragraph.index,
                "start": start,
                "end": end,
                "parts": [part],
            }
        )
    return quotes


def _credit_pull_quotes(quotes: list[dict[str, Any]]) -> None:
    """A pull quote (no attribution, no speaker) repeats words quoted in the body: it is that quote's speaker's."""
    attributed = [(_words(quote), quote) for quote in quotes if quote["speaker"]]
    for quote in quotes:
        if quote["speaker"] or quote["cue"]:
            continue
        words = _words(quote)
        if len(words.split()) < MIN_WORDS_WITHOUT_CUE:
            continue
        source = next((other for text, other in attributed if other is not quote and words in text), None)
        if source is not None:
            quote["speaker"], quote["speaker_kind"] = source["speaker"], source["speaker_kind"]


def _words(quote: dict[str, Any]) -> str:
    """The quote's words, lower case, without punctuation: what a pull quote and its source have in common."""
    return " ".join(re.findall(r"\w+", " ".join(part["text"] for part in quote["parts"]).casefold()))


def _quote(paragraphs: list[QuotedParagraph], group: list[Quote], kinds: dict[str, str]) -> dict[str, Any]:
    """One quote of the contract: the first part's fields, every part, and the source of the attributed part."""
    source = next((part for part in group if part.cue and part.speaker_mention), None)
    source = source or next((part for part in group if part.cue), None)
    source = source or next((part for part in group if part.speaker), group[0])
    first = group[0]
    parts = [
        {
            "text": paragraphs[part.paragraph].text[part.start : part.end],
            "paragraph": part.paragraph,
            "start": part.start,
            "end": part.end,
        }
        for part in group
    ]
    return {
        "text": parts[0]["text"],
        "speaker": source.speaker,
        "speaker_mention": source.speaker_mention,
        "speaker_kind": source.speaker_kind or (kinds.get(source.speaker, "person") if source.speaker else None),
        "cue": source.cue,
        "paragraph": first.paragraph,
        "start": first.start,
        "end": first.end,
        "parts": parts,
    }


def _is_reported_speech(paragraphs: list[QuotedParagraph], group: list[Quote], attribution: Attribution) -> bool:
    """Keep attributed quotes and long ones; drop unattributed scare quotes, terms and ungoverned short quotes."""
    words = sum(len(paragraphs[part.paragraph].text[part.start : part.end].split()) for part in group)
    cued = [part for part in group if part.cue or part.continues]
    if not cued:
        return words >= MIN_WORDS_WITHOUT_CUE
    if words > SHORT_QUOTE_WORDS or len(group) > 1:
        return True
    part = group[0]
    if part.cue_at is None or part.cue_at[0] != part.paragraph:
        return True  # carried over from the paragraph before (`X said:`)
    text = paragraphs[part.paragraph].text
    if part.cue_at[1] > part.open_mark:  # `“Amazing,” Davis said`, not `the “interim” government, it is alleged`
        return part.close_mark is not None and len(text[part.close_mark + 1 : part.cue_at[1]].split()) <= 6
    near = len(re.findall(r"\w+", text[part.cue_at[1] : part.open_mark])) - 1 <= MAX_WORDS_FROM_VERB_TO_SHORT_QUOTE
    # Farther from its verb, the parse says whether the verb governs it (`told friends that it was a “great success”`).
    return near or attribution.governs(paragraphs[part.paragraph], part)
