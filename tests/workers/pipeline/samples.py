"""Sample article text and the benchmark's per-document score, shared by the extraction tests."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"\w+")

# Benchmark pages kept gzipped, as the benchmark distributes them: the pages' own repeated markup is not our code.
BENCHMARK_PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "html"


def benchmark_page(prefix: str) -> tuple[str, dict[str, str]]:
    """The page whose id starts with `prefix` and its ground truth (articleBody, url, ...)."""
    page_path = next(BENCHMARK_PAGES.glob(f"{prefix}*.html.gz"))
    truth = json.loads(page_path.with_name(page_path.name.removesuffix(".html.gz") + ".json").read_text("utf-8"))
    return gzip.decompress(page_path.read_bytes()).decode("utf-8"), truth


PROSE = [
    "The city council voted on Tuesday to expand the bus network to the northern suburbs, a plan that had been "
    "debated for more than two years by residents and local businesses.",
    "Supporters said the new routes would cut commuting times for thousands of workers, while critics warned that "
    "the cost of the project (estimated at $40 million) could rise further.",
    "The mayor, who has backed the plan since her election, said the first buses would run in the spring and that "
    "the council would review the network again after a year of service.",
    "Residents who spoke at the meeting were divided, with some saying they had waited too long for a reliable "
    "service and others asking why the money was not spent on repairing roads.",
]


MENU = ["Home", "News", "Sport", "Business", "Culture", "Travel", "Weather", "Video", "Opinion", "Podcasts"]


def dump(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    if len(tokens) <= 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def shingle_f1(truth: str, prediction: str) -> float:
    """Per-document F1 of 4-token shingles, as the benchmark's evaluate.py scores one page."""
    expected, found = _shingles(truth), _shingles(prediction)
    common = sum((expected & found).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(expected.values())
    return 2 * precision * recall / (precision + recall)
