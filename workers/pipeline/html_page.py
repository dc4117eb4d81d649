"""The page as a reader sees it: its visible text cut into blocks in reading order, each with the region it sits in.

Extractors hand back the article; this is the rest of the page, so that what was left out can be listed with a
reason (`html_accounting`) and text that belongs to the article but sits outside its container can be found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from lxml import etree

from workers.pipeline.html_filter import normalise_for_match

# Tags that start a new block of text; inline tags (a, span, b, em ...) continue the block they are in.
BLOCK_TAGS = frozenset(
    {
        *("p", "div", "section", "article", "main", "aside", "nav", "header", "footer", "form", "fieldset"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "li", "dt", "dd", "table", "tbody", "thead"),
        *("tfoot", "tr", "td", "th", "caption", "blockquote", "pre", "figure", "figcaption", "address", "details"),
        *("summary", "legend", "center", "body", "hgroup", "menu", "dialog"),
    }
)
# Not shown as text: code, embedded documents, drop-down options, the head.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "select"})
# Landmarks and the class/id words that name a page region's purpose; the first that matches names the region.
_LANDMARKS = {"nav": "navigation", "footer": "footer", "aside": "sidebar", "form": "form", "menu": "navigation"}
_REGION_NAMES = re.compile(
    r"(?P<caption>caption|credit)|"  # also inside camel-cased names ("imageEmbedCaption")
    r"(?<![a-z])(?:"
    r"(?P<cookie>cookie|consent|gdpr)|"
    r"(?P<byline>byline|author-?bio|short-?bio|bio-?box)|"
    r"(?P<overlay>modal|popup|overlay|lightbox)|"
    r"(?P<comment>comments?(?![a-z])|disqus|discussion)|"
    r"(?P<navigation>nav|menu|breadcrumb|pagination|skip-?link)|"
    r"(?P<footer>footer)|"
    r"(?P<share>share|sharing|social)|"
    r"(?P<newsletter>newsletter|subscribe|signup)|"
    r"(?P<related>related|recommend|most-?(?:read|popular|viewed)|popular|trending|outbrain|taboola)|"
    r"(?P<advertising>(?:ads?|advert\w*|sponsor\w*)(?![a-z]))|"
    r"(?P<sidebar>sidebar|widget))",
    re.IGNORECASE,
)
_REGION_TAGS = frozenset({*_LANDMARKS, "header", "article", "main"})


@dataclass
class PageBlock:
    """A run of visible text between block boundaries, with the block element that holds it."""

    text: str
    element: etree._Element
    region: str | None  # what the landmark or class names around it say it is, if anything
    link_chars: int = 0

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @cached_property
    def key(self) -> str:
        """The text as compared with the body and the removed entries (`normalise_for_match`)."""
        return normalise_for_match(self.text)


@dataclass
class _Open:
    element: etree._Element
    region: str | None
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0


def page_blocks(root: etree._Element) -> list[PageBlock]:
    """The page's visible text blocks in document order (text around a nested block forms blocks of its own)."""
    body = root.find("body")
    start = body if body is not None else root
    blocks: list[PageBlock] = []
    opened: list[_Open] = [_Open(start, _region_of(start, None))]
    # Per element on the current path: its region and whether it sits in a link.
    path: list[tuple[str | None, bool]] = [(opened[0].region, False)]
    walker = etree.iterwalk(start, events=("start", "end"))
    next(walker)  # the start element itself is already open
    if start.text:
        opened[0].parts.append(start.text)
    for event, element in walker:
        tag = element.tag
        if event == "start":
            state = path[-1]
            if tag in _HIDDEN_TAGS or not isinstance(tag, str):
                walker.skip_subtree()
                path.append(state)
                continue
            if tag in _REGION_TAGS or element.get("class") or element.get("id"):
                region = _region_of(element, state[0])
                if region != state[0]:
                    state = (region, state[1])
            if tag == "a" and not state[1]:
                state = (state[0], True)
            path.append(state)
            if tag in BLOCK_TAGS:
                if opened[-1].parts:
                    _flush(opened[-1], blocks)
                opened.append(_Open(element, state[0]))
            if element.text:
                _add(opened[-1], element.text, state[1])
            continue
        if element is start:
            break
        path.pop()
        if tag in BLOCK_TAGS and opened[-1].element is element and len(opened) > 1:
            _flush(opened.pop(), blocks)
        if element.tail:
            _add(opened[-1], element.tail, path[-1][1])
    _flush(opened[0], blocks)
    return blocks


def _add(block: _Open, text: str, in_link: bool) -> None:
    block.parts.append(text)
    if in_link:
        block.link_chars += len(text.strip())


def _flush(block: _Open, blocks: list[PageBlock]) -> None:
    if not block.parts:
        return
    # str.split() also splits at no-break spaces; zero-width characters were removed when the page was decoded.
    text = " ".join("".join(block.parts).split())
    if text:
        blocks.append(PageBlock(text, block.element, block.region, min(block.link_chars, len(text))))
    block.parts = []
    block.link_chars = 0


def _region_of(element: etree._Element, inherited: str | None) -> str | None:
    """The region an element opens (a named box or a landmark; the innermost wins), or the one it inherits."""
    tag = element.tag
    if tag in {"article", "main"}:
        return None  # the page says the article is here, whatever the wrappers around it are called
    if tag not in {"body", "html"}:
        # A name says more than a landmark: <aside class="most-read"> is a related-links box.
        named = _named_region(element.get("class") or "", element.get("id") or "")
        if named is not None:
            return named
    if tag in _LANDMARKS:
        return _LANDMARKS[tag]
    if tag == "header" and element.find(".//h1") is None and not _in_article(element):
        return "navigation"  # the site's masthead; an article's own header holds its headline
    return inherited


def _in_article(element: etree._Element) -> bool:
    return any(ancestor.tag in {"article", "main"} for ancestor in element.iterancestors())


# "has-sharing", "section--has-ads", "with-comments": what an element holds, not what it is.
_HOLDS = re.compile(r"(?<![a-z])(?:has|with|no)-[\w-]*", re.IGNORECASE)


# A page repeats its class names (every menu item, every teaser card): each is read once.
@lru_cache(maxsize=4096)
def _named_region(class_names: str, identifier: str) -> str | None:
    found = _REGION_NAMES.search(_HOLDS.sub(" ", f"{class_names} {identifier}"))
    return found.lastgroup if found is not None else None
