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
    if cpu.get("ours_api") and cpu.get("bare_api") and (accept.get("rps_ratio") or 1) < 0.5:
        half_rate = accept["bare_rps"] / 2
        ours_ms = cpu["ours_api"] + (cpu.get("ours_postgres") or 0)
        lines.append(
            f"- Accept path: an accepted article costs the API processes {_f(cpu['ours_api'])} ms of CPU against "
            f"{_f(cpu['bare_api'])} ms for the bare endpoint ({cpu['ours_api'] / cpu['bare_api']:.0f}x), plus "
            f"{_f(cpu.get('ours_postgres'))} ms in PostgreSQL. At half the bare rate, {_f(half_rate, 0)} req/s, the "
            f"machine's 2 cores (which wrk and Redis share) leave at most {_f(2000 / half_rate)} ms of CPU per request "
            f"for the API and PostgreSQL together; ours take {_f(ours_ms)} ms, {ours_ms * half_rate / 2000:.1f}x that "
            "budget, with authentication, rate limiting, duplicate detection and a durable commit in each. "
            "What was cut (issue 11): concurrent submissions are stored in group commits, two groups under way per "
            "process (service/articles/group_commit.py); rows go in from one array per column and raw inputs by "
            "binary COPY; task messages are written straight into Redis instead of through Celery's send_task (0.8 "
            "ms of CPU each before); webargs no longer builds a schema per request: 4.9-5.8 ms per article at "
            "a1ebc72 under the same load. What is left (py-spy --gil on a loaded API process, and in-process): "
            "gunicorn's gthread loop and Flask's request handling about a quarter each (the bare endpoint pays those "
            "too), flask-smorest's decorators and the query-string schema about a tenth, the group's statements and "
            "commit about a fifth, Flask-Limiter 11% of which half is its one Redis call (replacing it would gain at "
            "most 5%); the response's dump is 5 us. The p99 follows the rate: 16 connections each wait for the "
            "requests ahead of them and for their group's commit."
        )
    batch_rate = _get(accept, "batch", "articles_per_s")
    if batch_rate is not None and batch_rate < 5000:
        lines.append(
            "- Batch: per article the API process spends 0.14-0.16 ms of CPU in-process (batches of 1,000 on a quiet "
            "machine, 2026-11-30 23:00 UTC) and PostgreSQL about 0.3 ms (the INSERT from arrays into a table with "
            "nine indexes, the COPY of 6.5 kB raw inputs): about 4,000 articles/s per core for both together, so "
            "the rate follows what else the 2 cores are running (the rounds above). Before issue 11 the batch path "
            "built an ORM object and a Celery message per article and sent a 15,000-parameter VALUES list the "
            "driver parsed again for every chunk (733/s)."
        )
    costs = two.get("cpu_ms_per_article") or {}
    if two.get("ratio") is not None and two["ratio"] < 0.9 and two.get("pool") and costs.get("worker"):
        ours_ms = costs["worker"] + (costs.get("postgres") or 0) + (costs.get("api") or 0)
        pool_ms = 2 * 1000 / two["pool"]  # the Pool keeps both cores busy with parse() and nothing else
        lines.append(
            f"- Service overhead: with 2 processes both sides are bound by the 2 cores. The Pool spends about "
            f"{_f(pool_ms, 0)} ms of CPU per article (2 cores / its rate); ours spends {_f(ours_ms, 0)} ms (worker "
            f"{_f(costs['worker'], 0)}, PostgreSQL {_f(costs.get('postgres'), 1)}, API {_f(costs.get('api'), 1)}), "
            f"which caps the ratio near {pool_ms / ours_ms:.2f} before any waiting. In one process, on the 121 HTML "
            "pages, process_article() against parse() alone (2026-11-30 23:00 UTC, quiet machine): 154-167 against "
            "132-143 ms of wall time per article. Where the difference goes (py-spy --idle, scaled to the unprofiled "
            "time): the claim about 4.5 ms (a SELECT, the conditional UPDATE, its commit, the reload), the "
            "near-duplicate look-up about 4.5 ms, the result's UPDATE and commit about 4 ms, the contract check about "
            "2 ms (1.8 ms mean measured alone on the 242 documents), band keys and entity rows about 2.5 ms (as one "
            "multi-row INSERT each: no faster), the event 0.5 ms; Celery's main process about 1.5% of the child's "
            "CPU. The look-up was then mostly PostgreSQL, 3 to 4.5 ms a statement at 240 articles and growing with "
            "the tenant's band keys: autovacuum is off on this machine, so nothing analyses the new tables, and the "
            "prepared statement's generic plan, made while they were small, stayed a sequential scan. Since f869264 "
            "it is two statements through the band-first key (migration 0015) with the keys in the statement, "
            "planned for them each time: 0.35 ms in PostgreSQL (pg_stat_statements, the same 242 documents). What "
            "is left are a few per cent each; 0.9x would need two thirds of all of them gone, which the claim's and "
            "the result's guarantees (a conditional claim committed before parsing, one durable commit of the "
            "checked result) do not allow. On the AMD machine (2026-12-01, one worker process, 120 documents) the "
            "median time from one article's processed_at to the next one's claim was 41 ms of a 345 ms cycle (the "
            "contract check, band keys, entity rows, event and commit, then Celery's ack, the next message's fetch "
            "and hand-over to the child, and the claim), and parse() ran about 18% slower in the worker child than "
            "in the Pool: the other core is busy with PostgreSQL, the API, Redis and Celery's main process meanwhile "
            "(a process spinning on the other core slows parse() alone by 7-10% on that machine), while the Pool's "
            "other core idles."
        )
    if results.get("end_to_end", {}).get("scale_out") is not None and results["end_to_end"]["scale_out"] < 1.85:
        lines.append(
            "- Scale-out: one worker process is bound by its latency (it waits for PostgreSQL between parses, on a "
            "core the second process would use), two by the 2 cores, which they share with the API, PostgreSQL, "
            "Redis and Celery's main process; the Pool's own scale-out in the same run (above) is what a second "
            "core gave there. Cutting the waits of one process would raise the one-process rate and lower this "
            "ratio."
        )
    pipeline = results.get("pipeline") or {}
    if isinstance(pipeline.get("ratio"), float) and pipeline["ratio"] > 0.5:
        lines.append(
            "- Pipeline: the recogniser is over two fifths of parse(), the quote parser about an eighth, "
            "trafilatura's pass a ninth and ftfy's repair under a tenth (py-spy, the 121 HTML pages, 2026-12-01 on "
            "the AMD machine). Cut on 2026-12-01: the models multiply in numpy's OpenBLAS on one thread instead of "
            "BLIS, whose wheel has kernels for some CPU families only and runs its generic one on the others (AMD "
            "family 25: 6x slower products, the recogniser 23% less CPU after, the same entities); ftfy is handed only "
            "the lines holding a character it acts on (41 -> 28 ms a page over 739 pages, the same text up to NFC). "
            "The reference runs the model as spaCy installs it, through BLIS: on a CPU BLIS has kernels for (the "
            "Intel machine of the 2026-11-30 runs, 0.72x) the first cut gains little. What is left is mostly the "
            "recogniser itself, the network the reference runs too."
        )
    reads = results.get("reads") or {}
    plans = reads.get("plans") or {}

    def database_ms(name: str) -> str:
        match = re.search(r"Execution Time: ([\d.]+) ms", plans.get(name, ""))
        return f"{match.group(1)} ms" if match else "n/a"

    if (_get(reads, "get_by_id", "p99_ms") or 0) > 10:
        lines.append(
            f"- Read by id: the database answers in {database_ms('GET /v1/articles/{id}')} (primary key, plan below). "
            "The article is dumped by ArticleSchema compiled into plain Python and encoded once with orjson "
            "(service/web/dumping.py: 0.17 ms against marshmallow's 1.18 ms for the seed article), and a GET runs "
            "its SELECT without BEGIN and ROLLBACK (an autocommit session for GET and HEAD: 2.2 -> 1.8 ms per GET "
            "in-process). What a GET still costs is the key and rate-limit checks with their Redis round trip, and "
            "Flask; on a quiet machine (2026-11-30 22:40 UTC, before the autocommit reads) the p99 was 5.4 ms, so "
            "the 99th percentile here is set by the moments the shared machine (load average above) leaves the API "
            "without a core."
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
