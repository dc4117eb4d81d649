"""Recover article text that an extractor left behind because the page splits the article into chunks."""

from __future__ import annotations

from collections import Counter

from lxml import etree

from workers.pipeline.html_blocks import Block, SourceIndex, clean_space, link_share
from workers.pipeline.text_stats import word_count

# How far above the paragraphs' parent to look for sibling chunks of the same kind.
MAX_LEVELS_UP = 3
# A recovered chunk must carry at least this much text, so a teaser card of the same class does not qualify.
MIN_CHUNK_WORDS = 40
MIN_PARAGRAPH_WORDS = 20
_OUTSIDE_TEXT = {"aside", "figure", "figcaption", "nav", "footer", "form", "header", "script", "style", "noscript"}
_TEXT_TAGS = ("p", "h2", "h3", "h4", "blockquote", "li")


def add_split_chunks(blocks: list[Block], source: SourceIndex) -> list[Block]:
    """Blocks plus the paragraphs of sibling containers shaped like the one the extractor chose."""
    anchor = main_container(blocks, source)
    if anchor is None:
        return blocks
    known = {block.text for block in blocks}
    for _ in range(MAX_LEVELS_UP):
        parent = anchor.getparent()
        if parent is None or parent.tag in {"body", "html"}:
            return blocks
        siblings = [child for child in parent if child is not anchor and _same_shape(child, anchor)]
        if siblings:
            position = parent.index(anchor)
            before = [block for sibling in siblings if parent.index(sibling) < position for block in _chunk(sibling)]
            after = [block for sibling in siblings if parent.index(sibling) > position for block in _chunk(sibling)]
            before = [block for block in before if block.text not in known]
            after = [block for block in after if block.text not in known]
            return before + blocks + after
        anchor = parent
    return blocks


def main_container(blocks: list[Block], source: SourceIndex) -> etree._Element | None:
    """The parent element holding most of the extracted text."""
    weights: Counter[etree._Element] = Counter()
    for block in blocks:
        element = source.elements.get(block.text)
        if element is not None and element.tag == "p":
            parent = element.getparent()
            if parent is not None:
                weights[parent] += len(block.text)
    if not weights:
        return None
    container, weight = weights.most_common(1)[0]
    return container if weight >= 0.5 * sum(len(block.text) for block in blocks) else None


def _same_shape(candidate: etree._Element, anchor: etree._Element) -> bool:
    return (
        isinstance(candidate.tag, str)
        and candidate.tag == anchor.tag
        and (candidate.get("class") or "") == (anchor.get("class") or "")
    )


def _chunk(container: etree._Element) -> list[Block]:
    """The text paragraphs of a sibling container, or nothing if it does not read like article text."""
    blocks: list[Block] = []
    taken: set[etree._Element] = set()
    for element in container.iter(*_TEXT_TAGS):
        if _inside_taken_or_outside_text(element, container, taken):
            continue
        text = clean_space(element.text_content())
        if not text:
            continue
        taken.add(element)
        blocks.append(
            Block(text, _kind(element.tag), round(link_share(element, text) * len(text)), _level(element.tag))
        )
    prose = [block for block in blocks if block.kind == "body" and block.link_density < 0.5]
    # Article text comes as paragraphs of sentences; link lists and card grids of the same shape do not.
    reads_as_article = any(word_count(block.text) >= MIN_PARAGRAPH_WORDS for block in prose)
    return blocks if reads_as_article and sum(word_count(block.text) for block in prose) >= MIN_CHUNK_WORDS else []


def _inside_taken_or_outside_text(
    element: etree._Element, container: etree._Element, taken: set[etree._Element]
) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is container:
            return False
        if ancestor in taken or ancestor.tag in _OUTSIDE_TEXT:
            return True
    return False


def _kind(tag: str) -> str:
    return {"h2": "heading", "h3": "heading", "h4": "heading", "blockquote": "blockquote", "li": "list"}.get(
        tag, "body"
    )


def _level(tag: str) -> int:
    return int(tag[1]) if tag in {"h2", "h3", "h4"} else 0
