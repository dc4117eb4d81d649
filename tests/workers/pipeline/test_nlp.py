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


def test_both_models_multiply_in_numpy_on_one_blas_thread() -> None:
    """BLIS's wheel runs its generic kernel on CPUs it has no kernel for; numpy's OpenBLAS picks one for the CPU."""
    from threadpoolctl import threadpool_info

    for loaded in (nlp.load_model(DEFAULT_SPACY_MODEL), nlp.load_parser(DEFAULT_SPACY_MODEL)):
        assert loaded.nlp is not None
        layers = [layer for _, component in loaded.nlp.pipeline for layer in component.model.walk()]
        assert layers and all(type(layer.ops).__name__ == "NumpyOps" and not layer.ops.use_blis for layer in layers)
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


def test_numpy_multiplication_finds_the_same_entities_as_blis() -> None:
    import spacy

    text = (
        "Chancellor Olaf Scholz met Emmanuel Macron in Paris on Tuesday, the German government said. "
        "The European Union will meet in Brussels next week, according to Reuters."
    )
    ours = nlp.load_model(DEFAULT_SPACY_MODEL).nlp
    assert ours is not None
    reference = spacy.load(DEFAULT_SPACY_MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    as_found = [(entity.text, entity.label_) for entity in ours(text).ents]
    assert as_found and as_found == [(entity.text, entity.label_) for entity in reference(text).ents]
