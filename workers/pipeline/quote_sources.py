"""The source of a quote as the grammar names it: the subject of its reporting verb, from a dependency parse.

The rules in quote_speakers find the reporting verb; this module parses only the sentence that holds it and reads
the verb's grammatical subject (`nsubj`), climbing from a participle or a second verb to the clause's own verb
(`..., adding, “...”`, `X weighed in, telling Y, “...”`) and reading `according to X` as X. The subject phrase is
kept without its appositions and relative clauses (`Steve Clarke, deputy administrator ..., said` -> Steve Clarke)
and classified: a name, a pronoun, a role noun (`the Indiana governor`) or another description (`a spokeswoman`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# A parse function: text in, a spaCy Doc (or anything with the same token attributes) out.
SentenceParser = Callable[[str], Any]

PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you"})
_SUBJECTS = ("nsubj", "nsubjpass")
# A verb with no subject of its own shares the subject of the verb it hangs from in these relations.
_SHARES_SUBJECT = ("conj", "advcl", "xcomp", "pcomp")
# Parts of a subject phrase that are not the source's name: `X, a professor at Y, said`, `X, who led ..., said`.
_ASIDES = frozenset({"appos", "relcl", "acl", "punct", "advmod", "cc", "prep", "intj", "npadvmod", "dep", "ccomp"})
# Quoted passages longer than this many words are parsed as one placeholder word.
_KEPT_WORDS = 3
_PLACEHOLDER = "yes"  # what a quoted utterance is to the grammar around it
# Relations of a noun's modifiers and clauses: quoted words in them qualify a thing (`the “interim” government`).
_MODIFIERS = frozenset({"amod", "compound", "nmod", "poss", "appos", "nummod", "relcl", "acl"})
# How far up the parse a quote's words may hang from their reporting verb.
_MAX_CLIMB = 8
_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
# A reporting verb directly followed by the opening mark of what it reports (`said, “`, `told them: “`).
_QUOTE_RIGHT_AFTER = re.compile(r"\s*[,:]?\s*[“\"‘]")


@dataclass(frozen=True)
class Source:
    """The subject of a reporting verb: where it stands in the paragraph and what kind of phrase it is."""

    mention: str
    start: int  # offsets in the paragraph
    end: int
    head_start: int  # the phrase's head word (`Clarke` in `Steve Clarke`, `spokeswoman` in `a spokeswoman`)
    head_end: int
    name: str  # the head with its compounds (`Steve Clarke`, `WeWork spokesperson`)
    form: str  # name | pronoun | role | description
    words: tuple[str, ...]  # the phrase's words, lower case, without determiners

    @property
    def head(self) -> str:
        return self.words[-1] if self.words else ""


def source_of_verb(sentence: ParsedSentence, verb_offset: int, verbs: re.Pattern[str]) -> Source | None:
    """The grammatical subject of the reporting verb at verb_offset (in the paragraph); None if none.

    A verb inside what another reporting verb reports (`X said that after consultation Y had concluded “...”`)
    gives way to the outer one; a verb with no subject (`“...” announced in October, said X`) to the nearest
    reporting verb of the sentence that has one.
    """
    document = sentence.document
    position = sentence.compressed(verb_offset)
    verb = next((token for token in document if token.idx <= position < token.idx + len(token)), None)
    if verb is None:
        return None
    if verb.lower_ == "according":
        subject = _according_to(verb)
        return _source(subject, sentence) if subject is not None else None
    outer = verb.head if verb.dep_ == "ccomp" and verb.head is not verb else None
    # `The staff member recalled that he said, “...”`: a verb that opens the quote itself keeps its own subject.
    opens_quote = _QUOTE_RIGHT_AFTER.match(document.text, verb.idx + len(verb)) is not None
    own = _subject(verb) is not None and opens_quote
    if outer is not None and not own and verbs.fullmatch(outer.text) and _subject(outer) is not None:
        verb = outer
    subject = _subject(verb)
    if subject is None:
        # Not the subject of a clause subordinate to the verb: `As we’ve noted, a study by X concluded “...”`.
        others = sorted(
            (
                token
                for token in document
                if token is not verb
                and verbs.fullmatch(token.text)
                and not (token.dep_ == "advcl" and token.head.i == verb.i)
            ),
            key=lambda token: abs(token.i - verb.i),
        )
        subject = next((found for found in map(_subject, others) if found is not None), None)
    return _source(subject, sentence) if subject is not None else None


def governing_verb(
    sentence: ParsedSentence, quote_start: int, verbs: re.Pattern[str], quote_end: int | None = None
) -> int | None:
    """Offset of the reporting verb the quoted words hang from in the parse (climbing their heads), or None.

    With quote_end, the words must be what the verb says, not a word of something else it is about: no hop through
    a noun's modifier or relative clause (`said it would wring $300 million in “synergies”`, not `the “interim”
    government` or `the cash he received from the use of “We”`).
    """
    document = sentence.document
    position = sentence.compressed(quote_start)
    end = sentence.compressed(quote_end) if quote_end is not None else None
    token = next((token for token in document if token.idx >= position), None)
    for _ in range(_MAX_CLIMB):
        if token is None or token.head.i == token.i:
            return None
        leaves_quote = end is not None and not position <= token.head.idx < end
        if leaves_quote and token.dep_ in _MODIFIERS:
            return None
        token = token.head
        verb = verbs.match(document.text, token.idx)  # the pattern sees what follows (`called on` is no cue)
        if token.idx < position and verb is not None and verb.end() == token.idx + len(token):
            # `it is called “X”`: a passive verb names no one who said it.
            passive = any(child.dep_ == "auxpass" for child in token.children)
            return None if passive else sentence.original(token.idx)
    return None


class ParsedSentence:
    """One sentence of a paragraph parsed alone, long quoted passages cut to one word, with offsets both ways.

    Only the sentence is parsed: the parser's cost grows with every word. Long quoted passages (`quoted`, offsets
    in text) are parsed as one word: the attribution's grammar is outside them.
    """

    def __init__(
        self, parse: SentenceParser, text: str, sentence: tuple[int, int], quoted: Sequence[tuple[int, int]] = ()
    ) -> None:
        start, end = sentence
        self.source = text
        self.pieces: list[tuple[int, int]] = []  # (offset in the parsed text, offset in text), ascending
        parts: list[str] = []
        length, cursor = 0, start
        for quote_start, quote_end in sorted(quoted):
            if quote_start < cursor or quote_end > end or len(text[quote_start:quote_end].split()) <= _KEPT_WORDS:
                continue
            self.pieces.append((length, cursor))
            parts.append(text[cursor:quote_start])
            length += quote_start - cursor
            self.pieces.append((length, quote_start))
            parts.append(_PLACEHOLDER)
            length += len(_PLACEHOLDER)
            cursor = quote_end
        self.pieces.append((length, cursor))
        parts.append(text[cursor:end])
        self.text = "".join(parts)
        self.document = parse(self.text)

    def original(self, offset: int) -> int:
        """The offset in the paragraph of an offset in the parsed text."""
        parsed, original = self.pieces[bisect.bisect_right([piece[0] for piece in self.pieces], offset) - 1]
        return original + offset - parsed

    def compressed(self, offset: int) -> int:
        """The offset in the parsed text of an offset in the paragraph (a cut passage maps to its placeholder)."""
        index = bisect.bisect_right([piece[1] for piece in self.pieces], offset) - 1
        parsed, original = self.pieces[max(index, 0)]
        following = self.pieces[index + 1][0] if index + 1 < len(self.pieces) else len(self.text)
        return min(parsed + offset - original, max(parsed, following - 1))


def _according_to(according: Any) -> Any | None:
    for child in according.children:
        if child.lower_ == "to":
            return next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
    return None


def _subject(verb: Any) -> Any | None:
    for _ in range(4):
        subject = next((child for child in verb.children if child.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
        if verb.dep_ not in _SHARES_SUBJECT or verb.head is verb:
            return None
        verb = verb.head
    return None


def _source(subject: Any, sentence: ParsedSentence) -> Source:
    tokens = sorted(_phrase(subject), key=lambda token: token.i)
    first, last = tokens[0], tokens[-1]
    words = tuple(token.lower_ for token in tokens if token.lower_ not in _DETERMINERS and not token.is_punct)
    name_tokens = [token for token in tokens if token.dep_ in ("compound", "flat") or token is subject]
    head_first = min(name_tokens, key=lambda token: token.i)
    start, end = sentence.original(first.idx), sentence.original(last.idx + len(last))
    return Source(
        mention=sentence.source[start:end].strip(),
        start=start,
        end=end,
        head_start=sentence.original(subject.idx),
        head_end=sentence.original(subject.idx + len(subject)),
        name=subject.doc.text[head_first.idx : subject.idx + len(subject)],
        form=_form(subject, tokens),
        words=words,
    )


def _phrase(token: Any) -> list[Any]:
    """The token and its dependents, without asides (appositions, relative clauses, trailing punctuation)."""
    phrase = [token]
    for child in token.children:
        if child.dep_ not in _ASIDES or (child.dep_ == "prep" and child.i > token.i and child.lower_ in ("for", "of")):
            phrase += _phrase(child)
    return phrase


def _form(subject: Any, tokens: list[Any]) -> str:
    if subject.lower_ in PRONOUNS:
        return "pronoun"
    if subject.tag_ in ("NNP", "NNPS") or (subject.text[:1].isupper() and subject.i > 0 and subject.text.isalpha()):
        return "name"
    definite = any(token.lower_ in _DETERMINERS or token.dep_ == "poss" for token in tokens if token.i < subject.i)
    return "role" if definite else "description"
