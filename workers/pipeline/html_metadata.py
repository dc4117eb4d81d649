"""Page metadata (title, authors, dates, canonical URL, ...) read from an already parsed HTML tree."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from htmldate import find_date
from lxml import etree

from workers.pipeline import lexicon
from workers.pipeline.html_blocks import clean_space

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "report",
    "webpage",
    "liveblogposting",
    "socialmediaposting",
}
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·:»-]\s+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*")
_BY_PREFIX = re.compile(
    rf"^\s*(\w+\s+){{0,2}}?({lexicon.alternation(lexicon.byline_prefixes())}|author:?)\s+", re.IGNORECASE
)
# "May" is left out of the month names that mark a non-name: it is a family name too (Theresa May).
_NOT_A_NAME = re.compile(
    r"https?://|www\.|@|\d|\.(com|org|net|co|uk|de|fr)\b|"
    r"\b(staff|editor|team|desk|agency|admin|news|writer|reporter|correspondent|contributor|"
    + lexicon.alternation([month for month in lexicon.month_names(abbreviations=False) if month != "may"])
    + r")\b",
    re.IGNORECASE,
)
_BYLINE_HINT = re.compile(r"(^|[\s_-])(byline|author|authors|writer)([\s_-]|$)", re.IGNORECASE)
_NOT_BYLINE_HINT = re.compile(r"comment|bio|about|avatar|image|photo|reply|form", re.IGNORECASE)
_BYLINE_END = re.compile(
    r"\d|\s[|•·–—-]\s|\b(published|updated|posted|follow|view more|more articles|associated press|staff|"
    + lexicon.alternation([*lexicon.weekdays(), *lexicon.month_names(abbreviations=False)])
    + r")\b",
    re.IGNORECASE,
)
# Two or three capitalised words, an initial and name particles allowed: what a person's name looks like.
_PERSON_NAME = re.compile(
    r"^(?:[A-ZÀ-Ý]\.\s)?(?:(?:[A-ZÀ-Ý][\w'’.-]*|van|von|de|da|del|der|di|la|le|bin|al)\s){1,2}[A-ZÀ-Ý][\w'’.-]*$"
)
MAX_BYLINE_CHARS = 120
# Post-nominal letters (MS, RDN, PhD) split off a name by its comma.
_CREDENTIAL = re.compile(r"^[A-Z][A-Za-z]{0,3}\.?$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
    "article.published",
    "published_time",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
MAX_JSON_LD_CHARS = 500_000
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# CMS placeholders such as 0001-01-01 are not publication dates.
_EARLIEST_YEAR = 1990


@dataclass
class PageMetadata:
    """What the page says about itself, independent of the body extraction."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    modified_at: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    lead_image: str | None = None


def read_metadata(root: etree._Element, url: str | None) -> PageMetadata:
    """Read metadata from JSON-LD first, then meta tags, then the visible page."""
    meta = _meta_tags(root)
    article = _json_ld_article(root)
    site_name = _first_part(meta.get("og:site_name") or _publisher_name(article) or meta.get("application-name"))
    metadata = PageMetadata(
        site_name=site_name,
        description=meta.get("og:description") or meta.get("description") or meta.get("twitter:description"),
        canonical_url=_canonical(root, meta) or url,
        lead_image=meta.get("og:image") or meta.get("twitter:image") or _json_ld_image(article),
        language=_language(root, meta),
    )
    metadata.title = _title(root, meta, article, site_name)
    metadata.authors = _authors(root, meta, article)
    metadata.published_at = _first_date([_text(article.get("datePublished")), *_meta_values(meta, _PUBLISHED_META)])
    metadata.published_at = metadata.published_at or _time_element_date(root) or _htmldate(root)
    metadata.modified_at = _first_date([_text(article.get("dateModified")), *_meta_values(meta, _MODIFIED_META)])
    return metadata


def _first_part(site_name: str | None) -> str | None:
    """The site name without the sections or slogan some sites append after a bar ("Autoracing | F1 | Indy")."""
    return site_name.split(" | ")[0].strip() or None if site_name else None


def _meta_tags(root: etree._Element) -> dict[str, str]:
    """Meta tags by lower-cased name/property/itemprop; the first occurrence wins."""
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                found.setdefault(key.strip().lower(), clean_space(content))
    return found


def _meta_values(meta: dict[str, str], keys: tuple[str, ...]) -> list[str | None]:
    return [meta.get(key) for key in keys]


def _json_ld_article(root: etree._Element) -> dict[str, Any]:
    """The first JSON-LD object that describes an article (searched inside @graph and lists too)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for candidate in _json_objects(data):
            kinds = candidate.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            is_article = any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in kinds)
            if is_article and (candidate.get("headline") or candidate.get("datePublished") or candidate.get("author")):
                return candidate
    return {}


def _json_objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_objects(graph, depth + 1)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return clean_space(value) if isinstance(value, str) and value.strip() else None


def _publisher_name(article: dict[str, Any]) -> str | None:
    publisher = article.get("publisher")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    return _text(publisher.get("name")) if isinstance(publisher, dict) else _text(publisher)


def _json_ld_image(article: dict[str, Any]) -> str | None:
    image = article.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    return _text(image.get("url")) if isinstance(image, dict) else _text(image)


def _canonical(root: etree._Element, meta: dict[str, str]) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
            return str(link.get("href")).strip()
    return meta.get("og:url")


def _language(root: etree._Element, meta: dict[str, str]) -> str | None:
    declared = root.get("lang") or root.get("xml:lang") or meta.get("content-language") or meta.get("og:locale")
    if not declared or not declared.strip():
        return None
    primary = re.split(r"[-_]", declared.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _title(root: etree._Element, meta: dict[str, str], article: dict[str, Any], site_name: str | None) -> str | None:
    candidates = [meta.get("og:title"), _text(article.get("headline")), meta.get("twitter:title")]
    heading = next((clean_space(_element_text(h1)) for h1 in root.iter("h1") if _element_text(h1).strip()), None)
    title_element = next(root.iter("title"), None)
    page_title = clean_space(_element_text(title_element)) if title_element is not None else None
    for candidate in [*candidates, heading, page_title]:
        if candidate:
            title = _strip_site_suffix(candidate, site_name)
            # og:title often carries a section ("Opinion | ...") the on-page headline does not.
            if heading and heading != title and heading in title and _TITLE_SEPARATORS.search(title):
                return heading
            return title
    return None


def _strip_site_suffix(title: str, site_name: str | None) -> str:
    """Drop " | Site Name" (or a leading "Site Name: ") that pages append to their headlines."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_key = (site_name or "").lower().replace(" ", "")
    first, last = parts[0], parts[-1]
    last_key = last.lower().replace(" ", "")
    if site_key and (last_key == site_key or (len(last_key) >= 3 and last_key in site_key) or site_key in last_key):
        return _strip_site_suffix(title[: title.rfind(last)].rstrip(" |–—·:»-"), site_name)
    if site_key and first.lower().replace(" ", "") == site_key:
        return title[len(first) :].lstrip(" |–—·:»-")
    # Without a known site name, a short last part after a pipe is most likely the site.
    if "|" in title and len(last.split()) <= 4 and len(parts[0].split()) >= 3:
        return title[: title.rfind("|")].strip()
    return title


def _element_text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(text for text in element.itertext() if isinstance(text, str))


def _authors(root: etree._Element, meta: dict[str, str], article: dict[str, Any]) -> list[str]:
    names = _json_ld_names(article.get("author"))
    if not names:
        for key in _AUTHOR_META:
            value = meta.get(key)
            if value and not value.startswith("http"):
                names = [value]
                break
    if not names:
        names = _byline_names(root)
    if not names:
        names = _visible_byline_names(root)
    site_key = (meta.get("og:site_name") or _publisher_name(article) or "").lower()
    # Sites often name themselves as the author; that is not a person's byline.
    return [name for name in _split_names(names) if not site_key or not _same_entity(name.lower(), site_key)]


def _same_entity(name: str, site: str) -> bool:
    """Whether one name is the other plus words: CNN Business is CNN, Voxana Ray is not Vox."""
    name_words, site_words = set(name.split()), set(site.split())
    return name_words <= site_words or site_words <= name_words


def _json_ld_names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _json_ld_names(item)]
    if isinstance(value, dict):
        name = _text(value.get("name"))
        return [name] if name else []
    name = _text(value)
    return [name] if name else []


def _byline_names(root: etree._Element) -> list[str]:
    """Names in the first rel=author / itemprop=author element, the story's own byline."""
    scope = _story_scope(root)
    names = _first_marked_author(scope)
    return names if names or scope is root else _first_marked_author(root)


def _first_marked_author(scope: etree._Element) -> list[str]:
    for element in scope.iter("a", "span", "div", "p"):
        if element.get("rel") == "author" or element.get("itemprop") == "author":
            text = clean_space(_element_text(element))
            if 0 < len(text) <= 80:
                return [text]
    return []


def _visible_byline_names(root: etree._Element) -> list[str]:
    """Person names in the page's first byline element (class or id "byline"/"author"), when they look like names."""
    scope = _story_scope(root)
    names = _first_byline_names(scope)
    return names if names or scope is root else _first_byline_names(root)


def _story_scope(root: etree._Element) -> etree._Element:
    """The headline's <article>, where the story's own byline is; bylines of other stories sit around it."""
    headline = next(root.iter("h1"), None)
    return next(headline.iterancestors("article"), root) if headline is not None else root


def _first_byline_names(scope: etree._Element) -> list[str]:
    for element in scope.iter("div", "span", "p", "a", "address", "h3", "h4", "li", "dd"):
        hints = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _BYLINE_HINT.search(hints) or _NOT_BYLINE_HINT.search(hints):
            continue
        text = clean_space(" ".join(text for text in element.itertext() if isinstance(text, str)))
        if not 0 < len(text) <= MAX_BYLINE_CHARS:
            continue
        # Bylines run on into the date, the outlet or a follow button; the names come first.
        text = _BYLINE_END.split(_BY_PREFIX.sub("", text), maxsplit=1)[0]
        names = [_drop_shouted_outlet(name) for name in _split_names([text])]
        names = [name for name in names if _PERSON_NAME.match(name)]
        if names:
            return names
        return []
    return []


def _drop_shouted_outlet(name: str) -> str:
    """The name without a shouted outlet after it ("Kevin McCoy USA TODAY"); all-capital names stay whole."""
    words = name.split()
    while len(words) > 2 and words[-1].isupper() and not all(word.isupper() for word in words):
        words.pop()
    return " ".join(words)


def _split_names(raw_names: list[str]) -> list[str]:
    names: list[str] = []
    for raw in raw_names:
        for part in _AUTHOR_SPLIT.split(_BY_PREFIX.sub("", raw)):
            name = _BY_PREFIX.sub("", part).strip(" .|-–—")
            plausible = not _NOT_A_NAME.search(name) and not _CREDENTIAL.match(name) and len(name.split()) <= 5
            if name and plausible and name not in names:
                names.append(name)
    return names


def _first_date(values: list[str | None]) -> str | None:
    for value in values:
        normalised = _iso_date(value)
        if normalised:
            return normalised
    return None


def _iso_date(value: str | None) -> str | None:
    """The value as ISO 8601, or None when it does not parse as a date."""
    if not value:
        return None
    value = value.strip()
    if value[:4].isdigit() and int(value[:4]) < _EARLIEST_YEAR:
        return None
    if _DATE_ONLY.match(value):
        return value  # a date without a time stays one, not midnight
    try:
        # Normalises the variants pages use ("+0000", " " for "T", "Z") to one ISO 8601 form.
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _htmldate(root: etree._Element) -> str | None:
    """Last resort for the date: htmldate's quick heuristics (URL, headers, visible date patterns)."""
    try:
        found = find_date(root, original_date=True, extensive_search=False, outputformat=_HTMLDATE_FORMAT)
    except Exception:  # htmldate on arbitrary markup; a missing date is not an error
        return None
    if not found:
        return None
    # htmldate pads a bare date with midnight; a date alone is the honest answer.
    return found[:10] if found.endswith("T00:00:00") else _iso_date(found)


def _time_element_date(root: etree._Element) -> str | None:
    """The first <time datetime> marked as the publication date, or the first one in an <article>."""
    fallback = None
    for element in root.iter("time"):
        value = _iso_date(element.get("datetime"))
        if not value:
            continue
        if element.get("itemprop") == "datePublished" or element.get("pubdate") is not None:
            return value
        if fallback is None and any(ancestor.tag == "article" for ancestor in element.iterancestors()):
            fallback = value
    return fallback
