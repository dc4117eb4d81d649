"""Who may process an article: the pure decision behind a claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.articles.claims import ClaimDecision, ClaimPolicy, ClaimToken, decide_claim
from service.articles.models import Article

POLICY = ClaimPolicy(max_attempts=2, stale_after=timedelta(minutes=5))
# The decision is taken at this moment, whenever the test runs.
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def article(status: str, attempts: int = 0, token: str | None = None, started_minutes_ago: float = 1) -> Article:
    return Article(
        status=status,
        attempts=attempts,
        claim_token=token,
        processing_started_at=NOW - timedelta(minutes=started_minutes_ago),
    )


@pytest.mark.parametrize(
    ("state", "token", "reprocess", "expected"),
    [
        (article("queued"), ClaimToken("a"), False, ClaimDecision.CLAIM),
        (article("done"), ClaimToken("a"), False, ClaimDecision.SKIP),
        (article("failed"), ClaimToken("a"), True, ClaimDecision.CLAIM),
        # another message holds a fresh claim: leave it alone
        (article("processing", 1, "b:0"), ClaimToken("a"), False, ClaimDecision.SKIP),
        # the same message again: its worker died mid-task
        (article("processing", 1, "a:0"), ClaimToken("a"), False, ClaimDecision.CLAIM),
        (article("processing", 2, "a:0"), ClaimToken("a"), False, ClaimDecision.GIVE_UP),
        # our own retry after a transient error that could not hand the article back
        (article("processing", 1, "a:0"), ClaimToken("a", 1), False, ClaimDecision.RECLAIM),
        # a claim older than the hard time limit has no living holder
        (article("processing", 1, "b:0", started_minutes_ago=10), ClaimToken("a"), False, ClaimDecision.CLAIM),
        (article("processing", 2, "b:0", started_minutes_ago=10), ClaimToken("a"), False, ClaimDecision.GIVE_UP),
    ],
)
def test_decide_claim(state: Article, token: ClaimToken, reprocess: bool, expected: str) -> None:
    assert decide_claim(state, token, POLICY, reprocess=reprocess, now=NOW) == expected
