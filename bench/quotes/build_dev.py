"""Build the quote dev set (`dev/*.json`) from the compact annotations (`annotations/*.txt`) and the source texts.

Usage: python bench/quotes/build_dev.py [--data DIR]

DIR is the Zyte article-extraction benchmark folder (default `../shared/bench/extraction` from the project root);
each annotation file is named after the first 8 characters of a `truth/<id>.json` there, whose `articleBody` is the
annotated text. One annotation line is one quote:

    PARTS | speaker_mention | speaker | speaker_kind

PARTS is one or more parts joined by ` ++ `; a part is `P: exact text` or `P: first words ~~ last words`, P being
the index of the line (paragraph) in `articleBody.split("\\n")` where the part lies; `-` stands for "none" in the
speaker columns, and `speaker` may list aliases the article itself uses after ` = ` (`Drug Enforcement
Administration = DEA`). The conventions are in CONVENTIONS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
KINDS = ("person", "organisation", "description")


class AnnotationError(ValueError):
    """An annotation line that does not resolve to exactly one place in its text."""


def main() -> int:
    """Write one dev JSON file per annotation file; report every line that does not resolve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_default_data())
    arguments = parser.parse_args()
    out_dir = HERE / "dev"
    out_dir.mkdir(exist_ok=True)
    errors = 0
    for annotation in sorted((HERE / "annotations").glob("*.txt")):
        matches = sorted((arguments.data / "truth").glob(f"{annotation.stem}*.json"))
        if len(matches) != 1:
            print(f"{annotation.name}: expected one truth file, found {len(matches)}", file=sys.stderr)
            errors += 1
            continue
        source = json.loads(matches[0].read_text(encoding="utf-8"))
        try:
            document = build_document(source, annotation.read_text(encoding="utf-8"))
        except AnnotationError as error:
            print(f"{annotation.name}: {error}", file=sys.stderr)
            errors += 1
            continue
        target = out_dir / f"{annotation.stem}.json"
        target.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(list(out_dir.glob('*.json')))} dev documents in {out_dir}, {errors} errors")
    return 1 if errors else 0


def _default_data() -> Path:
    """`../shared/bench/extraction` from the checkout, or from the main checkout next to a worktree folder."""
    candidates = [PROJECT.parent / "shared", PROJECT.parents[1] / "shared"]
    return next((folder for folder in candidates if folder.is_dir()), candidates[0]) / "bench" / "extraction"


def build_document(source: dict[str, str], annotation: str) -> dict[str, object]:
    """The dev document: provenance, the text, and each quote with the character spans of its parts."""
    text = source["articleBody"]
    lines = text.split("\n")
    starts = [sum(len(line) + 1 for line in lines[:index]) for index in range(len(lines))]
    quotes = []
    for number, line in enumerate(annotation.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            quotes.append(_quote(line, lines, starts))
        except AnnotationError as error:
            raise AnnotationError(f"line {number}: {error}") from None
    quotes.sort(key=lambda quote: quote["parts"][0]["start"])  # type: ignore[index]
    return {
        "id": source["id"],
        "source": "scrapinghub/article-extraction-benchmark, truth/<id>.json articleBody (MIT licence, SOURCE.md)",
        "url": source["url"],
        "text": text,
        "quotes": quotes,
    }


def _quote(line: str, lines: list[str], starts: list[int]) -> dict[str, object]:
    fields = [field.strip() for field in line.split(" | ")]
    if len(fields) != 4:
        raise AnnotationError(f"expected 4 fields separated by ' | ', got {len(fields)}")
    parts_field, mention, speaker_field, kind = fields
    if kind not in KINDS:
        raise AnnotationError(f"speaker_kind {kind!r} is not one of {KINDS}")
    names = [name.strip() for name in speaker_field.split(" = ")] if speaker_field != "-" else []
    parts = [_part(part, lines, starts) for part in parts_field.split(" ++ ")]
    return {
        "parts": parts,
        "speaker_mention": None if mention == "-" else mention,
        "speaker": names[0] if names else None,
        "speaker_aliases": names[1:],
        "speaker_kind": kind,
    }


def _part(part: str, lines: list[str], starts: list[int]) -> dict[str, object]:
    index_text, _, body = part.partition(": ")
    index = int(index_text)
    if not 0 <= index < len(lines):
        raise AnnotationError(f"no paragraph {index}")
    paragraph = lines[index]
    first, separator, last = body.partition(" ~~ ")
    begin = _unique(paragraph, first, index)
    if separator:
        end_of_last = paragraph.find(last, begin + len(first))
        if end_of_last < 0:
            raise AnnotationError(f"paragraph {index}: {last!r} not found after {first!r}")
        end = end_of_last + len(last)
    else:
        end = begin + len(first)
    return {
        "text": paragraph[begin:end],
        "paragraph": index,
        "start": starts[index] + begin,
        "end": starts[index] + end,
    }


def _unique(paragraph: str, snippet: str, index: int) -> int:
    position = paragraph.find(snippet)
    if position < 0:
        raise AnnotationError(f"paragraph {index}: {snippet!r} not found")
    # A snippet inside a quote may also occur earlier (`“X,” he said. “X again”`): the annotation names the first.
    return position


if __name__ == "__main__":
    sys.exit(main())
