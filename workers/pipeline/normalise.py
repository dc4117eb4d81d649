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


REPAIR = ftfy.TextFixerConfig(
    explain=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    normalization="NFC",
    fix_latin_ligatures=False,
    fix_character_width=False,
)
# In a line of plain ASCII, the only characters ftfy acts on (with REPAIR): HTML entities, terminal escapes, control
# characters and line breaks other than \n. A line with none of them comes out of ftfy exactly as it went in.
_ASCII_FTFY_ACTS_ON = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")


def repair(text: str) -> str:
    """ftfy.fix_text(text, REPAIR), without handing ftfy the lines it would return unchanged.

    ftfy repairs a text one line at a time (fix_text's own loop, reproduced here with its one piece of state: HTML
    entities are left alone from the first line with markup on). A page's markup is mostly plain ASCII lines, and
    fixing those cost more than the rest of parsing: 181 ms of a page's time on the benchmark pages.
    """
    config = REPAIR
    fixed: list[str] = []
    position = 0
    while position < len(text):
        line_end = text.find("\n", position) + 1 or len(text)
        line_end = min(line_end, position + config.max_decode_length)
        line = text[position:line_end]
        if config.unescape_html == "auto" and "<" in line:
            config = config._replace(unescape_html=False)
        if line.isascii() and not _ASCII_FTFY_ACTS_ON.search(line):
            fixed.append(line)
        else:
            fixed.append(ftfy.fix_and_explain(line, config).text)
        position = line_end
    return "".join(fixed)


def clean_text(text: str) -> str:
    """Repair mojibake, normalise to NFC, unify line ends and drop invisible characters."""
    text = repair(text)
    text = _ZERO_WIDTH.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """Collapse runs of horizontal whitespace (including NBSP) and trim."""
    return _HORIZONTAL_SPACE.sub(" ", line.replace("\u00a0", " ")).strip()
