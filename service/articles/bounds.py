"""Bounds on what one article may become: every list of the contract capped, warnings aggregated, the whole stored
result within a small multiple of its input.

Applied to the parser's output before the contract is validated, whatever parser produced it: 1,000,000 `"` as
text (1 MB) made 1,000,001 warnings and a 75 MB article, which the API then had to load to serve.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Lists of the contract other than paragraphs and warnings, and the lists inside their items.
ITEM_LISTS = ("authors", "media", "removed", "quotes", "entities", "dates", "keywords", "near_duplicates")
NESTED_LISTS = {"media": ("alt_captions", "agencies"), "entities": ("aliases",)}
# Numbers in a warning are its particulars (a paragraph, an offset): warnings equal but for them are one kind.
PARTICULARS = re.compile(r"\d+")


@dataclass(frozen=True)
class OutputLimits:
    """The caps (INGEST_OUTPUT_*), stated in README.md and docs/RELIABILITY.md."""

    max_paragraphs: int = 5000
    max_items: int = 1000
    max_warnings: int = 50
    # The stored result may be at most this many times the input's size, or size_floor_bytes if that is larger.
    size_factor: int = 6
    size_floor_bytes: int = 256 * 1024

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OutputLimits:
        return cls(
            max_paragraphs=config["OUTPUT_MAX_PARAGRAPHS"],
            max_items=config["OUTPUT_MAX_ITEMS"],
            max_warnings=config["OUTPUT_MAX_WARNINGS"],
            size_factor=config["OUTPUT_SIZE_FACTOR"],
            size_floor_bytes=config["OUTPUT_SIZE_FLOOR_BYTES"],
        )

    def max_result_bytes(self, input_bytes: int) -> int:
        return max(self.size_factor * input_bytes, self.size_floor_bytes)


class OutputTooLarge(Exception):
    """The result is still over its size bound once every list is capped; the message says by how much."""


def aggregate_warnings(warnings: list[str], limit: int) -> list[str]:
    """One line per kind of warning, with how many more there were like it; at most `limit` lines."""
    kinds: dict[str, list[Any]] = {}
    for warning in warnings:
        kind = PARTICULARS.sub("#", warning)
        if kind in kinds:
            kinds[kind][1] += 1
        else:
            kinds[kind] = [warning, 0]
    lines = [f"{first} (and {more:,} more like it)" if more else first for first, more in kinds.values()]
    if len(lines) > limit:
        hidden = sum(1 + more for _, more in list(kinds.values())[limit - 1 :])
        lines = [*lines[: limit - 1], f"{hidden:,} more warnings of {len(lines) - limit + 1:,} other kinds"]
    return lines


def _cap(items: list[Any], limit: int, name: str, notes: list[str]) -> list[Any]:
    if len(items) <= limit:
        return items
    notes.append(f"{name}: {len(items):,} found, the first {limit:,} kept")
    return items[:limit]


def bound_result(result: dict[str, Any], input_bytes: int, limits: OutputLimits) -> dict[str, Any]:
    """The result with every list capped and warnings aggregated; OutputTooLarge if it is still over its size bound."""
    bounded = dict(result)
    notes: list[str] = []
    paragraphs = bounded.get("paragraphs")
    if isinstance(paragraphs, list) and len(paragraphs) > limits.max_paragraphs:
        bounded["paragraphs"] = _cap(paragraphs, limits.max_paragraphs, "paragraphs", notes)
        # The body is the paragraphs joined: it keeps the same ones.
        bounded["body"] = "\n\n".join(str(paragraph.get("text", "")) for paragraph in bounded["paragraphs"])
    for name in ITEM_LISTS:
        if isinstance(bounded.get(name), list):
            bounded[name] = _cap(bounded[name], limits.max_items, name, notes)
    for name, inner_names in NESTED_LISTS.items():
        for item in bounded.get(name) or []:
            for inner in inner_names:
                if isinstance(item, dict) and isinstance(item.get(inner), list):
                    item[inner] = _cap(item[inner], limits.max_items, f"{name}[].{inner}", notes)
    warnings = [str(warning) for warning in bounded.get("warnings") or []]
    if warnings or notes:
        bounded["warnings"] = aggregate_warnings(warnings, max(1, limits.max_warnings - len(notes))) + notes
    size = len(json.dumps(bounded, ensure_ascii=False, default=str).encode())
    allowed = limits.max_result_bytes(input_bytes)
    if size > allowed:
        raise OutputTooLarge(
            f"The parsed article would take {size:,} bytes, more than {allowed:,} "
            f"({limits.size_factor} times the {input_bytes:,}-byte input, or {limits.size_floor_bytes:,} bytes)."
        )
    return bounded
