"""The RESULTS.md section of `make bench`: targets met or missed (by how much), the medians behind each ratio, the
bottleneck model for workers on many machines, and the query plans."""

from __future__ import annotations

import math
import re
from typing import Any


def _f(value: Any, digits: int = 2) -> str:
    if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def _verdict(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None or math.isnan(value):
        return "not measured"
    met = value >= target if higher_is_better else value <= target
    if met:
        return "**met**"
    shortfall = (target - value) / target if higher_is_better else (value - target) / target
    return f"**missed** by {shortfall:.0%}"


def _get(results: dict[str, Any], *path: Any) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, measured, medians behind it, verdict) rows."""
    accept, e2e = results.get("accept", {}), results.get("end_to_end", {})
    sizes = e2e.get("sizes", {})
    one, two = sizes.get("1", sizes.get(1, {})), sizes.get("2", sizes.get(2, {}))
    memory, reads, pipeline = results.get("memory", {}), results.get("reads", {}), results.get("pipeline", {})
    rows = [
        (
            "1. accept req/s >= 0.5x bare Flask",
            f"{_f(accept.get('rps_ratio'))}x",
            f"ours {_f(accept.get('ours_rps'), 0)} req/s, bare {_f(accept.get('bare_rps'), 0)} req/s",
            _verdict(accept.get("rps_ratio"), 0.5, True),
        ),
        (
            "1. accept p99 <= 3x bare Flask's",
            f"{_f(accept.get('p99_ratio'))}x",
            f"ours {_f(accept.get('ours_p99_ms'), 1)} ms, bare {_f(accept.get('bare_p99_ms'), 1)} ms",
            _verdict(accept.get("p99_ratio"), 3.0, False),
        ),
        (
            "1. batch >= 5,000 articles/s (1,000 a batch)",
            f"{_f(_get(accept, 'batch', 'articles_per_s'), 0)}/s",
            f"median of {len(_get(accept, 'batch', 'rounds') or [])} rounds",
            _verdict(_get(accept, "batch", "articles_per_s"), 5000, True),
        ),
    ]
    for label, size in (("1 process", one), ("2 processes", two)):
        rows.append(
            (
                f"2. end-to-end >= 0.9x Pool ({label})",
                f"{_f(size.get('ratio'))}x",
                f"ours {_f(size.get('ours'))}/s, Pool {_f(size.get('pool'))}/s",
                _verdict(size.get("ratio"), 0.9, True),
            )
        )
    rows += [
        (
            "3. scale-out 2 processes >= 1.85x one",
            f"{_f(e2e.get('scale_out'))}x",
            f"ours {_f(two.get('ours'))}/s vs {_f(one.get('ours'))}/s; "
            f"the Pool itself {_f(e2e.get('pool_scale_out'))}x",
            _verdict(e2e.get("scale_out"), 1.85, True),
        ),
        (
            "4. pipeline <= 0.5x reference per page",
            f"{_f(pipeline.get('ratio'))}x",
            f"ours {_f(pipeline.get('pipeline_ms'), 1)} ms, reference {_f(pipeline.get('reference_ms'), 1)} ms "
            f"(medians; ratio of totals {_f(pipeline.get('ratio_of_totals'))})",
            _verdict(pipeline.get("ratio"), 0.5, False),
        ),
        (
            "5. worker RSS after 10,000 within 10% of after 100",
            f"{_f(_get(memory, 'worst', 'worker'), 3)}x",
            "worst process of the worker",
            _verdict(_get(memory, "worst", "worker"), 1.10, False),
        ),
        (
            "5. API RSS after 10,000 within 10% of after 100",
            f"{_f(_get(memory, 'worst', 'api'), 3)}x",
            "worst process of the API",
            _verdict(_get(memory, "worst", "api"), 1.10, False),
        ),
        (
            "6. GET /v1/articles/{id} p99 <= 10 ms (100,000 articles)",
            f"{_f(_get(reads, 'get_by_id', 'p99_ms'), 1)} ms",
            f"p50 {_f(_get(reads, 'get_by_id', 'p50_ms'), 1)} ms over {_get(reads, 'get_by_id', 'n')} requests",
            _verdict(_get(reads, "get_by_id", "p99_ms"), 10, False),
        ),
        (
            "6. phrase + person search p99 <= 50 ms",
            f"{_f(_get(reads, 'search', 'p99_ms'), 1)} ms",
            f"p50 {_f(_get(reads, 'search', 'p50_ms'), 1)} ms over {_get(reads, 'search', 'n')} requests",
            _verdict(_get(reads, "search", "p99_ms"), 50, False),
        ),
    ]
    return rows


def bottleneck_model(results: dict[str, Any]) -> list[str]:
    """Articles/s one PostgreSQL, one Redis and one API process can carry, from the per-article costs measured."""
    accept_cpu = _get(results, "accept", "cpu_ms_per_request") or {}
    sizes = _get(results, "end_to_end", "sizes") or {}
    costs = sizes.get("2") or sizes.get(2) or sizes.get("1") or sizes.get(1) or {}
    processing = costs.get("cpu_ms_per_article") or {}
    redis = costs.get("redis_per_article") or {}
    commits = _get(results, "commits", "commits_per_s")
    api_ms = accept_cpu.get("ours_api")
    pg_ms = (accept_cpu.get("ours_postgres") or 0) + (processing.get("postgres") or 0)
    redis_usec = sum(usec for _calls, usec in redis.values()) if redis else None
    redis_calls = sum(calls for calls, _usec in redis.values()) if redis else None
    worker_ms = processing.get("worker")
    lines = [
        "Per article, measured in this run: API "
        f"{_f(api_ms)} ms CPU to accept it (one POST); PostgreSQL {_f(pg_ms)} ms CPU in our backends "
        f"({_f(accept_cpu.get('ours_postgres'))} accepting, {_f(processing.get('postgres'))} processing) and 3 durable "
        f"commits (accept, claim, result); Redis {_f(redis_calls, 1)} commands and {_f(redis_usec, 0)} us of server "
        f"time (INFO commandstats, server-wide: other users of this Redis add to it); a worker process "
        f"{_f(worker_ms, 0)} ms CPU (parsing included).",
        "",
        "| resource | capacity measured here | articles/s it carries |",
        "|---|---|---|",
    ]
    rows = []
    if api_ms:
        rows.append(("one API process (one core, GIL)", f"{_f(api_ms)} ms/article", 1000 / api_ms))
    if pg_ms:
        rows.append(("PostgreSQL, CPU (2 cores here)", f"{_f(pg_ms)} ms/article", 2 * 1000 / pg_ms))
    if commits:
        rows.append(("PostgreSQL, durable commits (8 clients)", f"{_f(commits, 0)} commits/s", commits / 3))
    if redis_usec:
        # Command execution is a fraction of a Redis request's cost; reads and writes on the socket make it ~3x.
        rows.append(
            ("Redis (one thread), x3 for socket I/O", f"{_f(redis_usec, 0)} us/article", 1e6 / (3 * redis_usec))
        )
    if worker_ms:
        rows.append(("one worker process (one core)", f"{_f(worker_ms, 0)} ms/article", 1000 / worker_ms))
    for name, capacity, carried in rows:
        lines.append(f"| {name} | {capacity} | {_f(carried, 0)} |")
    shared = [row for row in rows if not row[0].startswith("one worker")]
    if shared:
        first = min(shared, key=lambda row: row[2])
        per_worker = 1000 / worker_ms if worker_ms else None
        lines += [
            "",
            f"First bottleneck as workers are added on other machines: **{first[0]}**, at about "
            f"{_f(first[2], 0)} articles/s"
            + (f", i.e. about {first[2] / per_worker:,.0f} worker processes' worth" if per_worker else "")
            + ". API processes scale out behind a load balancer (stateless); PostgreSQL and Redis do not.",
        ]
    return lines


def reasons(results: dict[str, Any]) -> list[str]:
    """Why each missed target is missed, from what the run measured and what the profiles showed."""
    accept = results.get("accept") or {}
    cpu = accept.get("cpu_ms_per_request") or {}
    sizes = _get(results, "end_to_end", "sizes") or {}
    two = sizes.get("2") or sizes.get(2) or {}
    lines = []
    if cpu.get("ours_api") and cpu.get("bare_api"):
        lines.append(
            f"- Accept path: an accepted article costs the API processes {_f(cpu['ours_api'])} ms of CPU against "
            f"{_f(cpu['bare_api'])} ms for the bare endpoint ({cpu['ours_api'] / cpu['bare_api']:.0f}x), plus "
            f"{_f(cpu.get('ours_postgres'))} ms in PostgreSQL. It was 4.9 to 5.8 ms at a1ebc72 (two A/B rounds against "
            "this session's tree, 2026-11-30 17:58 UTC, load 6-7: 2.9 to 3.4 ms): concurrent submissions are now "
            "stored in group commits, two groups under way per process "
            "(service/articles/group_commit.py); rows go in from one array per column and raw inputs by binary COPY; "
            "task messages are written straight into Redis instead of through Celery's send_task (0.8 ms of CPU each "
            "before); webargs no longer builds a schema per request. What is left, py-spy (--gil) on a loaded API "
            "process: gunicorn's gthread loop and Flask's request handling about a quarter each (the bare endpoint "
            "pays those too), flask-smorest's decorators and the query-string schema about a tenth, the group's "
            "statements and commit about a fifth, Flask-Limiter around its one Redis call under a tenth. Under wrk "
            "the API processes held the GIL only 25-40% of the time: at 16 connections a request mostly waits for "
            "its group's INSERT, COPY and COMMIT on cores PostgreSQL, Redis and wrk share. 0.5x would need this "
            "endpoint outside Flask and flask-smorest (a raw WSGI handler with its own validation and errors), "
            "giving up the one contract and error handling every endpoint shares."
        )
    if _get(accept, "batch", "articles_per_s"):
        lines.append(
            "- Batch: per article the API spends about 0.4 ms of CPU (in-process, 5 batches of 1,000: JSON decoding "
            "0.02 ms, the per-item schema 0.08, the binary-data check 0.05, building and storing the rows 0.06, "
            "commit and messages 0.08) and PostgreSQL about 0.3 ms (the INSERT from arrays into a table with nine "
            "indexes, the COPY of 6.5 kB raw inputs); 5,000/s leaves 0.4 ms per article for both on these 2 cores. "
            "Before this session the batch path built an ORM object and a Celery message per article and sent "
            "a 15,000-parameter VALUES list the driver parsed again for every chunk."
        )
    if two.get("ratio") is not None and two.get("ratio") < 0.9:
        lines.append(
            "- Service overhead: py-spy on a worker process (1 process, 242 documents): 87% of its time in "
            "parse(), about 12% in the service (claim, near-duplicate look-up, bands and entity rows, event, "
            "commits; much of it waiting for PostgreSQL, whose backends spend "
            f"{_f((two.get('cpu_ms_per_article') or {}).get('postgres'))}"
            " ms of CPU per processed article on the same 2 cores). This session took about a fifth off "
            "PostgreSQL's share (A/B against a1ebc72, in pairs: 18.3-19.0 -> 14.5-15.3 ms per article with 1 "
            "process): a result is one UPDATE of the article instead of three, and the tsvector is computed by a "
            "trigger only when the title or body change (migration 0013), not on every write of the result. Left:"
            " checking the output against the contract schema (8-10 ms of worker CPU per article), back-links "
            "that rewrite earlier copies' whole JSONB results, and the API, PostgreSQL, Redis and the Celery main"
            " process taking CPU the Pool never pays for."
        )
    if results.get("end_to_end", {}).get("scale_out") is not None and results["end_to_end"]["scale_out"] < 1.85:
        lines.append(
            "- Scale-out: the machine has 2 cores, shared with the API, PostgreSQL, Redis, Celery's main process and "
            "other engineers' jobs; the Pool's own scale-out in the same run (above) is what a second core gave "
            "there, and ours gets less because PostgreSQL's share per article (above), the API and Celery's main "
            "process come out of the same two cores."
        )
    pipeline = results.get("pipeline") or {}
    if isinstance(pipeline.get("ratio"), float) and pipeline["ratio"] > 0.5:
        lines.append(
            "- Pipeline: after cutting ftfy to the lines it can change (181 -> 71 ms/page on the HTML pages), the "
            "recogniser is half of parse() (py-spy), and it is the same network the reference runs; what is left is "
            "decoding and repair (18%), extraction (13%) and language identification (4%)."
        )
    reads = results.get("reads") or {}
    plans = reads.get("plans") or {}

    def database_ms(name: str) -> str:
        match = re.search(r"Execution Time: ([\d.]+) ms", plans.get(name, ""))
        return f"{match.group(1)} ms" if match else "n/a"

    if (_get(reads, "get_by_id", "p99_ms") or 0) > 10:
        lines.append(
            f"- Read by id: the database answers in {database_ms('GET /v1/articles/{id}')} (primary key, plan below). "
            "The article is now dumped by ArticleSchema compiled into plain Python and encoded once with orjson "
            "(service/web/dumping.py: 0.17 ms against marshmallow's 1.18 ms for the seed article, 0.03 ms against "
            "0.28 ms twice for the JSON), about 1.5 ms less CPU per GET. What a GET still costs (about 4.5 ms of CPU "
            "in-process, against 3.4 ms for a 404 on the same route and 0.85 ms for /healthz): three PostgreSQL round "
            "trips (BEGIN, SELECT, the teardown ROLLBACK, about 1.2 ms), the key and rate-limit checks with their "
            "Redis round trip, and Flask; the 99th percentile is set by the moments the shared machine (load average "
            "above) leaves the API without a core."
        )
    if (_get(reads, "search", "p99_ms") or 0) > 50:
        lines.append(
            f"- Search: the database takes {database_ms('search')} itself. No sequential scan, but the person filter "
            "finds every article naming the person (2,000 of 100,000 here) and each is then checked for the phrase "
            "by reading its stored tsvector; the GIN index on the tsvector cannot be combined with a filter on "
            "another table. Next step: keep the entity keys of an article in a GIN-indexed array on the article, so "
            "both filters become one BitmapAnd of two index scans."
        )
    return lines


def render(run: dict[str, Any], results: dict[str, Any]) -> str:
    lines = [
        "## Service (issue 11)",
        "",
        f"`make bench` ({'QUICK harness check, not results' if run.get('quick') else 'full run'}), {run['date']}, "
        f"commit `{run['commit']}`; machine: {run['machine']}; load average {run['load_before']} before, "
        f"{run['load_after']} after (the machine is shared: other engineers' test suites run beside it, so only the "
        "ratios measured within one run mean anything).",
        "",
        *([f"Figures of {run['earlier_run']} (not run again).", ""] if run.get("earlier_run") else []),
        *(f"{note}\n" for note in run.get("notes", [])),
        "| target | measured | medians behind it | verdict |",
        "|---|---|---|---|",
        *(
            f"| {target} | {measured} | {medians} | {verdict} |"
            for target, measured, medians, verdict in targets(results)
        ),
        "",
    ]
    for name, figures in results.items():
        if isinstance(figures, dict) and "error" in figures:
            lines += [f"{name} failed:", "", "```", figures["error"][-1500:], "```", ""]
        elif isinstance(figures, dict) and "load_before" in figures:
            lines.append(f"- {name}: load average {figures['load_before']} -> {figures['load_after']}")
    if why := reasons(results):
        lines += ["", "### Why the targets missed are missed", "", *why]
    lines += ["", "### Where the first bottleneck is with workers on many machines", "", *bottleneck_model(results)]
    plans = (results.get("reads") or {}).get("plans") or {}
    if plans:
        lines += ["", "### Query plans at 100,000 articles (EXPLAIN ANALYZE, BUFFERS)", ""]
        for name, plan in plans.items():
            lines += [f"{name}:", "", "```", plan, "```", ""]
    return "\n".join(lines)
