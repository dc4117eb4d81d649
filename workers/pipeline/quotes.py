"""Direct quotes in the body and who said them, by rules over quotation marks, speech verbs and named spans.

News attributes quotes in a few fixed shapes: `“...,” X said`, `“...,” said X`, `X said “...”`, `X said: “...”`,
`according to X`, a pronoun (`he said`) for the person last named, or no cue at all when a quote continues the
previous speaker. The rules below read those shapes; they need named spans (from the entity recogniser, already
resolved to their entity) but fall back to capitalised words when a name was missed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workers.pipeline.names import is_title, looks_like_organisation, strip_titles, word_set

# Openers and the closers that end them. „ (German) may close with “ or ”; « » are guillemets.
_CLOSERS_FOR_OPENER = {"“": "”", "«": "»", "„": "“”", "‹": "›"}
_CLOSING_MARKS = "”»›"
_STRAIGHT = '"'

# Verbs that introduce or follow reported speech; past and 3rd-person forms only, because present plurals
# ("states", "notes", "claims") are nouns far more often.
_SPEECH_VERBS = (
    "said|says|told|tells|added|adds|declared|insisted|insists|warned|warns|noted|stated|explained|explains|argued|"
    "argues|claimed|asked|asks|replied|responded|wrote|writes|continued|remarked|recalled|stressed|emphasized|"
    "emphasised|acknowledged|admitted|announced|commented|conceded|confirmed|cautioned|complained|suggested|"
    "predicted|promised|pledged|vowed|urged|tweeted|posted|exclaimed|shouted|concluded|observed|pointed out|"
    "points out|denied|maintained|reiterated|joked|quipped|contended|asserted|countered|testified|reported|"
    "went on|according to|declares|recalls"
)
_SPEECH_VERB = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
# After the quote, these verbs may come before their subject: `“...,” said X`, `“...,” according to X`.
_VERB_FIRST = re.compile(rf"^\s*[,—–-]?\s*((?!told\b|tells\b)(?:{_SPEECH_VERBS}))\b")
_PRONOUNS = frozenset({"he", "she", "He", "She"})
_CAPITALISED_RUN = re.compile(r"((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)\s*(?:,[^,]*,\s*)?$")
_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc corp co ltd no vs etc jan feb mar apr jun jul aug "
    "sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m"
)
# Capitalised words that start a sentence but are never a speaker's name.
_NOT_NAMES = word_set(
    "The A An This That These Those It Its Officials Police Authorities Analysts Experts Critics Residents "
    "Witnesses Sources Observers Reports Others Some Many Several Both Neither Most But And Or So Yet Then "
    "However Meanwhile Later Earlier Also Still I We You"
)
# A quote with no speech cue and fewer words than this is a scare quote or a term, not reported speech.
MIN_WORDS_WITHOUT_CUE = 5
# How many words may sit between a speech verb and the quote it introduces (`X said the plan would “...”`).
MAX_WORDS_FROM_CUE = 20
# How many words may sit between a closing mark and its speech verb (`,” U.S. Secretary of State X Y said`).
MAX_SUBJECT_WORDS = 12


@dataclass(frozen=True)
class NamedSpan:
    """A name found in a paragraph, already resolved to its entity's canonical name and type."""

    paragraph: int
    start: int
    end: int
    name: str
    kind: str  # person | organisation | place | other


@dataclass
class _Quote:
    paragraph: int
    start: int  # inner text, without the marks
    end: int
    open_mark: int
    close_mark: int | None  # None: the paragraph ended first
    continues: bool = False  # the paragraph opened with a mark but the quote began in an earlier one
    speaker: str | None = None
    cue: str | None = None


@dataclass
class _Paragraph:
    index: int
    text: str
    quotes: list[_Quote] = field(default_factory=list)
    boundaries: list[int] = field(default_factory=list)  # sentence-final positions (exclusive ends)


def find_quotes(
    paragraphs: list[str], names: list[NamedSpan], resolve_name: Callable[[str], str | None] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Quotes with speaker, cue, paragraph and offsets of the quoted text; warnings for unbalanced marks."""
    # resolve_name maps a name the recogniser missed (`Scholz`) to the person it belongs to (`Olaf Scholz`).
    warnings: list[str] = []
    parsed = [_Paragraph(index, text) for index, text in enumerate(paragraphs)]
    for paragraph in parsed:
        paragraph.quotes = _quote_spans(paragraph.text, paragraph.index, warnings)
        paragraph.boundaries = _sentence_boundaries(paragraph.text, paragraph.quotes)
    _mark_continuations(parsed, warnings)
    names_by_paragraph: dict[int, list[NamedSpan]] = {}
    for span in sorted(names, key=lambda span: (span.paragraph, span.start)):
        names_by_paragraph.setdefault(span.paragraph, []).append(span)
    attribution = _Attribution(parsed, names_by_paragraph, resolve_name or (lambda name: None))
    for paragraph in parsed:
        for quote in paragraph.quotes:
            attribution.attribute(paragraph, quote)
    _share_speakers_across_continuations(parsed)
    quotes = [
        {
            "text": paragraph.text[quote.start : quote.end],
            "speaker": quote.speaker,
            "cue": quote.cue,
            "paragraph": paragraph.index,
            "start": quote.start,
            "end": quote.end,
        }
        for paragraph in parsed
        for quote in paragraph.quotes
        if _is_reported_speech(paragraph.text, quote)
    ]
    return quotes, warnings


def _quote_spans(text: str, paragraph: int, warnings: list[str]) -> list[_Quote]:
    """Top-level double-quoted spans (nested single quotes stay inside), then single-quoted ones outside them."""
    spans: list[_Quote] = []
    opener: str | None = None
    opened_at = 0
    for position, mark in enumerate(text):
        if opener is not None and (mark in _CLOSERS_FOR_OPENER.get(opener, "") or (opener == mark == _STRAIGHT)):
            spans.append(_make_quote(text, paragraph, opened_at, position))
            opener = None
        elif mark in _CLOSERS_FOR_OPENER or (mark == _STRAIGHT and _starts_word(text, position + 1)):
            if opener is not None:
                warnings.append(f"paragraph {paragraph}: quotation mark at {opened_at} never closed")
            opener, opened_at = mark, position
        elif mark in _CLOSING_MARKS or mark == _STRAIGHT:
            warnings.append(f"paragraph {paragraph}: closing quotation mark at {position} without an opening one")
    if opener is not None:
        spans.append(_make_quote(text, paragraph, opened_at, None))
    spans += _single_quoted_spans(text, paragraph, spans)
    return sorted(spans, key=lambda quote: quote.open_mark)


def _single_quoted_spans(text: str, paragraph: int, double_quoted: list[_Quote]) -> list[_Quote]:
    """‘British-style’ quotes outside double quotes; ’ inside a word is an apostrophe, not a closer."""
    spans: list[_Quote] = []
    for match in re.finditer(r"(?:(?<=^)|(?<=[\s(\[—–]))‘(\S(?:.*?\S)?)’(?![\w])", text):
        if any(_inside(match.start(), quote) for quote in double_quoted):
            continue
        spans.append(_make_quote(text, paragraph, match.start(), match.end() - 1))
    return spans


def _make_quote(text: str, paragraph: int, open_mark: int, close_mark: int | None) -> _Quote:
    start, end = open_mark + 1, len(text) if close_mark is None else close_mark
    while start < end and text[start].isspace():
        start += 1
    # The comma before a closing mark belongs to the reporting sentence, not to the words quoted.
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return _Quote(paragraph, start, end, open_mark, close_mark)


def _starts_word(text: str, position: int) -> bool:
    """A straight quote opens when it stands before a word and after a space, bracket or the start."""
    before_ok = position == 1 or text[position - 2].isspace() or text[position - 2] in "([{—–-/"
    return before_ok and position < len(text) and not text[position].isspace()


def _inside(position: int, quote: _Quote) -> bool:
    end = quote.close_mark if quote.close_mark is not None else quote.end
    return quote.open_mark <= position <= end


def _mark_continuations(paragraphs: list[_Paragraph], warnings: list[str]) -> None:
    """A quote left open at a paragraph's end continues if the next paragraph opens with a mark (news style)."""
    for position, current in enumerate(paragraphs):
        following = paragraphs[position + 1] if position + 1 < len(paragraphs) else None
        unclosed = [quote for quote in current.quotes if quote.close_mark is None]
        if not unclosed:
            continue
        next_opens = following is not None and following.quotes and following.quotes[0].open_mark == 0
        if next_opens and following is not None:
            following.quotes[0].continues = True
        else:
            warnings.append(f"paragraph {current.index}: a quotation is still open at the paragraph's end")


def _share_speakers_across_continuations(paragraphs: list[_Paragraph]) -> None:
    """All parts of a multi-paragraph quote get the speaker named at its end (or at its start)."""
    chain: list[_Quote] = []
    for paragraph in paragraphs:
        for quote in paragraph.quotes:
            if quote.continues and chain:
                chain.append(quote)
            else:
                _unify(chain)
                chain = [quote]
    _unify(chain)


def _unify(chain: list[_Quote]) -> None:
    if len(chain) < 2:
        return
    named = [quote for quote in chain if quote.speaker]
    if not named:
        return
    source = next((quote for quote in reversed(chain) if quote.cue and quote.speaker), named[-1])
    for quote in chain:
        quote.speaker, quote.cue = source.speaker, quote.cue or source.cue


def _sentence_boundaries(text: str, quotes: list[_Quote]) -> list[int]:
    """Sentence ends outside quotes; a quote that ends its own sentence (`.”`) ends one at its closing mark."""
    boundaries = []
    for match in re.finditer(r"[.!?]+", text):
        position = match.end()
        if any(_inside(match.start(), quote) for quote in quotes):
            continue
        if _is_sentence_end(text, match.start(), position):
            boundaries.append(position)
    for quote in quotes:
        if quote.close_mark is not None and quote.end > quote.start and text[quote.end - 1] in ".!?":
            after = text[quote.close_mark + 1 :].lstrip()
            if not after or after[0].isupper() or after[0] in _CLOSERS_FOR_OPENER:
                boundaries.append(quote.close_mark + 1)
    return sorted(boundaries)


def _is_sentence_end(text: str, mark: int, after_mark: int) -> bool:
    rest = text[after_mark:]
    stripped = rest.lstrip('”’")]»')
    if stripped and not stripped[0].isspace():
        return False
    following = stripped.lstrip()
    if following and not (following[0].isupper() or following[0] in '“‘"«„('):
        return False
    if text[mark] == ".":
        word = re.search(r"([\w.]+)$", text[:mark])
        if word:
            token = word.group(1).casefold()
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(\w\.)+\w", token):
                return False
    return True


def _is_reported_speech(text: str, quote: _Quote) -> bool:
    """Keep attributed quotes and long ones; drop short unattributed scare quotes and terms."""
    if quote.cue or quote.continues:
        return quote.end > quote.start
    return len(text[quote.start : quote.end].split()) >= MIN_WORDS_WITHOUT_CUE


def _missed_name(region: str, spans: list[tuple[int, int]]) -> str | None:
    """Capitalised words right before the verb that the recogniser missed or half-read (`coach Pep Guardiola`)."""
    run = _CAPITALISED_RUN.search(region.rstrip())
    if not run:
        return None
    name = strip_titles(run.group(1).strip())
    covered = any(run.start() <= span_start < run.end() for span_start, _ in spans)
    # Two capitalised words the model read as an organisation are usually a person it half-recognised.
    if not name or name.split()[0] in _NOT_NAMES or (covered and len(name.split()) < 2):
        return None
    return None if looks_like_organisation(name) else name


def _is_role(subject: str) -> bool:
    """`the minister`, `the Chinese foreign minister`: a determiner, adjectives and a title, no name."""
    words = subject.strip(" ,").split()
    return (
        len(words) >= 2
        and words[0].casefold() == "the"
        and is_title(words[-1])
        and all(is_title(word) or word[:1].isupper() for word in words[1:])
    )


class _Attribution:
    """Finds each quote's speaker, remembering who was named last for pronouns and uncued quotes."""

    def __init__(
        self,
        paragraphs: list[_Paragraph],
        names: dict[int, list[NamedSpan]],
        resolve_name: Callable[[str], str | None],
    ) -> None:
        self.paragraphs = paragraphs
        self.names = names
        self.resolve_name = resolve_name
        self.recent_people: list[str] = []  # people named outside quotes, most recent last
        self.pronoun_of: dict[str, str] = {}  # learnt from earlier attributions: "he" or "she"
        self.titles_of: dict[str, set[str]] = {}  # title words written before the person's name
        self.last_speaker: tuple[int, str] | None = None  # paragraph, name
        self.position = (0, 0)  # paragraph, offset up to which recent_people is up to date
        self.next_span = 0  # in that paragraph's people outside quotes
        self.people_outside_quotes: dict[int, list[NamedSpan]] = {}

    def attribute(self, paragraph: _Paragraph, quote: _Quote) -> None:
        """Set the quote's speaker and cue from the text after it, before it, or the context."""
        self._advance_salience(paragraph.index, quote.open_mark)
        after = self._after(paragraph, quote)
        # A cue after the quote without a nameable subject (`“...,” officials said`) is kept as a last resort.
        found = after if after and after[0] else self._before(paragraph, quote.open_mark)
        found = found or self._introduced_by_previous_paragraph(paragraph, quote) or after
        if found:
            quote.speaker, quote.cue = found
        elif quote.continues and self.last_speaker:
            quote.speaker = self.last_speaker[1]
        elif self._opens_sentence(paragraph, quote):
            # `“A,” X said. “B”`: B is X's too (even when X is unnamed); `X was blunt. “B”`: the person just named;
            # else whoever spoke in this or the previous paragraph.
            previous = [other for other in paragraph.quotes if other.close_mark is not None and other.end < quote.start]
            named_before = self._person_in(paragraph, 0, quote.open_mark)
            recent = self.last_speaker and paragraph.index - self.last_speaker[0] <= 1
            if previous and previous[-1].cue:
                quote.speaker = previous[-1].speaker
            else:
                quote.speaker = named_before or (self.last_speaker[1] if self.last_speaker and recent else None)
        else:
            sentence_start = self._sentence_start(paragraph, quote.open_mark)
            quote.speaker = self._person_in(paragraph, sentence_start, quote.open_mark)
        if quote.speaker:
            self.last_speaker = (paragraph.index, quote.speaker)
            if quote.cue:
                self._note_person(quote.speaker)

    def _after(self, paragraph: _Paragraph, quote: _Quote) -> tuple[str | None, str] | None:
        """`“...,” X said` or `“...,” said X` right after the closing mark, in the same sentence."""
        if quote.close_mark is None:
            return None
        text = paragraph.text
        window_start = quote.close_mark + 1
        window_end = min([b for b in paragraph.boundaries if b > window_start] + [len(text)])
        window_end = min([q.open_mark for q in paragraph.quotes if q.open_mark > window_start] + [window_end])
        window = text[window_start:window_end]
        verb_first = _VERB_FIRST.match(window)
        if verb_first:
            cue = verb_first.group(1)
            subject_start = window_start + verb_first.end()
            subject_end = subject_start + len(
                re.split(
                    # Not at "." (`said Rep. Brian Babin`): the window already ends with the sentence.
                    r"[,;:!?]|\b(?:on|in|at|from|during|after|before|when|who|by|as|while|because|which)\b",
                    text[subject_start:window_end],
                )[0]
            )
            speaker = self._speaker_in(paragraph, subject_start, subject_end, last=False)
            return speaker, cue
        verb = _SPEECH_VERB.search(window)
        if not verb:
            return None
        subject = window[: verb.start()]
        if re.search(r"[;:!?]", subject):
            return None
        if len(subject.split()) > MAX_SUBJECT_WORDS:
            # `“...,” Interior Minister X, who serves in a provisional government, said`: a name, then an aside.
            head = re.match(r"[^,]*,", subject)
            if not head or len(head.group(0).split()) > MAX_SUBJECT_WORDS:
                return None
            speaker = self._speaker_in(paragraph, window_start, window_start + head.end(), last=True)
            return (speaker, verb.group(0)) if speaker else None
        speaker = self._speaker_in(paragraph, window_start, window_start + verb.start(), last=True)
        return speaker, verb.group(0)

    def _before(self, paragraph: _Paragraph, position: int) -> tuple[str | None, str] | None:
        """`X said “...”`, `X said: “...”`, `According to X, “...”`: the last speech verb before position."""
        start = self._sentence_start(paragraph, position)
        verbs = [
            verb
            for verb in _SPEECH_VERB.finditer(paragraph.text, start, position)
            if not any(_inside(verb.start(), other) for other in paragraph.quotes)
        ]
        if not verbs:
            return None
        verb = verbs[-1]
        if len(paragraph.text[verb.end() : position].split()) > MAX_WORDS_FROM_CUE:
            return None  # a verb this far back introduced something else; the quote is a term or scare quote
        if verb.group(0) == "according to":
            subject_end = verb.end() + len(re.split(r"[,.;:]", paragraph.text[verb.end() : position])[0])
            return self._speaker_in(paragraph, verb.end(), subject_end, last=False), verb.group(0)
        clause_start = max(
            [start]
            + [
                m.end()
                for m in re.finditer(r"[,;]\s|\b(?:and|but)\s", paragraph.text[: verb.start()])
                if m.end() > start
            ]
        )
        speaker = self._speaker_in(paragraph, clause_start, verb.start(), last=True)
        if speaker is None:  # `X did this, and claimed “...”`: the sentence's subject speaks
            speaker = self._speaker_in(paragraph, start, verb.start(), last=False)
        return speaker, verb.group(0)

    def _introduced_by_previous_paragraph(self, paragraph: _Paragraph, quote: _Quote) -> tuple[str | None, str] | None:
        """`X told reporters:` closing one paragraph, the quote opening the next."""
        if quote.open_mark != 0 or paragraph.index == 0:
            return None
        previous = self.paragraphs[paragraph.index - 1]
        if not previous.text.rstrip().endswith(":"):
            return None
        return self._before(previous, len(previous.text.rstrip()))

    def _speaker_in(self, paragraph: _Paragraph, start: int, end: int, *, last: bool) -> str | None:
        """The person named between start and end, else a pronoun's referent, a missed name, an organisation."""
        spans = [span for span in self.names.get(paragraph.index, []) if start <= span.start and span.end <= end]
        spans = [span for span in spans if not any(_inside(span.start, quote) for quote in paragraph.quotes)]
        text = paragraph.text
        # `Morrison, Vindman's superior, said`: a name in the possessive is not the subject.
        people = [span for span in spans if span.kind == "person" and not text.startswith(("’s", "'s"), span.end)]
        if people:
            return (people[-1] if last else people[0]).name
        region = text[start:end]
        words = region.strip(" ,—–-").split()
        if 1 <= len(words) <= 2 and words[-1] in _PRONOUNS:  # `he`, `and she`; not `He Jianxiong`
            return self._person_for_pronoun(words[-1].casefold())
        missed = _missed_name(region, [(span.start - start, span.end - start) for span in spans])
        if missed:
            return self._resolve_missed(missed)
        if _is_role(region):  # `the Russian foreign minister`: the last person introduced with that title
            return self._person_with_title(region.split()[-1])
        others = [span for span in spans if span.kind in ("organisation", "place")]
        if others:
            return (others[-1] if last else others[0]).name
        return None

    def _note_person(self, name: str) -> None:
        if name in self.recent_people:
            self.recent_people.remove(name)
        self.recent_people.append(name)

    def _person_for_pronoun(self, pronoun: str) -> str | None:
        """The most recently named person not known to go by the other pronoun (`he` after `she said` for X)."""
        for name in reversed(self.recent_people):
            known = self.pronoun_of.get(name)
            if known in (None, pronoun):
                self.pronoun_of[name] = pronoun
                return name
        return None

    def _person_with_title(self, role: str) -> str | None:
        role = role.casefold().rstrip(".,")
        return next((name for name in reversed(self.recent_people) if role in self.titles_of.get(name, ())), None)

    def _resolve_missed(self, name: str) -> str:
        """A name the recogniser missed, matched to a known entity by its last words, else its last two words."""
        words = name.split()
        for size in range(len(words), 0, -1):
            resolved = self.resolve_name(" ".join(words[-size:]))
            if resolved:
                return resolved
        # `Browns DL Sheldon Richardson`: leading words of a long run are a team, a unit or a title.
        return " ".join(words[-2:]) if len(words) > 3 else name

    def _person_in(self, paragraph: _Paragraph, start: int, end: int) -> str | None:
        """The last person named between start and end, outside quotes."""
        people = [
            span
            for span in self.names.get(paragraph.index, [])
            if start <= span.start
            and span.end <= end
            and span.kind == "person"
            and not any(_inside(span.start, quote) for quote in paragraph.quotes)
        ]
        return people[-1].name if people else None

    def _advance_salience(self, paragraph: int, offset: int) -> None:
        """Move the 'people named outside quotes' forward to (paragraph, offset), each span visited once."""
        for index in range(self.position[0], paragraph + 1):
            high = offset if index == paragraph else len(self.paragraphs[index].text)
            spans = self._people_outside_quotes(index)
            next_span = self.next_span if index == self.position[0] else 0
            while next_span < len(spans) and spans[next_span].start < high:
                span = spans[next_span]
                self._note_person(span.name)
                before = re.findall(r"[\w.]+", self.paragraphs[index].text[max(0, span.start - 60) : span.start])
                self.titles_of.setdefault(span.name, set()).update(
                    word.casefold().rstrip(".") for word in before[-4:] if is_title(word)
                )
                next_span += 1
            self.next_span = next_span
        self.position = (paragraph, offset)

    def _people_outside_quotes(self, index: int) -> list[NamedSpan]:
        if index not in self.people_outside_quotes:
            quotes = self.paragraphs[index].quotes
            self.people_outside_quotes[index] = [
                span
                for span in self.names.get(index, [])
                if span.kind == "person" and not any(_inside(span.start, quote) for quote in quotes)
            ]
        return self.people_outside_quotes[index]

    def _sentence_start(self, paragraph: _Paragraph, position: int) -> int:
        return max([0] + [boundary for boundary in paragraph.boundaries if boundary <= position])

    def _opens_sentence(self, paragraph: _Paragraph, quote: _Quote) -> bool:
        return not paragraph.text[self._sentence_start(paragraph, quote.open_mark) : quote.open_mark].strip()
