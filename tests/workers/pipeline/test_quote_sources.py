"""The source of a quote: the subject of its reporting verb, as written, resolved to an entity, and its kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.workers.pipeline.test_quotes import quotes_of
from workers.pipeline import nlp
from workers.pipeline.document import NamedSpan
from workers.pipeline.quote_context import SPEECH_VERB
from workers.pipeline.quote_sources import ParsedSentence, source_of_verb
from workers.pipeline.quotes import find_quotes
from workers.pipeline.settings import DEFAULT_SPACY_MODEL

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# Each case: paragraphs, and what the source of their last quote must be (fields a case leaves out are not checked).
SOURCE_CASES = json.loads((FIXTURES / "quote_sources.json").read_text(encoding="utf-8"))


def subject(sentence: str, verb: str) -> tuple[str, str] | None:
    parser = nlp.load_parser(DEFAULT_SPACY_MODEL).nlp
    found = source_of_verb(ParsedSentence(parser, sentence, (0, len(sentence))), sentence.index(verb), SPEECH_VERB)
    return (found.mention, found.form) if found else None


@pytest.mark.parametrize(
    ("sentence", "verb", "expected"),
    [
        (
            "“We saw a need,” Steve Clarke, deputy administrator for exploration at NASA, said on a call.",
            "said",
            ("Steve Clarke", "name"),
        ),
        (
            "“We received an inquiry,” said a WeWork spokesperson when contacted.",
            "said",
            ("a WeWork spokesperson", "description"),
        ),
        ("“We miss him,” Marc Benioff weighed in, telling Cook, “so much.”", "telling", ("Marc Benioff", "name")),
        ("According to the man, the steroids “had a transformative effect.”", "According", ("the man", "role")),
        ("“We are done,” he said.", "said", ("he", "pronoun")),
    ],
)
def test_the_subject_of_the_reporting_verb(sentence: str, verb: str, expected: tuple[str, str]) -> None:
    assert subject(sentence, verb) == expected


def test_a_verb_inside_reported_speech_gives_way_to_the_reporting_one() -> None:
    sentence = "Mike Pompeo said that after consultation Washington had concluded it was “not inconsistent with law”."
    assert subject(sentence, "concluded") == ("Mike Pompeo", "name")


def test_a_verb_without_subject_gives_way_to_one_with_a_subject() -> None:
    sentence = "“The president wants a bigger deal” announced in October, said Derek Scissors, a scholar."
    assert subject(sentence, "announced") == ("Derek Scissors", "name")


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[case["case"].replace(" ", "_") for case in SOURCE_CASES])
def test_the_source_of_the_last_quote(case: dict[str, Any]) -> None:
    quote = quotes_of(*case["paragraphs"])[-1]
    assert "speaker" in case, "every case names its speaker (null for none)"
    expected = {field: value for field, value in case.items() if field.startswith("speaker")}
    assert {field: quote[field] for field in expected} == expected


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("“Every vote deserves to be counted, and every voter heard.” ― Jane Doe, mayor of Springfield",),
        ("“Every vote deserves to be counted, and every voter heard.”", "— Jane Doe"),
    ],
)
def test_a_dash_and_a_name_after_a_quote_name_its_speaker(paragraphs: tuple[str, ...]) -> None:
    quotes = quotes_of(*paragraphs, "“The next quote is someone else’s entirely,” said Olaf Scholz.")
    assert [quote["speaker"] for quote in quotes] == ["Jane Doe", "Olaf Scholz"]
    assert quotes[0]["speaker_mention"] == "Jane Doe"


@pytest.mark.parametrize(
    "paragraph",
    [
        "“We have the best economy in the world,” Donald Trump boasted at the rally.",
        "“It is what it is,” Donald Trump sighed at the rally.",
        "“It is a crisis and we need action now,” Donald Trump is telling supporters at the rally.",
        "Donald Trump continued: “We will win and we will win again next year.”",
    ],
)
def test_reporting_verbs_the_list_was_missing(paragraph: str) -> None:
    assert [quote["speaker"] for quote in quotes_of(paragraph)] == ["Donald Trump"]


def test_transcript_labels_name_the_speaker_of_their_paragraph() -> None:
    quotes = quotes_of(
        "Vice President Mike Pence and Senator Kamala Harris debated in Salt Lake City.",
        "PENCE: We will keep this economy growing for every American family.",
        "HARRIS: The American people have witnessed the greatest failure of any administration.",
    )
    assert [(quote["speaker"], quote["speaker_mention"], quote["cue"]) for quote in quotes] == [
        ("Mike Pence", "PENCE", ":"),
        ("Kamala Harris", "HARRIS", ":"),
    ]


def test_a_dateline_is_not_a_transcript_label() -> None:
    quotes, _ = find_quotes(["NEW DELHI: Nearly 150 people returned home on Wednesday after being deported."], [])
    assert quotes == []


def test_without_a_parser_the_rules_name_the_speaker() -> None:
    quotes, _ = find_quotes(["“Rates stay where they are,” said Lee Chang-yong."], [], parse=None)
    assert quotes[0]["speaker"] == "Lee Chang-yong"
    assert quotes[0]["speaker_mention"] is None


def test_they_finds_the_organisation_where_the_recogniser_missed_its_name() -> None:
    quote = quotes_of(
        "The dispute began when Big Machine Records refused to license the songs.",
        "On Friday, Big Machine denied doing anything wrong. Its founder was not available for comment.",
        "“At no point did we say she could not perform the songs on television,” they said.",
    )[-1]
    assert quote["speaker"] is not None and quote["speaker"].startswith("Big Machine")


def test_long_quoted_passages_are_parsed_as_one_word() -> None:
    paragraph = "“We lost the game, and we will learn from it for the next one,” coach Pep Guardiola said on Sunday."
    seen: list[str] = []
    parser = nlp.load_parser(DEFAULT_SPACY_MODEL).nlp

    def parse(text: str) -> Any:
        seen.append(text)
        return parser(text)

    parsed = ParsedSentence(parse, paragraph, (0, len(paragraph)), [(1, 61)])
    found = source_of_verb(parsed, paragraph.index("said"), SPEECH_VERB)
    assert seen == ["“yes,” coach Pep Guardiola said on Sunday."]
    assert found is not None
    assert paragraph[found.start : found.end] == found.mention == "coach Pep Guardiola"


def test_a_name_alone_by_its_verb_needs_no_parse() -> None:
    paragraph = "“We will rebuild every house in the city by next June,” Hidalgo said."
    start = paragraph.index("Hidalgo")
    spans = [NamedSpan(0, start, start + len("Hidalgo"), "Anne Hidalgo", "person")]

    def parse(text: str) -> Any:
        raise AssertionError(f"parsed {text!r}")

    quotes, _ = find_quotes([paragraph], spans, parse=parse)
    assert (quotes[0]["speaker"], quotes[0]["speaker_mention"]) == ("Anne Hidalgo", "Hidalgo")
