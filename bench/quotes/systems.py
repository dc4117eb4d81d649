"""The quote finders the scorer compares: ours (the whole `parse()`) and textacy's `direct_quotations` as an anchor.

Each returns, for one dev text, a list of predictions: the character spans of the quote's parts in that text and
the speaker it names (a canonical name, or None).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Prediction:
    """One predicted quote: (start, end) spans of its parts in the dev text, and its speaker."""

    parts: tuple[tuple[int, int], ...]
    speaker: str | None
    speaker_kind: str | None = None


def ours(text: str) -> list[Prediction]:
    """Our pipeline on the text as a plain-text submission; quote offsets mapped back onto the dev text."""
    from workers.pipeline import parse

    result = parse(text, declared_format="text")
    locate = _ParagraphLocator(text, [paragraph["text"] for paragraph in result["paragraphs"]])
    predictions = []
    for quote in result["quotes"]:
        raw_parts = quote.get("parts") or [quote]
        spans = [locate(part["paragraph"], part["start"], part["end"], part["text"]) for part in raw_parts]
        found = tuple(span for span in spans if span is not None)
        if found:
            predictions.append(Prediction(found, quote.get("speaker"), quote.get("speaker_kind")))
    return predictions


class _ParagraphLocator:
    """Maps (extracted paragraph, offset) to an offset in the original text the extractor was given."""

    def __init__(self, text: str, paragraphs: list[str]) -> None:
        self.text = text
        self.offsets: list[int | None] = []
        cursor = 0
        for paragraph in paragraphs:
            found = text.find(paragraph, cursor)
            self.offsets.append(found if found >= 0 else None)
            if found >= 0:
                cursor = found + len(paragraph)

    def __call__(self, paragraph: int, start: int, end: int, quoted: str) -> tuple[int, int] | None:
        offset = self.offsets[paragraph] if paragraph < len(self.offsets) else None
        if offset is not None and self.text[offset + start : offset + end] == quoted:
            return offset + start, offset + end
        # The extractor repaired the paragraph (NFC, mojibake): fall back to the quoted words themselves.
        found = self.text.find(quoted)
        return (found, found + len(quoted)) if found >= 0 and quoted else None


def textacy_available() -> str | None:
    """None when textacy and the parser model load, else why not."""
    try:
        _textacy_model()
    except Exception as error:  # an optional anchor: any failure means "not measured", never a crash
        return f"{type(error).__name__}: {error}"
    return None


def textacy_quotes(text: str) -> list[Prediction]:
    """textacy's direct_quotations per paragraph (as the issue's anchor ran it), speaker as the tokens it names."""
    from textacy.extract import triples

    model = _textacy_model()
    predictions = []
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph.strip():
            try:
                found = list(triples.direct_quotations(model(paragraph)))
            except ValueError:  # textacy bails out on a paragraph with an unclosed quotation mark
                found = []
            for triple in found:
                start, end = triple.content[0].idx, triple.content[-1].idx + len(triple.content[-1])
                inner = _strip_marks(paragraph, start, end)
                speaker = " ".join(token.text for token in triple.speaker) or None
                predictions.append(Prediction(((offset + inner[0], offset + inner[1]),), speaker))
        offset += len(paragraph) + 1
    return predictions


def _strip_marks(paragraph: str, start: int, end: int) -> tuple[int, int]:
    marks = "\"'“”‘’«»„"
    while start < end and (paragraph[start] in marks or paragraph[start].isspace()):
        start += 1
    while end > start and (paragraph[end - 1] in marks or paragraph[end - 1].isspace()):
        end -= 1
    return start, end


@functools.cache
def _textacy_model() -> Any:
    import spacy
    import textacy  # noqa: F401  (fails here, not mid-run, when the anchor is not installed)

    from workers.pipeline.settings import DEFAULT_SPACY_MODEL

    return spacy.load(DEFAULT_SPACY_MODEL)
