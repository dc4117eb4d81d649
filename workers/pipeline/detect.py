"""Decide whether a document is HTML or plain text."""

from __future__ import annotations

import re

FORMATS = ("text", "html")

_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|section|h[1-6]|br)[\s/>]",
    re.IGNORECASE,
)


def detect_format(text: str, content_type: str | None = None, declared: str = "auto") -> str:
    """Return "html" or "text"; an explicit declaration or content type wins over sniffing."""
    if declared in FORMATS:
        return declared
    if content_type:
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type in ("text/html", "application/xhtml+xml"):
            return "html"
        if media_type == "text/plain":
            return "text"
    # Count tags in the head of the document: one stray "<p>" in a text dump is not a page.
    head = text[:20000]
    return "html" if len(_HTML_SIGNS.findall(head)) >= 2 else "text"
