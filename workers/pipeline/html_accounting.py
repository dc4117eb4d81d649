"""List every block of the page that the body leaves out, with the reason, so that nothing is dropped silently.

The extractors report what they cut from the article; the page's menus, banners, boxes and footers never reach
them. Here each visible block of the page (`html_page`) that is neither in the body nor already listed gets a
reason: the region it sits in (navigation, footer, cookie notice, comments ...), else what the furniture
classifier says of its text, else whether it is mostly links. Consecutive blocks with one reason are listed as one
entry, and entries are capped, so a whole site's navigation costs a few lines, not megabytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workers.pipeline import furniture
from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html_filter import normalise_for_match
from workers.pipeline.html_page import PageBlock

# Enough to show what a group of blocks was (a menu, a footer) without copying it whole.
MAX_ENTRY_CHARS = 500
# Shorter blocks ("News", "Home") are only taken as body text where the body is, not for a word found anywhere in it.
SHORT_BLOCK_WORDS = 4
# A block with at least this share of its text in links is a list of links to elsewhere.
LINK_LIST_SHARE = 0.5
_ELLIPSIS = " …"


@dataclass
class Accounting:
    """The entries for what the body leaves out, and how many left-out blocks did not fit under the cap."""

    removed: list[Removed] = field(default_factory=list)
    unlisted_blocks: int = 0


def account_for_page(
    blocks: list[PageBlock],
    kept: list[Paragraph],
    listed: list[Removed],
    title: str | None,
    captions: Iterable[str],
    limit: int,
) -> Accounting:
    """Entries (at most `limit`) for the page blocks that are neither in the body nor among the `listed` ones."""
    kept_keys = [normalise_for_match(paragraph.text) for paragraph in kept]
    listed_keys = [normalise_for_match(item.text) for item in listed]
    exact = {*kept_keys, *listed_keys}
    # Spaces around every word run, so that a short block only matches whole words.
    covered = f" {' '.join(kept_keys)} \n {' '.join(listed_keys)} "
    in_body = [block.key in exact for block in blocks]
    first = in_body.index(True) if True in in_body else len(blocks)
    last = len(blocks) - 1 - in_body[::-1].index(True) if True in in_body else -1
    title_key = normalise_for_match(title or "")
    caption_keys = {normalise_for_match(caption) for caption in captions}
    accounting = Accounting()
    current: tuple[int, str] | None = None  # (index of the last block added, reason) of the open entry
    parts: list[str] = []
    for index, block in enumerate(blocks):
        key = block.key
        if not key or key in exact:
            continue
        short = key.count(" ") + 1 < SHORT_BLOCK_WORDS
        if (not short or first <= index <= last) and f" {key} " in covered:
            continue
        reason = _reason(block, key, title_key, caption_keys)
        if current is not None and current == (index - 1, reason):
            parts.append(block.text)
            current = (index, reason)
            continue
        if current is not None:
            accounting.removed.append(Removed(_joined(parts), current[1]))
        if len(accounting.removed) >= limit:
            current = None
            accounting.unlisted_blocks += 1
            continue
        current, parts = (index, reason), [block.text]
    if current is not None:
        accounting.removed.append(Removed(_joined(parts), current[1]))
    return accounting


def _reason(block: PageBlock, key: str, title_key: str, caption_keys: set[str]) -> str:
    if key == title_key:
        return "title"
    if key in caption_keys or block.element.tag == "figcaption":
        return "caption"
    if block.region is not None:
        return block.region
    reason = furniture.classify_line(block.text)
    if reason is not None and reason != "empty":
        return reason
    return "navigation" if block.link_density >= LINK_LIST_SHARE else "boilerplate"


def _joined(parts: list[str]) -> str:
    text = "\n".join(parts)
    if len(text) <= MAX_ENTRY_CHARS:
        return text
    return text[: MAX_ENTRY_CHARS - len(_ELLIPSIS)].rsplit(" ", 1)[0] + _ELLIPSIS
