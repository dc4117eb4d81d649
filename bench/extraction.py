"""Score our HTML and plain-text extraction against trafilatura on two benchmarks, side by side in one run.

Usage: python bench/extraction.py [--data DIR] [--trafeval DIR] [--out PRED_DIR] [--results FILE]

Zyte (`--data`, default ../shared/bench/extraction): pages/<id>.html, text/<id>.txt, truth/<id>.json and the
benchmark's own evaluate.py (4-token shingles, mean per-document precision and recall); trafilatura runs as its
run_anchor.py runs it (favor_precision). trafilatura's evaluation pages (`--trafeval`, default
../shared/bench/trafeval-dev): pages/<name>.html as raw bytes, truth.json with snippets that must (`with`) and must
not (`without`) appear, and its evaluate.py (snippet counts summed over the corpus); trafilatura runs with that
benchmark's settings (fast=False, include_comments=False, include_tables=True). Each page is decoded once, as
parse() decodes it, and both extractors get the same text.

Each call is timed alone (perf_counter around it, input in memory, one untimed warm-up call first); ours and
trafilatura take turns on each document so that load from other processes falls on both alike. Only the ratio
within one run means anything on a shared machine. `--results` rewrites the generated section of that file.
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import trafilatura  # noqa: E402

from workers.pipeline import PARSER_VERSION, UnparseableDocument, parse  # noqa: E402
from workers.pipeline.html import extract_html  # noqa: E402
from workers.pipeline.normalise import clean_text, decode  # noqa: E402

# shared/ sits beside the checkout (a worktree may sit a level deeper).
SHARED_BENCH = next(
    (folder / "shared" / "bench" for folder in PROJECT_ROOT.parents if (folder / "shared" / "bench").is_dir()),
    PROJECT_ROOT.parent / "shared" / "bench",
)
DEFAULT_DATA = SHARED_BENCH / "extraction"
DEFAULT_TRAFEVAL = SHARED_BENCH / "trafeval-dev"
RESULTS_START = "<!-- bench/extraction.py: start -->"
RESULTS_END = "<!-- bench/extraction.py: end -->"

Extractor = Callable[[str, str | None], str]


@dataclass
class Row:
    benchmark: str
    extractor: str
    precision: float
    recall: float
    f1: float
    median_ms: float


def ours_html(page: str, url: str | None) -> str:
    """Our HTML extraction, body paragraphs joined as parse() joins them."""
    return "\n\n".join(paragraph.text for paragraph in extract_html(page, url=url).paragraphs)


def trafilatura_precision(page: str, url: str | None) -> str:
    """The strongest anchor on the Zyte pages, run exactly as run_anchor.py runs it."""
    return trafilatura.extract(page, url=url, include_comments=False, favor_precision=True) or ""


def trafilatura_evaluation(page: str, url: str | None) -> str:
    """trafilatura as its own evaluation runs it (the settings the trafeval reference figure was measured with)."""
    return trafilatura.extract(page, url=url, fast=False, include_comments=False, include_tables=True) or ""


def ours_text(text: str, url: str | None) -> str:
    """Our plain-text path: the body parse() produces for a declared text document."""
    try:
        return str(parse(text, declared_format="text", url=url)["body"])
    except UnparseableDocument:
        return ""


def load_module(path: Path) -> ModuleType:
    """Import a benchmark's own scorer from its data folder."""
    spec = importlib.util.spec_from_file_location(f"scorer_{path.parent.name.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(
    extractors: dict[str, Extractor], inputs: dict[str, str], urls: dict[str, str | None]
) -> dict[str, tuple[dict[str, str], list[float]]]:
    """Predictions and per-document milliseconds of each extractor, timed document by document.

    The extractors take turns on each document (in alternating order) so that load from other jobs on the
    machine falls on all of them alike; a crash counts as an empty prediction, as in run_anchor.py.
    """
    first = next(iter(inputs))
    for extractor in extractors.values():
        extractor(inputs[first], urls.get(first))
    results: dict[str, tuple[dict[str, str], list[float]]] = {name: ({}, []) for name in extractors}
    for number, (key, raw) in enumerate(inputs.items()):
        names = list(extractors) if number % 2 == 0 else list(reversed(extractors))
        for name in names:
            predictions, timings = results[name]
            start = time.perf_counter()
            try:
                predictions[key] = extractors[name](raw, urls.get(key))
            except Exception as error:  # the benchmark scores a crash as an empty body
                print(f"  {name} error {key}: {type(error).__name__}: {error}", file=sys.stderr)
                predictions[key] = ""
            timings.append((time.perf_counter() - start) * 1000.0)
    return results


def zyte(data: Path, out: Path | None) -> list[Row]:
    """Ours (HTML and text dumps) and trafilatura favor_precision on the Zyte pages."""
    evaluate = load_module(data / "evaluate.py")
    truth = evaluate.load_truth(data / "truth")
    urls = {key: json.loads((data / "truth" / f"{key}.json").read_text(encoding="utf-8")).get("url") for key in truth}
    pages = {
        path.stem: path.read_text(encoding="utf-8", errors="replace") for path in sorted(data.glob("pages/*.html"))
    }
    texts = {path.stem: path.read_text(encoding="utf-8", errors="replace") for path in sorted(data.glob("text/*.txt"))}
    if not pages:
        raise SystemExit(f"no pages in {data / 'pages'}")
    results = run({"ours html": ours_html, "trafilatura favor_precision": trafilatura_precision}, pages, urls)
    if texts:
        results |= run({"ours text": ours_text}, texts, urls)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        for key, body in results["ours html"][0].items():
            record = {"id": key, "articleBody": body}
            (out / f"{key}.json").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = []
    for name, (predictions, timings) in results.items():
        summary, _ = evaluate.evaluate(truth, predictions, rounds=0)
        rows.append(Row("zyte", name, summary["precision"], summary["recall"], summary["f1"], _median(timings)))
    return rows


def trafeval(data: Path) -> list[Row]:
    """Ours and trafilatura (its evaluation settings) on trafilatura's evaluation pages."""
    evaluate = load_module(data / "evaluate.py")
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    urls = {name: meta.get(name, {}).get("url") for name in truth}
    pages = {name: clean_text(decode((data / "pages" / f"{name}.html").read_bytes())) for name in sorted(truth)}
    results = run({"ours html": ours_html, "trafilatura evaluation": trafilatura_evaluation}, pages, urls)
    rows = []
    for name, (predictions, timings) in results.items():
        totals = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        for key, expected in truth.items():
            for count, value in evaluate.score_document(expected, predictions.get(key, "")).items():
                totals[count] += value
        scores = evaluate.ratios(totals)
        rows.append(Row("trafeval-dev", name, scores["precision"], scores["recall"], scores["f1"], _median(timings)))
    return rows


def _median(timings: list[float]) -> float:
    return statistics.median(timings) if timings else 0.0


def ratios(rows: list[Row]) -> dict[str, float]:
    """Ours html / trafilatura median time, per benchmark."""
    found: dict[str, float] = {}
    for benchmark in dict.fromkeys(row.benchmark for row in rows):
        ours = next((row.median_ms for row in rows if row.benchmark == benchmark and row.extractor == "ours html"), 0)
        anchor = next(
            (row.median_ms for row in rows if row.benchmark == benchmark and "trafilatura" in row.extractor), 0
        )
        if ours and anchor:
            found[benchmark] = ours / anchor
    return found


def table(rows: list[Row]) -> str:
    lines = ["| benchmark | extractor | precision | recall | F1 | median ms |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {row.benchmark} | {row.extractor} | {row.precision:.3f} | {row.recall:.3f} | "
        f"**{row.f1:.3f}** | {row.median_ms:.1f} |"
        for row in rows
    ]
    return "\n".join(lines)


def write_results(path: Path, rows: list[Row]) -> None:
    """Replace the generated section of the results file (appended the first time)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ratio_text = ", ".join(f"{name} {value:.2f}" for name, value in ratios(rows).items())
    section = (
        f"{RESULTS_START}\nLatest `make bench-extraction` ({stamp}, parser {PARSER_VERSION}, python "
        f"{platform.python_version()}, trafilatura {trafilatura.__version__}):\n\n{table(rows)}\n\n"
        f"Time ratio ours html / trafilatura in that run: {ratio_text} (target: <= 1.5).\n{RESULTS_END}"
    )
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if RESULTS_START in current and RESULTS_END in current:
        before, rest = current.split(RESULTS_START, 1)
        after = rest.split(RESULTS_END, 1)[1]
        path.write_text(before + section + after, encoding="utf-8")
    else:
        path.write_text(current.rstrip("\n") + "\n\n" + section + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"Zyte folder (default {DEFAULT_DATA})")
    parser.add_argument("--trafeval", type=Path, default=DEFAULT_TRAFEVAL, help=f"default {DEFAULT_TRAFEVAL}")
    parser.add_argument("--out", type=Path, help="also write our Zyte HTML predictions there as <id>.json")
    parser.add_argument("--results", type=Path, help="rewrite the generated section of this file (RESULTS.md)")
    args = parser.parse_args(argv)
    rows = zyte(args.data.resolve(), args.out)
    if (args.trafeval / "truth.json").is_file():
        rows += trafeval(args.trafeval.resolve())
    else:
        print(f"no trafeval set at {args.trafeval}; skipped", file=sys.stderr)
    print(f"python {platform.python_version()}, trafilatura {trafilatura.__version__}, parser {PARSER_VERSION}")
    print(table(rows))
    for benchmark, value in ratios(rows).items():
        print(f"time ratio ours html / trafilatura ({benchmark}): {value:.2f}")
    if args.results:
        write_results(args.results, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
