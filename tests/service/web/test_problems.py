"""Every bad request gets an RFC 9457 problem with a message the client can act on."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from service import create_app

PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.data
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["status"] == status and problem["title"] and problem["instance"]
    return problem


def test_empty_raw_body(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/articles", data=b"  \n", content_type="text/plain"), 422)
    assert "empty" in problem["detail"]


def test_json_without_a_document(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/articles", json={"source": "x"}), 422)
    assert "text" in problem["errors"]["json"]


def test_json_with_both_text_and_html(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/articles", json={"text": "a", "html": "<p>a</p>"}), 422)
    assert problem["errors"]["json"]["html"] == ["Give 'text' or 'html', not both."]


def test_unknown_field(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/articles", json={"text": "a", "headline": "b"}), 422)
    assert problem["errors"]["json"]["headline"] == ["Unknown field."]


@pytest.mark.parametrize("value", ["yesterday", "2022-13-01", "07/03/2022"])
def test_invalid_published_at(client: FlaskClient, value: str) -> None:
    problem = assert_problem(client.post("/v1/articles", json={"text": "a", "published_at": value}), 422)
    assert "ISO 8601" in problem["errors"]["json"]["published_at"][0]


def test_invalid_query_option_on_raw_body(client: FlaskClient) -> None:
    problem = assert_problem(client.post("/v1/articles?url=not-a-url", data=b"text", content_type="text/plain"), 422)
    assert "url" in problem["errors"]["query"]


def test_body_over_the_limit(client: FlaskClient) -> None:
    eleven_mib = b"x" * (11 * 1024 * 1024)
    problem = assert_problem(client.post("/v1/articles", data=eleven_mib, content_type="text/plain"), 413)
    assert problem["detail"]


def test_unsupported_content_type(client: FlaskClient) -> None:
    response = client.post("/v1/articles", data=b"<a/>", content_type="application/xml")
    problem = assert_problem(response, 415)
    assert "application/xml" in problem["detail"]
    assert "text/plain" in response.headers["Accept-Post"]


def test_malformed_json(client: FlaskClient) -> None:
    assert_problem(client.post("/v1/articles", data=b"{not json", content_type="application/json"), 400)


def test_unknown_article_id(client: FlaskClient) -> None:
    problem = assert_problem(client.get("/v1/articles/does-not-exist"), 404)
    assert "does-not-exist" in problem["detail"]
    assert_problem(client.get("/v1/articles/does-not-exist/raw"), 404)


def test_unknown_route_and_wrong_method(client: FlaskClient) -> None:
    assert_problem(client.get("/v2/nothing"), 404)
    assert_problem(client.put("/v1/articles", json={}), 405)


def test_list_limit_and_cursor_are_checked(client: FlaskClient) -> None:
    problem = assert_problem(client.get("/v1/articles?limit=101"), 422)
    assert "limit" in problem["errors"]["query"]
    problem = assert_problem(client.get("/v1/articles?cursor=garbage"), 422)
    assert "cursor" in problem["errors"]["query"]


def test_request_id_is_echoed_in_problems(client: FlaskClient) -> None:
    response = client.get("/v1/articles/nope", headers={"X-Request-ID": "trace-123"})
    assert response.headers["X-Request-ID"] == "trace-123"
    assert response.get_json()["request_id"] == "trace-123"


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readiness_is_503_when_the_broker_is_unreachable(postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    app: Flask = create_app({"DATABASE_URL": postgres_url, "BROKER_URL": "redis://127.0.0.1:1/0"})
    with caplog.at_level(logging.WARNING, logger="service.ops.health"):
        response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "checks": {"database": "ok", "broker": "error"}}
    # The public answer says which dependency failed; why is for the operator's log.
    assert any("broker unavailable" in record.getMessage() for record in caplog.records)
    app.extensions["db"].dispose()


def test_readiness_does_not_tell_the_public_why_the_database_failed(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = make_url(postgres_url).set(host="127.0.0.1", port=1, password="not-for-the-public")
    app: Flask = create_app(
        {"DATABASE_URL": unreachable.render_as_string(hide_password=False), "BROKER_URL": "redis://127.0.0.1:1/0"}
    )
    with caplog.at_level(logging.WARNING, logger="service.ops.health"):
        response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "checks": {"database": "error", "broker": "error"}}
    assert "127.0.0.1" not in response.get_data(as_text=True)
    logged = [record.getMessage() for record in caplog.records if "database unavailable" in record.getMessage()]
    assert logged and "OperationalError" in logged[0]
    app.extensions["db"].dispose()


def test_openapi_document_and_docs(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert {"/v1/articles", "/v1/articles/{article_id}", "/v1/articles/{article_id}/raw", "/healthz", "/readyz"} <= set(
        spec["paths"]
    )
    post = spec["paths"]["/v1/articles"]["post"]
    assert {"application/json", "text/plain", "text/html"} <= set(post["requestBody"]["content"])
    assert "Article" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_a_lone_surrogate_is_a_422_not_a_500(client: FlaskClient) -> None:
    body = b'{"text": "Broken \\ud800 escape"}'
    problem = assert_problem(client.post("/v1/articles", data=body, content_type="application/json"), 422)
    assert "surrogate" in problem["detail"]


def test_a_lone_surrogate_fails_only_its_batch_item(client: FlaskClient, queued_messages: Any) -> None:
    body = b'[{"text": "A fine article about the harbour."}, {"text": "Broken \\udfff escape"}]'
    response = client.post("/v1/articles/batch", data=body, content_type="application/json")

    assert response.status_code == 200, response.data
    statuses = [item["status"] for item in response.get_json()["items"]]
    assert statuses == [202, 422]


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
def test_a_timestamp_without_a_utc_equivalent_is_refused(client: FlaskClient, value: str) -> None:
    problem = assert_problem(client.post("/v1/articles", json={"text": "a", "published_at": value}), 422)
    assert "published_at" in problem["errors"]["json"]
    assert_problem(client.get("/v1/articles", query_string={"published_after": value}), 422)


def test_a_hand_made_cursor_without_a_zone_is_read_as_utc(client: FlaskClient) -> None:
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps(["2030-01-01T00:00:00", "zzz"]).encode()).decode().rstrip("=")
    response = client.get("/v1/articles", query_string={"cursor": cursor})
    assert response.status_code == 200


def test_an_overlong_content_type_or_language_is_refused(client: FlaskClient) -> None:
    long_type = "text/plain; charset=utf-8; " + "x=y; " * 60
    assert_problem(client.post("/v1/articles", data=b"words", headers={"Content-Type": long_type}), 422)
    problem = assert_problem(client.post("/v1/articles", json={"text": "a", "language": "en-scotland"}), 422)
    assert "language" in problem["errors"]["json"]
