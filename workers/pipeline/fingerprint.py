"""Content fingerprints: an exact hash, a SimHash, and MinHash with LSH bands for near-duplicate search.

Near-duplicates (the same wire story under another headline, a paragraph dropped, paragraphs reordered,
boilerplate added) share most of their word shingles. Shingles never cross a paragraph boundary, so reordering
paragraphs changes nothing. The index stores `minhash_bands` (one short key per band); any shared key makes a
candidate, which the service confirms by comparing the stored MinHash signatures
(service/articles/near_duplicates.py). With 32 bands of 4 rows, a pair with Jaccard similarity 0.5 is a
candidate with probability 0.87 and at 0.7 with 0.9998, while unrelated articles (below 0.1) almost never are.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w+", re.UNICODE)
SIMHASH_BITS = 64
SHINGLE_WORDS = 3  # SimHash shingles, unchanged since v0 so stored values stay comparable
MINHASH_SHINGLE_WORDS = 5
MINHASH_PERMUTATIONS = 128
LSH_BANDS = 32
LSH_ROWS = MINHASH_PERMUTATIONS // LSH_BANDS
# Above this estimated Jaccard similarity two bodies are the same story.


def content_sha256(body: str) -> str:
    """Hash of the body with case and whitespace folded, so re-wrapped copies still match."""
    folded = " ".join(_WORD.findall(body.casefold()))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def simhash(body: str) -> str:
    """64-bit SimHash over word 3-shingles, as 16 hex digits."""
    words = _WORD.findall(body.casefold())
    shingles = [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    digests = np.frombuffer(
        b"".join(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest() for shingle in shingles),
        dtype=">u8",
    )
    # Bit b of each digest votes +1 when set and -1 when clear; the SimHash keeps the bits with a positive sum.
    bits = (digests[:, None] >> np.arange(SIMHASH_BITS, dtype=np.uint64)) & np.uint64(1)
    positive = 2 * bits.sum(axis=0, dtype=np.int64) > len(shingles)
    value = sum(1 << bit for bit in range(SIMHASH_BITS) if positive[bit])
    return f"{value:016x}"


def fingerprints(paragraphs: list[str]) -> dict[str, Any]:
    """All fingerprints of a body given as paragraphs: exact hash, SimHash, MinHash signature and LSH bands."""
    body = "\n\n".join(paragraphs)
    signature = minhash_signature(paragraphs)
    return {
        "content_sha256": content_sha256(body),
        "simhash": simhash(body),
        "minhash": signature_to_hex(signature) if signature is not None else "",
        "minhash_bands": lsh_bands(signature) if signature is not None else [],
    }


def shingles(paragraphs: list[str]) -> set[str]:
    """Word 5-shingles of each paragraph (a shorter paragraph is one shingle), case folded."""
    found: set[str] = set()
    for paragraph in paragraphs:
        words = _WORD.findall(paragraph.casefold())
        if not words:
            continue
        span = min(MINHASH_SHINGLE_WORDS, len(words))
        found.update(" ".join(words[i : i + span]) for i in range(len(words) - span + 1))
    return found


def minhash_signature(paragraphs: list[str]) -> npt.NDArray[np.uint64] | None:
    """128 MinHash values over the body's shingles, or None for a body without words."""
    found = shingles(paragraphs)
    if not found:
        return None
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "big") for s in found),
        dtype=np.uint64,
        count=len(found),
    )
    multipliers, increments = _permutations()
    # Multiply-shift hashing: (a*h + b) mod 2^64 (uint64 arithmetic wraps by itself), top 32 bits kept.
    with np.errstate(over="ignore"):
        permuted = (np.outer(multipliers, hashes) + increments[:, None]) >> np.uint64(32)
    signature: npt.NDArray[np.uint64] = permuted.min(axis=1)
    return signature


def lsh_bands(signature: npt.NDArray[np.uint64]) -> list[str]:
    """One key per band: band number and a hash of its rows, e.g. `07:3fa9c2d1e0b4`."""
    keys = []
    for band in range(LSH_BANDS):
        rows = signature[band * LSH_ROWS : (band + 1) * LSH_ROWS].astype("<u8").tobytes()
        keys.append(f"{band:02d}:{hashlib.blake2b(rows, digest_size=6).hexdigest()}")
    return keys


def signature_to_hex(signature: npt.NDArray[np.uint64]) -> str:
    """The signature as 8 hex digits per value (1024 characters), for storage next to the bands."""
    return "".join(f"{int(value):08x}" for value in signature)


@functools.cache
def _permutations() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Fixed hash permutations derived from their index, so stored bands stay valid across versions."""

    def draw(label: str, bits: int) -> int:
        return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "big") % (1 << bits)

    multipliers = np.array([draw(f"a{i}", 64) | 1 for i in range(MINHASH_PERMUTATIONS)], dtype=np.uint64)
    increments = np.array([draw(f"b{i}", 64) for i in range(MINHASH_PERMUTATIONS)], dtype=np.uint64)
    return multipliers, increments
