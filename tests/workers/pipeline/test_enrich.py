"""The enrichment contract: keys, shapes and types that the article schema is written from."""

from __future__ import annotations

import re
from typing import Any

from workers.pipeline.document import Media
from workers.pipeline.enrich import caption_text, credited_names, enrich


def test_keys(seed_enrichment: dict[str, Any]) -> None:
    assert set(seed_enrichment) == {
        "language",
        "language_confidence",
        "entities",
        "quotes",
        "dates",
        "keywords",
        "fingerprints",
        "warnings",
    }


def test_types(seed_enrichment: dict[str, Any]) -> None:
    assert isinstance(seed_enrichment["language"], str) and len(seed_enrichment["language"]) == 2
    assert 0.0 <= seed_enrichment["language_confidence"] <= 1.0
    assert all(isinstance(warning, str) for warning in seed_enrichment["warnings"])
    prints = seed_enrichment["fingerprints"]
    assert re.fullmatch(r"[0-9a-f]{64}", prints["content_sha256"])
    assert re.fullmatch(r"[0-9a-f]{16}", prints["simhash"])
    assert all(re.fullmatch(r"\d\d:[0-9a-f]{12}", band) for band in prints["minhash_bands"])


def test_seed_has_no_warnings(seed_enrichment: dict[str, Any]) -> None:
    assert seed_enrichment["warnings"] == []


def test_empty_body_does_not_raise() -> None:
    result = enrich(title=None, paragraphs=[], media=[], published_at=None, declared_language=None)
    assert result["entities"] == [] and result["quotes"] == [] and result["dates"] == []
    assert result["fingerprints"]["minhash_bands"] == []


def test_caption_credit_is_cut_and_credited_names_collected() -> None:
    item = Media(caption="Leaders toast in Dushanbe. (Photo by Alexei Druzhinin / Sputnik / AFP)", credit=None)
    assert caption_text(item, item.caption) == "Leaders toast in Dushanbe."
    assert "Alexei Druzhinin" in credited_names([item])


def test_odd_inputs_never_raise() -> None:
    random = __import__("random").Random(4)
    alphabet = "ab C“”‘’\"«»„.,:;!? \n—-'0123456789SaidHe said"
    for _ in range(60):
        paragraphs = ["".join(random.choice(alphabet) for _ in range(random.randint(0, 120))) for _ in range(3)]
        media = [Media(caption="".join(random.choice(alphabet) for _ in range(40)), credit="A / B")]
        result = enrich(title="“", paragraphs=paragraphs, media=media, published_at="garbage", declared_language="xx")
        for quote in result["quotes"]:
            assert paragraphs[quote["paragraph"]][quote["start"] : quote["end"]] == quote["text"]


def test_a_long_article_is_read_whole() -> None:
    paragraph = "“We will not stop,” Mayor Anne Hidalgo said on Monday in Paris, where the Senate met. " * 20
    result = enrich(title=None, paragraphs=[paragraph] * 50, media=[], published_at=None, declared_language="en")
    assert len(result["quotes"]) == 1000
    assert {quote["speaker"] for quote in result["quotes"]} == {"Anne Hidalgo"}


def test_warm_up_loads_without_raising() -> None:
    from workers.pipeline.enrich import warm_up

    warm_up()
