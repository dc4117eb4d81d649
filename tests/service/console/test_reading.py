"""The reading view: quotes and mentions marked at their offsets, removed text put back where it stood."""

from __future__ import annotations

from service.console.reading import decode_raw, reading_view

DOCUMENT = {
    "paragraphs": [
        {"index": 0, "text": "Wang Yi said “talks will start soon” on Monday.", "kind": "body"},
        {"index": 1, "text": "Blinken disagreed.", "kind": "body"},
    ],
    "quotes": [{"text": "talks will start soon", "speaker": "Wang Yi", "paragraph": 0, "start": 14, "end": 35}],
    "entities": [
        {"name": "Wang Yi", "type": "person", "aliases": ["Wang"], "mentions": 1},
        {"name": "Antony Blinken", "type": "person", "aliases": ["Blinken"], "mentions": 1},
    ],
    "removed": [
        {"text": "wire photo", "reason": "boilerplate"},
        {"text": "A caption between the two.", "reason": "caption"},
        {"text": "Text the input never had.", "reason": "boilerplate"},
    ],
}
RAW = (
    "wire photo\n\nWang Yi said “talks will start soon” on Monday.\n\n"
    "A caption between the two.\n\nBlinken disagreed.\n"
)


def test_removed_text_stands_where_it_was_in_the_input() -> None:
    reading = reading_view(DOCUMENT, RAW, is_html=False)

    assert [(block.kind, block.text[:12]) for block in reading.blocks] == [
        ("removed", "wire photo"),
        ("body", "Wang Yi said"),
        ("removed", "A caption be"),
        ("body", "Blinken disa"),
    ]
    assert [block.text for block in reading.unplaced] == ["Text the input never had."]


def test_html_input_is_searched_as_visible_text() -> None:
    raw = (
        "<p>wire <b>photo</b></p><script>var x = 'Blinken disagreed.'</script>"
        "<p>Wang Yi said &ldquo;talks will start soon&rdquo; on Monday.</p><p>Blinken disagreed.</p>"
    )

    reading = reading_view(DOCUMENT, raw, is_html=True)

    assert reading.blocks[0].text == "wire photo" and reading.blocks[1].index == 0


def test_quotes_carry_their_speaker_and_mentions_their_entity() -> None:
    first = reading_view(DOCUMENT, None, is_html=False).blocks[0]

    quoted = [run for run in first.runs if run.quote is not None]
    assert len(quoted) == 1 and quoted[0].speaker == "Wang Yi"
    assert "".join(piece.text for piece in quoted[0].pieces) == "talks will start soon"
    mentions = [(piece.text, piece.entity) for run in first.runs for piece in run.pieces if piece.entity is not None]
    assert mentions == [("Wang Yi", 0)]
    assert "".join(piece.text for run in first.runs for piece in run.pieces) == DOCUMENT["paragraphs"][0]["text"]


def test_a_quote_outside_its_paragraph_is_not_marked() -> None:
    document = {**DOCUMENT, "quotes": [{**DOCUMENT["quotes"][0], "end": 500}]}

    first = reading_view(document, None, is_html=False).blocks[0]

    assert all(run.quote is None for run in first.runs)


def test_raw_input_is_decoded_with_its_declared_charset_and_never_fails() -> None:
    assert decode_raw("café".encode("cp1252"), "text/plain; charset=windows-1252") == "café"
    assert decode_raw(b"caf\xe9", "text/plain") == "caf\ufffd"
    assert decode_raw(b"ok", "text/plain; charset=no-such-charset") == "ok"
