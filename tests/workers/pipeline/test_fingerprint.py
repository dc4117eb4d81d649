"""Fingerprints: exact hash, SimHash, and MinHash LSH bands that find edited copies of a story and nothing else."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tests.workers.pipeline.near_duplicates import EDITS, articles, shingle_jaccard
from workers.pipeline import fingerprint

# The similarity from which the service calls two bodies the same story (service/articles/near_duplicates.py).
SAME_STORY = 0.5

PINNED_BANDS = ["00:9e3100bf7edc", "01:ef21e252358a"]


def test_corpus_is_there() -> None:
    assert len(articles()) == 20


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_every_edited_copy_is_a_candidate(edit: Callable[[list[str]], list[str]]) -> None:
    for paragraphs in articles():
        original = fingerprint.fingerprints(paragraphs)
        copy = fingerprint.fingerprints(edit(paragraphs))
        assert set(original["minhash_bands"]) & set(copy["minhash_bands"])
        assert shingle_jaccard(paragraphs, edit(paragraphs)) >= SAME_STORY


def test_distinct_articles_are_never_candidates() -> None:
    prints = [fingerprint.fingerprints(paragraphs) for paragraphs in articles()]
    for a, b in itertools.combinations(prints, 2):
        assert not set(a["minhash_bands"]) & set(b["minhash_bands"])


def test_shape() -> None:
    prints = fingerprint.fingerprints(["One paragraph of text here.", "And a second one, a little longer."])
    assert len(str(prints["content_sha256"])) == 64
    assert len(str(prints["simhash"])) == 16
    int(str(prints["simhash"]), 16)
    bands = prints["minhash_bands"]
    assert isinstance(bands, list) and len(bands) == fingerprint.LSH_BANDS
    assert all(isinstance(band, str) and len(band) <= 16 for band in bands)
    assert len(str(prints["minhash"])) == fingerprint.MINHASH_PERMUTATIONS * 8


def test_fingerprints_never_change_for_the_same_text() -> None:
    # Stored bands must keep matching new articles: the shingling and hash permutations may never change.
    bands = fingerprint.fingerprints(["The quick brown fox jumps over the lazy dog."])["minhash_bands"]
    assert bands[:2] == PINNED_BANDS


def test_empty_body_has_no_bands() -> None:
    prints = fingerprint.fingerprints([])
    assert prints["minhash_bands"] == []


def test_content_hash_ignores_case_and_whitespace() -> None:
    assert fingerprint.content_sha256("Hello   World\n\nAgain") == fingerprint.content_sha256("hello world again")
