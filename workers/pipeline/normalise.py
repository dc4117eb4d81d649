"""Bytes to clean unicode: decoding, mojibake repair, NFC, whitespace."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_CHARSET_IN_CONTENT_TYPE = re.compile(r"charset\s*=\s*\"?([\w.:-]+)", re.IGNORECASE)
_CHARSET_IN_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def decode(raw: bytes, content_type: str | None = None) -> str:
    """Decode bytes by BOM, declared charset, then UTF-8, falling back to cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declared = []
    if content_type and (header_match := _CHARSET_IN_CONTENT_TYPE.search(content_type)):
        declared.append(header_match.group(1))
    if meta_match := _CHARSET_IN_META.search(raw[:4096]):
        declared.append(meta_match.group(1).decode("ascii", errors="ignore"))
    # UTF-8 first: pages often declare latin-1 while serving UTF-8, and a clean UTF-8 decode is never an accident.
    for encoding in ["utf-8", *declared]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252", errors="replace")


def clean_text(text: str) -> str:
    """Repair mojibake, normalise to NFC, unify line ends and drop invisible characters."""
    text = ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_line_breaks=True,
        normalization="NFC",
        fix_latin_ligatures=False,
        fix_character_width=False,
    )
    text = _ZERO_WIDTH.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """Collapse runs of horizontal whitespace (including NBSP) and trim."""
    return _HORIZONTAL_SPACE.sub(" ", line.replace("\u00a0", " ")).strip()
