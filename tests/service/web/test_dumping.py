"""A compiled dump gives what marshmallow's dump gives, for the usual documents and for odd ones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import fields, post_dump

from service.articles.schemas import ArticleSchema
from service.web.dumping import compile_dump
from service.web.schemas import Schema

ODD_ARTICLE: dict[str, Any] = {
    "id": "a1",
    "status": "done",
    "source": 42,  # a String given a number
    "received_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    "processed_at": "2026-01-02T03:04:06+00:00",
    "metadata": {"desk": "news", "count": 2**70},
    "links": {"self": "/v1/articles/a1", "raw": "/v1/articles/a1/raw", "extra": "not in the contract"},
    "language_confidence": 1,  # a Float given an int: dumped as 1.0
    "paragraphs": [
        {"index": "3", "text": "An Integer given a string.", "kind": "body"},
        {"index": 4.0, "text": "An Integer given a float.", "kind": "body", "unknown": "dropped"},
        {"index": True, "text": "An Integer given a bool.", "kind": "body"},
    ],
    "quotes": [{"text": "Quoted.", "paragraph": 0, "start": 0, "end": 7, "speaker": None}],  # no parts: left out
    "keywords": ["a", 5, None],
    "stats": None,
    "fingerprints": {"content_sha256": "0" * 64, "simhash": "f" * 16, "minhash": "dropped", "minhash_bands": ["x"]},
    "near_duplicates": [{"id": "b2", "similarity": 1}],
    "error": {"code": "x", "title": "t", "detail": "d", "messages": {"body": ["raw, as given"]}},
    "not_a_field": "dropped",
}


def test_a_compiled_dump_is_marshmallows_dump_for_odd_values() -> None:
    schema = ArticleSchema()

    dumped = compile_dump(schema)(ODD_ARTICLE)

    assert dumped == schema.dump(ODD_ARTICLE)
    assert [type(value) for value in dumped.values()] == [type(value) for value in schema.dump(ODD_ARTICLE).values()]
    assert dumped["language_confidence"] == 1.0 and isinstance(dumped["language_confidence"], float)
    assert [paragraph["index"] for paragraph in dumped["paragraphs"]] == [3, 4, 1]
    assert set(dumped["fingerprints"]) == {"content_sha256", "simhash"}
    assert "parts" not in dumped["quotes"][0] and "not_a_field" not in dumped


def test_a_schema_the_compiled_dump_cannot_follow_is_dumped_by_marshmallow() -> None:
    class Hooked(Schema):
        name = fields.String()

        @post_dump
        def shout(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            return {key: value.upper() for key, value in data.items()}

    class Defaulted(Schema):
        name = fields.String(dump_default="anonymous")

    class Holder(Schema):
        hooked = fields.List(fields.Nested(Hooked))
        many = fields.Nested(Defaulted, many=True)

    assert compile_dump(Hooked())({"name": "quiet"}) == {"name": "QUIET"}
    assert compile_dump(Defaulted())({}) == {"name": "anonymous"}
    holding = {"hooked": [{"name": "inner"}], "many": [{}, {"name": "named"}]}
    assert compile_dump(Holder())(holding) == {
        "hooked": [{"name": "INNER"}],
        "many": [{"name": "anonymous"}, {"name": "named"}],
    }
