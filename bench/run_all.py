"""`make bench`: every service target of issue 11 in one run, each benchmark in a process of its own, and the
figures written into bench/RESULTS.md (between the service markers), targets missed said by how much.

Usage: python bench/run_all.py [--quick] [--skip NAME ...] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from report import render
from stack import PROJECT, Stack, cpu_model, git_commit, load_average

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
BEGIN, END = "<!-- service benchmarks: begin (bench/run_all.py) -->", "<!-- service benchmarks: end -->"

FULL = {
    "accept": ["--rounds", "5", "--seconds", "10", "--batch-rounds", "3", "--batches", "6"],
    "end_to_end": ["--rounds", "2"],
    "memory": ["--articles", "10000", "--first", "100"],
    "reads": ["--articles", "100000", "--requests", "2000"],
    "pipeline": [],
}
QUICK = {
    "accept": ["--rounds", "1", "--seconds", "5", "--batch-rounds", "1", "--batches", "2"],
    "end_to_end": ["--rounds", "1", "--limit", "40"],
    "memory": ["--articles", "600", "--first", "100"],
    "reads": ["--articles", "5000", "--requests", "300"],
    "pipeline": ["--limit", "30"],
}


def run_benchmark(name: str, arguments: list[str]) -> dict[str, Any]:
    """One benchmark script in its own process; its JSON, with the load average around it."""
    before = load_average()
    started = time.perf_counter()
    if name == "pipeline":
        return {**pipeline(arguments), "load_before": before, "load_after": load_average()}
    result = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), *arguments], cwd=PROJECT, capture_output=True, text=True
    )
    if result.returncode != 0:
        return {"error": result.stderr[-3000:], "load_before": before, "load_after": load_average()}
    figures: dict[str, Any] = json.loads(result.stdout)
    figures.update(load_before=before, load_after=load_average(), seconds=time.perf_counter() - started)
    return figures


def pipeline(arguments: list[str]) -> dict[str, Any]:
    """bench/pipeline.py's medians and ratio (it prints text, not JSON)."""
    data = [
        "--data",
        str(Path(os.environ.get("INGEST_BENCH_DATA", PROJECT.parent / "shared" / "bench" / "extraction"))),
    ]
    if not Path(data[1]).exists():
        data = ["--data", str(PROJECT.parents[1] / "shared" / "bench" / "extraction")]
    result = subprocess.run(
        [sys.executable, str(BENCH / "pipeline.py"), *data, *arguments], cwd=PROJECT, capture_output=True, text=True
    )
    if result.returncode != 0:
        return {"error": result.stderr[-3000:]}

    def number(label: str) -> float:
        match = re.search(rf"{label}[^:]*:\s*([\d.]+)", result.stdout)
        return float(match.group(1)) if match else float("nan")

    return {
        "reference_ms": number("reference"),
        "pipeline_ms": number(r"enrichment\) median"),
        "ratio": number("ratio of medians"),
        "ratio_of_totals": number("ratio of totals"),
    }


def commit_capacity(seconds: float = 4.0, clients: int = 8) -> dict[str, float]:
    """Durable single-row INSERT commits per second on this PostgreSQL (6 KB rows, `clients` connections)."""
    import psycopg

    with Stack("commits") as stack:
        with psycopg.connect(stack.database_url, autocommit=True) as setup:
            setup.execute("CREATE TABLE probe (id bigserial PRIMARY KEY, body bytea)")
        counts = [0] * clients
        deadline = time.monotonic() + seconds

        def client(slot: int) -> None:
            with psycopg.connect(stack.database_url) as connection:
                while time.monotonic() < deadline:
                    connection.execute("INSERT INTO probe (body) VALUES (%s)", (b"x" * 6000,))
                    connection.commit()
                    counts[slot] += 1

        threads = [threading.Thread(target=client, args=(slot,)) for slot in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {"commits_per_s": sum(counts) / seconds, "clients": clients}


def write_results(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) + 1 :]
    else:
        text = text.rstrip() + "\n\n" + block
    RESULTS.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small runs, to check the harness (not for results).")
    parser.add_argument("--skip", nargs="*", default=[], choices=list(FULL))
    parser.add_argument("--no-write", action="store_true", help="Print the section instead of writing RESULTS.md.")
    parser.add_argument("--render-only", action="store_true", help="Write the section again from last-run.json.")
    arguments = parser.parse_args()
    if arguments.render_only:
        last = json.loads((BENCH / "last-run.json").read_text())
        write_results(render(last["run"], last["results"]))
        return 0
    plan = QUICK if arguments.quick else FULL
    run: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {cpu_model()}, {platform.machine()}, Python {platform.python_version()}",
        "commit": git_commit(),
        "load_before": load_average(),
        "quick": arguments.quick,
    }
    results: dict[str, Any] = {}
    previous = BENCH / "last-run.json"
    if arguments.skip and previous.exists():
        # Skipped benchmarks keep their figures from the last run (with that run's load averages).
        earlier = json.loads(previous.read_text())
        results.update({name: earlier["results"][name] for name in arguments.skip if name in earlier["results"]})
        # Each keeps the date it was measured, however many runs since have carried it forward.
        carried = {
            name: results[name].get("measured_at", earlier["run"]["date"]) for name in arguments.skip if name in results
        }
        run["earlier_run"] = "; ".join(f"{name} from the run of {date}" for name, date in carried.items())
    for name, bench_arguments in plan.items():
        if name in arguments.skip:
            continue
        print(f"[{time.strftime('%H:%M:%S')}] {name} (load {load_average()})", file=sys.stderr, flush=True)
        results[name] = {**run_benchmark(name, bench_arguments), "measured_at": run["date"]}
    results["commits"] = commit_capacity()
    run["load_after"] = load_average()
    (BENCH / "last-run.json").write_text(json.dumps({"run": run, "results": results}, indent=1, default=str))
    section = render(run, results)
    if arguments.no_write:
        print(section)
    else:
        write_results(section)
        print(f"written to {RESULTS.relative_to(PROJECT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
