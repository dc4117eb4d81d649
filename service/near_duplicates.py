"""Near-duplicate look-up: candidates by shared LSH band in the database, confirmed by fingerprint similarity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.models import Article, ArticleStatus, FingerprintBand
from workers.pipeline import fingerprint

# Enough for any real cluster of copies of one story; bounds the work when a band key is unusually common.
MAX_CANDIDATES = 200


@dataclass
class NearDuplicates:
    duplicate_of: str | None
    matches: list[dict[str, Any]]


def find(session: Session, article: Article, fingerprints: dict[str, Any]) -> NearDuplicates:
    """Processed articles of the same tenant that tell the same story, most similar first."""
    bands = list(fingerprints.get("minhash_bands") or [])
    if not bands:
        return NearDuplicates(None, [])
    candidate_ids = (
        select(FingerprintBand.article_id)
        .where(
            FingerprintBand.tenant_id == article.tenant_id,
            FingerprintBand.band.in_(bands),
            FingerprintBand.article_id != article.id,
        )
        .distinct()
        .limit(MAX_CANDIDATES)
    )
    rows = session.execute(
        select(Article.id, Article.received_at, Article.result["fingerprints"]).where(
            Article.id.in_(candidate_ids), Article.status == ArticleStatus.DONE
        )
    ).all()
    matches = []
    for candidate_id, received_at, candidate_fingerprints in rows:
        score = fingerprint.similarity(fingerprints, candidate_fingerprints or {})
        if score >= fingerprint.NEAR_DUPLICATE_SIMILARITY:
            matches.append((candidate_id, received_at, round(score, 3)))
    if not matches:
        return NearDuplicates(None, [])
    earliest = min(matches, key=lambda match: (match[1], match[0]))
    ranked = sorted(matches, key=lambda match: (-match[2], match[1]))
    return NearDuplicates(earliest[0], [{"id": match[0], "similarity": match[2]} for match in ranked])


def index(session: Session, article: Article, fingerprints: dict[str, Any]) -> None:
    """Replace the article's band keys (a reprocessed article may have new ones); the caller commits."""
    session.execute(delete(FingerprintBand).where(FingerprintBand.article_id == article.id))
    session.add_all(
        FingerprintBand(tenant_id=article.tenant_id, band=band, article_id=article.id)
        for band in dict.fromkeys(fingerprints.get("minhash_bands") or [])
    )
