"""Shared fixtures: the seed article's expected structure and its enrichment, computed once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from workers.pipeline.document import Media
from workers.pipeline.enrich import enrich

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED_PUBLISHED_AT = "2022-03-07T09:00:00+00:00"


@pytest.fixture(scope="session")
def seed_expected() -> dict[str, Any]:
    """The hand-annotated expectations for the seed article."""
    loaded: dict[str, Any] = json.loads((FIXTURES / "seed-article.expected.json").read_text(encoding="utf-8"))
    return loaded


def seed_media() -> list[Media]:
    """The seed's three caption blocks as the text extractor hands them over, credits split off."""
    return [
        Media(
            caption="Russian President Vladimir Putin (L) and Chinese President Xi Jinping (R) toast before the fifth "
            "regular foreign ministers' meeting of the Conference on Interaction and Confidence Building Measures "
            "in Asia (CICA) at the Diaoyutai State Guesthouse in Dushanbe on June 15, 2019.",
            alt_captions=[
                "Russian President Vladimir Putin (L) and Chinese President Xi Jinping (R) toast in Dushanbe on "
                "June 15, 2019."
            ],
            credit="Photo by Alexei Druzhinin / Sputnik / AFP; ALEXEI DRUZHININ/AFP/Getty Images",
            photographer="Alexei Druzhinin",
            agencies=["AFP", "Getty Images", "Sputnik"],
        ),
        Media(
            caption="An armored personnel carrier burns and damaged light utility vehicles stand abandoned after "
            "fighting in Kharkiv, Ukraine, Sunday, Feb. 27, 2022. The city authorities said that Ukrainian forces "
            "engaged in fighting with Russian troops that entered the country's second-largest city on Sunday.",
            alt_captions=[
                "An armored personnel carrier burns and damaged light utility vehicles stand abandoned after "
                "fighting in Kharkiv, Ukraine, Sunday, Feb. 27, 2022."
            ],
            credit="Marienko Andrew/AP",
            photographer="Marienko Andrew",
            agencies=["AP"],
        ),
        Media(
            caption="The scene of a fire at the Economy Department building of Karazin Kharkiv National University, "
            "allegedly hit during recent shelling by Russia, on March 2, 2022.",
            credit="SERGEY BOBOK/AFP via Getty Images",
            photographer="Sergey Bobok",
            agencies=["AFP", "Getty Images"],
        ),
    ]


@pytest.fixture(scope="session")
def seed_enrichment(seed_expected: dict[str, Any]) -> dict[str, Any]:
    """enrich() on the seed's expected body, captions and publication date."""
    return enrich(
        title=seed_expected["title"],
        paragraphs=seed_expected["body_paragraphs"],
        media=seed_media(),
        published_at=SEED_PUBLISHED_AT,
        declared_language=None,
    )
