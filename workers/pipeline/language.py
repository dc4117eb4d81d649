"""Language identification: an ISO 639-1 code with a calibrated confidence, weighed against the declared one."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

# Below this probability the detector is guessing (short or name-heavy text): a declaration wins if there is one.
CONFIDENT = 0.80
# A declaration that the text does not contradict is worth at least this much confidence.
DECLARED_PRIOR = 0.5
# Detection on more text than this is not more accurate, only slower.
MAX_SAMPLE_CHARS = 6000
# Texts shorter than this are never allowed to overrule a declared language.
MIN_CHARS_TO_OVERRULE = 200


@dataclass(frozen=True)
class LanguageGuess:
    """The language the enrichment will use, how sure it is, and why it might be wrong."""

    code: str | None
    confidence: float
    warnings: list[str] = field(default_factory=list)


def identify_language(text: str, declared: str | None = None) -> LanguageGuess:
    """Choose the text's language from the detector and the declared language (e.g. `en-GB`, `fr`)."""
    sample = text[:MAX_SAMPLE_CHARS]
    ranking = _rank_iso_639_1(sample)
    declared_code = normalise_language_code(declared)
    if not ranking:
        if declared_code:
            return LanguageGuess(declared_code, DECLARED_PRIOR)
        # No letters, no declaration: there is no language to report, and guessing English would be a lie.
        return LanguageGuess(None, 0.0, ["language could not be identified: the text has no letters"])
    detected, probability = ranking[0]
    if declared_code:
        if detected == declared_code:
            return LanguageGuess(detected, round(max(probability, DECLARED_PRIOR), 3))
        if probability >= CONFIDENT and len(sample) >= MIN_CHARS_TO_OVERRULE:
            warning = f"declared language {declared_code!r} overruled: the text reads as {detected!r}"
            return LanguageGuess(detected, round(probability, 3), [warning])
        declared_probability = dict(ranking).get(declared_code, 0.0)
        return LanguageGuess(declared_code, round(max(declared_probability, DECLARED_PRIOR), 3))
    if probability < CONFIDENT:
        warning = f"language uncertain: {detected!r} with confidence {probability:.2f} and none declared"
        return LanguageGuess(detected, round(probability, 3), [warning])
    return LanguageGuess(detected, round(probability, 3))


def normalise_language_code(code: str | None) -> str | None:
    """ISO 639-1 part of a language tag (`en-US` -> `en`), or None when it is not one."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].casefold()
    return primary if len(primary) == 2 and primary.isalpha() else None


def _rank_iso_639_1(text: str) -> list[tuple[str, float]]:
    """Detector probabilities per ISO 639-1 language, best first; empty when the text has no letters."""
    if not any(character.isalpha() for character in text):
        return []
    # The detector also knows languages with only a 3-letter code; the contract needs 639-1, so those are skipped.
    return [(str(code), float(score)) for code, score in _identifier().rank(text) if len(code) == 2]


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # norm_probs gives probabilities calibrated for text length; the module-level classify() gives raw scores.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
