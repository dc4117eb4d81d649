"""Quotes and their speakers: the seed's eleven, and the other shapes news uses to attribute speech."""

from __future__ import annotations

from typing import Any

import pytest

from workers.pipeline.document import NamedSpan
from workers.pipeline.enrich import enrich
from workers.pipeline.quotes import find_quotes


def quotes_of(*paragraphs: str) -> list[dict[str, Any]]:
    """Quotes found by the full enrichment (entity model included) in these paragraphs."""
    result = enrich(title=None, paragraphs=list(paragraphs), media=[], published_at=None, declared_language="en")
    quotes: list[dict[str, Any]] = result["quotes"]
    return quotes


def speaker_of(text_start: str, quotes: list[dict[str, Any]]) -> str | None:
    """The speaker of the quote one of whose parts starts with text_start."""
    matching = [quote for quote in quotes if any(part["text"].startswith(text_start) for part in quote["parts"])]
    assert matching, f"no quote starts with {text_start!r} in {[quote['text'] for quote in quotes]}"
    speaker: str | None = matching[0]["speaker"]
    return speaker


def test_the_seed_has_its_eleven_quotes_with_speakers_and_paragraphs(
    seed_expected: dict[str, Any], seed_enrichment: dict[str, Any]
) -> None:
    for expected in seed_expected["quotes"]:
        found = [quote for quote in seed_enrichment["quotes"] if quote["text"].startswith(expected["starts"])]
        assert len(found) == 1, expected["starts"]
        assert found[0]["speaker"] == expected["speaker"], expected["starts"]
        assert found[0]["paragraph"] == expected["paragraph"], expected["starts"]


def test_offsets_point_at_the_quoted_text_inside_its_paragraph(
    seed_expected: dict[str, Any], seed_enrichment: dict[str, Any]
) -> None:
    for quote in seed_enrichment["quotes"]:
        paragraph = seed_expected["body_paragraphs"][quote["paragraph"]]
        assert paragraph[quote["start"] : quote["end"]] == quote["text"]
        assert paragraph[quote["start"] - 1] in '“"‘'


def test_quote_shape(seed_enrichment: dict[str, Any]) -> None:
    for quote in seed_enrichment["quotes"]:
        assert set(quote) == {
            "text",
            "speaker",
            "speaker_mention",
            "speaker_kind",
            "cue",
            "paragraph",
            "start",
            "end",
            "parts",
        }
        first = quote["parts"][0]
        assert (quote["text"], quote["paragraph"], quote["start"], quote["end"]) == (
            first["text"],
            first["paragraph"],
            first["start"],
            first["end"],
        )


def test_named_speaker_after_the_quote() -> None:
    quotes = quotes_of("“We will rebuild every house,” Mayor Anne Hidalgo said on Tuesday.")
    assert speaker_of("We will rebuild", quotes) == "Anne Hidalgo"
    assert quotes[0]["cue"] == "said"


def test_quote_spanning_sentences_is_one_quote() -> None:
    quotes = quotes_of("“We lost. We will learn from it. Then we will win again,” coach Pep Guardiola said.")
    assert [quote["text"] for quote in quotes] == ["We lost. We will learn from it. Then we will win again"]
    assert quotes[0]["speaker"] == "Pep Guardiola"


def test_nested_single_quotes_stay_inside() -> None:
    quotes = quotes_of("“He told me ‘never again’ and then he did it again,” said Laura Chen, a neighbour.")
    assert [quote["text"] for quote in quotes] == ["He told me ‘never again’ and then he did it again"]
    assert quotes[0]["speaker"] == "Laura Chen"


def test_scare_quotes_without_a_cue_are_not_reported_speech() -> None:
    quotes = quotes_of("Critics call the plan a “land grab” and the company's “green” label misleading.")
    assert quotes == []


def test_unbalanced_marks_warn_instead_of_raising() -> None:
    quotes, warnings = find_quotes(["He said “this never ends and nobody closes it", "Next paragraph ” stray."], [])
    assert quotes[0]["text"] == "this never ends and nobody closes it"
    assert len(warnings) == 2


@pytest.mark.parametrize("text", ["", "“", "”", '"', "‘’", "“”", "a “b” c ” d “ e"])
def test_degenerate_marks_never_raise(text: str) -> None:
    find_quotes([text], [])


def test_rules_work_from_named_spans_alone() -> None:
    paragraph = "“Rates stay where they are,” the central bank governor Lee Chang-yong said."
    start = paragraph.index("Lee")
    spans = [NamedSpan(0, start, start + len("Lee Chang-yong"), "Lee Chang-yong", "person")]
    quotes, warnings = find_quotes([paragraph], spans)
    assert quotes[0]["speaker"] == "Lee Chang-yong"
    assert quotes[0]["cue"] == "said"
    assert warnings == []


def test_an_unnamed_speaker_keeps_the_cue_without_guessing() -> None:
    quotes = quotes_of(
        "Mayor Anne Hidalgo opened the bridge on Monday.",
        "“The traffic will be a nightmare for months,” residents said.",
    )
    found = [quote for quote in quotes if quote["text"].startswith("The traffic")]
    assert found[0]["speaker"] is None
    assert found[0]["cue"] == "said"


def test_a_verb_far_before_a_short_quote_does_not_attribute_it() -> None:
    quotes = quotes_of(
        "Ambassador Gordon Sondland said the three men, who met repeatedly over the summer in Kyiv and in "
        "Washington with officials from both countries, formed an “irregular” channel."
    )
    assert quotes == []


@pytest.mark.parametrize(
    "attribution",
    ["responded NASA administrator Jim Bridenstine", "said Rep. Jim Bridenstine", "added Jim Bridenstine, a pilot"],
)
def test_inverted_attributions(attribution: str) -> None:
    quotes = quotes_of(f"“It depends on what Boeing is willing to spend on it,” {attribution}.")
    assert speaker_of("It depends on what Boeing", quotes) == "Jim Bridenstine"


# Paragraphs, the start of one quote in them, and who said it.
SPEAKERS = [
    pytest.param(
        ("“The markets have priced this in,” said Janet Yellen, the Treasury secretary.",),
        "The markets",
        "Janet Yellen",
        id="verb_before_the_speaker",
    ),
    pytest.param(
        ("Angela Merkel told reporters: “We are not there yet, and we know it.”",),
        "We are not there yet",
        "Angela Merkel",
        id="speaker_before_the_quote_with_a_colon",
    ),
    pytest.param(
        ("The plant will close in June, “with all 400 jobs gone by the summer,” according to Tom Harris.",),
        "with all 400 jobs",
        "Tom Harris",
        id="according_to",
    ),
    pytest.param(
        (
            "Emmanuel Macron met workers at the factory on Friday.",
            "“Nobody will be left behind in this transition,” he said.",
        ),
        "Nobody will be left",
        "Emmanuel Macron",
        id="pronoun_refers_to_the_person_last_named",
    ),
    pytest.param(
        (
            "Chancellor Olaf Scholz visited Kyiv on Monday.",
            "“Germany stands with Ukraine for as long as it takes,” Scholz said.",
        ),
        "Germany stands",
        "Olaf Scholz",
        id="surname_resolves_to_the_full_name",
    ),
    pytest.param(
        (
            "“We did everything we could to save the building,” fire chief Maria Lopez said.",
            "“The roof collapsed within minutes and there was nothing left to protect inside.”",
        ),
        "The roof collapsed",
        "Maria Lopez",
        id="uncued_quote_continues_the_previous_speaker",
    ),
    pytest.param(
        ("Prime Minister Justin Trudeau was blunt. “This agreement is dead and nobody in Ottawa will revive it.”",),
        "This agreement is dead",
        "Justin Trudeau",
        id="speaker_named_in_the_previous_sentence",
    ),
    pytest.param(
        ("Boris Johnson said the government would “get Brexit done by the end of January.”",),
        "get Brexit done",
        "Boris Johnson",
        id="partial_quote_inside_a_sentence",
    ),
    pytest.param(
        ('"The vote will happen next week, no matter what," Nancy Pelosi said.',),
        "The vote will happen",
        "Nancy Pelosi",
        id="straight_quotes",
    ),
    pytest.param(
        ("“Production will resume within days,” Toyota said in a statement.",),
        "Production will resume",
        "Toyota",
        id="organisation_as_speaker",
    ),
    pytest.param(
        (
            "Foreign Minister Sergei Lavrov arrived in Ankara on Thursday.",
            "“We are ready to talk without preconditions,” the Russian foreign minister said.",
        ),
        "We are ready",
        "Sergei Lavrov",
        id="a_role_after_the_quote_refers_to_the_person_last_named",
    ),
    pytest.param(
        ("“There will be no more delays,” Elon Musk told reporters at the plant.",),
        "There will be no more delays",
        "Elon Musk",
        id="x_told_reporters",
    ),
    pytest.param(
        (
            "Senator Elizabeth Warren questioned the bank's chief executive.",
            "“Why did nobody stop this?” she asked.",
        ),
        "Why did nobody stop this?",
        "Elizabeth Warren",
        id="question_quote_with_a_pronoun",
    ),
    pytest.param(
        (
            "“The building must not become a shrine,” Interior Minister Wolfgang Peschorn, who serves in a "
            "provisional government until elections are held next year, said on Tuesday.",
        ),
        "The building must not",
        "Wolfgang Peschorn",
        id="a_long_aside_between_name_and_verb",
    ),
    pytest.param(
        (
            "Tim Morrison and Alexander Vindman both testified on Tuesday.",
            "“If he had concerns, he did not share them with me,” Morrison, Vindman's superior, said.",
        ),
        "If he had concerns",
        "Tim Morrison",
        id="a_name_in_the_possessive_is_not_the_speaker",
    ),
    pytest.param(
        (
            "“Heads needed to roll the day Jeffrey Epstein died,” Senator Ben Sasse said. “The Bureau of Prisons "
            "needs to answer for this failure.”",
        ),
        "The Bureau of Prisons",
        "Ben Sasse",
        id="a_second_quote_after_an_attribution_belongs_to_the_same_speaker",
    ),
    pytest.param(
        (
            "Taylor Swift performed on Sunday.",
            "“We never blocked anything,” the production company said. "
            "“Any final agreement needs the artist's approval.”",
        ),
        "Any final agreement",
        None,
        id="a_second_quote_after_an_unnamed_speaker_stays_unnamed",
    ),
    pytest.param(
        (
            "Wikileaks editor-in-chief Kristinn Hrafnsson told reporters on Tuesday:",
            "“Let us now focus on the threat that the case has posed for years.”",
        ),
        "Let us now focus",
        "Kristinn Hrafnsson",
        id="speaker_introduced_at_the_end_of_the_previous_paragraph",
    ),
]


@pytest.mark.parametrize(("paragraphs", "quote_start", "speaker"), SPEAKERS)
def test_speaker(paragraphs: tuple[str, ...], quote_start: str, speaker: str | None) -> None:
    assert speaker_of(quote_start, quotes_of(*paragraphs)) == speaker


def test_unbalanced_marks_make_one_warning_per_kind_and_paragraph_with_a_count() -> None:
    paragraph = 'The mayor said "yes" ' + '"' * 100_000 + " and left."
    quotes, warnings = find_quotes([paragraph], [])
    assert [quote["text"] for quote in quotes] == ["yes"]
    [warning] = warnings
    assert warning.startswith("paragraph 0: 99,99") and "closing quotation marks without an opening one" in warning
