"""The page as visible text blocks, each with the region its landmark or class names give it."""

from __future__ import annotations

import lxml.html

from workers.pipeline.html_page import page_blocks


def _blocks(body: str) -> list[tuple[str, str | None]]:
    root = lxml.html.document_fromstring(f"<html><head><title>T</title></head><body>{body}</body></html>")
    return [(block.text, block.region) for block in page_blocks(root)]


def test_text_around_a_nested_block_makes_blocks_of_its_own() -> None:
    assert _blocks("<div>Before <b>bold</b><p>Inside</p>after</div>") == [
        ("Before bold", None),
        ("Inside", None),
        ("after", None),
    ]


def test_code_and_hidden_markup_are_not_text() -> None:
    assert _blocks("<p>Shown<script>var x = 1;</script><style>p{}</style></p><select><option>A</option></select>") == [
        ("Shown", None)
    ]


def test_landmarks_and_class_names_name_the_region_and_the_innermost_wins() -> None:
    blocks = _blocks(
        "<header><a href='/'>Site</a></header>"
        "<nav><a href='/a'>Menu item</a></nav>"
        "<div class='cookie-notice'>We use cookies.</div>"
        "<aside class='most-read'>Popular story</aside>"
        "<footer><div class='social-links'>Follow</div><p>Imprint</p></footer>"
        "<div class='content-sidebar-wrap'><article><p>Story text.</p>"
        "<figure><div class='imageEmbedCaption'>A caption.</div></figure></article></div>"
    )
    assert blocks == [
        ("Site", "navigation"),
        ("Menu item", "navigation"),
        ("We use cookies.", "cookie"),
        ("Popular story", "related"),
        ("Follow", "share"),
        ("Imprint", "footer"),
        ("Story text.", None),
        ("A caption.", "caption"),
    ]


def test_an_article_header_with_the_headline_is_not_the_masthead() -> None:
    assert _blocks("<header><h1>Headline</h1><p>Intro.</p></header>") == [("Headline", None), ("Intro.", None)]


def test_class_names_that_say_what_a_box_holds_do_not_name_it() -> None:
    blocks = _blocks(
        "<section class='o-section o-section--has-ads'><h2>Standfirst.</h2><div class='ad-slot'>Ad</div></section>"
        "<header class='article-header has-sharing'><h1>Headline</h1></header>"
    )
    assert blocks == [("Standfirst.", None), ("Ad", "advertising"), ("Headline", None)]


def test_link_text_is_counted() -> None:
    root = lxml.html.document_fromstring("<html><body><p>Read <a href='/x'>this story</a></p></body></html>")
    (block,) = page_blocks(root)
    assert block.link_chars == len("this story")
