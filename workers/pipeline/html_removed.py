"""Account for the text inside the article container that the extractor left out, so nothing vanishes silently."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from workers.pipeline.captions import AGENCY_PATTERN
from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html_blocks import Block, SourceIndex, clean_space, link_share
from workers.pipeline.html_filter import block_reason, normalise_for_match
from workers.pipeline.html_recover import main_container
from workers.pipeline.text_stats import word_count

MAX_REPORTED = 100
MAX_KEPT_CHARS_SEARCHED = 300_000
# Left-out paragraphs this long, with sentences and few links, are put back into the body.
PROSE_MIN_WORDS = 20
_SENTENCE_ENDS = set('.!?…"”’)»')
_CODE = re.compile(r"[{};]\s*[\w#.-]+\s*[:=({]|function\s*\(|</?\w+[ >]")
_PHOTO_CAPTION = re.compile(
    AGENCY_PATTERN.pattern + r"[^.]{0,30}\b(photo|images?)\b|\bphotograph\b|\((photo|image)\b|"
    r"\b(photo|image|credit)\s*:",
    re.IGNORECASE,
)
# Text as shown: the content of scripts and styles nested in a paragraph is not text.
_VISIBLE_TEXTS = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")
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


@dataclass
class LeftOut:
    """What the extractor left out of the article container: boilerplate to report, prose to put back."""

    removed: list[Removed] = field(default_factory=list)
    prose: list[Paragraph] = field(default_factory=list)
    prose_positions: list[int] = field(default_factory=list)
    kept_positions: list[int | None] = field(default_factory=list)


def left_out_of_container(
    kept: list[Paragraph], removed: list[Removed], source: SourceIndex, captions: list[str], title: str | None = None
) -> LeftOut:
    """Text blocks of the article container that are neither kept nor already listed as removed."""
    left_out = LeftOut()
    blocks = [Block(paragraph.text, paragraph.kind) for paragraph in kept]
    container = main_container(blocks, source)
    if container is None:
        return left_out
    container = next((parent for parent in container.iterancestors("article")), container)
    positions = {element: position for position, element in enumerate(container.iter())}
    left_out.kept_positions = [positions.get(source.elements.get(paragraph.text)) for paragraph in kept]
    kept_keys = [normalise_for_match(paragraph.text) for paragraph in kept]
    accounted = {*kept_keys, *(normalise_for_match(item.text) for item in removed)}
    # Nested elements (a <p> in a kept <blockquote>) are covered by a kept paragraph's text.
    kept_text = "\n".join(kept_keys)[:MAX_KEPT_CHARS_SEARCHED]
    caption_keys = {normalise_for_match(caption) for caption in captions if caption}
    title_key = normalise_for_match(title or "")
    taken: set[etree._Element] = set()
    for element in container.iter(*_TEXT_TAGS):
        if len(left_out.removed) >= MAX_REPORTED:
            break
        if any(ancestor in taken for ancestor in element.iterancestors()):
            continue
        text = clean_space("".join(_VISIBLE_TEXTS(element)))
        key = normalise_for_match(text)
        if not key or key in accounted or key in kept_text:
            continue
        taken.add(element)
        accounted.add(key)
        block = Block(text, "body", round(link_share(element, text) * len(text)))
        reason = (
            "title" if key == title_key else _hinted_reason(element, container) or block_reason(block, caption_keys)
        )
        if reason is None and element.tag == "p" and _is_prose(block):
            left_out.prose.append(Paragraph(text))
            left_out.prose_positions.append(positions[element])
        else:
            left_out.removed.append(Removed(text, reason or "boilerplate"))
    return left_out


def _is_prose(block: Block) -> bool:
    """A long, link-poor paragraph of sentences: article text the extractor was too strict about."""
    text = block.text
    return (
        word_count(text) >= PROSE_MIN_WORDS
        and block.link_density < 0.2
        and text.rstrip()[-1:] in _SENTENCE_ENDS
        and not _CODE.search(text)
        and not _PHOTO_CAPTION.search(text)
    )


def with_prose_restored(kept: list[Paragraph], left_out: LeftOut) -> list[Paragraph]:
    """Kept paragraphs with the left-out prose put back where it stands on the page."""
    if not left_out.prose:
        return kept
    result = list(kept)
    positions = list(left_out.kept_positions)
    for paragraph, position in zip(left_out.prose, left_out.prose_positions, strict=True):
        shortened = _shortened_copy(result, paragraph)
        if shortened is not None:
            # The extractor kept this paragraph minus some inline text (typically a link): use the whole one.
            result[shortened] = Paragraph(paragraph.text, result[shortened].kind)
            positions[shortened] = position
            continue
        before = [
            index
            for index, kept_position in enumerate(positions)
            if kept_position is not None and kept_position < position
        ]
        insert_at = before[-1] + 1 if before else 0
        result.insert(insert_at, paragraph)
        positions.insert(insert_at, position)
    return result


def _shortened_copy(kept: list[Paragraph], paragraph: Paragraph) -> int | None:
    """Index of a kept paragraph that is this paragraph with a few words missing."""
    words = set(normalise_for_match(paragraph.text).split())
    for index, candidate in enumerate(kept):
        candidate_words = set(normalise_for_match(candidate.text).split())
        if len(candidate_words) < 0.5 * len(words):
            continue
        if len(candidate_words & words) >= 0.9 * len(candidate_words):
            return index
    return None


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
