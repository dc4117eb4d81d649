"""Score our HTML and plain-text extraction against trafilatura on the article-extraction benchmark.

Usage: python bench/extraction.py [--data DIR] [--out PRED_DIR]

DIR holds pages/<id>.html, text/<id>.txt, truth/<id>.json and the benchmark's own evaluate.py, which does the
scoring here, so the figures are comparable with the published anchors. Each call is timed alone (perf_counter
around it, input in memory, one untimed warm-up call first), as run_anchor.py does; our HTML extraction and
trafilatura take turns on each document so that load from other processes falls on both alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import trafilatura  # noqa: E402

from workers.pipeline import UnparseableDocument, parse  # noqa: E402
from workers.pipeline.html import extract_html  # noqa: E402

DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "bench" / "extraction"

Extractor = Callable[[str, str | None], str]


def ours_html(page: str, url: str | None) -> str:
    """Our HTML extraction, body paragraphs joined as parse() joins them."""
    return "\n\n".join(paragraph.text for paragraph in extract_html(page, url=url).paragraphs)


def trafilatura_precision(page: str, url: str | None) -> str:
    """The strongest anchor, run exactly as run_anchor.py runs it."""
    return trafilatura.extract(page, url=url, include_comments=False, favor_precision=True) or ""


def ours_text(text: str, url: str | None) -> str:
    """Our plain-text path: the body parse() produces for a declared text document."""
    try:
        return str(parse(text, declared_format="text", url=url)["body"])
    except UnparseableDocument:
        return ""


def load_evaluate(data: Path) -> ModuleType:
    """Import the benchmark's own scorer from the data folder."""
    spec = importlib.util.spec_from_file_location("benchmark_evaluate", data / "evaluate.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no evaluate.py in {data}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(
    extractors: dict[str, Extractor], inputs: list[Path], urls: dict[str, str | None]
) -> dict[str, tuple[dict[str, str], list[float]]]:
    """Predictions and per-document milliseconds of each extractor, timed document by document.

    The extractors take turns on each document (in alternating order) so that load from other jobs on the
    machine falls on all of them alike; a crash counts as an empty prediction, as in run_anchor.py.
    """
    first = inputs[0].read_text(encoding="utf-8", errors="replace")
    for extractor in extractors.values():
        extractor(first, urls.get(inputs[0].stem))
    results: dict[str, tuple[dict[str, str], list[float]]] = {name: ({}, []) for name in extractors}
    for number, path in enumerate(inputs):
        raw = path.read_text(encoding="utf-8", errors="replace")
        names = list(extractors) if number % 2 == 0 else list(reversed(extractors))
        for name in names:
            predictions, timings = results[name]
            start = time.perf_counter()
            try:
                predictions[path.stem] = extractors[name](raw, urls.get(path.stem))
            except Exception as error:  # the benchmark scores a crash as an empty body
                print(f"  {name} error {path.stem}: {type(error).__name__}: {error}", file=sys.stderr)
                predictions[path.stem] = ""
            timings.append((time.perf_counter() - start) * 1000.0)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"benchmark folder (default {DEFAULT_DATA})")
    parser.add_argument("--out", type=Path, help="also write our HTML predictions there as <id>.json (articleBody)")
    args = parser.parse_args(argv)
    data: Path = args.data.resolve()
    evaluate = load_evaluate(data)
    truth = evaluate.load_truth(data / "truth")
    urls = {key: json.loads((data / "truth" / f"{key}.json").read_text(encoding="utf-8")).get("url") for key in truth}
    pages = sorted((data / "pages").glob("*.html"))
    texts = sorted((data / "text").glob("*.txt"))
    if not pages:
        raise SystemExit(f"no pages in {data / 'pages'}")

    results = run({"ours html": ours_html, "trafilatura precision": trafilatura_precision}, pages, urls)
    if texts:
        results |= run({"ours text": ours_text}, texts, urls)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for key, body in results["ours html"][0].items():
            record = {"id": key, "articleBody": body}
            (args.out / f"{key}.json").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    rows: list[tuple[str, dict[str, Any], float]] = []
    for name, (predictions, timings) in results.items():
        summary, _ = evaluate.evaluate(truth, predictions, rounds=0)
        rows.append((name, summary, statistics.median(timings)))

    print(f"{len(truth)} documents, {data}, python {platform.python_version()}, trafilatura {trafilatura.__version__}")
    print(f"{'extractor':<24}{'precision':>10}{'recall':>9}{'F1':>8}{'median ms':>11}")
    for name, summary, median_ms in rows:
        print(
            f"{name:<24}{summary['precision']:>10.3f}{summary['recall']:>9.3f}{summary['f1']:>8.3f}{median_ms:>11.1f}"
        )
    medians = {name: median_ms for name, _, median_ms in rows}
    if "ours html" in medians and medians.get("trafilatura precision"):
        ratio = medians["ours html"] / medians["trafilatura precision"]
        print(f"time ratio ours html / trafilatura precision: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
