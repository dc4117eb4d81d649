"""Near-duplicate look-up: candidates by shared LSH band in the database, confirmed by fingerprint similarity."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import BindParameter, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from service.articles.models import Article, ArticleStatus, FingerprintBand
from service.database import table

# Enough for any real cluster of copies of one story; bounds the work when a band key is unusually common.
MAX_CANDIDATES = 200
# An article lists at most this many near-duplicates, the most similar first (a story copied by hundreds of sites
# must not grow every copy's document without end).
MAX_LISTED = 50
# Estimated Jaccard similarity of word shingles from which two bodies tell the same story.
NEAR_DUPLICATE_SIMILARITY = 0.5


def similarity(fingerprints_a: Mapping[str, Any], fingerprints_b: Mapping[str, Any]) -> float:
    """Estimated Jaccard similarity of two bodies from their contract fingerprints (0 when either has none).

    `minhash` is the MinHash signature the pipeline stores, 8 hex digits per value: the share of equal values
    estimates the share of shingles the two bodies have in common.
    """
    hex_a, hex_b = fingerprints_a.get("minhash"), fingerprints_b.get("minhash")
    if not isinstance(hex_a, str) or not isinstance(hex_b, str) or not hex_a or len(hex_a) != len(hex_b):
        return 0.0
    if fingerprints_a.get("content_sha256") == fingerprints_b.get("content_sha256"):
        return 1.0
    values_a = np.frombuffer(bytes.fromhex(hex_a), dtype=">u4")
    values_b = np.frombuffer(bytes.fromhex(hex_b), dtype=">u4")
    return float(np.mean(values_a == values_b))


def planned_with(values: Collection[str]) -> BindParameter[Any]:
    """An IN list written into the statement, so PostgreSQL plans the look-up for these values each time.

    Sent as parameters, a statement run often is prepared by the driver and PostgreSQL keeps a generic plan for it:
    one made while the tables were small (a sequential scan) stays a sequential scan as they grow, and without
    autovacuum (as on the CI machines) nothing makes it plan again. The band look-up took 3 to 4.5 ms at 240
    articles that way, 0.3 ms planned each time (issue 11).
    """
    return bindparam(None, list(values), expanding=True, literal_execute=True)


@dataclass
class NearDuplicates:
    duplicate_of: str | None
    matches: list[dict[str, Any]]
    # Matches received after the article: they were processed first and must learn about it (see link_back).
    later_ids: list[str] = field(default_factory=list)


def find(session: Session, article: Article, fingerprints: dict[str, Any]) -> NearDuplicates:
    """Processed articles of the same tenant that tell the same story, most similar first."""
    bands = list(fingerprints.get("minhash_bands") or [])
    if not bands:
        return NearDuplicates(None, [])
    # Two statements, each with one way to run it whatever the planner knows: the candidates from the band key index
    # (migration 0015), then their rows by primary key, the status checked here. As one statement with a subquery,
    # a table without statistics yet (a new deployment, a fast-growing tenant) was planned as a walk over every
    # processed article or every band key of the tenant: 4.5 ms a look-up at 240 articles (issue 11).
    candidate_ids = session.scalars(
        select(FingerprintBand.article_id)
        .where(
            FingerprintBand.band.in_(planned_with(bands)),
            FingerprintBand.tenant_id == article.tenant_id,
            FingerprintBand.article_id != article.id,
        )
        .distinct()
        .limit(MAX_CANDIDATES)
    ).all()
    if not candidate_ids:  # a story told once: most articles
        return NearDuplicates(None, [])
    compared = func.coalesce(Article.fingerprints, Article.result["fingerprints"])
    rows = session.execute(
        select(Article.id, Article.received_at, Article.status, compared).where(
            Article.id.in_(planned_with(candidate_ids))
        )
    ).all()
    matches = []
    for candidate_id, received_at, status, candidate_fingerprints in rows:
        if status != ArticleStatus.DONE:
            continue
        score = similarity(fingerprints, candidate_fingerprints or {})
        if score >= NEAR_DUPLICATE_SIMILARITY:
            matches.append((candidate_id, received_at, round(score, 3)))
    if not matches:
        return NearDuplicates(None, [])
    ranked = sorted(matches, key=lambda match: (-match[2], match[1]))
    # Only an article received earlier can be what this one duplicates; later ones are its copies instead.
    earlier = [match for match in matches if (match[1], match[0]) < (article.received_at, article.id)]
    earliest = min(earlier, key=lambda match: (match[1], match[0]))[0] if earlier else None
    later = [match[0] for match in matches if (match[1], match[0]) > (article.received_at, article.id)]
    listed = [{"id": match[0], "similarity": match[2]} for match in ranked]
    return NearDuplicates(earliest, listed[:MAX_LISTED], later)


def link_back(session: Session, article: Article, similar: NearDuplicates) -> None:
    """Tell every match about this article, so near-duplicate links go both ways; the caller commits.

    Earlier articles (the originals) list their copies; a copy received later but processed earlier (processing
    order is not arrival order: a batch, several workers) also takes this article as its `duplicate_of` when it was
    received first. The links are read first and only the results they change are loaded and written: a list already
    holding MAX_LISTED closer matches stays as it is, and rewriting whole results unchanged was most of the worker's
    time beyond parsing on a large cluster of copies (issue 14's throughput).
    """
    if not similar.matches:
        return
    similarity = {match["id"]: match["similarity"] for match in similar.matches}
    links = session.execute(
        select(Article.id, Article.result["near_duplicates"], Article.result["duplicate_of"]).where(
            Article.id.in_(planned_with(similarity)), Article.result.is_not(None)
        )
    ).all()
    later = set(similar.later_ids)
    originals = _received(session, {duplicate_of for other_id, _, duplicate_of in links if other_id in later})
    mine = (article.received_at, article.id)
    changed: dict[str, tuple[list[dict[str, Any]], str | None]] = {}
    for other_id, listed, named in links:
        kept = [entry for entry in listed or [] if entry.get("id") != article.id]
        kept.append({"id": article.id, "similarity": similarity[other_id]})
        kept = sorted(kept, key=lambda entry: -float(entry["similarity"]))[:MAX_LISTED]
        duplicate_of = named
        if other_id in later and (named not in originals or mine < originals[named]):
            duplicate_of = article.id
        if kept != listed or duplicate_of != named:
            changed[other_id] = (kept, duplicate_of)
    if changed:
        for other in session.scalars(select(Article).where(Article.id.in_(planned_with(changed)))):
            listed, duplicate_of = changed[other.id]
            other.result = {**(other.result or {}), "near_duplicates": listed, "duplicate_of": duplicate_of}


def _received(session: Session, article_ids: set[str | None]) -> dict[str, tuple[Any, str]]:
    """When each of these articles was received, as (received_at, id) to compare with; absent ones are left out."""
    wanted = {article_id for article_id in article_ids if article_id}
    if not wanted:
        return {}
    rows = session.execute(select(Article.id, Article.received_at).where(Article.id.in_(planned_with(wanted))))
    return {article_id: (received_at, article_id) for article_id, received_at in rows}


def unlink(session: Session, article: Article) -> None:
    """Before `article` is deleted: drop it from every near-duplicate list, and re-point the copies that named it as
    their `duplicate_of` to the earliest original they still have (or to none); the caller commits."""
    listed = [entry.get("id") for entry in (article.result or {}).get("near_duplicates") or []]
    linked = session.scalars(
        select(Article).where(
            Article.tenant_id == article.tenant_id,
            Article.id != article.id,
            Article.id.in_(listed) | (Article.result["duplicate_of"].as_string() == article.id),
        )
    ).all()
    for other in linked:
        result = dict(other.result or {})
        remaining = [entry for entry in result.get("near_duplicates") or [] if entry.get("id") != article.id]
        result["near_duplicates"] = remaining
        if result.get("duplicate_of") == article.id:
            result["duplicate_of"] = _earliest_before(session, other, [entry["id"] for entry in remaining])
        other.result = result


def _earliest_before(session: Session, copy: Article, candidate_ids: list[str]) -> str | None:
    earlier = session.execute(
        select(Article.id)
        .where(
            Article.id.in_(candidate_ids),
            Article.status == ArticleStatus.DONE,
            (Article.received_at < copy.received_at)
            | ((Article.received_at == copy.received_at) & (Article.id < copy.id)),
        )
        .order_by(Article.received_at, Article.id)
        .limit(1)
    ).scalar()
    return earlier


# The fingerprints `similarity` compares, kept on the article row for look-ups.
COMPARED_FINGERPRINTS = ("minhash", "content_sha256")


def index(session: Session, article: Article, fingerprints: dict[str, Any], *, first_time: bool = False) -> None:
    """Replace the article's band keys (a reprocessed article may have new ones); the caller commits.

    `first_time`: the article never had a result stored, so it has no keys to delete. The keys go in as one
    multi-row INSERT (a Core statement: the unit of work would track 32 objects per article for nothing).
    """
    article.fingerprints = {key: fingerprints[key] for key in COMPARED_FINGERPRINTS if key in fingerprints}
    if not first_time:
        session.execute(delete(FingerprintBand).where(FingerprintBand.article_id == article.id))
    rows = [
        {"tenant_id": article.tenant_id, "band": band, "article_id": article.id}
        for band in dict.fromkeys(fingerprints.get("minhash_bands") or [])
    ]
    if rows:
        session.execute(insert(table(FingerprintBand)), rows)
