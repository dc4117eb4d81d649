"""How much a block of a text dump reads like article prose: stop words, sentence shape, teasers and repeats."""

from __future__ import annotations

import re
from functools import cache

import py3langid

from workers.pipeline import lexicon
from workers.pipeline.text_blocks import SENTENCE_END, TextBlock
from workers.pipeline.text_stats import CJK

# Blocks with this many words or more that read as sentences are article prose on their own.
PROSE_WORDS = 20
# A block no article region may span.
SEPARATOR_SCORE = -1000.0
# A glued teaser's summary is a sentence.
TEASER_SUMMARY_WORDS = 10
# Share of a block's 4-word shingles found in other blocks that makes it a repeat of them.
REPEAT_COVERAGE = 0.7
# Furniture that closes an article (comments, related stories, footer) weighs more than a stray label.
BARRIER_WEIGHTS = {"comment": 4.0, "related": 6.0, "footer": 4.0, "newsletter": 4.0}
# Furniture costs per word up to this many words.
FURNITURE_MAX_WORDS = 6
# A short unpunctuated sentence-case line is more often a teaser headline than article text: it costs per word.
SENTENCE_CASE_LINE_WEIGHT = -0.4

# Stop lists always used (they cover most pages), and how much text the language of the rest is read from.
COMMON_LANGUAGES = ("English", "Portuguese", "Spanish", "French", "German", "Italian", "Russian", "Indonesian")
LANGUAGE_SAMPLE_BLOCKS = 30
LANGUAGE_SAMPLE_CHARS = 1000
_WORD = re.compile(r"\w+")
# A word of five letters or more, or closing punctuation, running straight into a capitalised word. Shorter
# fragments are names and brands: McDonald, iPhone, HomeKit.
_GLUED_JUNCTION = re.compile(r"(?:(?<![\w'’])[A-Za-z]{0,30}[a-z]{5}|(?<=\S)[?!’'”\"])(?=[A-Z][a-z])")
# A headline, then the capitalised place name that opens a wire story: "... settlements UNITED NATIONS: ...".
# (A lone capitalised word needs five letters: "told the BBC: ..." is a quote, not a dateline.)
_DATELINE_IN_TEASER = re.compile(r"^(.{20,160}?)\s+(?:[A-Z]{2,}(?:[ ,.]+[A-Z]{2,})+|[A-Z]{5,})\s*(?::|—|–|--)\s+[A-Z]")
TERMINAL_PUNCTUATION = re.compile(r"[.!?…。！？:;,][”\"’')\]]*$")


def mark_repeats(blocks: list[TextBlock]) -> None:
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


def is_glued_teaser(text: str) -> bool:
    """A teaser whose headline runs into its summary: "Couple Finds Old NewspapersA couple found ...", or into the
    summary's dateline: "UN regrets new US position UNITED NATIONS: The UN said ...".
    """
    datelined = _DATELINE_IN_TEASER.match(text)
    if datelined and not TERMINAL_PUNCTUATION.search(datelined.group(1)):
        return len(datelined.group(1).split()) >= 4 and len(text.split()) >= TEASER_SUMMARY_WORDS + 4
    junction = _GLUED_JUNCTION.search(text[:200])
    if junction is None:
        return False
    headline, summary = text[: junction.end()], text[junction.end() :]
    return (
        len(headline.split()) >= 4
        and len(summary.split()) >= TEASER_SUMMARY_WORDS
        and headline_cased(headline, share=0.8)
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
def common_stopwords() -> frozenset[str]:
    """Function words of the languages seen most on news sites, to tell a sentence from a title-case label."""
    return frozenset().union(*(_stoplist(language) for language in COMMON_LANGUAGES))


def document_stopwords(blocks: list[TextBlock]) -> frozenset[str]:
    """Stop words of the document's language (and English, the language of most page furniture)."""
    sample = " ".join(block.text for block in sorted(blocks, key=lambda block: -block.words)[:LANGUAGE_SAMPLE_BLOCKS])
    code, _ = py3langid.classify(sample[:LANGUAGE_SAMPLE_CHARS])
    language = lexicon.justext_language_names().get(str(code))
    if language is None or language == "English":
        return common_stopwords()
    return common_stopwords() | _stoplist(language)


def stopword_ratio(text: str, stopwords: frozenset[str]) -> float:
    words = _WORD.findall(text.casefold())
    if not words:
        return 0.0
    if CJK.search(text):
        return 0.4  # no stop list for these scripts; sentence punctuation does the work
    return sum(1 for word in words if word in stopwords) / len(words)


def prose_score(block: TextBlock) -> float:
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
    ends_sentence = bool(SENTENCE_END.search(block.text))
    ratio = block.stop_ratio
    if words >= PROSE_WORDS and ratio >= 0.2:
        return words * (1.0 if ends_sentence else 0.7)
    if words >= 8 and ends_sentence and ratio >= 0.15:
        return words * 0.5
    if headline_cased(block.text):
        return -3.0
    if words >= 4 and ratio >= 0.2:
        return words * SENTENCE_CASE_LINE_WEIGHT
    if ends_sentence and words >= 3:
        return 0.0
    return -2.0


def headline_cased(text: str, share: float = 0.7) -> bool:
    """Most words capitalised, as in menus, teaser headlines and section names."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words:
        return True
    stopwords = common_stopwords()
    content = [word for word in words[1:] if word.casefold() not in stopwords] or words
    return sum(1 for word in content if word[:1].isupper()) >= share * len(content)
