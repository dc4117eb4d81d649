"""Every block of a page that the body leaves out is listed in removed[] with a reason, grouped and capped."""

from __future__ import annotations

import lxml.html

from tests.workers.pipeline.samples import benchmark_page
from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html import MAX_REMOVED, extract_html
from workers.pipeline.html_accounting import MAX_ENTRY_CHARS, account_for_page
from workers.pipeline.html_filter import normalise_for_match
from workers.pipeline.html_page import page_blocks

STORY = (
    "The harbour authority approved the new ferry terminal on Tuesday after three years of planning, "
    "and construction is due to start in the spring once the last permits have been signed."
)
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>Ferry terminal approved | Harbour News</title></head><body>
<div id="cookie-banner"><p>We use cookies to improve your experience. By continuing you accept our cookie policy.</p>
<button>Accept all</button></div>
<header><a href="/">Harbour News</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li><li><a href="/sport">Sport</a></li></ul></nav>
</header>
<main><article>
<h1>Ferry terminal approved</h1>
<p>{STORY}</p>
<p>The terminal will handle four sailings a day to the islands, twice as many as the old pier, and the
authority expects the number of foot passengers to double within five years of the opening.</p>
<p>Local businesses welcomed the decision, saying the extra visitors would help shops and cafes along the
seafront that have struggled since the old pier was closed to larger boats two winters ago.</p>
</article>
<aside class="most-read"><h2>Most read</h2><ol><li><a href="/a">Storm closes the coast road</a></li>
<li><a href="/b">Lifeboat crew rescues two kayakers</a></li></ol></aside>
</main>
<footer><p>© 2024 Harbour News. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def _all_listed(texts: list[str], removed: list[Removed]) -> list[str]:
    listed = " ".join(normalise_for_match(item.text) for item in removed)
    return [text for text in texts if normalise_for_match(text) not in listed]


def test_page_furniture_is_listed_in_removed_with_its_reason() -> None:
    extraction = extract_html(PAGE)
    body = "\n".join(paragraph.text for paragraph in extraction.paragraphs)
    assert body.startswith("The harbour authority approved")
    reasons = {item.reason for item in extraction.removed}
    assert {"cookie", "navigation", "related", "footer", "title"} <= reasons
    furniture = ["We use cookies", "Accept all", "Home", "Local", "Sport", "Most read", "Storm closes the coast road"]
    assert _all_listed([*furniture, "© 2024 Harbour News", "Privacy policy"], extraction.removed) == []


def test_every_visible_block_is_in_the_body_or_in_removed() -> None:
    extraction = extract_html(PAGE)
    body = " ".join(normalise_for_match(paragraph.text) for paragraph in extraction.paragraphs)
    listed = " ".join(normalise_for_match(item.text) for item in extraction.removed)
    missing = [
        block.text
        for block in page_blocks(lxml.html.document_fromstring(PAGE))
        if normalise_for_match(block.text) not in body and normalise_for_match(block.text) not in listed
    ]
    assert missing == []


def test_consecutive_blocks_of_one_kind_share_an_entry() -> None:
    extraction = extract_html(PAGE)
    navigation = [item.text for item in extraction.removed if item.reason == "navigation"]
    assert navigation == ["Harbour News\nHome\nLocal\nSport"]


def test_a_huge_menu_is_capped_and_the_rest_counted() -> None:
    menu = "".join(
        f'<div class="x{number}"><a href="/{number}">Section {number}</a></div><p>{number}</p>' for number in range(900)
    )
    page = PAGE.replace("<main>", f"<div>{menu}</div><main>")
    extraction = extract_html(page)
    assert len(extraction.removed) == MAX_REMOVED
    assert sum(len(item.text) for item in extraction.removed) <= MAX_REMOVED * MAX_ENTRY_CHARS
    assert any("left-out blocks not listed" in warning for warning in extraction.warnings)


def test_long_groups_are_cut_with_an_ellipsis() -> None:
    items = "".join(f"<li><a href='/{n}'>Link number {n}</a></li>" for n in range(200))
    root = lxml.html.document_fromstring(f"<html><body><nav><ul>{items}</ul></nav><p>{STORY}</p></body></html>")
    accounting = account_for_page(page_blocks(root), [Paragraph(STORY)], [], None, [], limit=10)
    assert [item.reason for item in accounting.removed] == ["navigation"]
    assert len(accounting.removed[0].text) <= MAX_ENTRY_CHARS
    assert accounting.removed[0].text.endswith("…")


def test_a_word_of_the_body_does_not_hide_a_menu_item_of_the_same_word() -> None:
    root = lxml.html.document_fromstring(f"<html><body><nav><a href='/'>Planning</a></nav><p>{STORY}</p></body></html>")
    accounting = account_for_page(page_blocks(root), [Paragraph(STORY)], [], None, [], limit=10)
    assert [(item.text, item.reason) for item in accounting.removed] == [("Planning", "navigation")]


def test_a_real_page_leaves_nothing_unaccounted_and_stays_bounded() -> None:
    page, _ = benchmark_page("f8ff621a")
    extraction = extract_html(page)
    body = " ".join(normalise_for_match(paragraph.text) for paragraph in extraction.paragraphs)
    listed = " ".join(normalise_for_match(item.text.removesuffix(" …")) for item in extraction.removed)
    missing = [
        block.text
        for block in page_blocks(lxml.html.document_fromstring(page))
        if block.key not in body and block.key[:60] not in listed  # a long group's entry is cut short
    ]
    assert missing == []
    reasons = {item.reason for item in extraction.removed}
    assert {"navigation", "footer", "caption", "title"} <= reasons
    assert len(extraction.removed) <= MAX_REMOVED
    assert all(
        len(item.text) <= MAX_ENTRY_CHARS for item in extraction.removed if item.reason in {"navigation", "footer"}
    )
