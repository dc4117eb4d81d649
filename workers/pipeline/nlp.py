"""spaCy models: each loaded once per process, trimmed to the components enrichment uses."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

# Enrichment reads only entities; sentences and speakers come from rules, so the tagger, parser and lemmatizer
# would cost time for nothing (measured: NER alone takes about half the time of the full small pipeline).
_UNUSED_COMPONENTS = ("tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "morphologizer", "textcat")

# Quote speakers read the parser on the few sentences that hold a reporting verb; it needs tok2vec and the tagger's
# tags (to tell names from common nouns), nothing after it.
_NOT_FOR_PARSING = ("ner", "senter", "attribute_ruler", "lemmatizer", "morphologizer", "textcat")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    """A loaded spaCy pipeline, or the reason why there is none."""

    nlp: Any | None
    name: str
    language: str | None
    error: str | None = None


@functools.lru_cache(maxsize=4)
def load_model(name: str) -> LoadedModel:
    """The named model (installed package name or path), loaded at most once per process; never raises."""
    try:
        import spacy

        nlp = spacy.load(name, exclude=list(_UNUSED_COMPONENTS))
        _drop_unheard_embedders(nlp)
        _multiply_with_numpy(nlp)
    except Exception as error:  # a broken or missing model must not take the pipeline down with it
        logger.warning("spaCy model %r could not be loaded: %s", name, error)
        return LoadedModel(nlp=None, name=name, language=None, error=f"{type(error).__name__}: {error}")
    if "ner" not in nlp.pipe_names:
        return LoadedModel(nlp=None, name=name, language=str(nlp.lang), error="the model has no entity recogniser")
    return LoadedModel(nlp=nlp, name=name, language=str(nlp.lang))


@functools.lru_cache(maxsize=4)
def load_parser(name: str) -> LoadedModel:
    """The named model trimmed to its dependency parser (and what the parser listens to); never raises."""
    try:
        import spacy

        nlp = spacy.load(name, exclude=list(_NOT_FOR_PARSING))
        _multiply_with_numpy(nlp)
    except Exception as error:  # no parser means speakers from rules alone, never a failed article
        logger.warning("spaCy model %r could not be loaded for parsing: %s", name, error)
        return LoadedModel(nlp=None, name=name, language=None, error=f"{type(error).__name__}: {error}")
    if "parser" not in nlp.pipe_names:
        return LoadedModel(nlp=None, name=name, language=str(nlp.lang), error="the model has no parser")
    return LoadedModel(nlp=nlp, name=name, language=str(nlp.lang))


def _multiply_with_numpy(nlp: Any) -> None:
    """Give the models' layers thinc's numpy backend, so their matrix products run in numpy's OpenBLAS, one thread.

    The BLIS wheel thinc multiplies with by default has kernels for a few CPU families and falls back to its generic
    reference kernel on the others (on this machine's AMD family 25 it does: 6x slower than OpenBLAS on the recogniser's
    products, a fifth of the recogniser's time). OpenBLAS picks its kernel for the CPU it finds. One thread, because a
    worker process is meant to keep one core busy: more threads only spin against the other workers.
    """
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for layer in model.walk():
                layer.ops = ops


def _drop_unheard_embedders(nlp: Any) -> None:
    """Remove a shared tok2vec/transformer that no kept component listens to (small models embed inside NER)."""
    for embedder in ("tok2vec", "transformer"):
        if embedder in nlp.pipe_names and not getattr(nlp.get_pipe(embedder), "listening_components", []):
            nlp.remove_pipe(embedder)
