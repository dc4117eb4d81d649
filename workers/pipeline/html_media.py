"""Figures and their captions, read from the parsed page so they stay out of the body."""

from __future__ import annotations

import re

from lxml import etree

from workers.pipeline.document import Media
from workers.pipeline.html_blocks import clean_space, link_share
from workers.pipeline.text_stats import word_count

_CREDIT_HINT = re.compile(r"credit|copyright|byline|source|photographer|attribution|courtesy|author", re.IGNORECASE)
_IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original", "data-url")
MAX_MEDIA = 50
# A credit is a name or two and an agency; a longer element classed as one is a byline box or a summary.
MAX_CREDIT_CHARS = 100
# A caption box with fewer words is a label ("Advertisement", a name) rather than a caption.
MIN_BOX_CAPTION_WORDS = 3
_BLOCK_TAGS = {"p", "div", "br", "li"}
_CAPTION_CLASS = re.compile(r"caption", re.IGNORECASE)
# Figures, and caption-classed boxes that are not inside a figure or inside another caption box.
_CAPTION_CANDIDATES = etree.XPath(
    "//figure | //*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')]"
    "[not(ancestor::figure)][not(ancestor::*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')])]"
)


def read_media(root: etree._Element) -> list[Media]:
    """One Media per captioned image (a <figure> with <figcaption>, or a caption-classed box), in page order."""
    media: list[Media] = []
    seen: set[str] = set()
    for element in _CAPTION_CANDIDATES(root):
        if element.tag == "figure":
            caption_element = next(element.iter("figcaption"), None)
            frame = element
        elif element.tag != "figcaption" and _CAPTION_CLASS.search(element.get("class") or ""):
            caption_element, frame = _caption_in_box(element)
        else:
            continue
        if caption_element is None or frame is None:
            continue
        caption, credit = _caption_and_credit(caption_element, frame)
        if (not caption and not credit) or caption in seen:
            continue
        if element.tag != "figure" and not _reads_as_caption(caption_element, caption):
            continue
        seen.add(caption)
        media.append(Media(caption=caption, credit=credit, url=_image_url(frame)))
        if len(media) >= MAX_MEDIA:
            break
    return media


def _reads_as_caption(element: etree._Element, caption: str) -> bool:
    """A caption box holds a sentence or two about a picture, not a label or a teaser link to another story."""
    return word_count(caption) >= MIN_BOX_CAPTION_WORDS and (not caption or link_share(element, caption) < 0.5)


def _caption_in_box(box: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """Caption element and image frame of a caption box: "wp-caption" wraps both, a bare one sits by its image."""
    if next(box.iter("img"), None) is None:
        return box, _image_frame(box)
    inner = (
        element
        for element in box.iter()
        if element is not box
        and isinstance(element.tag, str)
        and _CAPTION_CLASS.search(element.get("class") or "")
        and next(element.iter("img"), None) is None
    )
    return next(inner, None), box


def _image_frame(caption_element: etree._Element) -> etree._Element | None:
    """The nearest wrapper (up to two levels) that holds both the caption and an image."""
    frame = caption_element.getparent()
    for _ in range(2):
        if frame is None or frame.tag in {"body", "html"}:
            return None
        if next(frame.iter("img"), None) is not None:
            return frame
        frame = frame.getparent()
    return None


def _caption_and_credit(caption_element: etree._Element, frame: etree._Element) -> tuple[str, str | None]:
    """Caption text without its credit element, and that element's text when there is a separate one."""
    enclosing = {caption_element, *caption_element.iterancestors()}
    credit_element = next(
        (
            element
            for element in frame.iter()
            if _is_credit(element)
            and element not in enclosing
            and len(clean_space(_text_of(element))) <= MAX_CREDIT_CHARS
        ),
        None,
    )
    credit = clean_space(_text_of(credit_element)) if credit_element is not None else None
    caption = clean_space(_text_of(caption_element, skip=credit_element))
    return caption, credit or None


def _is_credit(element: etree._Element) -> bool:
    if not isinstance(element.tag, str) or element.tag in {"figure", "figcaption", "img"}:
        return False
    hints = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
    return bool(_CREDIT_HINT.search(hints))


def _text_of(element: etree._Element, skip: etree._Element | None = None) -> str:
    parts: list[str] = []
    if element is skip:
        return ""
    if element.text and isinstance(element.tag, str) and element.tag not in {"script", "style"}:
        parts.append(element.text)
    for child in element:
        separator = " " if child is skip or child.tag in _BLOCK_TAGS else ""
        parts.append(separator + _text_of(child, skip) + separator)
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _image_url(figure: etree._Element) -> str | None:
    for image in figure.iter("img", "source"):
        for attribute in _IMAGE_SOURCES:
            value = (image.get(attribute) or "").strip()
            if value and not value.startswith("data:"):
                return value
        srcset = (image.get("srcset") or image.get("data-srcset") or "").strip()
        if srcset:
            return srcset.split(",")[0].split()[0]
    return None
