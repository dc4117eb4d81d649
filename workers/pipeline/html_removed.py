"""Account for the text inside the article container that the extractor left out, so nothing vanishes silently."""

from __future__ import annotations

import re

from lxml import etree

from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html_blocks import Block, SourceIndex, clean_space, link_share
from workers.pipeline.html_filter import block_reason, normalise_for_match
from workers.pipeline.html_recover import main_container

MAX_REPORTED = 100
MAX_KEPT_CHARS_SEARCHED = 300_000
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "blockquote", "dd", "dt")
# Class and id words of an element (or its wrappers) that say what the text is for.
_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("caption", re.compile(r"caption|credit|photo|image|media", re.I)),
    ("share", re.compile(r"share|social|sharing", re.I)),
    ("newsletter", re.compile(r"newsletter|subscri|signup|sign-up", re.I)),
    ("related", re.compile(r"related|recommend|read-?more|more-?stories|teaser|outbrain|taboola", re.I)),
    ("comment", re.compile(r"comment|disqus|discussion", re.I)),
    ("byline", re.compile(r"byline|author|dateline|timestamp|date", re.I)),
    ("advertising", re.compile(r"\bad\b|ads|advert|sponsor|promo|affiliate", re.I)),
    ("tags", re.compile(r"\btags?\b|topics|keywords", re.I)),
)


def left_out_of_container(
    kept: list[Paragraph], removed: list[Removed], source: SourceIndex, captions: list[str]
) -> list[Removed]:
    """Text blocks of the article container that are neither kept nor already listed as removed."""
    blocks = [Block(paragraph.text, paragraph.kind) for paragraph in kept]
    container = main_container(blocks, source)
    if container is None:
        return []
    container = next((parent for parent in container.iterancestors("article")), container)
    kept_keys = [normalise_for_match(paragraph.text) for paragraph in kept]
    accounted = {*kept_keys, *(normalise_for_match(item.text) for item in removed)}
    # Nested elements (a <p> in a kept <blockquote>) are covered by a kept paragraph's text.
    kept_text = "\n".join(kept_keys)[:MAX_KEPT_CHARS_SEARCHED]
    caption_keys = {normalise_for_match(caption) for caption in captions if caption}
    reported: list[Removed] = []
    taken: set[etree._Element] = set()
    for element in container.iter(*_TEXT_TAGS):
        if len(reported) >= MAX_REPORTED:
            break
        if any(ancestor in taken for ancestor in element.iterancestors()):
            continue
        text = clean_space(element.text_content())
        key = normalise_for_match(text)
        if not key or key in accounted or key in kept_text:
            continue
        taken.add(element)
        accounted.add(key)
        block = Block(text, "body", round(link_share(element, text) * len(text)))
        reason = _hinted_reason(element, container) or block_reason(block, caption_keys) or "boilerplate"
        reported.append(Removed(text, reason))
    return reported


def _hinted_reason(element: etree._Element, container: etree._Element) -> str | None:
    """The purpose the element's own or its wrappers' class/id names declare, up to the container."""
    if element.tag == "figcaption":
        return "caption"
    current: etree._Element | None = element
    while current is not None and current is not container:
        names = f"{current.get('class') or ''} {current.get('id') or ''}"
        if names.strip():
            for reason, pattern in _HINTS:
                if pattern.search(names):
                    return reason
        if current.tag in {"figure", "aside", "nav", "footer"}:
            return {"figure": "caption", "aside": "related", "nav": "navigation", "footer": "boilerplate"}[current.tag]
        current = current.getparent()
    return None
