"""Decoding bytes, repairing text and telling HTML from plain text."""

from __future__ import annotations

import pytest

from workers.pipeline import UnparseableDocument, parse
from workers.pipeline.detect import detect_format
from workers.pipeline.normalise import clean_line, clean_text, decode


def test_decode_prefers_utf8_even_when_latin1_is_declared() -> None:
    assert decode("Café".encode(), "text/plain; charset=ISO-8859-1") == "Café"


def test_decode_uses_the_declared_charset_when_utf8_fails() -> None:
    assert decode("Café".encode("latin-1"), "text/plain; charset=ISO-8859-1") == "Café"


def test_decode_reads_a_meta_charset() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body>\x93quoted\x94</body></html>'.encode("latin-1")
    assert "“quoted”" in decode(page)


def test_decode_strips_a_utf8_bom_and_reads_utf16() -> None:
    assert decode(b"\xef\xbb\xbfHello") == "Hello"
    assert decode("Hello".encode("utf-16")) == "Hello"


def test_clean_text_repairs_mojibake_and_composes() -> None:
    assert clean_text("Beijingâ€™s") == "Beijing’s"
    assert clean_text("Cafe\u0301") == "Café"
    assert clean_text("zero\u200bwidth") == "zerowidth"


def test_clean_line_collapses_spaces_and_nbsp() -> None:
    assert clean_line("  a \u00a0 b\t c  ") == "a b c"


@pytest.mark.parametrize(
    ("text", "content_type", "declared", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", None, "auto", "html"),
        ("Plain words with one <p> in them.", None, "auto", "text"),
        ("<p>x</p>", "text/plain", "auto", "text"),
        ("just text", "text/html; charset=utf-8", "auto", "html"),
        ("<html><body>x</body></html>", "text/html", "text", "text"),
    ],
)
def test_detect_format(text: str, content_type: str | None, declared: str, expected: str) -> None:
    assert detect_format(text, content_type, declared) == expected


def test_parse_refuses_an_empty_document() -> None:
    with pytest.raises(UnparseableDocument, match="empty"):
        parse(b" \n\t ")


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
