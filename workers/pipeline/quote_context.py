"""What the attribution of quotes remembers while reading an article: who was named when, which pronoun and
titles go with whom, and how a grammatical subject (quote_sources) resolves to an entity of the article."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import NamedTuple

from workers.pipeline import lexicon
from workers.pipeline.document import NamedSpan
from workers.pipeline.names import looks_like_organisation, strip_titles
from workers.pipeline.quote_marks import Quote, QuotedParagraph, inside
from workers.pipeline.quote_salience import (
    KnownPeople,
    in_subject_position,
    introduced_as_organisation,
    is_plural_role,
    is_role_word,
    role_stem,
    roles_before,
)
from workers.pipeline.quote_sources import PRONOUNS, ParsedSentence, SentenceParser, Source, source_of_verb

# Verbs that introduce or follow reported speech (lexicon/reporting_verbs.txt) or name something in someone's words
# (lexicon/naming_verbs.txt).
SPEECH_VERBS = lexicon.alternation(lexicon.reporting_verbs())
_NAMING_VERBS = lexicon.alternation([verb for verb in lexicon.naming_verbs() if not verb.startswith("call")])
_CALL = lexicon.alternation([verb for verb in lexicon.naming_verbs() if verb.startswith("call")])
# Not inside a compound (`self-declared`); `call` not as a phrasal verb (`called on`, `called for`), while the others
# keep their sense before a preposition (`blasted on a conference call as “morally wrong”`).
SPEECH_VERB = re.compile(
    rf"(?<![-\w])(?:(?:{SPEECH_VERBS})|(?:{_NAMING_VERBS})|(?:{_CALL})(?!\s+(?:on|for|off|up|out|back|in)\b))\b"
)
# Heads of `the company`, `the statement`: an organisation named before, or the one that issued the words.
_ORGANISATION_NOUNS = frozenset(lexicon.entries("organisation_nouns.txt"))
# How many paragraphs back `they said` / `it added` looks for the organisation it stands for.
ORGANISATION_LOOKBACK = 6
# How many paragraphs back `he said` looks for the subject it goes on with, before the last person named.
SUBJECT_LOOKBACK = 3


def _bare(text: str, start: int, end: int) -> tuple[int, int]:
    """The span between start and end without surrounding spaces and punctuation."""
    while start < end and (text[start].isspace() or text[start] in ",.;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.;:—–-"):
        end -= 1
    return start, end


class Cue(NamedTuple):
    """A reporting verb found for a quote, and the speaker the rules read around it."""

    speaker: str | None
    verb: str
    paragraph: int
    offset: int
    mention: str | None = None  # the source as written, when the rules read it (`― Jane Doe`)


class Context:
    """The state of one article's attribution, and the resolution of a quote's source to an entity."""

    def __init__(
        self,
        paragraphs: list[QuotedParagraph],
        names: dict[int, list[NamedSpan]],
        resolve_name: Callable[[str], str | None],
        parse: SentenceParser | None = None,
    ) -> None:
        self.paragraphs = paragraphs
        self.parse = parse
        self.names = names
        self.resolve_name = resolve_name
        self.recent_people: list[str] = []  # people named outside quotes, most recent last
        self.subjects: list[tuple[int, str]] = []  # (paragraph, person) named as a clause's subject or as a speaker
        self.pronoun_of: dict[str, str] = {}  # learnt from earlier attributions: "he" or "she"
        self.titles_of: dict[str, set[str]] = {}  # title words written before the person's name
        self.organisations_typed_as_people: set[str] = set()  # `publisher Ubisoft` tagged as a person
        self.last_speaker: tuple[int, str] | None = None  # paragraph, name
        self.position = (0, 0)  # paragraph, offset up to which recent_people is up to date
        self.next_span = 0  # in that paragraph's people outside quotes
        self.people_outside_quotes: dict[int, list[NamedSpan]] = {}
        # Names the recogniser also read as a person somewhere (`Scooter Braun`) are not an organisation's.
        self.person_names = {span.name for spans in names.values() for span in spans if span.kind == "person"}
        self.organisation_names = {
            self.paragraphs[span.paragraph].text[span.start : span.end]: span.name
            for spans in names.values()
            for span in spans
            if (span.kind == "organisation" and span.name not in self.person_names)
            or looks_like_organisation(span.name)
        }
        # Surfaces and surnames of people, to count the mentions the recogniser missed (`Simmons teed up ...`).
        self.known_people = KnownPeople([paragraph.text for paragraph in paragraphs], names)
        self.organisations = (
            re.compile(rf"\b(?:{lexicon.alternation(list(self.organisation_names))})\b")
            if self.organisation_names
            else None
        )

    def _read_source(self, quote: Quote, cue: Cue) -> None:
        """Speaker, mention and kind from the grammatical subject of the cue; the rules' reading when none."""
        assert self.parse is not None
        paragraph = self.paragraphs[cue.paragraph]
        sentence = (
            self._sentence_start(paragraph, cue.offset),
            min([boundary for boundary in paragraph.boundaries if boundary > cue.offset] + [len(paragraph.text)]),
        )
        quoted = [(quote.start, quote.end) for quote in paragraph.quotes]
        source = self._obvious_source(paragraph, quote, cue)
        if source is None:
            parsed = ParsedSentence(self.parse, paragraph.text, sentence, quoted)
            source = source_of_verb(parsed, cue.offset, SPEECH_VERB)
        if source is None:
            return
        quote.speaker_mention = source.mention
        quote.speaker, quote.speaker_kind = self._resolve_source(paragraph, source, cue.offset)

    def _obvious_source(self, paragraph: QuotedParagraph, quote: Quote, cue: Cue) -> Source | None:
        """`,” Cook said.`, `,” said Tim Cook.`, `,” he said.`: a name or pronoun alone by the verb needs no parse."""
        text = paragraph.text
        if quote.close_mark is None or cue.paragraph != paragraph.index or cue.offset <= quote.close_mark:
            return None
        start, end = _bare(text, quote.close_mark + 1, cue.offset)
        if start == end:  # `,” said Tim Cook, the chief executive, on Tuesday.`: up to the first comma
            verb_end = cue.offset + len(cue.verb)
            clause_end = min([end for end in paragraph.boundaries if end > verb_end] + [len(text)])
            comma = text.find(",", verb_end, clause_end)
            start, end = _bare(text, verb_end, clause_end if comma < 0 else comma)
        word = text[start:end]
        spans = [span for span in self.names.get(paragraph.index, []) if (span.start, span.end) == (start, end)]
        if not spans and word.casefold() not in PRONOUNS:
            return None
        form = "name" if spans else "pronoun"
        return Source(word, start, end, start, end, word, form, tuple(word.casefold().split()))

    def _resolve_source(self, paragraph: QuotedParagraph, source: Source, verb: int) -> tuple[str | None, str]:
        """The entity the subject names or refers to, and its kind (person, organisation, description)."""
        names = self.names.get(paragraph.index, [])
        spans = [span for span in names if span.start < source.head_end and source.head_start < span.end]
        chain = " ".join(word for word in source.name.split() if word[:1].isupper())
        # `coach Pep Guardiola` read as the organisation `Guardiola`: a person the recogniser half-read.
        half_read = spans and spans[0].kind != "person" and len(chain.split()) > len(spans[0].name.split())
        if half_read and not looks_like_organisation(chain):
            return self._resolve_missed(strip_titles(chain)), "person"
        if spans:
            return spans[0].name, "person" if spans[0].kind == "person" else "organisation"
        if source.form != "pronoun":
            # A misread subject (`Wikileaks editor-in-chief X said`): the person named right before the verb.
            people = [span for span in names if span.kind == "person" and source.start <= span.start < span.end <= verb]
            if people and not paragraph.text[people[-1].end : verb].strip(" ,"):
                return people[-1].name, "person"
        if source.form == "pronoun":
            if source.head in ("he", "she"):
                person = self._speaker_for_pronoun(paragraph, source)
                return (person, "person") if person else (None, "description")
            if source.head in ("it", "they"):
                organisation = self._recent_organisation(paragraph.index, source.start)
                return (organisation, "organisation") if organisation else (None, "description")
            return None, "description"
        if source.form == "name" and self._is_office(source.name):
            # `the President said`: the person introduced with the title; `The United Nations High Commissioner for
            # Human Rights said`, an office no one was introduced with: the office as written.
            person = self._person_with_title(source.name.split()[-1])
            return (person, "person") if person else (re.sub(r"^(?:the|The)\s+", "", source.mention), "organisation")
        if source.form == "name":
            name = strip_titles(source.name)
            if name and not looks_like_organisation(name):
                return self._resolve_missed(name), "person"
            return (name or None), "organisation"
        if (
            source.form == "role"
            and source.head in _ORGANISATION_NOUNS
            and source.mention.casefold().startswith("the ")
        ):
            # `the company said`, `the statement continued`: the organisation the story is about just before, or
            # the one said to have issued a statement.
            organisation = (
                self._issuer_of(source.head, paragraph.index, source.start) if source.head == "statement" else None
            ) or self._recent_organisation(paragraph.index, source.start)
            return (organisation, "organisation") if organisation else (None, "description")
        if source.form != "pronoun":
            # `a study by the Centre for Economic Policy Research concluded`: the organisation behind the document.
            behind = [
                span
                for span in names
                if span.kind == "organisation"
                and source.start <= span.start < verb
                and re.search(r"\b(?:by|from)\s+(?:the\s+)?$", paragraph.text[source.start : span.start])
            ]
            if behind:
                return behind[0].name, "organisation"
        # `the minister`, `the singer and guitarist`; not `the physicians`, a group.
        if source.form == "role" and is_role_word(source.head) and not is_plural_role(source.head):
            person = self._person_with_title(source.head) or self._person_with_title_ahead(paragraph, source.head)
            if person:
                return person, "person"
        return None, "description"

    def _speaker_for_pronoun(self, paragraph: QuotedParagraph, source: Source) -> str | None:
        """`“...,” said X. / “...,” he said.`: the last speaker when the pronoun fits and no one has taken the
        subject since, else the person the sentences before are about."""
        named_after = {
            span.name
            for span in self.names.get(paragraph.index, [])
            if span.start >= source.start and not any(inside(span.start, quote) for quote in paragraph.quotes)
        }  # people the salience already counts but the pronoun stands before (`He urged Mr. Trump, saying`)
        if self.last_speaker and paragraph.index - self.last_speaker[0] <= 1:
            speaker = self.last_speaker[1]
            names = [name for _, name in self.subjects]
            since = self.subjects[len(names) - names[::-1].index(speaker) :] if speaker in names else self.subjects
            fits = speaker in self.recent_people and self._fits(speaker, source.head, named_after)
            # A speaker the text already calls `he` keeps it against a subject of an earlier paragraph not yet known
            # to be one (`Omar is one of the first Muslim women`); a subject of this paragraph takes it.
            known = self._pronoun_hint(speaker) == source.head
            rivals = [(index, name) for index, name in since if self._fits(name, source.head, named_after)]
            if fits and not any(
                self._pronoun_hint(name) == source.head or not known or index == paragraph.index
                for index, name in rivals
            ):
                self.pronoun_of[speaker] = source.head
                return speaker
        return self._person_for_pronoun(source.head, paragraph.index, named_after)

    def _person_for_pronoun(self, pronoun: str, paragraph: int, excluded: Collection[str] = ()) -> str | None:
        """The subject of the last few paragraphs that the pronoun fits, else the last person named that it fits."""
        subjects = [name for index, name in self.subjects if paragraph - index <= SUBJECT_LOOKBACK]
        chosen = next((name for name in reversed(subjects) if self._fits(name, pronoun, excluded)), None)
        chosen = chosen or next(
            (name for name in reversed(self.recent_people) if self._fits(name, pronoun, excluded)), None
        )
        if chosen:
            self.pronoun_of[chosen] = pronoun
        return chosen

    def _fits(self, name: str, pronoun: str, excluded: Collection[str]) -> bool:
        """A person (not an organisation) the pronoun may stand for: not known to go by the other one."""
        return (
            name not in excluded
            and not looks_like_organisation(name)
            and self._pronoun_hint(name) in (None, pronoun)
            and self._could_be_person(name)
        )

    def _could_be_person(self, name: str) -> bool:
        """A name the recogniser typed as a person that reads as one: a given and a family name, a title before it
        (`Mr Trump`), a known given name, or the pronoun the text already used for it; not `Twitter` or `Ubisoft`,
        nor a name introduced with an organisation noun."""
        if name in self.organisations_typed_as_people and not self.titles_of.get(name):
            return False  # `the fact-checking charity Full Fact`
        return (
            len(name.split()) > 1
            or bool(self.titles_of.get(name))
            or name in self.pronoun_of
            or name.casefold() in lexicon.given_name_pronouns()
        )

    def _is_office(self, name: str) -> bool:
        """`President`, `United Nations High Commissioner`: a title as a name; not `John King` or `Carole King`."""
        words = name.split()
        return (
            is_role_word(words[-1])
            and words[0].casefold() not in lexicon.given_name_pronouns()
            and self.resolve_name(name) is None
        )

    def _pronoun_hint(self, name: str) -> str | None:
        """The pronoun the text used for the person before, else the one their given name usually goes with."""
        return lexicon.given_name_pronouns().get(name.split()[0].casefold()) or self.pronoun_of.get(name)

    def _person_with_title_ahead(self, paragraph: QuotedParagraph, role: str) -> str | None:
        """`China’s ambassador ... warned` before `ambassador Liu Xiaming` is named: the next person with that title."""
        role = role_stem(role)
        for index in range(paragraph.index, min(len(self.paragraphs), paragraph.index + 4)):
            text = self.paragraphs[index].text
            for span in self.names.get(index, []):
                if span.kind == "person" and role in roles_before(text, span):
                    return span.name
        return None

    def _issuer_of(self, noun: str, paragraph: int, offset: int) -> str | None:
        """`X issued a statement` before `the statement said`: the organisation named last before the noun."""
        for index in range(paragraph, max(-1, paragraph - ORGANISATION_LOOKBACK), -1):
            text = self.paragraphs[index].text
            limit = offset if index == paragraph else len(text)
            for mention in reversed(list(re.finditer(rf"\b{noun}\b", text[:limit]))):
                sentence = self._sentence_start(self.paragraphs[index], mention.start())
                before = [
                    span
                    for span in self.names.get(index, [])
                    if span.kind == "organisation"
                    and sentence <= span.start
                    and span.end <= mention.start()
                    and not any(inside(span.start, quote) for quote in self.paragraphs[index].quotes)
                ]
                if before:
                    return before[-1].name
        return None

    def _recent_organisation(self, paragraph: int, offset: int) -> str | None:
        """The organisation named last before (paragraph, offset), outside quotes, within a few paragraphs.

        Its name counts where the recogniser tagged it and wherever else the same name is written (`Big Machine
        have denied it`), since the recogniser often tags a name once and misses it the next time.
        """
        if self.organisations is None:
            return None
        for index in range(paragraph, max(-1, paragraph - ORGANISATION_LOOKBACK), -1):
            text = self.paragraphs[index].text
            quotes = self.paragraphs[index].quotes
            found = [
                mention.group(0)
                for mention in self.organisations.finditer(text, 0, offset if index == paragraph else len(text))
                if not any(inside(mention.start(), quote) for quote in quotes)
            ]
            if found:
                return self.organisation_names[found[-1]]
        return None

    def _note_speaker(self, paragraph: int, name: str) -> None:
        """A quote's attributed speaker: the most recent person named, and the subject of their sentence."""
        self._note_person(name)
        self.subjects.append((paragraph, name))

    def _note_person(self, name: str) -> None:
        if name in self.recent_people:
            self.recent_people.remove(name)
        self.recent_people.append(name)

    def _person_with_title(self, role: str) -> str | None:
        role = role_stem(role)
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

    def _person_in(self, paragraph: QuotedParagraph, start: int, end: int, *, subject: bool = False) -> str | None:
        """The last person named between start and end, outside quotes; with subject, the first person named as a
        clause's subject if any (`Benioff introduced Cook as “...”`: Benioff)."""
        people = [
            span
            for span in self.names.get(paragraph.index, [])
            if start <= span.start
            and span.end <= end
            and span.kind == "person"
            and not any(inside(span.start, quote) for quote in paragraph.quotes)
        ]
        subjects = [span for span in people if subject and in_subject_position(paragraph.text, span)]
        return subjects[0].name if subjects else people[-1].name if people else None

    def _advance_salience(self, paragraph: int, offset: int) -> None:
        """Move the 'people named outside quotes' forward to (paragraph, offset), each span visited once."""
        for index in range(self.position[0], paragraph + 1):
            high = offset if index == paragraph else len(self.paragraphs[index].text)
            spans = self._people_outside_quotes(index)
            next_span = self.next_span if index == self.position[0] else 0
            while next_span < len(spans) and spans[next_span].start < high:
                span = spans[next_span]
                self._note_person(span.name)
                if in_subject_position(self.paragraphs[index].text, span):
                    self.subjects.append((index, span.name))
                self.titles_of.setdefault(span.name, set()).update(roles_before(self.paragraphs[index].text, span))
                if introduced_as_organisation(self.paragraphs[index].text, span):
                    self.organisations_typed_as_people.add(span.name)
                next_span += 1
            self.next_span = next_span
        self.position = (paragraph, offset)

    def _people_outside_quotes(self, index: int) -> list[NamedSpan]:
        if index not in self.people_outside_quotes:
            paragraph = self.paragraphs[index]
            known = self.names.get(index, [])
            missed = self.known_people.missed_in(index, paragraph.text, known)
            self.people_outside_quotes[index] = sorted(
                (
                    span
                    for span in known + missed
                    if (span.kind == "person" or span.name in self.person_names)
                    and not any(inside(span.start, quote) for quote in paragraph.quotes)
                ),
                key=lambda span: span.start,
            )
        return self.people_outside_quotes[index]

    def _sentence_start(self, paragraph: QuotedParagraph, position: int) -> int:
        return max([0] + [boundary for boundary in paragraph.boundaries if boundary <= position])

    def _opens_sentence(self, paragraph: QuotedParagraph, quote: Quote) -> bool:
        return not paragraph.text[self._sentence_start(paragraph, quote.open_mark) : quote.open_mark].strip()
