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
    "Windows lines\r\nwith \u00c3\u00bc mojibake\r\n\r\ndouble\r\r\nlone\rend\r\n",
    "<p>M\u00c3\u00bcnchen &amp; K\u00c3\u00b6ln</p>\n<p>\u201cQuoted\u201d \u2014 and \u2019curly\u2019</p>\n",
    "Stra\u00dfe \u00fcber \u00c4rger, \u00e9t\u00e9, ni\u00f1o\n\u00c3\u00a9t\u00c3\u00a9\n",
    "\ufeffbyte order mark\u206a and \ufff9 specials\ud800\n",
    "Te\u0301cnicas \u2000 spaces\n\u09af\u09bc and \u09df\n",
]


def test_repair_is_ftfy_fix_text_up_to_nfc() -> None:
    """The lines kept from ftfy hold nothing ftfy would have changed but their normal form, on markup and text alike."""
    import unicodedata

    import ftfy

    from workers.pipeline.normalise import REPAIR, repair

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    texts = [*REPAIR_CASES, *(decode(path.read_bytes()) for path in sorted(fixtures.rglob("*.*"))[:80])]
    for text in texts:
        assert unicodedata.normalize("NFC", repair(text)) == ftfy.fix_text(text, REPAIR)


def test_every_branch_of_ftfys_mojibake_expression_needs_a_character_the_shortcut_looks_for() -> None:
    """If an ftfy upgrade adds a branch made of ASCII alone, repair() falls back to sending every non-ASCII line."""
    import ftfy.badness

    from workers.pipeline.normalise import _one_class_per_branch

    signs = _one_class_per_branch(ftfy.badness.BADNESS_RE)
    assert signs is not None
    assert "\u00c3" in signs and "\u2019" not in signs and "\u201c" not in signs


def test_one_class_per_branch_picks_a_required_non_ascii_class_or_gives_up() -> None:
    import re

    from workers.pipeline.normalise import _one_class_per_branch

    assert _one_class_per_branch(re.compile("[\u00e9\u00e8]x|\u00fc[\u201c\u00c4-\u00c6]|a?\u00df")) == {
        "\u00e9",
        "\u00e8",
        "\u00fc",
        "\u00df",
    }
    assert _one_class_per_branch(re.compile("\u00e9x|ab")) is None
    assert _one_class_per_branch(re.compile("(?:\u00e9)?x")) is None
    assert _one_class_per_branch(re.compile("\u00e9", re.IGNORECASE)) is None
