"""Score quote finders on the annotated dev set: span-Dice matching, precision/recall/F1, speaker accuracy.

Usage: python bench/quotes/score.py [--split tune|check|all] [--system ours|textacy|all] [--write] [--errors]

A predicted quote matches a gold quote when the Dice coefficient of their character sets (the union of each
quote's parts) is >= 0.5; matching is one-to-one, best Dice first. Precision = matches / predicted, recall =
matches / gold, F1 their harmonic mean, summed over the documents of the split (micro-averaged). Speaker accuracy
is over the matched quotes whose gold speaker is named (a person or an organisation with a name); see
`names_agree` for what counts as the same name. `--write` appends the rows to bench/RESULTS.md; `--errors`
prints each miss, false alarm and wrong speaker (use it on the tune split only: the check split is looked at once).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
sys.path.insert(0, str(PROJECT))

from bench.quotes.systems import Prediction, ours, textacy_available, textacy_quotes  # noqa: E402

MIN_DICE = 0.5
RESULTS = PROJECT / "bench" / "RESULTS.md"
SECTION = "## Quotes"
# Titles and suffixes that are not part of a name for comparison ("Dr. Luz Contreras Arroyo", "Kennedy Jr.").
_NOT_NAME_WORDS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "president",
        "prince",
        "sir",
        "lord",
        "dame",
        "jr",
        "sr",
        "ii",
        "iii",
        "the",
    }
)


def check_split(ids: list[str]) -> set[str]:
    """Documents kept aside as the final check: every fourth in id order, fixed before any tuning."""
    return {identifier for index, identifier in enumerate(sorted(ids)) if index % 4 == 3}


@dataclass
class Tally:
    """Counts over a split for one system."""

    documents: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    named: int = 0  # matched quotes whose gold speaker is named
    speaker_correct: int = 0
    errors: list[str] = field(default_factory=list)

    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0

    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.named if self.named else 0.0


def dice(first: set[int], second: set[int]) -> float:
    """2|A∩B| / (|A|+|B|) over character positions."""
    return 2 * len(first & second) / (len(first) + len(second)) if first or second else 0.0


def characters(parts: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> set[int]:
    return {position for start, end in parts for position in range(start, end)}


def normalise_name(name: str) -> list[str]:
    """Lower-case words of a name without titles, possessives and punctuation."""
    name = re.sub(r"[’']s\b", "", name.casefold())
    words = re.findall(r"[\w-]+", name)
    return [word for word in words if word not in _NOT_NAME_WORDS]


def names_agree(predicted: str | None, gold: str, aliases: list[str]) -> bool:
    """Same name, an alias the article uses, or one name a leading or trailing run of the other's words.

    "Trump" agrees with "Donald Trump", "Liu" with "Liu Xiaming", "Big Machine" with "Big Machine Records": the
    article's own short form of the name. "Michael Sims" does not agree with "Michael Thomas".
    """
    if not predicted:
        return False
    guess = normalise_name(predicted)
    if not guess:
        return False
    for name in [gold, *aliases]:
        words = normalise_name(name)
        shorter, longer = sorted((guess, words), key=len)
        if shorter and (longer[: len(shorter)] == shorter or longer[-len(shorter) :] == shorter):
            return True
    return False


def score_document(document: dict, predictions: list[Prediction], tally: Tally) -> None:
    """Match one document's predictions to its gold quotes and add to the tally."""
    gold = document["quotes"]
    gold_sets = [characters([(part["start"], part["end"]) for part in quote["parts"]]) for quote in gold]
    predicted_sets = [characters(prediction.parts) for prediction in predictions]
    pairs = sorted(
        (
            (dice(gold_set, predicted_set), g, p)
            for g, gold_set in enumerate(gold_sets)
            for p, predicted_set in enumerate(predicted_sets)
            if gold_set & predicted_set
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    text = document["text"]
    for value, g, p in pairs:
        if value < MIN_DICE or g in used_gold or p in used_predicted:
            continue
        used_gold.add(g)
        used_predicted.add(p)
        quote, prediction = gold[g], predictions[p]
        if quote["speaker"]:
            tally.named += 1
            if names_agree(prediction.speaker, quote["speaker"], quote["speaker_aliases"]):
                tally.speaker_correct += 1
            else:
                tally.errors.append(
                    f"{document['id'][:8]} SPEAKER gold={quote['speaker']!r} got={prediction.speaker!r}: "
                    f"{quote['parts'][0]['text'][:60]!r}"
                )
    for g, quote in enumerate(gold):
        if g not in used_gold:
            tally.errors.append(f"{document['id'][:8]} MISSED ({quote['speaker']}): {quote['parts'][0]['text'][:80]!r}")
    for p, prediction in enumerate(predictions):
        if p not in used_predicted:
            spans = " + ".join(repr(text[start:end][:60]) for start, end in prediction.parts)
            tally.errors.append(f"{document['id'][:8]} FALSE ({prediction.speaker}): {spans}")
    tally.documents += 1
    tally.gold += len(gold)
    tally.predicted += len(predictions)
    tally.matched += len(used_gold)


def load_documents(split: str) -> list[dict]:
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((HERE / "dev").glob("*.json"))]
    check = check_split([document["id"] for document in documents])
    if split == "all":
        return documents
    return [document for document in documents if (document["id"] in check) == (split == "check")]


def run(system: Callable[[str], list[Prediction]], documents: list[dict]) -> Tally:
    tally = Tally()
    for document in documents:
        score_document(document, system(document["text"]), tally)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "check", "all"], default="tune")
    parser.add_argument("--system", choices=["ours", "textacy", "all"], default="all")
    parser.add_argument("--write", action="store_true", help="append the rows to bench/RESULTS.md")
    parser.add_argument("--errors", action="store_true", help="print every error (tune split only)")
    arguments = parser.parse_args()
    systems: dict[str, Callable[[str], list[Prediction]]] = {}
    if arguments.system in ("ours", "all"):
        systems["ours (parse, text)"] = ours
    if arguments.system in ("textacy", "all"):
        missing = textacy_available()
        if missing:
            print(f"textacy anchor not measured: {missing}", file=sys.stderr)
        else:
            systems["textacy 0.13.0 direct_quotations"] = textacy_quotes
    splits = ["tune", "check"] if arguments.split == "all" else [arguments.split]
    rows = []
    for split in splits:
        documents = load_documents(split)
        for name, system in systems.items():
            tally = run(system, documents)
            rows.append(_row(name, split, tally))
            if arguments.errors and split == "tune":
                print("\n".join(tally.errors))
    header = _table_header()
    print("\n".join([header, *rows]))
    if arguments.write:
        _write(rows)
    return 0


def _row(name: str, split: str, tally: Tally) -> str:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    return (
        f"| {stamp} | {_commit()} | {name} | {split} | {tally.documents} | {tally.gold} | {tally.predicted} | "
        f"{tally.precision():.3f} | {tally.recall():.3f} | **{tally.f1():.3f}** | "
        f"{tally.speaker_accuracy():.3f} ({tally.speaker_correct}/{tally.named}) |"
    )


def _table_header() -> str:
    return (
        "| date (UTC) | commit | system | split | docs | gold | predicted | precision | recall | F1 "
        "| speaker accuracy |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )


def _commit() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=PROJECT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "workers", "bench/quotes")
    return git("rev-parse", "--short", "HEAD") + ("+changes" if dirty else "")


def _write(rows: list[str]) -> None:
    """Append rows to the quotes table of RESULTS.md (the section and its header are created once)."""
    text = RESULTS.read_text(encoding="utf-8")
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\nRuns of `make bench-quotes`, newest last:\n\n{_table_header()}\n"
    start = text.index(SECTION)
    # The section ends at the next heading or at the next section's marker comment (`<!-- service benchmarks ...`).
    following = [found for found in (text.find(m, start + len(SECTION)) for m in ("\n## ", "\n<!--")) if found >= 0]
    end = min(following) + 1 if following else len(text)
    section = text[start:end].rstrip("\n") + "\n" + "\n".join(rows) + "\n"
    rest = text[end:]
    RESULTS.write_text(text[:start] + section + ("\n" + rest if rest else ""), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
