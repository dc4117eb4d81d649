"""Direct quotes in the body and who said them, by rules over quotation marks, speech verbs and named spans.

News attributes quotes in a few fixed shapes: `“...,” X said`, `“...,” said X`, `X said “...”`, `X said: “...”`,
`according to X`, a pronoun (`he said`) for the person last named, or no cue at all when a quote continues the
previous speaker. The rules below read those shapes; they need named spans (from the entity recogniser, already
resolved to their entity) but fall back to capitalised words when a name was missed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workers.pipeline.document import NamedSpan
from workers.pipeline.quote_marks import Quote, QuotedParagraph, mark_continuations, quote_spans, sentence_boundaries
from workers.pipeline.quote_speakers import Attribution

# A quote with no speech cue and fewer words than this is a scare quote or a term, not reported speech.
MIN_WORDS_WITHOUT_CUE = 5


def find_quotes(
    paragraphs: list[str], names: list[NamedSpan], resolve_name: Callable[[str], str | None] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Quotes with speaker, cue, paragraph and offsets of the quoted text; warnings for unbalanced marks."""
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
    attribution = Attribution(parsed, names_by_paragraph, resolve_name or (lambda name: None))
    for paragraph in parsed:
        for quote in paragraph.quotes:
            attribution.attribute(paragraph, quote)
    _share_speakers_across_continuations(parsed)
    quotes = [
        {
            "text": paragraph.text[quote.start : quote.end],
            "speaker": quote.speaker,
            "cue": quote.cue,
            "paragraph": paragraph.index,
            "start": quote.start,
            "end": quote.end,
        }
        for paragraph in parsed
        for quote in paragraph.quotes
        if _is_reported_speech(paragraph.text, quote)
    ]
    return quotes, warnings


def _share_speakers_across_continuations(paragraphs: list[QuotedParagraph]) -> None:
    """All parts of a multi-paragraph quote get the speaker named at its end (or at its start)."""
    chain: list[Quote] = []
    for paragraph in paragraphs:
        for quote in paragraph.quotes:
            if quote.continues and chain:
                chain.append(quote)
            else:
                _unify(chain)
                chain = [quote]
    _unify(chain)


def _unify(chain: list[Quote]) -> None:
    if len(chain) < 2:
        return
    named = [quote for quote in chain if quote.speaker]
    if not named:
        return
    source = next((quote for quote in reversed(chain) if quote.cue and quote.speaker), named[-1])
    for quote in chain:
        quote.speaker, quote.cue = source.speaker, quote.cue or source.cue


def _is_reported_speech(text: str, quote: Quote) -> bool:
    """Keep attributed quotes and long ones; drop short unattributed scare quotes and terms."""
    if quote.cue or quote.continues:
        return quote.end > quote.start
    return len(text[quote.start : quote.end].split()) >= MIN_WORDS_WITHOUT_CUE
