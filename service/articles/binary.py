"""Telling a text document from a binary file sent as one (a PNG or an executable as text/plain, a gzip body).

The API refuses such a body with the reason, and the worker fails any that reached it another way (a webhook, a row
stored before this check) instead of parsing garbage into a `done` article.
"""

from __future__ import annotations

import codecs
import functools
import re
from email.message import Message

# Leading bytes of the binary formats most often sent by mistake.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "an ELF executable"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"BZh91AY&SY", "bzip2-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (old Word or Excel)"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
)
# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Characters no text document is made of: C0 controls but tab, line feed, vertical tab, form feed and carriage
# return; DEL; C1 controls; and the replacement character an undecodable byte becomes.
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
# Real text (cp1252 mojibake included) stays far below this; random bytes are at 15% and more.
MAX_CONTROL_SHARE = 0.01
# Enough of the document to judge it; the rest is not read.
SAMPLE_BYTES = 256 * 1024


@functools.lru_cache(maxsize=256)
def _declared_charset(content_type: str) -> str | None:
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _strict(data: bytes, encoding: str, truncated: bool) -> str:
    # Incremental, so a sample cut inside a multi-byte character is not taken for an invalid one.
    return str(codecs.getincrementaldecoder(encoding)("strict").decode(data, final=not truncated))


def _decode(sample: bytes, content_type: str, truncated: bool) -> tuple[str, str | None]:
    """The sample as text, and the reason when it cannot be the text it says it is."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            try:
                return _strict(sample[len(bom) :], encoding, truncated), None
            except UnicodeDecodeError:
                return "", f"it starts with the {encoding.upper()} byte-order mark but is not {encoding.upper()} text"
    try:
        return _strict(sample, _declared_charset(content_type) or "utf-8", truncated), None
    except (UnicodeDecodeError, LookupError):
        # As the pipeline does: a body that is not its declared charset is read as cp1252, undecodable bytes replaced.
        return sample.decode("cp1252", "replace"), None


def binary_reason(raw: bytes, content_type: str = "text/plain") -> str | None:
    """Why `raw` is not a text document, or None when it is text."""
    for signature, kind in SIGNATURES:
        if raw.startswith(signature):
            return f"The body is {kind}, not a text or HTML document."
    sample = raw[:SAMPLE_BYTES]
    text, reason = _decode(sample, content_type, truncated=len(raw) > SAMPLE_BYTES)
    if reason:
        return f"The body is not text: {reason}."
    if CONTROL.search(text) is None:  # nearly every document: no need to count
        return None
    controls = [match.start() for match in CONTROL.finditer(text)]
    if len(controls) > MAX_CONTROL_SHARE * max(len(text), 1):
        share = len(controls) / max(len(text), 1)
        return (
            f"The body is not text: {share:.0%} of its characters are control characters "
            f"(the first, U+{ord(text[controls[0]]):04X}, at character {controls[0]})."
        )
    return None
