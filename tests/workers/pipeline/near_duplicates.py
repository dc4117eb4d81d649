"""The near-duplicate corpus and the edits that make copies of its stories, shared by the fingerprint tests and
the near-duplicate tests through the database."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from workers.pipeline import fingerprint

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "near_duplicates"
BOILERPLATE = [
    "Sign up for our newsletter to get the day's top stories delivered to your inbox every morning.",
    "Follow us on Twitter and Facebook. Share this article with your friends.",
    "Copyright 2024 The Associated Press. All rights reserved. This material may not be published or rewritten.",
]


def articles() -> list[list[str]]:
    return [path.read_text(encoding="utf-8").strip().split("\n\n") for path in sorted(CORPUS.glob("*.txt"))]


def new_headline(paragraphs: list[str]) -> list[str]:
    return ["BREAKING: an entirely different headline for the same wire story", *paragraphs]


def dropped_paragraph(paragraphs: list[str]) -> list[str]:
    longest = max(range(len(paragraphs)), key=lambda index: len(paragraphs[index]))
    return paragraphs[:longest] + paragraphs[longest + 1 :]


def reordered(paragraphs: list[str]) -> list[str]:
    shuffled = list(paragraphs)
    random.Random(7).shuffle(shuffled)
    return shuffled


def boilerplate_added(paragraphs: list[str]) -> list[str]:
    return [BOILERPLATE[0], *paragraphs, *BOILERPLATE[1:]]


def all_edits(paragraphs: list[str]) -> list[str]:
    return boilerplate_added(reordered(dropped_paragraph(new_headline(paragraphs))))


EDITS: list[Callable[[list[str]], list[str]]] = [
    new_headline,
    dropped_paragraph,
    reordered,
    boilerplate_added,
    all_edits,
]


def shingle_jaccard(paragraphs_a: list[str], paragraphs_b: list[str]) -> float:
    """Exact Jaccard similarity of two bodies' shingle sets: what MinHash estimates."""
    a, b = fingerprint.shingles(paragraphs_a), fingerprint.shingles(paragraphs_b)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
