"""parse(): refusals, the contract's sections, and the enrichment merged into the output."""

from __future__ import annotations

import pytest

from workers.pipeline import MAX_INPUT_CHARS, UnparseableDocument, parse


def test_parse_refuses_an_empty_document() -> None:
    with pytest.raises(UnparseableDocument, match="empty"):
        parse(b" \n\t ")


def test_parse_refuses_a_million_quote_marks_before_any_work() -> None:
    with pytest.raises(UnparseableDocument, match="no letters or digits"):
        parse(b'"' * 1_000_000, content_type="text/plain")


def test_parse_refuses_a_document_longer_than_it_accepts() -> None:
    with pytest.raises(UnparseableDocument, match="longer than"):
        parse("a" * (MAX_INPUT_CHARS + 1))


def test_parse_refuses_a_page_without_text() -> None:
    with pytest.raises(UnparseableDocument, match="no article text"):
        parse(b"<html><body><script>var a = 1;</script></body></html>")


def test_parse_output_has_every_contract_section() -> None:
    result = parse(b"Headline Here\n\nA first paragraph of the article, long enough to read as prose.")
    for key in (
        "title",
        "body",
        "paragraphs",
        "media",
        "removed",
        "quotes",
        "entities",
        "dates",
        "stats",
        "fingerprints",
        "language",
        "warnings",
        "parser_version",
    ):
        assert key in result
    assert result["stats"]["paragraph_count"] == len(result["paragraphs"])


def test_parse_merges_the_enrichment() -> None:
    text = (
        "Council approves new budget\n\n"
        "The city council approved the budget on Tuesday after a long debate.\n\n"
        "“This budget protects the services people rely on,” Mayor Karen Bass said."
    )
    parsed = parse(text, declared_format="text", published_at="2024-05-02T10:00:00+00:00")
    assert parsed["quotes"][0]["speaker"] == "Karen Bass"
    assert {"entities", "quotes", "dates", "keywords", "fingerprints", "language"} <= set(parsed)
    assert parsed["dates"][0] == {"text": "Tuesday", "date": "2024-04-30", "paragraph": 0, "media": None}
