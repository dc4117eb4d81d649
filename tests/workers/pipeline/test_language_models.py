"""A model per language: an article is read by its language's model, or its entities and quotes are left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.config import ConfigurationError, load_config
from workers.parsing import pipeline_settings
from workers.pipeline import parse
from workers.pipeline.settings import DEFAULT_SPACY_MODEL, PipelineSettings

FRENCH = (
    "Le président Emmanuel Macron a reçu les syndicats à l'Élysée mardi soir pour parler de la réforme des "
    "retraites.\n\n« Nous sommes prêts à discuter de tout, mais pas à renoncer à la réforme », a déclaré "
    "Emmanuel Macron devant les journalistes.\n\nLes syndicats ont annoncé une nouvelle journée de grève pour "
    "jeudi prochain dans toute la France."
)


@pytest.fixture(scope="module")
def french_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small French pipeline on disk whose recogniser knows one name, standing in for an installed package."""
    import spacy

    nlp = spacy.blank("fr")
    ruler: Any = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "PER", "pattern": "Emmanuel Macron"}])
    path = Path(tmp_path_factory.mktemp("models")) / "fr_test_model"
    nlp.to_disk(path)
    return str(path)


def test_an_article_in_a_language_without_a_model_gets_no_entities_and_no_quotes() -> None:
    result = parse(FRENCH, declared_format="text")
    assert result["language"] == "fr"
    assert result["entities"] == []
    assert result["quotes"] == []
    assert any("entities and quotes were not computed" in warning for warning in result["warnings"])


def test_an_article_is_read_by_the_model_of_its_language(french_model: str) -> None:
    settings = PipelineSettings(spacy_models={"en": DEFAULT_SPACY_MODEL, "fr": french_model})
    result = parse(FRENCH, declared_format="text", settings=settings)
    assert [entity["name"] for entity in result["entities"]] == ["Emmanuel Macron"]
    assert [quote["text"] for quote in result["quotes"]] == [
        "Nous sommes prêts à discuter de tout, mais pas à renoncer à la réforme"
    ]
    assert not any("not computed" in warning for warning in result["warnings"])


def test_an_english_article_is_still_read_by_the_english_model(french_model: str) -> None:
    settings = PipelineSettings(spacy_models={"en": DEFAULT_SPACY_MODEL, "fr": french_model})
    result = parse("“We will rebuild the bridge by June,” Mayor Anne Hidalgo said on Tuesday.", settings=settings)
    assert result["quotes"][0]["speaker"] == "Anne Hidalgo"


def test_the_worker_maps_languages_to_models_from_config() -> None:
    config = load_config(environ={"INGEST_SPACY_MODELS": '{"de": "de_core_news_sm"}'})
    assert pipeline_settings(config).spacy_models == {"en": DEFAULT_SPACY_MODEL, "de": "de_core_news_sm"}
    assert pipeline_settings(load_config(environ={})).spacy_models == {"en": DEFAULT_SPACY_MODEL}


@pytest.mark.parametrize("value", ['["de_core_news_sm"]', '{"german": "de_core_news_sm"}', '{"de": ""}'])
def test_a_malformed_model_map_is_refused_at_start(value: str) -> None:
    with pytest.raises(ConfigurationError, match="INGEST_SPACY_MODELS"):
        load_config(environ={"INGEST_SPACY_MODELS": value})
