"""Figures and their captions, read from the parsed page so they stay out of the body."""

from __future__ import annotations

import re

from lxml import etree

from workers.pipeline.document import Media
from workers.pipeline.html_blocks import clean_space

_CREDIT_HINT = re.compile(r"credit|copyright|byline|source|photographer|attribution|courtesy|author", re.IGNORECASE)
_IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original", "data-url")
MAX_MEDIA = 50
_BLOCK_TAGS = {"p", "div", "br", "li"}


def read_media(root: etree._Element) -> list[Media]:
    """One Media per <figure> that carries a caption, in page order."""
    media: list[Media] = []
    for figure in root.iter("figure"):
        caption_element = next(figure.iter("figcaption"), None)
        if caption_element is None:
            continue
        caption, credit = _caption_and_credit(caption_element, figure)
        if not caption and not credit:
            continue
        media.append(Media(caption=caption, credit=credit, url=_image_url(figure)))
        if len(media) >= MAX_MEDIA:
            break
    return media


def _caption_and_credit(caption_element: etree._Element, figure: etree._Element) -> tuple[str, str | None]:
    """Caption text without its credit element, and that element's text when there is a separate one."""
    credit_element = next((element for element in figure.iter() if _is_credit(element)), None)
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
