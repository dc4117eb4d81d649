"""Confirming a near-duplicate candidate from stored fingerprints: edited copies are the same story, others never."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from service.articles.near_duplicates import NEAR_DUPLICATE_SIMILARITY, similarity
from tests.workers.pipeline.near_duplicates import EDITS, articles, shingle_jaccard
from workers.pipeline.fingerprint import fingerprints


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_every_edited_copy_is_confirmed(edit: Callable[[list[str]], list[str]]) -> None:
    for paragraphs in articles():
        estimate = similarity(fingerprints(paragraphs), fingerprints(edit(paragraphs)))
        assert estimate >= NEAR_DUPLICATE_SIMILARITY
        # MinHash with 128 values estimates the exact Jaccard similarity to within a few hundredths.
        assert abs(estimate - shingle_jaccard(paragraphs, edit(paragraphs))) < 0.2


def test_distinct_articles_are_never_confirmed() -> None:
    prints = [fingerprints(paragraphs) for paragraphs in articles()]
    for a, b in itertools.combinations(prints, 2):
        assert similarity(a, b) < 0.2


def test_identical_bodies_are_similarity_one_and_empty_ones_zero() -> None:
    paragraphs = articles()[0]
    assert similarity(fingerprints(paragraphs), fingerprints(paragraphs)) == 1.0
    empty = fingerprints([])
    assert similarity(empty, empty) == 0.0
