"""Who said a quote: speech verbs and named spans around it, pronouns, roles, and the people named before it."""

from __future__ import annotations

import re
from collections.abc import Callable

from workers.pipeline import lexicon
from workers.pipeline.document import NamedSpan
from workers.pipeline.names import is_title, looks_like_organisation, strip_titles, word_set
from workers.pipeline.quote_marks import Quote, QuotedParagraph, inside

# Verbs that introduce or follow reported speech (lexicon/reporting_verbs.txt).
_SPEECH_VERBS = "|".join(lexicon.reporting_verbs())
_SPEECH_VERB = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
# After the quote, these verbs may come before their subject: `“...,” said X`, `“...,” according to X`.
_VERB_FIRST = re.compile(rf"^\s*[,—–-]?\s*((?!told\b|tells\b)(?:{_SPEECH_VERBS}))\b")
_PRONOUNS = frozenset({"he", "she", "He", "She"})
_CAPITALISED_RUN = re.compile(r"((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)\s*(?:,[^,]*,\s*)?$")
# Capitalised words that start a sentence but are never a speaker's name.
_NOT_NAMES = word_set(
    "The A An This That These Those It Its Officials Police Authorities Analysts Experts Critics Residents "
    "Witnesses Sources Observers Reports Others Some Many Several Both Neither Most But And Or So Yet Then "
    "However Meanwhile Later Earlier Also Still I We You"
)
# How many words may sit between a speech verb and the quote it introduces (`X said the plan would “...”`).
MAX_WORDS_FROM_CUE = 20
# How many words may sit between a closing mark and its speech verb (`,” U.S. Secretary of State X Y said`).
MAX_SUBJECT_WORDS = 12


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


class Attribution:
    """Finds each quote's speaker, remembering who was named last for pronouns and uncued quotes."""

    def __init__(
        self,
        paragraphs: list[QuotedParagraph],
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

    def attribute(self, paragraph: QuotedParagraph, quote: Quote) -> None:
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

    def _after(self, paragraph: QuotedParagraph, quote: Quote) -> tuple[str | None, str] | None:
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

    def _before(self, paragraph: QuotedParagraph, position: int) -> tuple[str | None, str] | None:
        """`X said “...”`, `X said: “...”`, `According to X, “...”`: the last speech verb before position."""
        start = self._sentence_start(paragraph, position)
        verbs = [
            verb
            for verb in _SPEECH_VERB.finditer(paragraph.text, start, position)
            if not any(inside(verb.start(), other) for other in paragraph.quotes)
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

    def _introduced_by_previous_paragraph(
        self, paragraph: QuotedParagraph, quote: Quote
    ) -> tuple[str | None, str] | None:
        """`X told reporters:` closing one paragraph, the quote opening the next."""
        if quote.open_mark != 0 or paragraph.index == 0:
            return None
        previous = self.paragraphs[paragraph.index - 1]
        if not previous.text.rstrip().endswith(":"):
            return None
        return self._before(previous, len(previous.text.rstrip()))

    def _speaker_in(self, paragraph: QuotedParagraph, start: int, end: int, *, last: bool) -> str | None:
        """The person named between start and end, else a pronoun's referent, a missed name, an organisation."""
        spans = [span for span in self.names.get(paragraph.index, []) if start <= span.start and span.end <= end]
        spans = [span for span in spans if not any(inside(span.start, quote) for quote in paragraph.quotes)]
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

    def _person_in(self, paragraph: QuotedParagraph, start: int, end: int) -> str | None:
        """The last person named between start and end, outside quotes."""
        people = [
            span
            for span in self.names.get(paragraph.index, [])
            if start <= span.start
            and span.end <= end
            and span.kind == "person"
            and not any(inside(span.start, quote) for quote in paragraph.quotes)
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
                if span.kind == "person" and not any(inside(span.start, quote) for quote in quotes)
            ]
        return self.people_outside_quotes[index]

    def _sentence_start(self, paragraph: QuotedParagraph, position: int) -> int:
        return max([0] + [boundary for boundary in paragraph.boundaries if boundary <= position])

    def _opens_sentence(self, paragraph: QuotedParagraph, quote: Quote) -> bool:
        return not paragraph.text[self._sentence_start(paragraph, quote.open_mark) : quote.open_mark].strip()
