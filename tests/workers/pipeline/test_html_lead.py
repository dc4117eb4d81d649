"""The opening the extractor left outside the article container is put back; a summary becomes the subtitle."""

from __future__ import annotations

import lxml.html

from workers.pipeline.document import Paragraph
from workers.pipeline.html import extract_html
from workers.pipeline.html_lead import find_lead
from workers.pipeline.html_page import page_blocks

FIRST = "The council voted on Monday to close the old swimming pool at the end of the summer season."
INTRO = "Swimmers will have to travel to the next town until a new pool opens, which may take four years."
DESCRIPTION = "The town loses its only pool: what happens next for the swimming club and the schools."


def _page(header: str) -> str:
    return (
        "<html><body><header class='article-header'><h1>Pool to close</h1>" + header + "</header>"
        f"<div class='article-body'><p>{FIRST}</p></div></body></html>"
    )


def _lead(header: str, description: str | None = None, title: str = "Pool to close") -> tuple[list[str], str | None]:
    blocks = page_blocks(lxml.html.document_fromstring(_page(header)))
    lead = find_lead([Paragraph(FIRST)], blocks, [], title, description)
    return [paragraph.text for paragraph in lead.paragraphs], lead.summary


def test_an_intro_between_headline_and_body_opens_the_body() -> None:
    assert _lead(f"<div class='teaser-text'><p>{INTRO}</p></div>") == ([INTRO], None)


def test_the_headline_is_found_when_the_title_adds_the_site_name() -> None:
    teaser = f"<div class='teaser-text'><p>{INTRO}</p></div>"
    assert _lead(teaser, title="Pool to close › The Town Paper") == ([INTRO], None)


def test_a_standfirst_that_repeats_the_description_is_the_summary() -> None:
    header = f"<p class='dek'>{DESCRIPTION}</p><p class='byline'>By Ann Lee</p>"
    assert _lead(header, DESCRIPTION) == ([], DESCRIPTION)


def test_a_summary_running_straight_into_the_text_opens_the_body() -> None:
    assert _lead(f"<p class='teaser'>{DESCRIPTION}</p>", DESCRIPTION) == ([DESCRIPTION], None)


def test_captions_bylines_labels_and_links_are_not_the_lead() -> None:
    header = (
        f"<div class='photo-caption'><p>{INTRO}</p></div>"
        "<p class='byline'>By Ann Lee, who has covered the council for ten years and lives in the town.</p>"
        "<p>Updated</p>"
        "<p><a href='/a'>A whole paragraph that is nothing but a link to another story on the site.</a></p>"
    )
    assert _lead(header) == ([], None)


def test_whole_extraction_keeps_the_intro_and_lists_the_summary() -> None:
    article = " ".join([FIRST] * 6)
    page = (
        f"<html><head><title>Pool to close</title><meta name='description' content='{DESCRIPTION}'></head><body>"
        f"<header><h1>Pool to close</h1><p class='dek'>{DESCRIPTION}</p>"
        f"<div class='teaser-text'><p>{INTRO}</p></div></header>"
        f"<article><p>{article}</p><p>{article}</p></article></body></html>"
    )
    extraction = extract_html(page)
    assert [paragraph.text for paragraph in extraction.paragraphs][:2] == [INTRO, article]
    assert extraction.subtitle == DESCRIPTION
    assert ("subtitle", DESCRIPTION) in {(item.reason, item.text) for item in extraction.removed}


def test_an_intro_inside_the_article_header_that_the_extractor_left_out_opens_the_body() -> None:
    article = " ".join([FIRST] * 6)
    page = (
        "<html><head><title>Pool to close</title></head><body><article><header><h1>Pool to close</h1>"
        f"<div class='intro'><p>{INTRO}</p></div></header>"
        f"<div class='body'><p>{article}</p><p>{article}</p></div></article></body></html>"
    )
    extraction = extract_html(page)
    assert [paragraph.text for paragraph in extraction.paragraphs] == [INTRO, article]
    assert INTRO not in {item.text for item in extraction.removed}


def test_the_headline_is_the_one_within_reach_of_the_text_when_the_title_repeats_further_up() -> None:
    menu = "".join(f"<li><a href='/{number}'>Section {number}</a></li>" for number in range(30))
    page = (
        f"<html><body><div class='teaser'>Pool to close</div><ul>{menu}</ul>"
        f"<h1>Pool to close</h1><p class='teaser'>{INTRO}</p><div class='body'><p>{FIRST}</p></div></body></html>"
    )
    blocks = page_blocks(lxml.html.document_fromstring(page))
    lead = find_lead([Paragraph(FIRST)], blocks, [], "Pool to close", None)
    assert [paragraph.text for paragraph in lead.paragraphs] == [INTRO]
