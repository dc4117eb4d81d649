"""Language: ISO 639-1 with a calibrated confidence; short text never mislabelled English by default."""

from __future__ import annotations

from typing import Any

import pytest

from workers.pipeline.enrich import enrich
from workers.pipeline.language import identify_language, normalise_language_code

FRENCH = (
    "Le président de la République a annoncé lundi soir une série de mesures pour soutenir les ménages face à "
    "la hausse des prix de l'énergie. Le gouvernement présentera un projet de loi au Parlement dans les semaines "
    "qui viennent, a précisé le porte-parole."
)
GERMAN = (
    "Die Bundesregierung hat am Montag neue Hilfen für Unternehmen beschlossen, die unter den hohen "
    "Energiepreisen leiden. Der Kanzler sagte, man werde niemanden allein lassen."
)


def test_seed_is_english(seed_enrichment: dict[str, Any]) -> None:
    assert seed_enrichment["language"] == "en"
    assert seed_enrichment["language_confidence"] > 0.9


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (GERMAN, "de")])
def test_other_languages(text: str, code: str) -> None:
    guess = identify_language(text)
    assert guess.code == code
    assert guess.confidence > 0.9
    assert guess.warnings == []


def test_short_text_prefers_the_declared_language() -> None:
    guess = identify_language("Obama", "fr-FR")
    assert guess.code == "fr"
    assert 0 < guess.confidence <= 1


def test_short_text_without_declaration_reports_low_confidence() -> None:
    guess = identify_language("Obama")
    assert guess.confidence < 0.5
    assert guess.warnings


def test_confident_long_text_overrules_a_wrong_declaration() -> None:
    guess = identify_language(FRENCH, "en")
    assert guess.code == "fr"
    assert any("overruled" in warning for warning in guess.warnings)


def test_code_is_two_letters_whenever_there_are_letters() -> None:
    for text in ["Obama", "Mi ta bai kasa.", FRENCH, "Ok"]:
        guess = identify_language(text)
        assert guess.code is not None and len(guess.code) == 2


@pytest.mark.parametrize(("tag", "code"), [("en-GB", "en"), ("pt_BR", "pt"), ("FR", "fr"), ("", None), ("eng", None)])
def test_declared_tags_are_normalised(tag: str, code: str | None) -> None:
    assert normalise_language_code(tag) == code


def test_article_in_another_language_is_processed_without_entities_and_quotes() -> None:
    result = enrich(
        title="Nouvelles mesures",
        paragraphs=[FRENCH, "« Nous ne laisserons personne de côté », a-t-il dit."],
        media=[],
        published_at=None,
        declared_language=None,
    )
    assert result["language"] == "fr"
    assert result["entities"] == []
    assert any("entities skipped" in warning for warning in result["warnings"])
    # Read with English rules and no French model, the quotes would be guesses presented as fact.
    assert result["quotes"] == []
    assert any("entities and quotes were not computed" in warning for warning in result["warnings"])
    assert result["fingerprints"]["minhash_bands"]
    assert 1 <= len(result["keywords"]) <= 10


def test_text_without_letters_has_no_language_rather_than_english() -> None:
    guess = identify_language("2022 — 15:30 / 42")
    assert guess.code is None
    assert guess.warnings
    result = enrich(title=None, paragraphs=["2022 — 15:30 / 42"], media=[], published_at=None, declared_language=None)
    assert result["language"] is None
    assert result["entities"] == []
