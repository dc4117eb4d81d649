"""Key phrases: the most mentioned named entities and the most significant content-word phrases (RAKE-style).

No part-of-speech tagger is needed: candidate phrases are runs of words between stop words and punctuation,
scored by how often their words occur and co-occur, with a boost for words of the title.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from typing import Any

from workers.pipeline import lexicon
from workers.pipeline.names import word_set

MIN_KEYWORDS = 5
MAX_KEYWORDS = 10
MAX_PHRASE_WORDS = 3
TITLE_BOOST = 2.0
# Reporting verbs and vague words are frequent in news and say nothing about the story.
_NEWS_STOP_WORDS = (
    word_set("reportedly including also just like new year years time people percent week month day today yesterday")
    | {word for verb in lexicon.reporting_verbs() for word in verb.split()}
    | set(lexicon.weekdays())
    | set(lexicon.month_names())
    | lexicon.honorifics(abbreviated_only=True)
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*[^\W_]|[^\W\d_]", re.UNICODE)
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’«»—–/|]|\s[-–]\s|\n")


def extract_keywords(
    title: str | None, paragraphs: list[str], entities: list[dict[str, Any]], language: str | None = "en"
) -> list[str]:
    """Between 5 and 10 key phrases (fewer only when the text has fewer), entities first."""
    phrases = _ranked_phrases(title or "", paragraphs, _stop_words(language))
    chosen: list[str] = []
    # An entity mentioned at least twice is what the story is about; people, places, organisations first.
    for entity in entities:
        if entity["mentions"] >= 2 and len(chosen) < MAX_KEYWORDS // 2:
            _add(chosen, entity["name"])
    for phrase in phrases:
        if len(chosen) >= MAX_KEYWORDS:
            break
        _add(chosen, phrase)
    for entity in entities:  # short texts: fill up with entities mentioned once
        if len(chosen) >= MIN_KEYWORDS:
            break
        _add(chosen, entity["name"])
    return chosen[:MAX_KEYWORDS]


def _add(chosen: list[str], phrase: str) -> None:
    """Append unless the phrase repeats (or is part of) one already chosen, ignoring case."""
    folded = phrase.casefold()
    for position, existing in enumerate(chosen):
        other = existing.casefold()
        if folded == other or re.search(rf"\b{re.escape(folded)}\b", other):
            return
        if re.search(rf"\b{re.escape(other)}\b", folded) and len(folded.split()) <= MAX_PHRASE_WORDS:
            chosen[position] = phrase  # the longer phrase says more
            return
    chosen.append(phrase)


@functools.cache
def _stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop words for the language (English news words added for English), empty if it has none."""
    if not language:
        return frozenset()
    try:
        import spacy.util

        stop_words = frozenset(spacy.util.get_lang_class(language).Defaults.stop_words)
    except ImportError:
        return frozenset()
    return stop_words | _NEWS_STOP_WORDS if language == "en" else stop_words


def _ranked_phrases(title: str, paragraphs: list[str], stop_words: frozenset[str]) -> list[str]:
    """Candidate phrases by RAKE score (sum of word degree/frequency), best first."""
    candidates: list[tuple[str, ...]] = []
    for text in [title, *paragraphs]:
        for chunk in _BREAK.split(text):
            run: list[str] = []
            for word in _WORD.findall(chunk):
                # "it's" is as empty as "it": a contraction of a stop word is a stop word.
                if word.casefold().replace("’", "'").split("'")[0] in stop_words or len(word) < 3:
                    if run:
                        candidates.append(tuple(run))
                    run = []
                else:
                    run.append(word)
            if run:
                candidates.append(tuple(run))
    candidates = [phrase for phrase in candidates if len(phrase) <= MAX_PHRASE_WORDS]
    frequency: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for phrase in candidates:
        for word in phrase:
            frequency[word.casefold()] += 1
            degree[word.casefold()] += len(phrase)
    title_words = {word.casefold() for word in _WORD.findall(title)}
    scores: dict[str, float] = {}
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    phrase_counts = Counter(" ".join(phrase).casefold() for phrase in candidates)
    for phrase in candidates:
        key = " ".join(phrase).casefold()
        surface[key][" ".join(phrase)] += 1
        if key in scores:
            continue
        word_scores = sum(degree[w.casefold()] / frequency[w.casefold()] for w in phrase)
        boost = TITLE_BOOST if any(w.casefold() in title_words for w in phrase) else 1.0
        scores[key] = word_scores * boost * min(phrase_counts[key], 3)

    # A phrase seen once is usually incidental, and a lone common word needs more repetition to mean something:
    # repeated phrases first, then single words seen three times or more, then the rest, each by score.
    def tier(key: str) -> int:
        # Named single words come in as entities; others may be sentence-initial capitals ("Surely").
        single_word = " " not in key
        if phrase_counts[key] >= (3 if single_word else 2):
            return 1 if single_word else 0
        return 2

    ranked = sorted(scores, key=lambda key: (tier(key), -scores[key]))
    return [surface[key].most_common(1)[0][0] for key in ranked]
