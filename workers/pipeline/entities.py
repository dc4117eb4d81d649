"""Named entities: model mentions grouped into people, organisations and places, with the aliases used."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from workers.pipeline import lexicon
from workers.pipeline.document import NamedSpan
from workers.pipeline.gazetteer import place_names
from workers.pipeline.names import (
    family_name,
    is_family_name_first,
    is_title,
    looks_like_organisation,
    strip_titles,
    tokens,
)

# OntoNotes labels (English models) and WikiNER labels (most other languages and the multilingual model).
_KIND_OF_LABEL = {
    "PER": "person",
    "LOC": "place",
    "MISC": "other",
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "FAC": "place",
    "NORP": "other",
    "EVENT": "other",
    "PRODUCT": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
    "LANGUAGE": "other",
}
# When votes tie, the reading a reader is least surprised by wins.
_KIND_PREFERENCE = ("person", "place", "organisation", "other")
_LEADING_ARTICLE = re.compile(r"^(?:the|The)\s+")
# "the annexation of X", "the capital of X": X is a place whatever the model says.
_PLACE_CONTEXT = re.compile(
    r"\b(?:annexation|invasion|occupation|capital|city|town|village|region|province|outskirts|streets|"
    r"residents|citizens|north|south|east|west|parts|border|borders|coast)\s+of\s+(?:the\s+)?$"
)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|from|to|near|outside|across|into|around|toward|towards)\s+(?:the\s+)?$")
# A surname the model reads as an organisation still joins its person if it is not this many times more frequent
# than the full name.
SURNAME_OVER_FULL_NAME = 3
_SPEECH_AFTER = re.compile(rf"^\s+(?:{'|'.join(lexicon.reporting_verbs())})\b")


@dataclass(frozen=True)
class Mention:
    """One entity mention in a body paragraph or a caption (exactly one of the two indexes is set)."""

    text: str
    kind: str
    start: int
    end: int
    paragraph: int | None = None
    media: int | None = None
    place_context: bool = False
    speaks: bool = False
    title_before: bool = False
    after_preposition: bool = False


@dataclass
class Entity:
    """Mentions that name the same thing, and the forms the text used for it."""

    name: str
    kind: str
    forms: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    extra_aliases: list[str] = field(default_factory=list)
    first_seen: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The contract's shape: name, type, aliases (without the name), mentions."""
        aliases = [form for form in self.forms if form.casefold() != self.name.casefold()]
        aliases += [alias for alias in self.extra_aliases if alias.casefold() not in {a.casefold() for a in aliases}]
        aliases = [alias for alias in aliases if alias.casefold() != self.name.casefold()]
        return {"name": self.name, "type": self.kind, "aliases": aliases, "mentions": sum(self.forms.values())}


def find_mentions(nlp: Any, paragraphs: list[str], captions: list[tuple[int, str]]) -> list[Mention]:
    """Run the recogniser over body paragraphs and captions (one doc each) and keep the naming mentions."""
    texts = [*paragraphs, *(caption for _, caption in captions)]
    mentions: list[Mention] = []
    for position, doc in enumerate(nlp.pipe(texts, batch_size=64)):
        text = texts[position]
        for ent in doc.ents:
            kind = _KIND_OF_LABEL.get(ent.label_)
            if kind is None:
                continue
            start, end, surface = _trim(text, ent.start_char, ent.end_char)
            possessive = re.search(r"[’']s\s", surface)
            if kind == "person" and possessive:  # `Jeff Bezos’s Blue Origin`: the person is the possessor
                end, surface = start + possessive.start(), surface[: possessive.start()]
            if not any(character.isalpha() for character in surface) or is_title(surface):
                continue  # "State" out of "Secretary of State" names nothing
            if kind == "person" and not any(character.isupper() for character in surface):
                continue  # a name in lowercase ("crash", "keyboard") is the model misreading a common word
            where: dict[str, int] = (
                {"paragraph": position}
                if position < len(paragraphs)
                else {"media": captions[position - len(paragraphs)][0]}
            )
            previous_word = re.search(r"(\S+)\s+$", text[max(0, start - 30) : start])
            title_before = bool(previous_word and is_title(previous_word.group(1)))
            if kind in ("organisation", "other") and title_before and not looks_like_organisation(surface):
                kind = "person"  # "Chancellor Olaf Scholz": a title makes a person whatever the model guessed
            mentions.append(
                Mention(
                    text=surface,
                    kind=kind,
                    start=start,
                    end=end,
                    place_context=bool(_PLACE_CONTEXT.search(text[max(0, start - 40) : start])),
                    speaks=bool(_SPEECH_AFTER.match(text[end : end + 20])),
                    title_before=title_before,
                    after_preposition=bool(_LOCATIVE_BEFORE.search(text[max(0, start - 12) : start])),
                    **where,
                )
            )
    return mentions


def _trim(text: str, start: int, end: int) -> tuple[int, int, str]:
    """Drop a leading article, a possessive and stray punctuation, so `the BBC` and `Wang’s` name the entity."""
    article = _LEADING_ARTICLE.match(text[start:end])
    if article:
        start += article.end()
    surface = text[start:end]
    if surface.endswith(("’s", "'s")):
        end -= 2
    elif surface.endswith(("s’", "s'")):
        end -= 1
    while end > start and text[end - 1] in ' ,.;:-–—"“”‘’' and not _is_abbreviation_end(text[start:end]):
        end -= 1
    while start < end and text[start] in ' ,.;:-–—"“”‘’':
        start += 1
    return start, end, text[start:end]


def _is_abbreviation_end(surface: str) -> bool:
    """`U.S.` and `U.N.` keep their final period."""
    return bool(re.search(r"(?:^|\W)(?:\w\.)+$", surface))


class EntityIndex:
    """Entities of one article and which entity each mention belongs to."""

    def __init__(self, mentions: list[Mention], excluded_people: Iterable[str] = ()) -> None:
        excluded = {name.casefold() for name in excluded_people}
        kept = [
            mention
            for mention in mentions
            if not (mention.kind == "person" and strip_titles(mention.text).casefold() in excluded)
        ]
        self.mentions = _with_half_read_names_as_people(kept)
        self.entity_of: dict[int, Entity] = {}
        self.entities: list[Entity] = []
        self._group()

    def as_dicts(self) -> list[dict[str, Any]]:
        """Entities, most mentioned first."""
        ordered = sorted(self.entities, key=lambda entity: (-sum(entity.forms.values()), entity.first_seen))
        return [entity.as_dict() for entity in ordered]

    def named_spans(self) -> list[NamedSpan]:
        """Body mentions resolved to their entity, for quote attribution."""
        return [
            NamedSpan(mention.paragraph, mention.start, mention.end, entity.name, entity.kind)
            for position, mention in enumerate(self.mentions)
            if mention.paragraph is not None and (entity := self.entity_of.get(position)) is not None
        ]

    def _group(self) -> None:
        """Assign every mention to an entity, then settle each entity's type, name and aliases."""
        self._outvoted = self._outvoted_person_names()
        self._person_words = {m.text for m in self.mentions if m.kind == "person"}
        self._speaking_words = {m.text for m in self.mentions if m.speaks}
        self._titled_or_speaking = self._speaking_words | {m.text for m in self.mentions if m.title_before}
        self._other_counts = Counter(m.text for m in self.mentions if m.kind != "person")
        self._full_name_counts = Counter(strip_titles(m.text).casefold() for m in self.mentions if m.kind == "person")
        people = self._people()
        surnames = self._surname_index(people)
        others: dict[str, Entity] = {}
        for position, mention in enumerate(self.mentions):
            entity = self._person_of(mention, people, surnames) or self._other_of(mention, position, people, others)
            form = strip_titles(mention.text) if entity.kind == "person" else mention.text
            entity.forms[form] += 1
            entity.kinds[mention.kind if entity.kind != "person" else "person"] += 1
            self.entity_of[position] = entity
        self._join_acronyms(others)
        self._settle(people, others)

    def _person_of(self, mention: Mention, people: dict[str, Entity], surnames: dict[str, Entity]) -> Entity | None:
        """The known person a mention names: by its full name, or by a lone surname that stands for them."""
        if mention.kind != "person" and len(tokens(mention.text)) != 1:
            return None
        entity = people.get(strip_titles(mention.text).casefold())
        if entity is None and mention.text in surnames and self._surname_stands_for_person(mention, surnames):
            entity = surnames[mention.text]
        return entity

    def _surname_stands_for_person(self, mention: Mention, surnames: dict[str, Entity]) -> bool:
        """True when a lone surname stands for the person with that family name."""
        # Even when the model read it as an organisation, unless that reading dominates (`Disney` the company
        # next to one `Walt Disney`).
        if looks_like_organisation(mention.text):
            return False
        if mention.kind == "person" or mention.text in self._person_words or mention.text in self._speaking_words:
            return True
        full_name = surnames[mention.text].name.casefold()
        return self._other_counts[mention.text] <= SURNAME_OVER_FULL_NAME * self._full_name_counts[full_name]

    def _other_of(
        self, mention: Mention, position: int, people: dict[str, Entity], others: dict[str, Entity]
    ) -> Entity:
        """The entity of a mention that is no known person: a new person, or a place/organisation/other."""
        if mention.kind == "person" and self._is_misread_place(mention):
            return others.setdefault(mention.text.casefold(), Entity(mention.text, "place", first_seen=position))
        if mention.kind == "person" and strip_titles(mention.text).casefold() in self._outvoted:
            return others.setdefault(mention.text.casefold(), Entity(mention.text, "other", first_seen=position))
        if mention.kind == "person":
            name = strip_titles(mention.text)
            return people.setdefault(name.casefold(), Entity(name, "person", first_seen=position))
        return others.setdefault(mention.text.casefold(), Entity(mention.text, mention.kind, first_seen=position))

    def _settle(self, people: dict[str, Entity], others: dict[str, Entity]) -> None:
        """Types by vote, canonical names, and the surname alias readers search by."""
        mentions_of: dict[int, list[Mention]] = {}
        for position, owner in self.entity_of.items():
            mentions_of.setdefault(id(owner), []).append(self.mentions[position])
        for entity in others.values():
            entity.kind = _kind_of(entity, mentions_of.get(id(entity), []))
        unique_people = list({id(entity): entity for entity in people.values()}.values())
        self.entities = [entity for entity in unique_people + list(others.values()) if entity.forms]
        for entity in self.entities:
            entity.name = _canonical_name(entity)
            if entity.kind == "person":
                surname = family_name(entity.name)
                # A Western-order surname is how readers search ("Putin"); a family-name-first name gets its
                # short form only when the text uses it ("Wang"), and never the given name ("Jinping").
                if surname and len(surname) > 1 and not is_family_name_first(entity.name):
                    entity.extra_aliases.append(surname)

    def resolve(self, name: str) -> str | None:
        """The person a name (as written, titles stripped) refers to, via the forms used or the family name."""
        folded = strip_titles(name).casefold()
        for entity in self.entities:
            if entity.kind != "person":
                continue
            names = [*entity.forms, *entity.extra_aliases]
            if any(known.casefold() == folded for known in names):
                return entity.name
        return None

    def _is_misread_place(self, mention: Mention) -> bool:
        """A lone word tagged as a person that is a known place and is never titled nor speaking (`Kyiv`)."""
        if len(tokens(mention.text)) != 1 or mention.text not in place_names():
            return False
        return mention.text not in self._titled_or_speaking

    def _people(self) -> dict[str, Entity]:
        """Full names (two words or more) tagged as people, keyed by folded name; shorter ones join longer ones."""
        full_names = Counter(
            strip_titles(mention.text)
            for mention in self.mentions
            if mention.kind == "person"
            and len(tokens(strip_titles(mention.text))) >= 2
            and strip_titles(mention.text).casefold() not in self._outvoted
        )
        first_seen: dict[str, int] = {}
        for position, mention in enumerate(self.mentions):
            first_seen.setdefault(strip_titles(mention.text), position)
        people: dict[str, Entity] = {}
        for name, _ in sorted(full_names.items(), key=lambda item: (-len(tokens(item[0])), -len(item[0]))):
            same = next((entity for entity in people.values() if _same_person_name(entity.name, name)), None)
            people[name.casefold()] = same or Entity(name=name, kind="person", first_seen=first_seen[name])
        return people

    def _outvoted_person_names(self) -> set[str]:
        """Names tagged as a person less often than as something else (`MacBook Pro`), folded."""
        # A title before the name or a speech verb after it counts as a vote for a person.
        person_votes: Counter[str] = Counter()
        other_votes: Counter[str] = Counter()
        for mention in self.mentions:
            key = strip_titles(mention.text).casefold() if mention.kind == "person" else mention.text.casefold()
            if mention.kind == "person" or mention.title_before or mention.speaks:
                person_votes[key] += 1
            else:
                other_votes[key] += 1
        return {key for key in person_votes if other_votes[key] > person_votes[key]}

    def _surname_index(self, people: dict[str, Entity]) -> dict[str, Entity]:
        """Family name -> person; when two people share one, the one named more often takes it."""
        counts = Counter(strip_titles(m.text).casefold() for m in self.mentions if m.kind == "person")
        index: dict[str, Entity] = {}
        # Ties go to the name introduced first: news names a person in full before using the surname alone.
        for _, entity in sorted(people.items(), key=lambda item: (counts[item[0]], -item[1].first_seen)):
            surname = family_name(entity.name)
            if surname:
                index[surname] = entity
        return index

    def _join_acronyms(self, others: dict[str, Entity]) -> None:
        """`U.S.` joins `United States`, `UN` joins `United Nations`: an acronym of the initials of a longer name."""
        initials = {}
        for key, entity in others.items():
            words = [word for word in tokens(entity.name) if word.casefold() not in {"of", "the", "and", "for"}]
            if len(words) >= 2:
                initials["".join(word[0] for word in words).upper()] = key
        for key in list(others):
            entity = others[key]
            letters = entity.name.replace(".", "")
            target_key = initials.get(letters) if letters.isupper() and len(letters) >= 2 else None
            if target_key and target_key != key:
                target = others[target_key]
                target.forms.update(entity.forms)
                target.kinds.update(entity.kinds)
                for position, owner in self.entity_of.items():
                    if owner is entity:
                        self.entity_of[position] = target
                del others[key]


def _kind_of(entity: Entity, mentions: list[Mention]) -> str:
    """Majority of the model's labels, overruled towards `place` by a list of real places or by context."""
    kind = max(entity.kinds, key=lambda k: (entity.kinds[k], -_KIND_PREFERENCE.index(k)))
    if kind not in ("organisation", "other") or looks_like_organisation(entity.name):
        return kind
    # A known place name alone is not enough ("Toyota said"): it must also be used like a place.
    used_as_place = any(m.place_context for m in mentions) or (
        entity.name in place_names() and any(m.after_preposition for m in mentions)
    )
    return "place" if used_as_place else kind


def _with_half_read_names_as_people(mentions: list[Mention]) -> list[Mention]:
    """`Mason Rudolph` read as an organisation while `Rudolph` alone is read as a person: it is that person."""
    single_people = Counter(m.text for m in mentions if m.kind == "person" and len(tokens(m.text)) == 1)
    single_others = Counter(m.text for m in mentions if m.kind != "person" and len(tokens(m.text)) == 1)
    corrected = []
    for mention in mentions:
        words = tokens(mention.text)
        if (
            mention.kind != "person"
            and 2 <= len(words) <= 3
            and all(word[:1].isupper() for word in words)
            and not looks_like_organisation(mention.text)
            and single_people[words[-1]] > single_others[words[-1]]
        ):
            mention = replace(mention, kind="person")
        corrected.append(mention)
    return corrected


def _same_person_name(known: str, name: str) -> bool:
    """`Kim Jong Un` and `Jong Un`, `Joshua Apte` and `Josh Apte`, `John F. Kennedy` and `John Kennedy`."""
    if known.casefold().endswith(" " + name.casefold()):
        return True
    known_words, words = tokens(known.casefold()), tokens(name.casefold())
    if known_words[-1] != words[-1] or is_family_name_first(known) or is_family_name_first(name):
        return False
    known_given, given = known_words[0].rstrip("."), words[0].rstrip(".")
    # The same family name with a shortened given name, or with middle names or initials added.
    shortened = len(given) >= 3 and (known_given.startswith(given) or given.startswith(known_given))
    return shortened or (known_given == given and len(known_words) != len(words))


def _canonical_name(entity: Entity) -> str:
    """The full name for people (2-3 words preferred over a run with junk), the most frequent form otherwise."""
    if entity.kind == "person":
        return max(
            entity.forms,
            key=lambda form: (2 <= len(tokens(form)) <= 3, len(tokens(form)) >= 2, entity.forms[form], len(form)),
        )
    return max(entity.forms, key=lambda form: (entity.forms[form], len(form)))
