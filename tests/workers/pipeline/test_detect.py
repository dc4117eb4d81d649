"""Telling HTML from plain text."""

from __future__ import annotations

import pytest

from workers.pipeline.detect import detect_format


@pytest.mark.parametrize(
    ("text", "content_type", "declared", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", None, "auto", "html"),
        ("Plain words with one <p> in them.", None, "auto", "text"),
        ("<p>x</p>", "text/plain", "auto", "text"),
        ("just text", "text/html; charset=utf-8", "auto", "html"),
        ("<html><body>x</body></html>", "text/html", "text", "text"),
    ],
)
def test_detect_format(text: str, content_type: str | None, declared: str, expected: str) -> None:
    assert detect_format(text, content_type, declared) == expected
