"""The seed fixture in full, through the pure pipeline."""

from __future__ import annotations

from tests.seed_expectations import PUBLISHED_AT, SEED_PATH, check_seed_article
from workers.pipeline import parse


def test_pipeline_meets_the_whole_seed_fixture() -> None:
    check_seed_article(parse(SEED_PATH.read_bytes(), declared_format="text", published_at=PUBLISHED_AT))
