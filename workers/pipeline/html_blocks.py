"""Turn an extractor's content tree into text blocks that keep their kind and their share of link text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_SPACES = re.compile(r"\s+")
# Zero-width spaces and byte-order marks are layout debris; joiners (emoji, Persian) carry meaning and stay.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")

# Tags of trafilatura's XML body and of plain HTML, mapped to our paragraph kinds.
_HEADINGS = {"head", "h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"list", "ul", "ol", "dl"}
_ITEMS = {"item", "li", "dt", "dd"}
_QUOTES = {"quote", "blockquote"}
_TABLES = {"table"}
_ROWS = {"row", "tr"}
_LINKS = {"ref", "a"}
_BREAKS = {"lb", "br"}
_SKIPPED = {"graphic", "img", "script", "style", "noscript", "figure", "figcaption", "iframe", "svg", "button"}
_BLOCKS = {"p", "div", "section", "article", "main", "pre", "code", "center", *_HEADINGS, *_LISTS, *_ITEMS}
_BLOCKS |= {*_QUOTES, *_TABLES, *_ROWS, "tbody", "thead"}


@dataclass
class Block:
    """One paragraph-sized piece of text found by an extractor."""

    text: str
    kind: str  # body | heading | blockquote | list
    link_chars: int = 0
    level: int = 0  # heading level (1-6) when kind is heading

    @property
    def link_density(self) -> float:
        """Share of the block's characters that sit inside links."""
        return self.link_chars / len(self.text) if self.text else 0.0


def clean_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) into single spaces, dropping zero-width ones."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text).replace("\xa0", " ")).strip()


def blocks_from_tree(root: etree._Element) -> list[Block]:
    """Flatten a content tree (trafilatura XML body or cleaned HTML) into blocks in reading order."""
    collector = _BlockCollector()
    collector.walk(root, "body")
    collector.flush()
    return collector.blocks


class _BlockCollector:
    """Walks a tree once, cutting text at block boundaries and counting the characters inside links."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._kind = "body"
        self._level = 0

    def flush(self) -> None:
        text = clean_space("".join(self._parts))
        if text:
            link_chars = min(self._link_chars, len(text))
            self.blocks.append(Block(text, self._kind, link_chars, self._level))
        self._parts = []
        self._link_chars = 0

    def _start(self, kind: str, level: int = 0) -> None:
        self.flush()
        self._kind = kind
        self._level = level

    def walk(self, element: etree._Element, inherited_kind: str, in_link: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _SKIPPED:
            self._tail(element, in_link)
            return
        kind = _kind_of(tag, inherited_kind)
        is_block = tag in _BLOCKS
        if is_block:
            self._start(kind, _heading_level(element, tag))
        elif tag in _BREAKS:
            # A line break inside a paragraph is layout, not a paragraph boundary.
            self._parts.append(" ")
        linked = in_link or tag in _LINKS
        if element.text:
            self._add(element.text, linked)
        for child in element:
            self.walk(child, kind, linked)
            if tag in _ROWS:
                self._parts.append(" ")
        if is_block:
            self._start(inherited_kind)
        self._tail(element, in_link)

    def _add(self, text: str, linked: bool) -> None:
        self._parts.append(text)
        if linked:
            self._link_chars += len(clean_space(text))

    def _tail(self, element: etree._Element, in_link: bool) -> None:
        if element.tail:
            self._add(element.tail, in_link)


def _kind_of(tag: str, inherited: str) -> str:
    if tag in _HEADINGS:
        return "heading"
    if tag in _QUOTES:
        return "blockquote"
    if tag in _LISTS or tag in _ITEMS:
        return "list"
    return inherited


def _heading_level(element: etree._Element, tag: str) -> int:
    if tag not in _HEADINGS:
        return 0
    rend = str(element.get("rend") or tag)
    return int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2


_SOURCE_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "td", "blockquote")


@dataclass
class SourceIndex:
    """The page's paragraph-like elements and its link texts, by whitespace-collapsed text."""

    elements: dict[str, etree._Element]
    link_texts: set[str]

    def link_share(self, text: str) -> float | None:
        """Share of link text the page gives this text, or None when the page has no element with exactly it."""
        element = self.elements.get(text)
        if element is not None:
            return link_share(element, text)
        return 1.0 if text in self.link_texts else None


def index_source(root: etree._Element) -> SourceIndex:
    """Index the page's paragraphs so that extractor output can be traced back to the page."""
    index = SourceIndex({}, set())
    for element in root.iter(*_SOURCE_BLOCK_TAGS):
        text = clean_space(element.text_content())
        if text:
            index.elements.setdefault(text, element)
    # Extractors also lift bare links out of menus; their text is all link.
    for link in root.iter("a"):
        index.link_texts.add(clean_space(link.text_content()))
    return index


def link_share(element: etree._Element, text: str) -> float:
    """Share of the element's text that sits inside links."""
    if _inside_link(element):
        return 1.0
    link_chars = sum(len(clean_space(link.text_content())) for link in element.iter("a"))
    return min(1.0, link_chars / len(text)) if text else 0.0


def _inside_link(element: etree._Element, levels: int = 3) -> bool:
    """Teaser cards wrap their whole headline in a link; a few levels up is enough to see it."""
    parent = element.getparent()
    for _ in range(levels):
        if parent is None:
            return False
        if parent.tag == "a":
            return True
        parent = parent.getparent()
    return False


def apply_link_shares(blocks: list[Block], index: SourceIndex) -> None:
    """Give blocks from an extractor that drops links the link share their text had on the page."""
    for block in blocks:
        share = index.link_share(block.text)
        if share is not None:
            block.link_chars = round(share * len(block.text))
