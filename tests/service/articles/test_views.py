"""The articles API against real PostgreSQL and Redis (no worker: messages are checked on the queue)."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from tests import services

SEED = services.SEED_ARTICLE


def post_text(client: FlaskClient, body: bytes, query: str = "") -> Any:
    return client.post(f"/v1/articles{query}", data=body, headers={"Content-Type": "text/plain; charset=utf-8"})


def queued_ids(messages: list[bytes]) -> list[str]:
    return [json.loads(_decode_body(message))[0][0] for message in messages]


def _decode_body(message: bytes) -> str:
    import base64

    envelope = json.loads(message)
    return base64.b64decode(envelope["body"]).decode()


def test_raw_text_submission_is_stored_then_queued(client: FlaskClient, queued_messages: Any) -> None:
    response = post_text(client, SEED.read_bytes(), "?source=wire&url=https://example.com/a")

    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["duplicate"] is False
    assert response.headers["Location"] == f"/v1/articles/{body['id']}"
    assert queued_ids(queued_messages()) == [body["id"]]

    article = client.get(response.headers["Location"]).get_json()
    assert article["status"] == "queued"
    assert article["source"] == "wire" and article["url"] == "https://example.com/a"


def test_raw_input_is_served_back_byte_exact(client: FlaskClient, queued_messages: Any) -> None:
    latin1 = "Caf\u00e9 au lait\r\n\r\nTrailing spaces   \n".encode("latin-1")
    created = client.post("/v1/articles", data=latin1, headers={"Content-Type": "text/plain; charset=ISO-8859-1"})

    raw = client.get(created.get_json()["links"]["raw"])

    assert raw.status_code == 200
    assert raw.data == latin1
    assert raw.headers["Content-Type"] == "text/plain; charset=ISO-8859-1"


def test_json_submission_with_html(client: FlaskClient, queued_messages: Any) -> None:
    response = client.post(
        "/v1/articles",
        json={
            "html": "<html><body><p>Hello</p></body></html>",
            "source": "cms",
            "external_id": "post-7",
            "published_at": "2022-03-07T09:00:00Z",
            "metadata": {"desk": "world"},
        },
    )

    assert response.status_code == 202
    article = client.get(response.headers["Location"]).get_json()
    assert article["external_id"] == "post-7" and article["metadata"] == {"desk": "world"}
    raw = client.get(article["links"]["raw"])
    assert raw.data == b"<html><body><p>Hello</p></body></html>"
    assert raw.headers["Content-Type"].startswith("text/html")


def test_exact_duplicate_from_same_source_answers_200_with_the_existing_article(
    client: FlaskClient, queued_messages: Any
) -> None:
    first = post_text(client, b"Same words, same source.", "?source=feed-a")
    again = post_text(client, b"Same words, same source.", "?source=feed-a")
    other_source = post_text(client, b"Same words, same source.", "?source=feed-b")

    assert first.status_code == 202
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True
    assert again.get_json()["id"] == first.get_json()["id"]
    assert other_source.status_code == 202
    assert other_source.get_json()["id"] != first.get_json()["id"]
    assert len(queued_messages()) == 2


def test_list_is_newest_first_with_cursor_pages_and_filters(client: FlaskClient, queued_messages: Any) -> None:
    ids = [post_text(client, f"Article number {n}".encode(), "?source=pager").get_json()["id"] for n in range(5)]
    post_text(client, b"Another source entirely", "?source=elsewhere")

    first = client.get("/v1/articles?source=pager&limit=2").get_json()
    second = client.get(f"/v1/articles?source=pager&limit=2&cursor={first['next_cursor']}").get_json()
    third = client.get(f"/v1/articles?source=pager&limit=2&cursor={second['next_cursor']}").get_json()

    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == list(reversed(ids))
    assert third["next_cursor"] is None
    assert client.get("/v1/articles?status=done&source=pager").get_json()["items"] == []
    assert len(client.get("/v1/articles?status=queued&source=pager").get_json()["items"]) == 5
