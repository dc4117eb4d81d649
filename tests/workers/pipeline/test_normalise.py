"""Decoding bytes and repairing text."""

from __future__ import annotations

from pathlib import Path

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


REPAIR_CASES = [
    "caf\u00c3\u00a9 &amp; bar\r\nnext\x0cline\x1b[31mred\x00\n",
    "&lt;b&gt; before any markup\n<p>x &amp; y</p>\n&amp; after markup stays\n",
    "plain ascii\n\nwith\ttabs\n",
    "A\u0301 composes\rline\u2028break\u0085",
    "\u00e2\u20ac\u0153quoted\u00e2\u20ac\x9d\n" * 3,
    "caf\u00e9 na\u00efve \u201ccurly\u201d \u2014 dash\n" + "x" * 5000 + "\n",
]


def test_repair_is_ftfy_fix_text_exactly() -> None:
    """The shortcut over plain ASCII lines changes nothing ftfy would have changed, on markup and text alike."""
    import ftfy

    from workers.pipeline.normalise import REPAIR, repair

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    texts = [*REPAIR_CASES, *(decode(path.read_bytes()) for path in sorted(fixtures.rglob("*.*"))[:80])]
    for text in texts:
        assert repair(text) == ftfy.fix_text(text, REPAIR)
