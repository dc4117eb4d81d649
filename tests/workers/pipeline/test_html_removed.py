"""Prose the extractor left out of the article container is put back where it stands."""

from __future__ import annotations

import lxml.html

from workers.pipeline.document import Paragraph
from workers.pipeline.html_blocks import index_source
from workers.pipeline.html_removed import LeftOut, left_out_of_container, with_prose_restored


def test_left_out_prose_is_put_back_in_place_and_replaces_a_shortened_copy() -> None:
    full = "The league said on Monday that it will fine the quarterback for his role in the fight. " * 4
    shortened = full.replace("it will fine the quarterback ", "")
    missing = "Another long paragraph the extractor dropped, with enough words to count as prose here. " * 4
    kept = [Paragraph("First paragraph."), Paragraph(shortened.strip()), Paragraph("Last paragraph.")]
    left_out = LeftOut(
        prose=[Paragraph(full.strip()), Paragraph(missing.strip())],
        prose_positions=[20, 25],
        kept_positions=[10, None, 30],
    )
    restored = with_prose_restored(kept, left_out)
    assert [paragraph.text for paragraph in restored] == [
        "First paragraph.",
        full.strip(),
        missing.strip(),
        "Last paragraph.",
    ]


def test_a_left_out_paragraph_of_two_sentences_in_the_container_is_prose() -> None:
    kept_text = "The council voted on Monday to close the old swimming pool at the end of the summer season."
    short = "Swimmers will travel to the next town. A new pool may open in four years, the mayor told local reporters."
    page = (
        f"<html><body><div class='story'><p>{kept_text}</p><p>{short}</p><p>{kept_text} Again.</p></div></body></html>"
    )
    kept = [Paragraph(kept_text), Paragraph(f"{kept_text} Again.")]
    left_out = left_out_of_container(kept, [], index_source(lxml.html.document_fromstring(page)), [])
    assert [paragraph.text for paragraph in left_out.prose] == [short]
