"""spaCy models: each loaded once per process, trimmed to the entity recogniser, never raising."""

from __future__ import annotations

from workers.pipeline import nlp
from workers.pipeline.settings import DEFAULT_SPACY_MODEL


def test_model_is_loaded_once_per_process() -> None:
    assert nlp.load_model(DEFAULT_SPACY_MODEL) is nlp.load_model(DEFAULT_SPACY_MODEL)


def test_model_runs_only_the_recogniser() -> None:
    model = nlp.load_model(DEFAULT_SPACY_MODEL)
    assert model.nlp is not None
    assert model.nlp.pipe_names == ["ner"]


def test_a_missing_model_is_reported_not_raised() -> None:
    model = nlp.load_model("no_such_model_package")
    assert model.nlp is None
    assert model.error is not None and "no_such_model_package" in model.error
