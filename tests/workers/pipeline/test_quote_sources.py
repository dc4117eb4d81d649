"""The source of a quote: the subject of its reporting verb, as written, resolved to an entity, and its kind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workers.pipeline.test_quotes import quotes_of
from workers.pipeline import nlp
from workers.pipeline.document import NamedSpan
from workers.pipeline.quote_context import SPEECH_VERB
from workers.pipeline.quote_sources import ParsedSentence, source_of_verb
from workers.pipeline.quotes import find_quotes
from workers.pipeline.settings import DEFAULT_SPACY_MODEL


def source(*paragraphs: str) -> tuple[str | None, str | None, str | None]:
    """(speaker, speaker_mention, speaker_kind) of the last quote found in the paragraphs."""
    quote: dict[str, Any] = quotes_of(*paragraphs)[-1]
    return quote["speaker"], quote["speaker_mention"], quote["speaker_kind"]


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


def test_a_description_is_kept_as_written_without_a_name() -> None:
    assert source("“We are cooperating in the matter,” a WeWork spokeswoman said on Monday.") == (
        None,
        "a WeWork spokeswoman",
        "description",
    )


def test_a_named_source_keeps_its_mention_and_resolves_to_the_entity() -> None:
    speaker, mention, kind = source(
        "Interior Minister Wolfgang Peschorn spoke in Vienna.",
        "“The house will never again evoke that memory,” Peschorn said in a statement.",
    )
    assert (speaker, mention, kind) == ("Wolfgang Peschorn", "Peschorn", "person")


def test_it_and_they_stand_for_the_organisation_named_before() -> None:
    speaker, mention, kind = source(
        "The Swedish Prosecution Authority dropped the investigation on Tuesday.",
        "“The evidence has weakened considerably over the years,” it added.",
    )
    assert (speaker, mention, kind) == ("Swedish Prosecution Authority", "it", "organisation")


def test_the_company_stands_for_the_organisation_named_before() -> None:
    speaker, _, kind = source(
        "Employees at Volkswagen were told of the cuts on Monday.",
        "“We regret that these steps are necessary,” the company said.",
    )
    assert (speaker, kind) == ("Volkswagen", "organisation")


def test_a_role_resolves_to_the_person_introduced_later_with_that_title() -> None:
    speaker, mention, _ = source(
        "China’s ambassador to Britain warned that the government “will not sit on our hands and watch”.",
        "Ambassador Liu Xiaoming has said that China has the power to end the unrest.",
    )
    assert (speaker, mention) == ("Liu Xiaoming", "China’s ambassador")


def test_a_pronoun_skips_people_its_given_name_does_not_fit() -> None:
    speaker, mention, _ = source(
        "Emily Maitlis interviewed Prince Andrew about Jeffrey Epstein on Saturday.",
        "“I remember it weirdly, distinctly,” she said.",
    )
    assert (speaker, mention) == ("Emily Maitlis", "she")


def test_a_pronoun_after_a_quote_keeps_the_speaker_of_the_quote_before() -> None:
    speaker, _, _ = source(
        "“This was the fourth time I have been deported,” said Singh Jabarjung, 24, from Bathinda in Punjab.",
        "“I tried to enter California in May but was caught by the police,” he said.",
    )
    assert speaker == "Singh Jabarjung"


def test_a_verb_far_before_the_quote_still_governs_it_in_the_parse() -> None:
    speaker, _, _ = source(
        "Michael Reed told investors of New Media, the parent company, on Oct. 31 that the merger would allow the "
        "company to quickly pay down debt and “to return capital to shareholders through dividends.”"
    )
    assert speaker == "Michael Reed"


def test_an_unattributed_quote_after_reported_speech_is_the_reporters() -> None:
    speaker, mention, _ = source(
        "Palestinian negotiator Saeb Erekat said it was only the latest move to force a capitulation.",
        "“They wanted us on our knees and they used every trick to put pressure on us.”",
    )
    assert (speaker, mention) == ("Saeb Erekat", None)


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


def test_the_statement_speaks_for_the_organisation_that_issued_it() -> None:
    speaker, mention, kind = source(
        "On Monday, Big Machine Records issued a statement after the singer accused the Braun-owned company.",
        "“It should be noted that artists do not need label approval for live shows,” the statement said.",
    )
    assert (speaker, mention, kind) == ("Big Machine Records", "the statement", "organisation")


def test_a_document_speaks_for_the_organisation_behind_it() -> None:
    speaker, _, kind = source(
        "A March study by the International Monetary Fund concluded that “the full incidence of the tariff falls "
        "on domestic consumers.”"
    )
    assert (speaker, kind) == ("International Monetary Fund", "organisation")


def test_they_finds_the_organisation_where_the_recogniser_missed_its_name() -> None:
    speaker, _, _ = source(
        "The dispute began when Big Machine Records refused to license the songs.",
        "On Friday, Big Machine denied doing anything wrong. Its founder was not available for comment.",
        "“At no point did we say she could not perform the songs on television,” they said.",
    )
    assert speaker is not None and speaker.startswith("Big Machine")


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
