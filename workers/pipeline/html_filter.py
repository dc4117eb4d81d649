"""Sort an extractor's blocks into article text and boilerplate, giving each dropped block a reason."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workers.pipeline import furniture, lexicon
from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html_blocks import Block
from workers.pipeline.text_stats import word_count

_BYLINE = re.compile(rf"^\W*({lexicon.alternation(lexicon.byline_prefixes())})\s+[A-ZÀ-Ý]")
_PUBLISHED = re.compile(r"\b(publicado|published|posted|updated|aktualisiert|publié|pubblicato)\b", re.IGNORECASE)
# A year or a numeric date (2019-11-18, 18/11/2019); with a month name or a numeric date, a short line is a dateline.
_DATE = re.compile(r"\b(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|(19|20)\d\d)\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")
# Month names and abbreviations of the languages whose datelines the extracted text most often still holds.
_MONTH = re.compile(
    rf"\b({lexicon.alternation(lexicon.month_names(('en', 'pt', 'es', 'fr', 'de', 'it')))})\b", re.IGNORECASE
)
_CONTRIBUTED = re.compile(r"\bcontributed to (this|the) (report|story|article)\W*$", re.IGNORECASE)
# Credits read "(Reporting by A; Editing by B)", "Additional reporting by C", "Write to D at d@example.com".
_CREDIT_LINE = re.compile(
    r"^\W*(\((additional )?reporting by|additional reporting by|(additional )?reporting by [^.;]{0,120};|"
    r"(editing|edited|compiled|writing) by [^.;]{0,60}(;|\W*$)|write to .{2,60} at \S+@\S+)|"
    r"\bcontributed (additional )?reporting\b|^\W*[\w.+-]+@[\w-]+\.[\w.]+\W*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# How a letter or a blog post signs off ("Euer Hans", "x Franzi", "Cheers, Ann"): the author's last line, not a label.
_SIGN_OFF = re.compile(
    r"^\W*(?:x+o*|xo+|love|yours|cheers|best|euer|eure|dein|deine|liebe grüße|viele grüße|lg|herzlich\w*|"
    r"saludos|un abrazo|besos|bisous|amitiés|cordialement|baci|un saluto)\b",
    re.IGNORECASE,
)
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
# Where the headline, standfirst and byline can still turn up in the extracted text.
LEADING_BLOCKS = 5
SUBTITLE_MIN_WORDS = 6
LABEL_MAX_WORDS = 3
# Where reporting credits and contributor notes can turn up at the end of the extracted text.
CLOSING_BLOCKS = 4
# A list item with this much of its text in links is a pointer to another page.
LINKED_ITEM_SHARE = 0.25
MIN_CLOSING_LIST_ITEMS = 3
_QUOTE_MARKS = set("\"'“”‘’«»„")


@dataclass
class Verdict:
    """The blocks kept as the article and the ones dropped, with reasons."""

    paragraphs: list[Paragraph]
    removed: list[Removed]


def ends_sentence(text: str) -> bool:
    """Whether the text ends like a sentence (Latin or full-width punctuation, closing quotes allowed)."""
    return text.rstrip().rstrip("\"'”’»)").endswith(_SENTENCE_END)


def normalise_for_match(text: str) -> str:
    """Lower-cased word tokens joined by spaces, so punctuation and spacing differences do not matter."""
    return " ".join(_WORD.findall(text.lower()))


def sort_blocks(blocks: list[Block], title: str | None, captions: Iterable[str]) -> Verdict:
    """Keep the blocks that read as article text; explain every block that is dropped."""
    caption_keys = {normalise_for_match(caption) for caption in captions if caption}
    caption_keys.discard("")
    title_key = normalise_for_match(title or "")
    reasons: list[str | None] = [block_reason(block, caption_keys) for block in blocks]
    _drop_leading_title_and_byline(blocks, reasons, title_key)
    _drop_link_runs(blocks, reasons)
    _drop_linked_lists(blocks, reasons)
    _drop_keyword_lists_after_tags(blocks, reasons)
    _drop_closing_credits(blocks, reasons)
    _drop_trailing_tail(blocks, reasons)
    _drop_duplicates(blocks, reasons)
    paragraphs: list[Paragraph] = []
    removed: list[Removed] = []
    for block, reason in zip(blocks, reasons, strict=True):
        if word_count(block.text) == 0:
            continue  # invisible characters and lone punctuation are not text worth reporting
        if reason is None:
            paragraphs.append(Paragraph(block.text, block.kind))
        else:
            removed.append(Removed(block.text, reason))
    return Verdict(paragraphs, removed)


def block_reason(block: Block, caption_keys: set[str]) -> str | None:
    """Why a block on its own looks like boilerplate, or None when it may be article text."""
    reason = furniture.classify_block(block.text, block.link_density, block.kind)
    if reason is None and normalise_for_match(block.text) in caption_keys:
        return "caption"
    return reason


def _drop_leading_title_and_byline(blocks: list[Block], reasons: list[str | None], title_key: str) -> None:
    """The headline, standfirst and byline/date lines often open the extracted text; they are metadata, not body."""
    in_header = True
    for index, block in enumerate(blocks[:LEADING_BLOCKS]):
        if reasons[index] is not None:
            continue
        key = normalise_for_match(block.text)
        words = word_count(block.text)
        if title_key and key and (key == title_key or (block.kind == "heading" and key in title_key)):
            reasons[index] = "title"
        elif not in_header:
            continue
        elif words <= 25 and (_BYLINE.match(block.text) or _is_dateline(block.text, words)):
            reasons[index] = "byline"
        elif block.kind == "heading" and block.level == 1:
            reasons[index] = "title"
        elif block.kind == "heading" and words >= SUBTITLE_MIN_WORDS and _is_standfirst(blocks, reasons, index):
            reasons[index] = "subtitle"
        elif (
            block.kind == "body"
            and words <= LABEL_MAX_WORDS
            and not ends_sentence(block.text)
            and not _is_salutation(block.text)
        ):
            reasons[index] = "boilerplate"  # a label above the text: "Text size", "Review", a place name
        elif words > 20 or block.kind != "heading":
            in_header = False


def _is_salutation(text: str) -> bool:
    """A greeting ending in a comma ("Dear readers,", "Liebe Leser,") opens a letter or a post; it is not a label."""
    return text.rstrip().endswith(",")


def _is_standfirst(blocks: list[Block], reasons: list[str | None], index: int) -> bool:
    """A sentence-long heading right under the headline and before the first paragraph is the standfirst."""
    if blocks[index].text.lstrip()[:1] in _QUOTE_MARKS:
        return False  # a pull quote set as a heading
    if ends_sentence(blocks[index].text):
        return False  # a standfirst is a headline's deck; a full sentence set large is the text's first paragraph
    if any(reason not in {"title", "byline"} for reason in reasons[:index]):
        return False
    kept_after = (block for position, block in enumerate(blocks) if position > index and reasons[position] is None)
    following = next(kept_after, None)
    return following is not None and following.kind == "body"


def _is_dateline(text: str, words: int) -> bool:
    """A publication-date line: a date plus a "published" label, or a date that is most of a short line."""
    if not _DATE.search(text):
        return False
    if ends_sentence(text):
        return False  # datelines are labels; a sentence that mentions a date is text
    return bool(_PUBLISHED.search(text)) or (words <= 10 and bool(_NUMERIC_DATE.search(text) or _MONTH.search(text)))


def _drop_link_runs(blocks: list[Block], reasons: list[str | None]) -> None:
    """Two or more teaser lines in a row, with the label that opens them, are a related-stories box."""
    index = 0
    while index < len(blocks):
        run = index
        while run < len(blocks) and _is_link_line(blocks[run]):
            run += 1
        if run - index >= 2:
            label = index - 1
            if label >= 0 and _is_box_label(blocks[label]):
                index = label
            for position in range(index, run):
                reasons[position] = reasons[position] or "related"
        index = max(run, index + 1)


def _drop_linked_lists(blocks: list[Block], reasons: list[str | None]) -> None:
    """A list whose every item carries a link, under a "More"/"Related" label or closing the article, is teasers."""
    index = 0
    while index < len(blocks):
        run = index
        while run < len(blocks) and blocks[run].kind == "list" and blocks[run].link_density >= LINKED_ITEM_SHARE:
            run += 1
        if run > index:
            labelled = index > 0 and reasons[index - 1] == "related" and furniture.is_box_lead(blocks[index - 1].text)
            closing = run - index >= MIN_CLOSING_LIST_ITEMS and all(reason is not None for reason in reasons[run:])
            if labelled or closing:
                for position in range(index, run):
                    reasons[position] = reasons[position] or "related"
        index = run + 1


def _is_link_line(block: Block) -> bool:
    """A headline-sized line that is (almost) all link: a teaser for another page."""
    return block.link_density >= 0.6 and word_count(block.text) <= 30


def _is_box_label(block: Block) -> bool:
    """A short heading or a "Read more"-style line that names the box below it."""
    return furniture.is_box_lead(block.text) or (block.kind == "heading" and word_count(block.text) <= 6)


def _drop_keyword_lists_after_tags(blocks: list[Block], reasons: list[str | None]) -> None:
    """A "Tags" label is followed by its comma-separated keywords, which are not prose."""
    for index in range(1, len(blocks)):
        if reasons[index] is None and reasons[index - 1] == "tags" and _is_keyword_list(blocks[index].text):
            reasons[index] = "tags"


def _is_keyword_list(text: str) -> bool:
    """Three or more short comma-separated items and no sentence ending."""
    items = [item for item in re.split(r"[,;|]", text) if item.strip()]
    return len(items) >= 3 and word_count(text) <= 5 * len(items) and not ends_sentence(text)


def _drop_closing_credits(blocks: list[Block], reasons: list[str | None]) -> None:
    """Reporting/editing credits and contributor notes close a story; in its last lines they are not prose."""
    kept = [index for index, reason in enumerate(reasons) if reason is None][-CLOSING_BLOCKS:]
    for index in kept:
        text = blocks[index].text
        words = word_count(text)
        if (words <= 20 and _CONTRIBUTED.search(text)) or (words <= 40 and _CREDIT_LINE.search(text)):
            reasons[index] = "byline"


def _drop_trailing_tail(blocks: list[Block], reasons: list[str | None]) -> None:
    """Headings and one-line labels left at the end, once the boilerplate after them is gone, belong to it."""
    last = len(blocks) - 1
    while last >= 0 and reasons[last] is not None:
        last -= 1
    while last >= 0:
        block = blocks[last]
        tail_label = block.kind == "heading" or (
            word_count(block.text) <= 3 and not ends_sentence(block.text) and not _SIGN_OFF.match(block.text)
        )
        if reasons[last] is None and tail_label and last > 0:
            reasons[last] = "boilerplate"
        elif reasons[last] is None:
            return
        last -= 1


def _drop_duplicates(blocks: list[Block], reasons: list[str | None]) -> None:
    """A paragraph repeated right after itself (a layout artefact) is kept once; distant repeats can be real."""
    previous = ""
    for index, block in enumerate(blocks):
        if reasons[index] is not None:
            continue
        key = normalise_for_match(block.text)
        if key == previous:
            reasons[index] = "duplicate"
        previous = key
