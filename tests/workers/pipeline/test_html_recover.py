"""Article text split over sibling containers is recovered."""

from __future__ import annotations

import lxml.html

from workers.pipeline.html_blocks import Block, index_source
from workers.pipeline.html_recover import add_split_chunks


def test_article_split_over_sibling_chunks_is_put_back_together() -> None:
    first = " ".join(["The first chunk of the article says something worth reading."] * 6)
    second = " ".join(["The second chunk goes on after the advertisement in between."] * 6)
    root = lxml.html.document_fromstring(
        f'<html><body><div class="chunks"><div class="chunk"><p>{first}</p></div><div class="ad">Buy now</div>'
        f'<div class="chunk"><p>{second}</p></div></div>'
        '<div class="chunk-teaser"><p>Other story</p></div></body></html>'
    )
    source = index_source(root)
    blocks = add_split_chunks([Block(first, "body")], source)
    assert [block.text for block in blocks] == [first, second]
