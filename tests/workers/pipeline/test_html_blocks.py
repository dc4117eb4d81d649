"""Text blocks keep their share of link text, read from the page."""

from __future__ import annotations

import lxml.html

from workers.pipeline.html_blocks import Block, apply_link_shares, index_source


def test_link_shares_come_from_the_page() -> None:
    root = lxml.html.document_fromstring(
        '<html><body><p>Plain text with <a href="/a">one link</a> inside.</p>'
        '<a href="/b"><h3>Teaser headline</h3></a></body></html>'
    )
    blocks = [Block("Plain text with one link inside.", "body"), Block("Teaser headline", "heading", level=3)]
    apply_link_shares(blocks, index_source(root))
    assert 0.2 < blocks[0].link_density < 0.4
    assert blocks[1].link_density == 1.0
