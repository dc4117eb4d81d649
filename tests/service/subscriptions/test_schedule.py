"""The outbound retry schedule: a pure function of the failures so far, the clock and Retry-After."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.subscriptions.delivery import JITTER, RETRY_SCHEDULE, next_attempt_at, parse_retry_after

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
UNITS = {"s": timedelta(seconds=1), "min": timedelta(minutes=1), "h": timedelta(hours=1)}


def documented_schedule() -> list[timedelta]:
    """The waits docs/webhooks.md promises subscribers ("Retries come after 5 s, 5 min, ... and 24 h")."""
    text = " ".join((Path(__file__).parents[3] / "docs" / "webhooks.md").read_text().split())
    promise = re.search(r"Retries come after (.+?) \(", text)
    assert promise, "docs/webhooks.md states the retry schedule"
    waits = re.findall(r"(\d+) (s|min|h)\b", promise.group(1))
    return [int(amount) * UNITS[unit] for amount, unit in waits]


EXPECTED = documented_schedule()


def test_the_schedule_is_the_documented_one() -> None:
    assert len(EXPECTED) == 9, "ten attempts: the first and nine retries"
    assert list(RETRY_SCHEDULE) == EXPECTED


@pytest.mark.parametrize("failures", range(1, 10))
def test_each_retry_waits_its_slot_give_or_take_the_jitter(failures: int) -> None:
    slot = EXPECTED[failures - 1]
    waits = {next_attempt_at(failures, NOW, rng=random.Random(seed)) - NOW for seed in range(50)}  # type: ignore[operator]

    assert all(slot * (1 - JITTER) <= wait <= slot * (1 + JITTER) for wait in waits)
    assert len(waits) > 1, "jitter spreads retries"


def test_no_retry_once_the_schedule_is_used_up() -> None:
    assert next_attempt_at(len(EXPECTED) + 1, NOW) is None
    assert next_attempt_at(0, NOW) is None


def test_retry_after_is_honoured_and_bounded() -> None:
    rng = random.Random(1)
    assert next_attempt_at(1, NOW, retry_after=timedelta(minutes=2), rng=rng) == NOW + timedelta(minutes=2)
    # Never sooner than the schedule, never later than a day.
    assert next_attempt_at(3, NOW, retry_after=timedelta(seconds=1), rng=rng) >= NOW + timedelta(minutes=27)  # type: ignore[operator]
    assert next_attempt_at(1, NOW, retry_after=timedelta(days=30), rng=rng) == NOW + timedelta(hours=24)


def test_retry_after_as_seconds_or_http_date() -> None:
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after("Thu, 01 Jan 2026 12:10:00 GMT", NOW) == timedelta(minutes=10)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None
