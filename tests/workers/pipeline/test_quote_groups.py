"""Quotes as newsrooms count them: split quotes, run-on paragraphs and fragments are one quote; titles are none."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workers.pipeline.test_quotes import quotes_of
from workers.pipeline.quotes import find_quotes


def parts_of(quote: dict[str, Any]) -> list[str]:
    return [part["text"] for part in quote["parts"]]


def test_a_quote_split_by_its_attribution_is_one_quote_in_two_parts() -> None:
    quotes = quotes_of("“We will rebuild the bridge,” Mayor Anne Hidalgo said, “and we will do it by June.”")
    assert len(quotes) == 1
    assert parts_of(quotes[0]) == ["We will rebuild the bridge", "and we will do it by June."]
    assert quotes[0]["speaker"] == "Anne Hidalgo"


def test_the_second_part_may_open_the_next_sentence() -> None:
    quotes = quotes_of("“We lost the game,” coach Pep Guardiola said on Sunday. “We will learn from it.”")
    assert [parts_of(quote) for quote in quotes] == [["We lost the game", "We will learn from it."]]


def test_parts_keep_their_own_offsets() -> None:
    paragraph = "“We lost the game,” coach Pep Guardiola said. “We will learn from it.”"
    (quote,) = quotes_of(paragraph)
    for part in quote["parts"]:
        assert paragraph[part["start"] : part["end"]] == part["text"]
    assert (quote["start"], quote["end"]) == (quote["parts"][0]["start"], quote["parts"][0]["end"])


def test_a_second_reporting_verb_starts_a_second_quote() -> None:
    quotes = quotes_of(
        "“I opposed the hold as soon as I learned about it,” Kurt Volker said. He added that he viewed the "
        "delay “as a policy problem that we needed to fix internally.”"
    )
    assert len(quotes) == 2
    assert {quote["speaker"] for quote in quotes} == {"Kurt Volker"}


def test_two_speakers_in_one_paragraph_are_two_quotes() -> None:
    quotes = quotes_of("“We are ready,” said Anne Hidalgo. “We are not,” said Olaf Scholz.")
    assert [quote["speaker"] for quote in quotes] == ["Anne Hidalgo", "Olaf Scholz"]


CHEUK = (
    "Commander Cheuk Hau-yip said: “These rioters are also criminals. They have to face the consequences.",
    "“Other than coming out to surrender, I don’t see any viable option for them.”",
)
# The attribution comes last, after a paragraph that opens the quote without closing it.
SANDERS = (
    "Senator Bernie Sanders spoke for an hour.",
    "“The system is rigged against working families and it has been for decades.",
    "“We will change it, whatever it takes,” Sanders said.",
)


@pytest.mark.parametrize(
    ("paragraphs", "spanned", "speaker"),
    [(CHEUK, [0, 1], "Cheuk Hau-yip"), (SANDERS, [1, 2], "Bernie Sanders")],
)
def test_a_quote_running_on_into_the_next_paragraph_is_one_quote(
    paragraphs: tuple[str, ...], spanned: list[int], speaker: str
) -> None:
    [quote] = quotes_of(*paragraphs)
    assert [part["paragraph"] for part in quote["parts"]] == spanned
    assert quote["speaker"] == speaker


def test_fragments_under_one_attribution_are_one_quote() -> None:
    quotes = quotes_of("Senator Ben Sasse called the death “a crisis of public trust” and “a disgrace”.")
    assert [parts_of(quote) for quote in quotes] == [["a crisis of public trust", "a disgrace"]]
    assert quotes[0]["speaker"] == "Ben Sasse"


@pytest.mark.parametrize(
    "paragraph",
    [
        "She appeared on “Meet the Press” and on “Fox News Sunday” last weekend.",
        "The band will play “Takin’ It to the Streets,” “Black Water” and “China Grove” on the tour.",
        "He wrote a memoir titled “a promised land” in his first years out of office.",
    ],
)
def test_titles_are_not_quotes(paragraph: str) -> None:
    assert find_quotes([paragraph], [])[0] == []


def test_a_quote_in_title_case_with_sentences_inside_is_still_a_quote() -> None:
    quotes, _ = find_quotes(["“Fort Worth P.D. Open The Door! We Are Coming In!” an officer shouts."], [])
    assert len(quotes) == 1


@pytest.mark.parametrize(
    ("paragraph", "quoted"),
    [
        ("During the call, Patrick Carlineo called Ilhan Omar a “terrorist” on the phone.", "terrorist"),
        ("In a post, Taylor Swift described this as the “worst case scenario”.", "worst case scenario"),
        ("Volker said he would have “objected” to any investigation of that kind.", "objected"),
        ("Protesters chanted, “Red for Ed,” in a Statehouse hallway.", "Red for Ed,"),
    ],
)
def test_a_short_quote_governed_by_a_reporting_or_naming_verb_is_a_quote(paragraph: str, quoted: str) -> None:
    assert [quote["text"] for quote in quotes_of(paragraph)] == [quoted.rstrip(",")]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Protesters gathered against the self-declared “interim” government in La Paz.",
        "The office called on the “interim” government to withdraw the army.",
        "When feathers are the cause, the illness is called “feather duvet lung.”",
        "The doctor has been dubbed “the lung whisperer” by his colleagues in Aberdeen.",
    ],
)
def test_scare_quotes_passive_names_and_far_away_verbs_are_not_quotes(paragraph: str) -> None:
    assert quotes_of(paragraph) == []


def test_an_opener_typed_as_a_closing_mark_opens() -> None:
    quotes, warnings = find_quotes(["”We are ready for the vote,” the minister said."], [])
    assert [quote["text"] for quote in quotes] == ["We are ready for the vote"]
    assert warnings == []


def test_a_curly_opener_may_close_with_a_straight_mark() -> None:
    quotes, _ = find_quotes(['He said, “somebody ought to stop this right now," the office said.'], [])
    assert [quote["text"] for quote in quotes] == ["somebody ought to stop this right now"]
