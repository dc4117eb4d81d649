"""Cost of the whole pipeline against a reference: trafilatura extraction plus the same spaCy model on its text.

Usage: python bench/pipeline.py [--data DIR] [--limit N] [--repeat R] [--components]

DIR holds pages/*.html (default: ../shared/bench/extraction relative to the project root). For each page, the
reference (trafilatura.extract, then the default spaCy model with its default components on the extracted
text) and our parse() run back to back, alternating which goes first, so both see the same machine load. Models
are loaded before timing. Prints the median milliseconds per page of each, the ratio of the medians (the target
is at most 1.3) and the ratio of the totals. --components also times the spaCy model alone on the extracted texts,
with all its default components and trimmed as enrichment loads it, to show what trimming saves.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import spacy  # noqa: E402
import trafilatura  # noqa: E402

from workers.pipeline import UnparseableDocument, nlp, parse  # noqa: E402
from workers.pipeline.settings import DEFAULT_SPACY_MODEL  # noqa: E402

TARGET_RATIO = 1.3


def main() -> int:
    """Run the comparison and print the figures."""
    arguments = _arguments()
    pages = sorted((arguments.data / "pages").glob("*.html"))[: arguments.limit or None]
    if not pages:
        print(f"no pages in {arguments.data / 'pages'}", file=sys.stderr)
        return 2
    reference_model = spacy.load(DEFAULT_SPACY_MODEL)
    documents = [page.read_bytes() for page in pages]
    _warm_up(documents[0], reference_model)
    reference_ms: list[float] = []
    pipeline_ms: list[float] = []
    failures = 0
    for round_number in range(arguments.repeat):
        for index, raw in enumerate(documents):
            reference_first = (index + round_number) % 2 == 0
            if reference_first:
                reference_ms.append(_time_reference(raw, reference_model))
            elapsed, failed = _time_pipeline(raw)
            pipeline_ms.append(elapsed)
            failures += failed
            if not reference_first:
                reference_ms.append(_time_reference(raw, reference_model))
    reference_median, pipeline_median = statistics.median(reference_ms), statistics.median(pipeline_ms)
    print(f"pages: {len(documents)} x {arguments.repeat} rounds, from {arguments.data}")
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, python {platform.python_version()}")
    print(f"model: {DEFAULT_SPACY_MODEL} (reference runs {reference_model.pipe_names})")
    print(f"reference (trafilatura.extract + spaCy) median: {reference_median:.1f} ms/page")
    print(f"pipeline (parse: extraction + enrichment) median: {pipeline_median:.1f} ms/page")
    print(f"ratio of medians: {pipeline_median / reference_median:.2f} (target <= {TARGET_RATIO})")
    print(f"ratio of totals: {sum(pipeline_ms) / sum(reference_ms):.2f}")
    print(f"pages parse() rejected as unparseable: {failures // arguments.repeat}")
    if arguments.components:
        _compare_components(documents, reference_model)
    return 0


def _compare_components(documents: list[bytes], reference_model: spacy.language.Language) -> None:
    """Median time of the model with its default components and as enrichment trims it, same texts, same run."""
    trimmed = nlp.load_model(DEFAULT_SPACY_MODEL).nlp
    if trimmed is None:
        print("trimmed model unavailable")
        return
    texts = [trafilatura.extract(raw.decode("utf-8", errors="replace")) or "" for raw in documents]
    full_ms: list[float] = []
    trimmed_ms: list[float] = []
    for index, text in enumerate(texts):
        order = [(reference_model, full_ms), (trimmed, trimmed_ms)]
        for model, times in order if index % 2 == 0 else reversed(order):
            started = time.perf_counter()
            model(text)
            times.append((time.perf_counter() - started) * 1000)
    full, cut = statistics.median(full_ms), statistics.median(trimmed_ms)
    print(f"spaCy alone, default components {reference_model.pipe_names}: {full:.1f} ms/page")
    print(f"spaCy alone, as enrichment loads it {trimmed.pipe_names}: {cut:.1f} ms/page ({cut / full:.2f}x)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "bench" / "extraction")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the pages")
    parser.add_argument("--components", action="store_true", help="also time the model with and without trimming")
    return parser.parse_args()


def _warm_up(raw: bytes, reference_model: spacy.language.Language) -> None:
    """Load every lazily loaded model (spaCy, language identifier, gazetteer) outside the timings."""
    _time_reference(raw, reference_model)
    _time_pipeline(raw)


def _time_reference(raw: bytes, reference_model: spacy.language.Language) -> float:
    started = time.perf_counter()
    text = trafilatura.extract(raw.decode("utf-8", errors="replace")) or ""
    reference_model(text)
    return (time.perf_counter() - started) * 1000


def _time_pipeline(raw: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        parse(raw, content_type="text/html; charset=utf-8")
        failed = 0
    except UnparseableDocument:
        failed = 1
    return (time.perf_counter() - started) * 1000, failed


if __name__ == "__main__":
    raise SystemExit(main())
