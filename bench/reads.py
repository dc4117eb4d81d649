"""Reads at 100,000 stored articles on PostgreSQL: `GET /v1/articles/{id}` and a search with a phrase and a person
filter, through the API (gunicorn), with the query plans (EXPLAIN ANALYZE) of both.

The articles are processed ones, written straight into the database with COPY: the seed article's parsed result,
its paragraphs shuffled and reworded per article, 1 in 50 naming "Wang Yi" and 1 in 40 saying "active measures".

Usage: python bench/reads.py [--articles N] [--requests N]
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from accept import free_port, start_ours
from stack import SEED, Stack, run_benchmark

from service.articles.search import entity_key, name_key

PHRASE = "active measures"
PERSON = "Wang Yi"
SEARCH_PATH = "/v1/articles?q=%22active+measures%22&person=Wang+Yi"
WORDS = [
    "the",
    "a",
    "government",
    "minister",
    "said",
    "talks",
    "trade",
    "border",
    "security",
    "economy",
    "market",
    "vote",
    "court",
    "report",
]
ARTICLE_COLUMNS = (
    "id, tenant_id, status, source, declared_format, client_metadata, input_sha256, received_at, updated_at, "
    "processed_at, attempts, parser_version, title, result, language, published_at, entity_keys"
)


def seed_result() -> dict[str, Any]:
    from workers.pipeline import parse

    return parse(SEED.read_bytes(), content_type="text/plain; charset=utf-8")


def _result_for(template: dict[str, Any], number: int, rng: random.Random) -> tuple[str, dict[str, Any]]:
    result = dict(template)  # only the keys replaced below differ per article
    # The seed itself says both: here only 1 article in 40 has the phrase, 1 in 50 the person.
    paragraphs = [
        paragraph["text"]
        for paragraph in template["paragraphs"]
        if PHRASE not in paragraph["text"].lower() and PERSON not in paragraph["text"]
    ]
    rng.shuffle(paragraphs)
    filler = " ".join(rng.choice(WORDS) for _ in range(12))
    paragraphs.insert(0, f"Report {number}: {filler}.")
    if number % 40 == 0:
        paragraphs.append(f"Officials described the campaign as {PHRASE} against the alliance.")
    entities = [entity for entity in template["entities"] if entity["name"] != PERSON]
    if number % 50 == 0:
        entities.append({"name": PERSON, "type": "person", "aliases": ["Wang"], "mentions": 2})
    entities.append({"name": f"Person {number % 997}", "type": "person", "aliases": [], "mentions": 1})
    result["paragraphs"] = [{"index": index, "text": text, "kind": "body"} for index, text in enumerate(paragraphs)]
    result["body"] = "\n\n".join(paragraphs)
    result["entities"] = entities
    title = f"Story {number}: {filler}"
    result["title"] = title
    return title, result


def populate(stack: Stack, count: int) -> list[str]:
    """Write `count` processed articles (and their entity rows) of the stack's tenant; returns their ids."""
    template = seed_result()
    rng = random.Random(11)
    ids: list[str] = []
    with psycopg.connect(stack.database_url) as connection:
        tenant_id = connection.execute("SELECT id FROM tenants WHERE name = 'bench'").fetchone()[0]  # type: ignore[index]
        start = datetime(2026, 1, 1, tzinfo=UTC)
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY articles ({ARTICLE_COLUMNS}) FROM STDIN") as articles:
                entity_rows: list[tuple[str, str, str, str, str]] = []
                for number in range(count):
                    article_id = str(uuid.uuid4())
                    ids.append(article_id)
                    title, result = _result_for(template, number, rng)
                    received = start + timedelta(seconds=30 * number)
                    digest = hashlib.sha256(f"{number}".encode()).hexdigest()
                    identity = (article_id, tenant_id, "done", "bench", "text", "{}", digest, received, received)
                    keys: set[str] = set()
                    for entity in result["entities"]:
                        for name in [entity["name"], *entity["aliases"]]:
                            entity_rows.append((article_id, tenant_id, entity["type"], name, name_key(name)))
                            keys.add(entity_key(entity["type"], name))
                    processed = (received, 1, "bench", title, json.dumps(result), "en", received, sorted(keys))
                    articles.write_row((*identity, *processed))
            with cursor.copy("COPY article_entities (article_id, tenant_id, type, name, name_key) FROM STDIN") as rows:
                for row in entity_rows:
                    rows.write_row(row)
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE articles")
        connection.execute("VACUUM ANALYZE article_entities")
    return ids


def latencies(port: int, key: str, paths: list[str]) -> list[float]:
    """Milliseconds per GET, one connection, sequentially; every answer must be 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {key}"}
    timings = []
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
    connection.close()
    return timings


def search_hits(port: int, key: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", SEARCH_PATH, headers={"Authorization": f"Bearer {key}"})
    items = json.loads(connection.getresponse().read())["items"]
    connection.close()
    return len(items)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def query_plans(stack: Stack, article_id: str) -> dict[str, str]:
    """EXPLAIN ANALYZE of the statements the two reads run, captured from the service's own query code."""
    import os

    from sqlalchemy import event

    os.environ.update(stack.env)
    from service import create_app
    from service.articles import queries

    app = create_app()
    captured: list[tuple[str, Any]] = []
    engine = app.extensions["db"].engine

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "articles" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    plans = {}
    with app.app_context():
        session = app.extensions["db"].session
        tenant_id = session.execute(psycopg_sql("SELECT id FROM tenants WHERE name = 'bench'")).scalar_one()
        for name, run in (
            ("GET /v1/articles/{id}", lambda: queries.get_article(session, tenant_id, article_id)),
            ("search", lambda: queries.list_articles(session, tenant_id, limit=20, q=f'"{PHRASE}"', person=PERSON)),
        ):
            captured.clear()
            run()
            statement, parameters = captured[-1]
            with engine.connect() as connection:
                cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    event.remove(engine, "before_cursor_execute", capture)
    app.extensions["db"].dispose()
    return plans


def psycopg_sql(statement: str) -> Any:
    from sqlalchemy import text

    return text(statement)


def measure(count: int, requests: int) -> dict[str, Any]:
    with Stack("reads") as stack:
        started = time.perf_counter()
        ids = populate(stack, count)
        populated_in = time.perf_counter() - started
        port = free_port()
        start_ours(stack, port, 2, 4)
        rng = random.Random(7)
        get_paths = [f"/v1/articles/{rng.choice(ids)}" for _ in range(requests)]
        latencies(port, stack.key, get_paths[:50] + [SEARCH_PATH] * 10)  # warm-up
        found = search_hits(port, stack.key)
        if not found:
            raise RuntimeError(f"{SEARCH_PATH} found nothing: the search measured would be an empty one")
        by_id = latencies(port, stack.key, get_paths)
        searches = latencies(port, stack.key, [SEARCH_PATH] * max(100, requests // 4))
        plans = query_plans(stack, ids[len(ids) // 2])
    return {
        "articles": count,
        "search_hits_first_page": found,
        "populated_in_s": populated_in,
        "get_by_id": {"p50_ms": statistics.median(by_id), "p99_ms": percentile(by_id, 0.99), "n": len(by_id)},
        "search": {"p50_ms": statistics.median(searches), "p99_ms": percentile(searches, 0.99), "n": len(searches)},
        "plans": plans,
    }


def main() -> int:
    return run_benchmark(__doc__.splitlines()[0], measure, articles=100_000, requests=2000)


if __name__ == "__main__":
    sys.exit(main())
