"""Which people a pronoun may stand for: where a name stands in its sentence, without a parse.

A `he` or `she` in news copy goes on with the person the sentences are about, the subject, far more often than with
someone merely mentioned (`he was photographed with Epstein`, `Simmons teed up McDonald’s cameo`, `from Punjab’s
Bhatinda`). The parser runs only on attribution sentences, so the role of every other mention is read from the
word before it: a name opening a clause is taken as a subject; one after a preposition or a verb, or in the
possessive, as mentioned only.
"""

from __future__ import annotations

import re

from workers.pipeline import lexicon
from workers.pipeline.document import NamedSpan
from workers.pipeline.names import is_title, word_set
from workers.pipeline.quote_sources import PRONOUNS

_ROLE_NOUNS = frozenset(lexicon.entries("role_nouns.txt"))
_ORGANISATION_NOUNS = frozenset(lexicon.entries("organisation_nouns.txt"))
# Capitalised words that a one-word name (`Liu He`, `Theresa May`) shares with the rest of the language.
_COMMON_CAPITALISED = frozenset([*PRONOUNS, *lexicon.month_names(), *lexicon.weekdays()])
# Offices news names two ways (`the premier` for the `Prime Minister`): compared as the word of the other name.
_SAME_OFFICE = {"premier": "prime"}

# Words after which a name opens a clause, so usually stands as its subject (`and Simmons said`, `as Reed dubbed`).
_CLAUSE_OPENERS = word_set(
    """
    and but or nor that when while because as if though although since where so then whereas however meanwhile
    also yet
    """
)
# The word (or punctuation mark) right before an offset.
_WORD_BEFORE = re.compile(r"([\w’'.-]+|[^\w\s])\s*$")


def in_subject_position(text: str, span: NamedSpan) -> bool:
    """True when the name opens its clause (and is not a possessive), as a sentence's subject does."""
    if text.startswith(("’s", "'s", "’ ", "' "), span.end):
        return False
    cursor = span.start
    while True:
        word = _WORD_BEFORE.search(text, 0, cursor)
        if word is None:
            return True
        token = word.group(1)
        if token.casefold() in ("and", "or") and _follows_name(text, word.start()):
            cursor = word.start()  # `Kanye West and Kim Kardashian`: the second name has the first one's role
            continue
        if not token[:1].isalnum():
            return token not in ("’", "'")
        if token.casefold() in _CLAUSE_OPENERS or (token.endswith(".") and token[:1].islower()):
            return True  # `... on advocacy. Lakshiwnder Singh, another deportee, said`: a new sentence
        if not (is_role_word(token) or token[:1].isupper() or token.casefold() == "the"):
            return False
        cursor = word.start()


def is_role_word(word: str) -> bool:
    """A title of office or an occupation, singular or plural, alone or hyphenated (`Singer-guitarists`)."""
    return is_title(word) or all(part in _ROLE_NOUNS for part in role_stem(word).split("-"))


def role_stem(word: str) -> str:
    """A role word as compared: lower case, no trailing period, an occupation's plural made singular."""
    parts = word.casefold().rstrip(".,").split("-")
    singular = [part[:-1] if _is_plural_role(part) else part for part in parts]
    return "-".join(_SAME_OFFICE.get(part, part) for part in singular)


def is_plural_role(word: str) -> bool:
    """`physicians`, `the singer-guitarists`: a group, not one person."""
    return _is_plural_role(word.casefold().rstrip(".,").split("-")[-1])


def _is_plural_role(part: str) -> bool:
    return part.endswith("s") and part[:-1] in _ROLE_NOUNS


def roles_before(text: str, span: NamedSpan) -> set[str]:
    """Titles and occupations among the four words before a name (`singer and guitarist Pat Simmons`)."""
    before = re.findall(r"[\w.]+", text[max(0, span.start - 60) : span.start])
    return {role_stem(word) for word in before[-4:] if is_role_word(word)}


def introduced_as_organisation(text: str, span: NamedSpan) -> bool:
    """`fact-checking charity Full Fact`, `game publisher Ubisoft`: a name the words before it call an organisation."""
    clause = re.split(r"[.,;:!?()“”\"]", text[max(0, span.start - 40) : span.start])[-1]
    before = re.findall(r"[\w’'-]+", clause)[-2:]
    return any(word.casefold() in _ORGANISATION_NOUNS for word in before)


def _follows_name(text: str, offset: int) -> bool:
    word = _WORD_BEFORE.search(text, 0, offset)
    return word is not None and word.group(1)[:1].isupper()


class KnownPeople:
    """Each way the article writes a person (as tagged, canonical, surname) that is theirs alone, to find the
    mentions the recogniser missed (`Swift got support` for Taylor Swift, `Simmons teed up ...`)."""

    def __init__(self, paragraphs: list[str], names: dict[int, list[NamedSpan]]) -> None:
        owners: dict[str, set[str]] = {}
        for spans in names.values():
            for span in (span for span in spans if span.kind == "person"):
                surface = paragraphs[span.paragraph][span.start : span.end]
                for form in (surface, span.name, span.name.split()[-1]):
                    owners.setdefault(form, set()).add(span.name)
        self.forms = {
            form: next(iter(people))
            for form, people in owners.items()
            if len(people) == 1 and form.casefold() not in _COMMON_CAPITALISED
        }
        self.pattern = re.compile(rf"\b(?:{lexicon.alternation(list(self.forms))})\b") if self.forms else None

    def missed_in(self, paragraph: int, text: str, known: list[NamedSpan]) -> list[NamedSpan]:
        """Mentions of these people in the paragraph that overlap none of the recogniser's spans."""
        if self.pattern is None:
            return []
        return [
            NamedSpan(paragraph, mention.start(), mention.end(), self.forms[mention.group(0)], "person")
            for mention in self.pattern.finditer(text)
            if not any(span.start < mention.end() and mention.start() < span.end for span in known)
        ]
