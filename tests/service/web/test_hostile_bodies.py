"""Hostile request bodies get a typed problem with the field and the reason, never a 500 or a garbage article."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.articles.models import Article
from service.web.json_bodies import MAX_JSON_DEPTH
from tests.senders import ghost_headers, standard_headers, wordpress_headers
from tests.service.web.test_problems import assert_problem

DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
TEXT = "The harbour reopened on Thursday after four months of repairs to the northern breakwater."


def article_count(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Article)))


def assert_invalid_json(response: Any, reason: str) -> None:
    problem = assert_problem(response, 400)
    assert problem["type"].endswith("/invalid-json")
    assert reason in problem["errors"]["body"][0] and reason in problem["detail"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/v1/articles", "application/json"),
        ("/v1/articles/batch", "application/json"),
        ("/v1/integrations", "application/json"),
        ("/v1/subscriptions", "application/json"),
    ],
)
def test_json_nested_100000_deep_is_a_400_on_every_json_endpoint(
    client: FlaskClient, path: str, content_type: str
) -> None:
    assert_invalid_json(client.post(path, data=DEEP_JSON, content_type=content_type), "nested deeper")


def test_json_just_past_the_depth_limit_is_refused_and_at_it_accepted(client: FlaskClient) -> None:
    def nested(depth: int) -> bytes:
        """An article whose metadata makes the whole document `depth` objects deep."""
        return b'{"text": "' + TEXT.encode() + b'", "metadata": ' + b'{"a": ' * (depth - 1) + b"1" + b"}" * depth

    too_deep = client.post("/v1/articles", data=nested(MAX_JSON_DEPTH + 1), content_type="application/json")
    assert_invalid_json(too_deep, f"nested deeper than {MAX_JSON_DEPTH} levels")
    accepted = client.post("/v1/articles", data=nested(MAX_JSON_DEPTH), content_type="application/json")
    assert accepted.status_code == 202, accepted.get_json()


def test_ndjson_line_nested_deep_is_refused_alone(client: FlaskClient) -> None:
    body = DEEP_JSON + b"\n" + b'{"text": "' + TEXT.encode() + b'"}\n'
    response = client.post("/v1/articles/batch", data=body, content_type="application/x-ndjson")
    assert response.status_code == 200
    first, second = response.get_json()["items"]
    assert first["status"] == 400 and "nested deeper" in first["problem"]["detail"]
    assert second["status"] == 202


@pytest.mark.parametrize("sender", ["standard", "wordpress", "ghost"])
def test_validly_signed_webhook_nested_100000_deep_is_refused(client: FlaskClient, sender: str) -> None:
    created = client.post("/v1/integrations", json={"type": sender}).get_json()
    headers = {"standard": standard_headers, "wordpress": wordpress_headers, "ghost": ghost_headers}[sender](
        created["secret"], DEEP_JSON
    )
    problem = assert_problem(client.post(f"/v1/webhooks/{created['id']}", data=DEEP_JSON, headers=headers), 422)
    assert "nested deeper" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"text": "caf\xe9"}', "not valid UTF-8: byte 0xe9 at offset 13"),
        (b'{"text": "a\x01b"}', "raw control character (U+0001) at line 1 column 12"),
        (b"", "The body is empty"),
        (b"  \n", "The body is empty"),
        (b"<!DOCTYPE html><html><body><p>Story</p></body></html>", "looks like HTML"),
        (b'{"text": ', "not valid JSON: Expecting value at line 1 column 10"),
    ],
)
def test_unreadable_json_says_why(client: FlaskClient, db_session: Any, body: bytes, reason: str) -> None:
    before = article_count(db_session)
    assert_invalid_json(client.post("/v1/articles", data=body, content_type="application/json"), reason)
    assert article_count(db_session) == before


def test_too_large_is_typed_and_names_the_limit(client: FlaskClient) -> None:
    response = client.post("/v1/articles", data=b"x" * (10 * 1024 * 1024 + 1), content_type="text/plain")
    problem = assert_problem(response, 413)
    assert problem["type"].endswith("/too-large") and "10,485,760" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [(PNG, "a PNG image"), (Path("/bin/ls").read_bytes()[:65536], "an ELF executable"), (gzip.compress(b"x"), "gzip")],
)
def test_binary_sent_as_text_is_refused_with_the_reason(
    client: FlaskClient, db_session: Any, body: bytes, kind: str
) -> None:
    before = article_count(db_session)
    problem = assert_problem(client.post("/v1/articles", data=body, content_type="text/plain"), 415)
    assert problem["type"].endswith("/binary-content") and kind in problem["errors"]["body"][0]
    assert article_count(db_session) == before


def test_control_characters_in_a_json_text_are_refused(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/articles", json={"text": "\x01\x02\x03\x04 binary"}), 422)
    assert "control characters" in problem["errors"]["json"]["text"][0]


def test_a_six_byte_blob_with_a_byte_order_mark_is_refused(client: FlaskClient) -> None:
    problem = assert_problem(
        client.post("/v1/articles", data=b"\xff\xfe\x00\xd8\x01\x02", content_type="text/plain"), 415
    )
    assert "byte-order mark" in problem["detail"]


def test_utf16_text_is_still_accepted(client: FlaskClient) -> None:
    response = client.post("/v1/articles", data=TEXT.encode("utf-16"), content_type="text/plain; charset=utf-16")
    assert response.status_code == 202


def test_a_compressed_body_is_refused_before_it_is_read(client: FlaskClient, db_session: Any) -> None:
    before = article_count(db_session)
    response = client.post(
        "/v1/articles",
        data=gzip.compress(TEXT.encode()),
        headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"},
    )
    problem = assert_problem(response, 415)
    assert problem["type"].endswith("/unsupported-content-encoding")
    assert response.headers["Accept-Encoding"] == "identity"
    assert article_count(db_session) == before


def test_an_unknown_query_parameter_is_named(client: FlaskClient) -> None:
    problem = assert_problem(client.get("/v1/articles?organization=NASA"), 422)
    assert problem["errors"]["query"]["organization"] == ["Unknown field; did you mean 'organisation'?"]
    assert "organization" in problem["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles/some-id?fields=title&colour=red",
        "/v1/subscriptions/some-id/deliveries?colour=red",
        "/v1/articles?colour=red",
    ],
)
def test_unknown_query_parameters_are_refused_on_every_endpoint_with_a_query(client: FlaskClient, path: str) -> None:
    problem = assert_problem(client.get(path), 422)
    assert "colour" in problem["errors"]["query"]


def test_unknown_query_parameter_on_a_raw_post(client: FlaskClient) -> None:
    response = client.post("/v1/articles?sorce=wire", data=TEXT.encode(), content_type="text/plain")
    problem = assert_problem(response, 422)
    assert problem["errors"]["query"]["sorce"] == ["Unknown field; did you mean 'source'?"]
