"""Content fingerprints: an exact hash and a 64-bit SimHash for near-duplicate search."""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)
SIMHASH_BITS = 64
SHINGLE_WORDS = 3


def content_sha256(body: str) -> str:
    """Hash of the body with case and whitespace folded, so re-wrapped copies still match."""
    folded = " ".join(_WORD.findall(body.casefold()))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def simhash(body: str) -> str:
    """64-bit SimHash over word 3-shingles, as 16 hex digits."""
    words = _WORD.findall(body.casefold())
    shingles = [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    weights = [0] * SIMHASH_BITS
    for shingle in shingles:
        digest = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(SIMHASH_BITS):
            weights[bit] += 1 if digest >> bit & 1 else -1
    value = sum(1 << bit for bit in range(SIMHASH_BITS) if weights[bit] > 0)
    return f"{value:016x}"
