"""Sort an extractor's blocks into article text and boilerplate, giving each dropped block a reason."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html_blocks import Block

# Lines that announce links to other stories; they open the block, in the languages the pipeline meets most.
_RELATED_LEAD = re.compile(
    r"^\W*((related|more|trending|recommended|popular)\s*(?=[:|>»]|$)|"
    r"related (stories|articles?|content|coverage|posts?|news|reading|links?)|related\b[\w ]{0,25}:|"
    r"read more|see more|read also|also read|"
    r"also on [\w.]+|also see|see also|don'?t miss|most (read|popular)|up next|watch next|"
    r"more [\w' ]{0,30}(stories|news|articles|videos)(?=\W*$|\s+(from|on|in)\b)|more from [\w .]+:|"
    r"you (may|might) (also )?like|"
    r"leggi anche|lee también|lesen sie auch|voir aussi|à lire aussi|lire aussi|leia também|veja também|"
    r"zie ook|czytaj też|läs också)(?!\w)\W*",
    re.IGNORECASE,
)
_SHARE = re.compile(
    r"(^\W*share (this|on|via)\b|\bshare (it|this) with (a friend|friends|your friends)\b|"
    r"^\W*(tweet|email|print|whatsapp|facebook|twitter|linkedin|"
    r"pinterest|reddit)( this)?\W*$|\bclick to share\b|^\W*share\W*$)",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(
    r"(\b(sign up|subscribe|get|receive|join)\b.{0,60}\bnewsletters?\b|\bnewsletters?\b.{0,60}\b(sign up|subscribe|"
    r"inbox)\b|^\W*(\w+\s+){0,3}newsletters?\W*$|sign up (for|to) (our|the)\b|subscribe (to our|now|today)|"
    r"delivered (to|through) your (inbox|letterbox)|get our (daily|weekly)|inscreva-se|iscriviti)",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"^\W*(follow|like|join) (us|him|her|them|[\w@.' ]{1,40}) on (twitter|facebook|instagram|youtube|linkedin|"
    r"tiktok|telegram)|^\W*(listen|download|itunes|spotify|apple podcasts|stitcher)\s*:\s*https?://|"
    r"^\W*follow\b.{0,80}\bhttps?://|^\W*more [\w' ]{1,30}:\s*https?://",
    re.IGNORECASE,
)
_TAGS = re.compile(
    r"^\W*((tags|topics|categories|category|keywords|etiquetas|schlagworte)\s*([:|]|$)|(tagged|filed under)\b)",
    re.IGNORECASE,
)
_SUBSCRIPTION_PITCH = re.compile(
    r"^\W*if you (enjoyed|liked|value|appreciate)d? (this|our|reading)\b|^\W*(support|become a member|"
    r"subscribe to) (our|us|independent) (journalism|reporting)",
    re.IGNORECASE,
)
_COMMENT_NOTICE = re.compile(
    r"\bcomments? (are|is|will be) (moderated|closed|reviewed)\b|"
    r"\b(we|our|please)\b.{0,60}\bcomments?\b.{0,60}\b(moderat\w*|guidelines|policy|spam|civil)\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^\W*(©|\(c\)|copyright\b|all rights reserved)", re.IGNORECASE)
_COMMENTS = re.compile(
    r"^\W*(\d+\s+)?(comments?|leave a (comment|reply)|tell us what you think|post a comment|add a comment|"
    r"join the (discussion|conversation)|show comments|view comments)\W*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\W*(by|por|von|par|di|door)\s+[A-ZÀ-Ý]")
_PUBLISHED = re.compile(r"\b(publicado|published|posted|updated|aktualisiert|publié|pubblicato)\b", re.IGNORECASE)
# A year or a numeric date (2019-11-18, 18/11/2019); with a month name or a numeric date, a short line is a dateline.
_DATE = re.compile(r"\b(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|(19|20)\d\d)\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")
_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|"
    r"novembro|dezembro|enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre|janvier|"
    r"février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|"
    r"oktober|dezember|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre)\b",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(r"\bcontributed to (this|the) (report|story|article)\W*$", re.IGNORECASE)
# Credits read "(Reporting by A; Editing by B)", "Additional reporting by C", "Write to D at d@example.com".
_CREDIT_LINE = re.compile(
    r"^\W*(\((additional )?reporting by|additional reporting by|(additional )?reporting by [^.;]{0,120};|"
    r"(editing|edited|compiled|writing) by [^.;]{0,60}(;|\W*$)|write to .{2,60} at \S+@\S+)|"
    r"\bcontributed (additional )?reporting\b|^\W*[\w.+-]+@[\w-]+\.[\w.]+\W*$",
    re.IGNORECASE,
)
# Separator rules ("___") and CMS shortcodes left unrendered ("[button ...]...[/button]").
_RULE = re.compile(r"^[\W_]+$")
_SHORTCODE = re.compile(r"^\[\w+[^\]]*\].*\[/\w+\]$")
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
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


def word_count(text: str) -> int:
    """Number of words; Chinese, Japanese and Korean, written without spaces, count two characters a word."""
    return len(_WORD.findall(text)) + len(_CJK.findall(text)) // 2


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
    text = block.text
    words = word_count(text)
    if words == 0:
        return "boilerplate"
    short = words <= 40
    lead = _RELATED_LEAD.match(text)
    if lead and words <= 80 and (block.link_density > 0.3 or words <= 4 or _is_shouted(lead.group(0))):
        return "related"
    if short and _SHARE.search(text):
        return "share"
    if short and _NEWSLETTER.search(text):
        return "newsletter"
    if words <= 60 and _SUBSCRIPTION_PITCH.search(text):
        return "subscription"
    if words <= 40 and _COMMENT_NOTICE.search(text):
        return "comment"
    if short and _SOCIAL.search(text):
        return "social"
    if words <= 60 and _TAGS.match(text) and (block.link_density > 0.3 or words <= 2 or "," in text):
        return "tags"
    if words <= 12 and _COPYRIGHT.match(text):
        return "copyright"
    if words <= 8 and _COMMENTS.match(text):
        return "comment"
    if _RULE.match(text) or _SHORTCODE.match(text):
        return "boilerplate"
    if normalise_for_match(text) in caption_keys:
        return "caption"
    if block.link_density >= 0.8 and words <= 25 and block.kind != "heading":
        return "related"
    return None


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
        elif block.kind == "body" and words <= LABEL_MAX_WORDS and not ends_sentence(block.text):
            reasons[index] = "boilerplate"  # a label above the text: "Text size", "Review", a place name
        elif words > 20 or block.kind != "heading":
            in_header = False


def _is_standfirst(blocks: list[Block], reasons: list[str | None], index: int) -> bool:
    """A sentence-long heading right under the headline and before the first paragraph is the standfirst."""
    if blocks[index].text.lstrip()[:1] in _QUOTE_MARKS:
        return False  # a pull quote set as a heading
    if any(reason not in {"title", "byline"} for reason in reasons[:index]):
        return False
    kept_after = (block for position, block in enumerate(blocks) if position > index and reasons[position] is None)
    following = next(kept_after, None)
    return following is not None and following.kind == "body"


def _is_shouted(lead: str) -> bool:
    """Teaser boxes announce themselves in capitals ("READ MORE:", "DON'T MISS"); prose does not."""
    letters = [char for char in lead if char.isalpha()]
    return len(letters) >= 4 and all(char.isupper() for char in letters)


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
            labelled = (
                index > 0 and reasons[index - 1] == "related" and bool(_RELATED_LEAD.match(blocks[index - 1].text))
            )
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
    return bool(_RELATED_LEAD.match(block.text)) or (block.kind == "heading" and word_count(block.text) <= 6)


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
        tail_label = block.kind == "heading" or (word_count(block.text) <= 3 and not ends_sentence(block.text))
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
