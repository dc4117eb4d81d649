"""The spaCy model: loaded once per process, trimmed to the entity recogniser."""

from __future__ import annotations

from workers.pipeline import nlp


def test_model_is_loaded_once_per_process() -> None:
    assert nlp.load_model() is nlp.load_model()


def test_model_runs_only_the_recogniser() -> None:
    model = nlp.load_model()
    assert model.nlp is not None
    assert model.nlp.pipe_names == ["ner"]
