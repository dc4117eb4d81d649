"""Plain-text extraction: title, paragraphs, captions, metadata and page furniture out of a text dump.

A dump is a sequence of blocks separated by blank lines (a line break inside a block is a <br>); pasted text with
single newlines gets one block per line. Each block is classified first: page furniture (`boilerplate`), photo
caption (`captions`: a credit at its end, a credit on the next line, or a twin of a credited caption), a repeat of
other blocks, a glued teaser. Then every block gets a prose score (long, sentence-like, stop-word rich text is
positive; labels, menus and furniture negative, runs of them more so) and the article is the contiguous run with the
highest total, cut at a comment section, a copyright notice or a biography header. The headline is looked for just
above the article, bylines, dates and a standfirst between the two. Nothing is dropped silently: every block that is
not a paragraph or the title is in `removed` with a reason (runs of menu labels outside the article as one entry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import py3langid

from workers.pipeline import boilerplate, captions
from workers.pipeline.document import Extraction, Media, Paragraph, Removed
from workers.pipeline.normalise import clean_line

# Blocks with this many words or more that read as sentences are article prose on their own.
PROSE_WORDS = 20
# A document with at most this many blank-line separated blocks is pasted text: its lines may be paragraphs.
PASTED_TEXT_MAX_BLOCKS = 3
# Hard-wrapped text is cut at a fixed width no wider than this (e-mail and terminal conventions are 72 to 80).
HARD_WRAP_MAX_WIDTH = 100
# A caption is a sentence or two, never a long paragraph.
CAPTION_MAX_WORDS = 90
# A credit line standing alone is short.
CREDIT_LINE_MAX_WORDS = 12
# Above this length, a block ending in a bare agency name is a paragraph citing its source, not a caption.
SOURCE_TAGGED_PARAGRAPH_WORDS = 30
# A caption whose credit sits in its own block below is short.
CAPTION_WITH_CREDIT_BELOW_MAX_WORDS = 40
# A block no article region may span.
SEPARATOR_SCORE = -1000.0
# A link under a "Related" header is a headline, not a paragraph.
TEASER_LINK_MAX_WORDS = 16
# A glued teaser's summary is a sentence.
TEASER_SUMMARY_WORDS = 10
# Share of a block's 4-word shingles found in other blocks that makes it a repeat of them.
REPEAT_COVERAGE = 0.7
# Where bylines, dates and a standfirst are looked for when no headline was found, and how far below the text a
# "First published ..." line may sit.
HEADER_BLOCKS = 10
FOOTER_DATE_BLOCKS = 3
# Headline search: how many candidate blocks above the first paragraph (furniture in between not counted, up to a
# reach of blocks in all), and what each step away costs.
TITLE_SEARCH_BLOCKS = 12
TITLE_SEARCH_REACH = 40
TITLE_DISTANCE_COST = 0.15
TITLE_REPEATED_BONUS = 0.3
CAPTION_AS_TITLE_COST = 0.5
# How far (in blocks) a twin caption may sit from its sibling.
TWIN_DISTANCE = 2
# Furniture that closes an article (comments, related stories, footer) weighs more than a stray label.
BARRIER_WEIGHTS = {"comment": 4.0, "related": 6.0, "footer": 4.0, "newsletter": 4.0}
# A list closing the article ("Ingredients:") has at most this many items.
CLOSING_LIST_MAX_ITEMS = 40
# Removed blocks outside the article that are summarised, one entry per contiguous run.
SUMMARISED_REASONS = frozenset({"navigation", "outside_article", "boilerplate", "share"})
# Furniture costs per word up to this many words.
FURNITURE_MAX_WORDS = 6
# Each further label in a run costs this much more than the one before (a menu is a long run of labels).
LABEL_RUN_ESCALATION = 0.5
# Prose (in words) that must come before a comment header or copyright notice for it to close the article.
ARTICLE_BEFORE_END_MARKER = 100
# A short unpunctuated sentence-case line is more often a teaser headline than article text: it costs per word.
SENTENCE_CASE_LINE_WEIGHT = -0.4

# Stop lists always used (they cover most pages), and how much text the language of the rest is read from.
COMMON_LANGUAGES = ("English", "Portuguese", "Spanish", "French", "German", "Italian", "Russian", "Indonesian")
LANGUAGE_SAMPLE_BLOCKS = 30
LANGUAGE_SAMPLE_CHARS = 1000
_JUSTEXT_LANGUAGES = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "hy": "Armenian", "az": "Azerbaijani", "eu": "Basque",
    "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian", "br": "Breton", "bg": "Bulgarian", "ca": "Catalan",
    "hr": "Croatian", "cs": "Czech", "da": "Danish", "nl": "Dutch", "en": "English", "eo": "Esperanto",
    "et": "Estonian", "fi": "Finnish", "fr": "French", "gl": "Galician", "ka": "Georgian", "de": "German",
    "el": "Greek", "gu": "Gujarati", "ht": "Haitian", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "is": "Icelandic", "id": "Indonesian", "ga": "Irish", "it": "Italian", "jv": "Javanese", "kn": "Kannada",
    "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin", "lv": "Latvian",
    "lt": "Lithuanian", "lb": "Luxembourgish", "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam", "mt": "Maltese",
    "mr": "Marathi", "ne": "Nepali", "nb": "Norwegian_Bokmal", "no": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk",
    "oc": "Occitan", "fa": "Persian", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
    "ru": "Russian", "sr": "Serbian", "sk": "Slovak", "sl": "Slovenian", "es": "Spanish", "sw": "Swahili",
    "sv": "Swedish", "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "cy": "Welsh", "fy": "West_Frisian", "yo": "Yoruba",
}  # fmt: skip
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Sentence punctuation, then maybe closing quotes and a trailing emoji or two ("See you soon! 🙂").
_SENTENCE_END = re.compile(r"[.!?…。！？][”\"’')\]]*(?:\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]{1,3})?$")
# A word of five letters or more, or closing punctuation, running straight into a capitalised word. Shorter
# fragments are names and brands: McDonald, iPhone, HomeKit.
_GLUED_JUNCTION = re.compile(r"(?:(?<![\w'’])[A-Za-z]{0,30}[a-z]{5}|(?<=\S)[?!’'”\"])(?=[A-Z][a-z])")
# A headline, then the capitalised place name that opens a wire story: "... settlements UNITED NATIONS: ...".
# (A lone capitalised word needs five letters: "told the BBC: ..." is a quote, not a dateline.)
_DATELINE_IN_TEASER = re.compile(r"^(.{20,160}?)\s+(?:[A-Z]{2,}(?:[ ,.]+[A-Z]{2,})+|[A-Z]{5,})\s*(?::|—|–|--)\s+[A-Z]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(\S.*?)\s*#*$")
_CAPTION_LABEL = re.compile(r"^(?:image|media|video|photo|picture) caption\s*:?\s*(\S.*)$", re.IGNORECASE)
_CREDIT_LABEL = re.compile(
    r"^(?:image|photo|picture|video|media) (?:copyright|source|credit)\s*:?\s*(\S.*)$", re.IGNORECASE
)
_TERMINAL_PUNCTUATION = re.compile(r"[.!?…。！？:;,][”\"’')\]]*$")


@dataclass
class _Block:
    index: int
    lines: list[str]
    text: str
    words: int
    reason: str | None = None
    media_index: int | None = None
    score: float = 0.0
    stop_ratio: float = 0.0
    kind: str = "body"
    # An unpunctuated line taken for a caption because a credit follows it: a headline above a photo looks the same.
    may_be_headline: bool = False


def extract_text(text: str) -> Extraction:
    """Find the title, the article paragraphs, the captions and the page furniture of a plain-text dump."""
    blocks = _split_blocks(text)
    extraction = Extraction()
    if not blocks:
        return extraction
    media = _classify(blocks)
    start, end = _article_region(blocks)
    without_prose = all(block.score <= 0 for block in blocks[start : end + 1])
    if without_prose:
        extraction.warnings.append("no article prose found: kept every block not recognised as page furniture")
    title_index = _title_index(blocks, start, end)
    if title_index is not None:
        extraction.title = blocks[title_index].text
        start = max(start, title_index + 1)
        _release_caption(blocks, blocks[title_index])
    if not without_prose:
        _label_short_lines(blocks, start, end)
    extraction.paragraphs = [
        Paragraph(block.text, block.kind)
        for block in blocks[start : end + 1]
        if block.reason is None and block.media_index is None
    ]
    header = blocks[title_index + 1 if title_index is not None else max(0, start - HEADER_BLOCKS) : start]
    _read_header(extraction, header, blocks[end + 1 : end + 1 + FOOTER_DATE_BLOCKS])
    # Captions far from the article belong to teasers for other stories.
    first_media_block = title_index if title_index is not None else start
    kept_media = sorted(
        {
            block.media_index
            for block in blocks
            if block.media_index is not None and first_media_block <= block.index <= end + 1
        }
    )
    extraction.removed = _removed(blocks, start, end, title_index, set(kept_media))
    extraction.media = _unique([captions.complete_media(media[index]) for index in kept_media])
    return extraction


def _unique(media: list[Media]) -> list[Media]:
    """The media items with repeats (a slideshow and its thumbnail strip show the same caption) left out."""
    seen: set[tuple[str, str | None]] = set()
    unique: list[Media] = []
    for item in media:
        key = (_comparable(item.caption), item.credit)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _classify(blocks: list[_Block]) -> list[Media]:
    """Give every block its furniture reason or caption, then its prose score; return the media items found."""
    for block in blocks:
        block.reason = boilerplate.classify_line(block.text)
        if block.reason is None and len(block.lines) > 1:
            # Labels on separate lines of one block ("X", "Share via") are furniture when each one is.
            line_reasons = [boilerplate.classify_line(line) for line in block.lines]
            if all(line_reasons):
                block.reason = line_reasons[0] if len(set(line_reasons)) == 1 else "boilerplate"
    media = _collect_captions(blocks)
    _mark_repeats(blocks)
    stopwords = _document_stopwords(blocks)
    for block in blocks:
        block.stop_ratio = _stopword_ratio(block.text, stopwords)
        if block.media_index is not None:
            block.reason = None
        elif block.reason is None and _is_glued_teaser(block.text):
            block.reason = "related"
        elif (
            block.reason is None
            and block.words <= CREDIT_LINE_MAX_WORDS
            and captions.looks_like_credit_line(block.text)
        ):
            block.reason = "credit"
        block.score = _prose_score(block)
    return media


def _release_caption(blocks: list[_Block], headline: _Block) -> None:
    """A headline taken for a caption gives its media item up; the credit under it stays a credit."""
    if headline.media_index is None:
        return
    for block in blocks:
        if block.media_index == headline.media_index and block is not headline:
            block.media_index, block.reason = None, "credit"
    headline.media_index = None


def _label_short_lines(blocks: list[_Block], start: int, end: int) -> None:
    """Inside the article, a short line is a list item after a line ending in a colon, a subheading when prose
    follows it, else navigation."""
    in_list = after_related_header = False
    for block in blocks[start : end + 1]:
        if block.reason is not None or block.media_index is not None:
            # Short lines right under "Related articles" or "Don't miss" are the links it announces.
            after_related_header = block.reason == "related" or (after_related_header and block.media_index is not None)
            continue
        if after_related_header and block.words <= TEASER_LINK_MAX_WORDS and not _SENTENCE_END.search(block.text):
            block.reason = "related"
            continue
        after_related_header = False
        if _is_list_introduction(block):
            in_list = True
        elif in_list and block.words < PROSE_WORDS:
            block.kind = "list"
        elif not _is_label(block):
            in_list = False
        elif block.kind == "heading" or _is_heading(blocks, block, end):
            block.kind = "heading"
        else:
            block.reason = "navigation"


def _read_header(extraction: Extraction, header: list[_Block], after_article: list[_Block]) -> None:
    """Authors, dates and the standfirst from the blocks between the headline and the text (dates also below)."""
    for block in header:
        if block.reason == "byline" and not extraction.authors:
            extraction.authors = boilerplate.authors_in_byline(block.text)
        elif block.reason is None and block.media_index is None and block.words >= 8 and not extraction.subtitle:
            extraction.subtitle = block.text
            block.reason = "subtitle"
    for block in [*header, *after_article]:
        if block.reason in ("dateline", "byline"):
            published, modified = boilerplate.dates_in_dateline(block.text)
            extraction.published_at = extraction.published_at or published
            extraction.modified_at = extraction.modified_at or modified


def _split_blocks(text: str) -> list[_Block]:
    """Blank-line separated blocks; in pasted text, a block whose lines are whole paragraphs gives one per line."""
    blocks: list[_Block] = []
    raw_blocks = re.split(r"\n[^\S\n]*\n", text)
    # Text pasted with single newlines between paragraphs has (almost) no blank lines at all.
    pasted = len(raw_blocks) <= PASTED_TEXT_MAX_BLOCKS
    for raw_block in raw_blocks:
        lines = [clean_line(line) for line in raw_block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        for group in _paragraph_lines(lines) if pasted else [lines]:
            joined = " ".join(group)
            # A Markdown heading ("## What happens next") is a heading whatever its wording.
            heading = _MARKDOWN_HEADING.match(joined)
            text = heading.group(1) if heading else joined
            block = _Block(index=len(blocks), lines=group, text=text, words=_word_count(text))
            block.kind = "heading" if heading else "body"
            blocks.append(block)
    return blocks


def _paragraph_lines(lines: list[str]) -> list[list[str]]:
    """Lines of one block as separate paragraphs (text pasted with single newlines), unless the text is hard-wrapped."""
    if len(lines) < 2 or _is_hard_wrapped(lines):
        return [lines]
    return [[line] for line in lines]


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width: long, of similar length, and mostly ending mid-sentence."""
    body = lines[:-1]  # the last line of a wrapped paragraph is short
    widest = max(len(line) for line in body)
    if widest > HARD_WRAP_MAX_WIDTH:
        return False
    near_width = [line for line in body if len(line) >= 0.6 * widest]
    mid_sentence = [line for line in body if not _SENTENCE_END.search(line)]
    return len(near_width) >= 0.7 * len(body) and len(mid_sentence) >= 0.6 * len(body)


def _word_count(text: str) -> int:
    # Scripts without spaces between words: about two characters make a word.
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk // 2


def _collect_captions(blocks: list[_Block]) -> list[Media]:
    """Mark caption blocks (twins become one media item) and return the media items in order."""
    media: list[Media] = []
    cores: dict[int, tuple[str, str | None]] = {}
    for block in blocks:
        if block.words <= CAPTION_MAX_WORDS and not block.text.startswith(("“", '"')):
            cores[block.index] = captions.split_credit(block.text)
    for block in blocks:
        if block.index not in cores or block.media_index is not None:
            continue
        labelled = _CAPTION_LABEL.match(block.text)
        if labelled:
            # "Image copyright Getty Images" above "Image caption ...": the label says it all.
            above = blocks[block.index - 1] if block.index else None
            credit_above = _CREDIT_LABEL.match(above.text) if above and above.media_index is None else None
            block.media_index = len(media)
            if above is not None and credit_above:
                above.media_index = len(media)
            media.append(Media(caption=labelled.group(1), credit=credit_above.group(1) if credit_above else None))
            continue
        core, credit = cores[block.index]
        twin = _twin_of(blocks, block, cores)
        if twin is None and credit is None:
            credit_below = _bare_credit_after(blocks, block)
            if credit_below is not None and 3 <= block.words <= CAPTION_WITH_CREDIT_BELOW_MAX_WORDS:
                block.media_index = credit_below.media_index = len(media)
                block.may_be_headline = True
                media.append(Media(caption=block.text, credit=credit_below.text))
            continue
        if twin is None:
            if not core or _WORD.search(core) is None or len(core.split()) < 3:
                continue  # a bare credit line, handled as furniture
            if credit and captions.canonical_agency(credit) and len(core.split()) > SOURCE_TAGGED_PARAGRAPH_WORDS:
                continue  # a paragraph that names its wire source, "... on Tuesday. (Reuters)"
            block.media_index = len(media)
            media.append(Media(caption=core, credit=credit))
            continue
        twin_core, twin_credit = cores[twin.index]
        main_core, alt_core = (core, twin_core) if len(core) >= len(twin_core) else (twin_core, core)
        credits = [c for c in (credit, twin_credit) if c]
        merged_credit = credits[0] if credits else None
        if len(credits) == 2 and _comparable(credits[1]) not in _comparable(credits[0]):
            merged_credit = f"{credits[0]}; {credits[1]}"
        block.media_index = twin.media_index = len(media)
        media.append(Media(caption=main_core, alt_captions=[alt_core], credit=merged_credit))
    return media


def _bare_credit_after(blocks: list[_Block], block: _Block) -> _Block | None:
    """The next block when it is nothing but a photo credit naming an agency or saying "Photo"."""
    # A parenthesised note ("(Reporting by ...; Editing by ...)") is the story's end, not a caption.
    if block.index + 1 >= len(blocks) or block.reason is not None or block.text.startswith("("):
        return None
    following = blocks[block.index + 1]
    if following.media_index is not None or following.reason not in (None, "credit"):
        return None
    if _CREDIT_LABEL.match(following.text):
        return None  # "Image copyright ..." belongs to the "Image caption ..." below it
    # An agency name alone under a paragraph is the story's source, not a photo credit.
    if captions.canonical_agency(following.text) or not captions.looks_like_credit_line(following.text):
        return None
    return following


def _twin_of(blocks: list[_Block], block: _Block, cores: dict[int, tuple[str, str | None]]) -> _Block | None:
    core, credit = cores[block.index]
    for other in blocks[block.index + 1 : block.index + 1 + TWIN_DISTANCE]:
        if other.index not in cores or other.media_index is not None:
            continue
        other_core, other_credit = cores[other.index]
        # Without a credit on either side, two similar blocks are a repeated paragraph, not a photo.
        if (credit or other_credit) and captions.are_twin_captions(core, other_core):
            return other
    return None


def _comparable(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _mark_repeats(blocks: list[_Block]) -> None:
    """Mark long blocks that repeat text found elsewhere (a summary field, a "full text" dump) as duplicates.

    A block is a repeat when most of its shingles occur in blocks shorter than itself: it concatenates them, and
    the shorter, original paragraphs stay. Identical blocks are left alone (interviews repeat a question).
    """
    shingles_of = {
        block.index: _shingles(block.text) for block in blocks if block.reason is None and block.media_index is None
    }
    # Per shingle, the length of the shortest block holding it: a longer block holding it repeats that one.
    shortest_holder: dict[tuple[str, ...], int] = {}
    for index, shingles in shingles_of.items():
        for shingle in shingles:
            shortest_holder[shingle] = min(shortest_holder.get(shingle, blocks[index].words), blocks[index].words)
    for index, shingles in shingles_of.items():
        block = blocks[index]
        if block.words < PROSE_WORDS:
            continue
        repeated = sum(1 for shingle in shingles if shortest_holder[shingle] < block.words)
        if repeated >= REPEAT_COVERAGE * len(shingles):
            block.reason = "duplicate"


def _is_glued_teaser(text: str) -> bool:
    """A teaser whose headline runs into its summary: "Couple Finds Old NewspapersA couple found ...", or into the
    summary's dateline: "UN regrets new US position UNITED NATIONS: The UN said ...".
    """
    datelined = _DATELINE_IN_TEASER.match(text)
    if datelined and not _TERMINAL_PUNCTUATION.search(datelined.group(1)):
        return len(datelined.group(1).split()) >= 4 and len(text.split()) >= TEASER_SUMMARY_WORDS + 4
    junction = _GLUED_JUNCTION.search(text[:200])
    if junction is None:
        return False
    headline, summary = text[: junction.end()], text[junction.end() :]
    return (
        len(headline.split()) >= 4
        and len(summary.split()) >= TEASER_SUMMARY_WORDS
        and _headline_cased(headline, share=0.8)
    )


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


@cache
def _stoplist(language: str) -> frozenset[str]:
    # jusText (a trafilatura dependency, pinned in constraints.txt) ships stop lists; each is loaded once.
    from justext import get_stoplist

    return frozenset(word.casefold() for word in get_stoplist(language))


@cache
def _stopwords() -> frozenset[str]:
    """Function words of the languages seen most on news sites, to tell a sentence from a title-case label."""
    return frozenset().union(*(_stoplist(language) for language in COMMON_LANGUAGES))


def _document_stopwords(blocks: list[_Block]) -> frozenset[str]:
    """Stop words of the document's language (and English, the language of most page furniture)."""
    sample = " ".join(block.text for block in sorted(blocks, key=lambda block: -block.words)[:LANGUAGE_SAMPLE_BLOCKS])
    code, _ = py3langid.classify(sample[:LANGUAGE_SAMPLE_CHARS])
    language = _JUSTEXT_LANGUAGES.get(str(code))
    if language is None or language == "English":
        return _stopwords()
    return _stopwords() | _stoplist(language)


def _stopword_ratio(text: str, stopwords: frozenset[str]) -> float:
    words = _WORD.findall(text.casefold())
    if not words:
        return 0.0
    if _CJK.search(text):
        return 0.4  # no stop list for these scripts; sentence punctuation does the work
    return sum(1 for word in words if word in stopwords) / len(words)


def _prose_score(block: _Block) -> float:
    """Positive for article-like prose, negative for furniture and labels, scaled by length."""
    if block.media_index is not None:
        return 0.0
    if block.reason == "duplicate":
        return 0.0  # the text is kept once, where it first stands on its own
    if block.reason == "dateline":
        return SEPARATOR_SCORE  # an article states its date once, above or below the text: dates inside mean a list
    if block.reason is not None:
        # Section headers ("Related stories", "Comments") close an article and weigh more; a long inline teaser
        # only interrupts it and costs no more than a header.
        weight = BARRIER_WEIGHTS.get(block.reason, 1.0) if block.words <= FURNITURE_MAX_WORDS else 1.0
        return -min(max(3.0, block.words), FURNITURE_MAX_WORDS) * weight
    words = block.words
    ends_sentence = bool(_SENTENCE_END.search(block.text))
    ratio = block.stop_ratio
    if words >= PROSE_WORDS and ratio >= 0.2:
        return words * (1.0 if ends_sentence else 0.7)
    if words >= 8 and ends_sentence and ratio >= 0.15:
        return words * 0.5
    if _headline_cased(block.text):
        return -3.0
    if words >= 4 and ratio >= 0.2:
        return words * SENTENCE_CASE_LINE_WEIGHT
    if ends_sentence and words >= 3:
        return 0.0
    return -2.0


def _headline_cased(text: str, share: float = 0.7) -> bool:
    """Most words capitalised, as in menus, teaser headlines and section names."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words:
        return True
    stopwords = _stopwords()
    content = [word for word in words[1:] if word.casefold() not in stopwords] or words
    return sum(1 for word in content if word[:1].isupper()) >= share * len(content)


def _article_region(blocks: list[_Block]) -> tuple[int, int]:
    """The contiguous run of blocks with the highest total prose score (Kadane), or the whole dump."""
    candidates = blocks[: _article_end_marker(blocks)]
    best_total, best_start, best_end = float("-inf"), 0, len(candidates) - 1
    total, start = 0.0, 0
    negative_run = 0
    for block in candidates:
        if total <= 0:
            total, start = 0.0, block.index
        # A run of labels is a menu or a teaser list: each further label costs more than the one before.
        negative_run = negative_run + 1 if block.score < 0 else 0
        escalation = min(1.0 + LABEL_RUN_ESCALATION * (negative_run - 1), 4.0) if negative_run else 1.0
        total += block.score * escalation
        if total > best_total:
            best_total, best_start, best_end = total, start, block.index
    if best_total <= 0:
        # No prose anywhere (a results table, a list page): the article is every block nothing recognised.
        return 0, len(candidates) - 1
    while best_start < best_end and blocks[best_start].score <= 0:
        best_start += 1
    # A last short sentence ("That's correct," he said.) adds nothing to the score but belongs to the text.
    while best_end + 1 < len(candidates) and _is_short_sentence(blocks[best_end + 1]):
        best_end += 1
    return best_start, _closing_list_end(candidates, best_end)


def _closing_list_end(blocks: list[_Block], end: int) -> int:
    """The last item of a list the article ends with, introduced by a line ending in a colon, or `end` itself.

    ("Ingredients:", "Here's what to know:", then short items): items score as labels, so the region stops short.
    """
    introduction = end + 1
    if introduction >= len(blocks) or not _is_list_introduction(blocks[introduction]):
        return end
    last = end
    for block in blocks[introduction + 1 : introduction + 1 + CLOSING_LIST_MAX_ITEMS]:
        if block.reason is not None or block.media_index is not None or block.words > PROSE_WORDS * 2:
            break
        last = block.index
    return last if last > introduction else end


def _is_list_introduction(block: _Block) -> bool:
    return block.reason is None and block.media_index is None and block.text.endswith(":") and block.words <= 15


def _is_short_sentence(block: _Block) -> bool:
    return (
        block.reason is None
        and block.media_index is None
        and 3 <= block.words < PROSE_WORDS
        and bool(_SENTENCE_END.search(block.text))
        and not _headline_cased(block.text)
    )


def _article_end_marker(blocks: list[_Block]) -> int:
    """Index of the first comment header or copyright notice after enough prose to be an article, else the end."""
    prose = 0.0
    for block in blocks:
        if prose >= ARTICLE_BEFORE_END_MARKER and boilerplate.ends_article(block.text):
            return block.index
        prose += max(block.score, 0.0)
    return len(blocks)


def _is_label(block: _Block) -> bool:
    return block.words < 8 and not _SENTENCE_END.search(block.text)


def _is_heading(blocks: list[_Block], block: _Block, end: int) -> bool:
    """A short unpunctuated line followed by prose inside the article is a subheading."""
    if block.words < 2 or block.words > 14 or not block.text[:1].isupper() or _TERMINAL_PUNCTUATION.search(block.text):
        return False
    following = next((other for other in blocks[block.index + 1 : end + 1] if other.media_index is None), None)
    return following is not None and following.score > 0


def _title_index(blocks: list[_Block], start: int, end: int) -> int | None:
    """The block that reads best as the headline of the article region `start`..`end`.

    Candidates run from a little above the region down to its first real paragraph, since a headline right above
    the text is scored into the region as a short sentence-case line.
    """
    first_paragraph = next((block.index for block in blocks[start : end + 1] if block.score >= PROSE_WORDS / 2), start)
    texts = [block.text.casefold() for block in blocks]
    best: tuple[float, int] | None = None
    steps = 0
    for index in range(first_paragraph - 1, max(-1, first_paragraph - 1 - TITLE_SEARCH_REACH), -1):
        block = blocks[index]
        if block.reason is not None or (block.media_index is not None and not block.may_be_headline):
            continue  # bylines, dates, captions and share bars sit between a headline and its text
        steps += 1
        if steps > TITLE_SEARCH_BLOCKS:
            break
        headline = _headline_likeness(block) - (CAPTION_AS_TITLE_COST if block.may_be_headline else 0.0)
        if headline <= 0:
            continue
        repeated = texts.count(texts[index]) > 1
        score = headline - TITLE_DISTANCE_COST * (steps - 1) + (TITLE_REPEATED_BONUS if repeated else 0.0)
        if best is None or score > best[0]:
            best = (score, index)
    return best[1] if best else None


def _headline_likeness(block: _Block) -> float:
    text = block.text
    words = text.split()
    if not 3 <= len(words) <= 25 or len(block.lines) > 2:
        return 0.0
    if text.endswith((".", ",", ";", ":")) and not text.endswith("..."):
        return 0.0
    if not text[:1].isupper() and text[:1] not in "“\"'‘" and not _CJK.match(text):
        return 0.0
    # Headlines run 5 to 14 words; a longer unpunctuated line is more often the standfirst under one.
    score = 1.0
    if 5 <= len(words) <= 14:
        score += 0.5
    elif len(words) <= 18:
        score += 0.2
    capitalised = sum(1 for word in words if word[:1].isupper())
    score += 0.5 * capitalised / len(words)
    if len(words) <= 3 and capitalised == len(words):
        score -= 0.8  # reads as a person's name: an author line, not a headline
    if text.isupper():
        score -= 0.5  # shouted labels are section names and buttons more often than headlines
    return score


def _removed(
    blocks: list[_Block], start: int, end: int, title_index: int | None, kept_media: set[int]
) -> list[Removed]:
    """Everything not kept, with a reason.

    Outside the article, each contiguous run of menu labels and widgets becomes one entry; furniture that says
    something about the page (cookie notice, newsletter box, byline, credit, related header ...) keeps its own.
    """
    removed: list[Removed] = []
    run: list[_Block] = []

    def flush() -> None:
        if len(run) == 1:
            removed.append(Removed(run[0].text, run[0].reason or "navigation"))
        elif run:
            reasons = {block.reason for block in run}
            mixed = "navigation" if run[0].index < start else "outside_article"
            reason = run[0].reason if len(reasons) == 1 and run[0].reason else mixed
            removed.append(Removed(" | ".join(block.text for block in run), reason))
        run.clear()

    for block in blocks:
        inside = start <= block.index <= end
        if block.index == title_index or (inside and block.reason is None and block.media_index is None):
            flush()
            continue
        if block.media_index is not None:
            flush()
            removed.append(Removed(block.text, "caption" if block.media_index in kept_media else "related"))
            continue
        block.reason = block.reason or ("navigation" if block.index < start else "outside_article")
        if inside or block.reason not in SUMMARISED_REASONS:
            flush()
            removed.append(Removed(block.text, block.reason))
        else:
            run.append(block)
    flush()
    return removed
