"""Who said a quote: speech verbs and named spans around it, pronouns, roles, and the people named before it."""

from __future__ import annotations

import re

from workers.pipeline.names import is_title, looks_like_organisation, strip_titles, word_set
from workers.pipeline.quote_context import SPEECH_VERB, SPEECH_VERBS, Context, Cue
from workers.pipeline.quote_marks import Quote, QuotedParagraph, inside
from workers.pipeline.quote_sources import ParsedSentence, governing_verb

# After the quote, these verbs may come before their subject: `“...,” said X`, `“...,” according to X`.
_VERB_FIRST = re.compile(rf"^\s*[,—–-]?\s*((?!told\b|tells\b)(?:{SPEECH_VERBS}))\b")
_PRONOUNS = frozenset({"he", "she", "He", "She"})
# A capitalised pronoun after a quote that ended its sentence opens the next sentence (`.” He said`, not `.” he said`).
_NEW_SENTENCE = re.compile(r"\s*(?:He|She|They|It|We|I)\b(?!\s+[A-Z])")
_CAPITALISED_RUN = re.compile(r"((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)\s*(?:,[^,]*,\s*)?$")
# Capitalised words that start a sentence but are never a speaker's name.
_NOT_NAMES = word_set(
    "The A An This That These Those It Its Officials Police Authorities Analysts Experts Critics Residents "
    "Witnesses Sources Observers Reports Others Some Many Several Both Neither Most But And Or So Yet Then "
    "However Meanwhile Later Earlier Also Still I We You"
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:is|was|are|were|be|been|being|’s|'s|what’s|what's)\s+(?:\w+ly\s+|often\s+|also\s+)?$"
)
# `― Jane Doe` or `— Jane Doe, mayor of X` after a quote: a name (capitalised words) and an optional role, alone.
_DASH_CREDIT = re.compile(r"\s*[―—–]\s*((?:[A-Z][\w’'.-]*\s*){1,5})(?:,[^“”\"]{0,80})?\s*$")
# A reporting verb that introduces the quote right after it: `said, “`, `told reporters: “`.
_INTRODUCES = re.compile(r"\w+(?: \w+)?\s*[,:]?\s*")
# How many words may sit between a speech verb and the quote it introduces (`X said the plan would “...”`).
MAX_WORDS_FROM_CUE = 20
# How many words may sit between a closing mark and its speech verb (`,” U.S. Secretary of State X Y said`).
MAX_SUBJECT_WORDS = 12


def _names_passively(text: str, verb: re.Match[str]) -> bool:
    """`it is called “X”`, `it is alleged`: a name or a claim nobody is said to have made, so no one's quote."""
    return not verb.group(0).endswith("ing") and bool(_PASSIVE_BEFORE.search(text, 0, verb.start()))


def _missed_name(region: str, spans: list[tuple[int, int]]) -> str | None:
    """Capitalised words right before the verb that the recogniser missed or half-read (`coach Pep Guardiola`)."""
    run = _CAPITALISED_RUN.search(region.rstrip())
    if not run:
        return None
    name = re.sub(r"(?<=\w\w\w)\.$", "", strip_titles(run.group(1).strip()))  # `said Lee Chang-yong.`
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


class Attribution(Context):
    """Finds each quote's speaker and reporting verb, remembering who was named last for pronouns and uncued quotes."""

    def attribute(self, paragraph: QuotedParagraph, quote: Quote) -> None:
        """Set the quote's speaker and cue from the text after it, before it, or the context."""
        self._advance_salience(paragraph.index, quote.open_mark)
        after = self._after(paragraph, quote)
        before = self._before(paragraph, quote.open_mark)
        # A cue after the quote without a nameable subject (`“...,” officials said`) is kept as a last resort; a
        # verb right before the quote (`he said, “...,” the office said`) introduces the words, the later one relays.
        introduces = before is not None and _INTRODUCES.fullmatch(paragraph.text[before.offset : quote.open_mark])
        found = before if introduces else after if after and after[0] else before
        found = found or self._introduced_by_previous_paragraph(paragraph, quote) or after
        found = found or self._governing_verb(paragraph, quote)
        if found:
            quote.speaker, quote.cue, quote.cue_at = found.speaker, found.verb, (found.paragraph, found.offset)
            quote.speaker_mention = found.mention
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
                reported = self._reported_in_previous_paragraph(paragraph, quote)
                quote.speaker = (
                    named_before or reported or (self.last_speaker[1] if self.last_speaker and recent else None)
                )
        else:
            # `That produced a strategy of “...”`: the person the sentence is about, else this paragraph's speaker.
            sentence_start = self._sentence_start(paragraph, quote.open_mark)
            quote.speaker = self._person_in(paragraph, sentence_start, quote.open_mark, subject=True)
            if quote.speaker is None and self.last_speaker and self.last_speaker[0] == paragraph.index:
                quote.speaker = self.last_speaker[1]
        if found and self.parse is not None:
            self._read_source(quote, found)
        if quote.speaker:
            self.last_speaker = (paragraph.index, quote.speaker)
            if quote.cue:
                self._note_speaker(paragraph.index, quote.speaker)

    def _after(self, paragraph: QuotedParagraph, quote: Quote) -> Cue | None:
        """`“...,” X said` or `“...,” said X` right after the closing mark, in the same sentence."""
        if quote.close_mark is None:
            return None
        dash = self._dash_source(paragraph, quote)
        if dash:
            return dash
        text = paragraph.text
        window_start = quote.close_mark + 1
        window_end = min([b for b in paragraph.boundaries if b > window_start] + [len(text)])
        window_end = min([q.open_mark for q in paragraph.quotes if q.open_mark > window_start] + [window_end])
        window = text[window_start:window_end]
        if window_start in paragraph.boundaries and _NEW_SENTENCE.match(window):
            return None  # `...to the mix.” He said his company’s lander...`: the next sentence, not this one's cue
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
            return Cue(speaker, cue, paragraph.index, window_start + verb_first.start(1))
        verb = next((verb for verb in SPEECH_VERB.finditer(window) if not _names_passively(window, verb)), None)
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
            return Cue(speaker, verb.group(0), paragraph.index, window_start + verb.start()) if speaker else None
        speaker = self._speaker_in(paragraph, window_start, window_start + verb.start(), last=True)
        return Cue(speaker, verb.group(0), paragraph.index, window_start + verb.start())

    def _dash_source(self, paragraph: QuotedParagraph, quote: Quote) -> Cue | None:
        """`“...” ― Jane Doe, mayor` closing the paragraph, or alone in the next one: the quote's speaker."""
        assert quote.close_mark is not None
        rest = paragraph.text[quote.close_mark + 1 :]
        where, offset = paragraph, quote.close_mark + 1
        if not rest.strip() and paragraph.index + 1 < len(self.paragraphs):
            where, offset = self.paragraphs[paragraph.index + 1], 0
            rest = where.text
        credit = _DASH_CREDIT.match(rest)
        if not credit:
            return None
        start, end = offset + credit.start(1), offset + credit.end(1)
        speaker = self._speaker_in(where, start, end, last=False) or self._resolve_missed(strip_titles(credit.group(1)))
        mention = credit.group(1).strip()
        return Cue(speaker, credit.group(0).strip()[0], where.index, offset + credit.start(), mention)

    def _before(self, paragraph: QuotedParagraph, position: int) -> Cue | None:
        """`X said “...”`, `X said: “...”`, `According to X, “...”`: the last speech verb before position."""
        start = self._sentence_start(paragraph, position)
        verbs = [
            verb
            for verb in SPEECH_VERB.finditer(paragraph.text, start, position)
            if not any(inside(verb.start(), other) for other in paragraph.quotes)
            and not _names_passively(paragraph.text, verb)
        ]
        if not verbs:
            return None
        verb = verbs[-1]
        if len(paragraph.text[verb.end() : position].split()) > MAX_WORDS_FROM_CUE:
            return None  # a verb this far back introduced something else; the quote is a term or scare quote
        if verb.group(0) == "according to":
            subject_end = verb.end() + len(re.split(r"[,.;:]", paragraph.text[verb.end() : position])[0])
            speaker = self._speaker_in(paragraph, verb.end(), subject_end, last=False)
            return Cue(speaker, verb.group(0), paragraph.index, verb.start())
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
        return Cue(speaker, verb.group(0), paragraph.index, verb.start())

    def _introduced_by_previous_paragraph(self, paragraph: QuotedParagraph, quote: Quote) -> Cue | None:
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
            return self._person_for_pronoun(words[-1].casefold(), paragraph.index)
        missed = _missed_name(region, [(span.start - start, span.end - start) for span in spans])
        if missed:
            return self._resolve_missed(missed)
        if _is_role(region):  # `the Russian foreign minister`: the last person introduced with that title
            return self._person_with_title(region.split()[-1])
        others = [span for span in spans if span.kind in ("organisation", "place")]
        if others:
            return (others[-1] if last else others[0]).name
        return None

    def _reported_in_previous_paragraph(self, paragraph: QuotedParagraph, quote: Quote) -> str | None:
        """`X said it was only the latest move.` then a paragraph of X's words with no attribution: X."""
        if quote.open_mark != 0 or paragraph.index == 0 or quote.continues:
            return None
        previous = self.paragraphs[paragraph.index - 1]
        if previous.quotes:
            return None
        # The paragraph's last sentence, however long: `X said it was only the latest move by ... to ...`.
        end = len(previous.text.rstrip().rstrip(".!?"))
        start = self._sentence_start(previous, end)
        verb = next((verb for verb in SPEECH_VERB.finditer(previous.text, start, end)), None)
        return self._speaker_in(previous, start, verb.start(), last=True) if verb else None

    def governs(self, paragraph: QuotedParagraph, quote: Quote) -> bool:
        """Whether the quote's cue is the verb its words hang from in the parse, as what it says or names."""
        cue = self._governing_verb(paragraph, quote, strict=True)
        return cue is not None and quote.cue_at == (cue.paragraph, cue.offset)

    def _governing_verb(self, paragraph: QuotedParagraph, quote: Quote, *, strict: bool = False) -> Cue | None:
        """The reporting verb the quote depends on in the parse, however far back (`X told them that ... “...”`)."""
        if self.parse is None or self._opens_sentence(paragraph, quote):
            return None
        start = self._sentence_start(paragraph, quote.open_mark)
        end = min([boundary for boundary in paragraph.boundaries if boundary > quote.start] + [len(paragraph.text)])
        others = [(other.start, other.end) for other in paragraph.quotes]
        verb = governing_verb(
            ParsedSentence(self.parse, paragraph.text, (start, end), others),
            quote.start,
            SPEECH_VERB,
            quote.end if strict else None,
        )
        if verb is None:
            return None
        return Cue(None, paragraph.text[verb : verb + len(paragraph.text[verb:].split()[0])], paragraph.index, verb)
