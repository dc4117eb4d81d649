"""HTML extraction: the main content and the page's metadata."""

from __future__ import annotations

import copy
import itertools
import re

import lxml.html
import trafilatura
from lxml import etree
from readability import Document

from workers.pipeline.document import Extraction, Paragraph, Removed
from workers.pipeline.html_accounting import account_for_page
from workers.pipeline.html_blocks import Block, SourceIndex, apply_link_shares, blocks_from_tree, index_source
from workers.pipeline.html_filter import sort_blocks
from workers.pipeline.html_lead import find_lead
from workers.pipeline.html_media import read_media
from workers.pipeline.html_metadata import read_metadata
from workers.pipeline.html_page import page_blocks
from workers.pipeline.html_recover import add_split_chunks
from workers.pipeline.html_removed import left_out_of_container, with_prose_restored
from workers.pipeline.text_stats import word_count

# Real articles are well under 1 MB of HTML; past this, parsing time and memory grow with no gain in text.
MAX_PAGE_CHARS = 2_000_000
# Real article pages have a few thousand elements and no text run longer than a few thousand characters;
# past these caps the page is cut, so that processing time and memory stay bounded on any input.
MAX_ELEMENTS = 10_000
MAX_TEXT_RUN_CHARS = 20_000
# Enough to explain what was left out (consecutive blocks of one kind share an entry) without megabytes of it.
MAX_REMOVED = 200
# Below this many words, trafilatura's fast mode may have taken one box of the page for the article: its full mode,
# which weighs its result against other algorithms' (twice the time), gets a try, on short pages only.
FULL_MODE_WORDS = 150
# Below this many words, trafilatura most likely missed the article, and a second extractor gets a try.
FALLBACK_WORDS = 60
# Comments and processing instructions go at parse time: trafilatura drops them later together with their tail text.
_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
# lxml.html picks each element's class (a form, an input ...) in Python every time an element is touched; one class
# for every element, picked in C, serves every reader of this tree alike and saves a sixteenth of the extraction time.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
_CODE_TAGS = {"script", "style", "template"}
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_LONG_TEXT_RUNS = etree.XPath(f"//text()[string-length(.) > {MAX_TEXT_RUN_CHARS}]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def extract_html(page: str, url: str | None = None) -> Extraction:
    """Extract the article body and metadata from an HTML page."""
    extraction = Extraction()
    if len(page) > MAX_PAGE_CHARS:
        extraction.warnings.append(f"page truncated from {len(page)} to {MAX_PAGE_CHARS} characters")
        page = page[:MAX_PAGE_CHARS]
    root = _parse(page)
    if root is None:
        extraction.warnings.append("the HTML could not be parsed")
        return extraction
    extraction.warnings.extend(_bound_tree(root))

    metadata = read_metadata(root, url)
    extraction.title = metadata.title
    extraction.authors = metadata.authors
    extraction.published_at = metadata.published_at
    extraction.modified_at = metadata.modified_at
    extraction.canonical_url = metadata.canonical_url
    extraction.site_name = metadata.site_name
    extraction.description = metadata.description
    extraction.language = metadata.language
    extraction.lead_image = metadata.lead_image
    extraction.media = read_media(root)

    captions = [media.caption for media in extraction.media]
    source = index_source(root)
    blocks = add_split_chunks(_trafilatura_blocks(root, url, source, extraction.warnings), source)
    verdict = sort_blocks(blocks, metadata.title, captions)
    if _words(verdict.paragraphs) < FULL_MODE_WORDS:
        full = add_split_chunks(_trafilatura_blocks(root, url, source, extraction.warnings, fast=False), source)
        full_verdict = sort_blocks(full, metadata.title, captions)
        if _words(full_verdict.paragraphs) > _words(verdict.paragraphs):
            verdict = full_verdict
    if _words(verdict.paragraphs) < FALLBACK_WORDS:
        fallback = sort_blocks(_readability_blocks(root, source, extraction.warnings), metadata.title, captions)
        if _words(fallback.paragraphs) > _words(verdict.paragraphs):
            extraction.warnings.append("main extractor found little text; used the fallback extractor")
            verdict = fallback
    extraction.subtitle = next((item.text for item in verdict.removed if item.reason == "subtitle"), None)
    left_out = left_out_of_container(verdict.paragraphs, verdict.removed, source, captions, metadata.title)
    visible = page_blocks(root)
    paragraphs = with_prose_restored(verdict.paragraphs, left_out)
    # Text of the container that the extractor left out for no named reason may still be the lead.
    explained = [item for item in left_out.removed if item.reason != "boilerplate"]
    lead = find_lead(paragraphs, visible, verdict.removed + explained, metadata.title, metadata.description)
    extraction.paragraphs = lead.paragraphs + paragraphs
    claimed = {paragraph.text for paragraph in lead.paragraphs} | {lead.summary}
    removed = verdict.removed + [
        item for item in left_out.removed if item.reason != "boilerplate" or item.text not in claimed
    ]
    if lead.summary is not None:
        removed.append(Removed(lead.summary, "subtitle"))
        extraction.subtitle = extraction.subtitle or lead.summary
    # What the extractors dropped comes first, then the rest of the page; past the cap, only a count.
    unlisted = max(0, len(removed) - MAX_REMOVED)
    removed = removed[:MAX_REMOVED]
    rest = account_for_page(
        visible, extraction.paragraphs, removed, metadata.title, captions, MAX_REMOVED - len(removed)
    )
    extraction.removed = removed + rest.removed
    unlisted += rest.unlisted_blocks
    if unlisted:
        extraction.warnings.append(f"{unlisted} more left-out blocks not listed in removed")
    return extraction


def _parse(page: str) -> etree._Element | None:
    """Parse once with lxml; every later step reads this tree."""
    # lxml refuses str input that still declares its byte encoding.
    page = _XML_DECLARATION.sub("", page, count=1)
    if not page.strip():
        return None
    try:
        return lxml.html.document_fromstring(page, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _bound_tree(root: etree._Element) -> list[str]:
    """Cut the tree down to the caps in place; return a warning for each cut made."""
    warnings: list[str] = []
    # Counting and measuring in XPath keeps the common case (nothing to cut) cheap.
    if _COUNT_ELEMENTS(root) > MAX_ELEMENTS:
        surplus = list(itertools.islice(root.iter(), MAX_ELEMENTS, None))
        for element in surplus:
            parent = element.getparent()
            if parent is not None and parent.getparent() is not None:
                parent.remove(element)
        warnings.append(f"page cut after {MAX_ELEMENTS} elements")
    long_runs = 0
    for run in _LONG_TEXT_RUNS(root):
        # lxml hands back "smart" strings that know which element holds them, as its text or as its tail.
        owner = run.getparent()
        if owner is None or (run.is_text and owner.tag in _CODE_TAGS):
            continue
        if run.is_text:
            owner.text = run[:MAX_TEXT_RUN_CHARS]
        else:
            owner.tail = run[:MAX_TEXT_RUN_CHARS]
        long_runs += 1
    if long_runs:
        warnings.append(f"{long_runs} text runs cut to {MAX_TEXT_RUN_CHARS} characters")
    return warnings


def _trafilatura_blocks(
    root: etree._Element, url: str | None, source: SourceIndex, warnings: list[str], fast: bool = True
) -> list[Block]:
    try:
        document = trafilatura.bare_extraction(
            root,
            url=url,
            favor_precision=True,
            fast=fast,
            include_comments=False,
            include_links=False,
            include_tables=True,
            with_metadata=False,
        )
    except Exception as error:  # third-party code on arbitrary input; the fallback still gets its chance
        warnings.append(f"trafilatura failed: {type(error).__name__}")
        return []
    body = getattr(document, "body", None)
    if body is None:
        return []
    blocks = blocks_from_tree(body)
    # Asking trafilatura for links costs it text on some pages, so link shares come from the page itself.
    apply_link_shares(blocks, source)
    return blocks


def _readability_blocks(root: etree._Element, source: SourceIndex, warnings: list[str]) -> list[Block]:
    try:
        # readability rewrites the tree it is given; later steps still need the original.
        summary = Document(copy.deepcopy(root)).summary(html_partial=True)
        blocks = blocks_from_tree(lxml.html.fragment_fromstring(summary, create_parent="div"))
    except Exception as error:  # readability asserts and raises on odd markup
        warnings.append(f"readability failed: {type(error).__name__}")
        return []
    apply_link_shares(blocks, source)
    return blocks


def _words(paragraphs: list[Paragraph]) -> int:
    return sum(word_count(paragraph.text) for paragraph in paragraphs)
