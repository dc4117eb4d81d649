"""Group commit: concurrent submissions stored in one transaction, each request answered with its own article, and
a submission the database refuses failing alone."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from service.articles.group_commit import GroupCommitter, _Waiting
from service.articles.models import Article
from service.articles.submit import Submission, SubmitResult


class CountingCommitter(GroupCommitter):
    """Records the size of every group it stores."""

    def __init__(self) -> None:
        super().__init__(max_group=100, max_leaders=1)
        self.groups: list[int] = []

    def _store(self, session: Session, group: list[_Waiting]) -> None:
        self.groups.append(len(group))
        super()._store(session, group)


@pytest.fixture
def source(app: Flask) -> Iterator[str]:
    """A source of this test's own; its articles are deleted afterwards (these tests commit for real)."""
    name = f"group-{uuid.uuid4().hex[:8]}"
    yield name
    with app.extensions["db"].session_factory() as session:
        session.execute(delete(Article).where(Article.source == name))
        session.commit()


def _wait_for(predicate: Any) -> None:
    deadline = time.monotonic() + 30
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _submit_in_threads(app: Flask, committer: GroupCommitter, submissions: list[Submission]) -> list[Any]:
    """Each submission from a thread of its own with a session of its own, as gunicorn's threads would; the answers
    (a SubmitResult or the exception raised) in order."""
    answers: list[Any] = [None] * len(submissions)

    def run(index: int) -> None:
        with app.extensions["db"].session_factory() as session:
            try:
                answers[index] = committer.submit(session, submissions[index])
            except Exception as error:
                answers[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(submissions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _behind_a_slow_commit(app: Flask, committer: CountingCommitter, source: str, later: list[Submission]) -> list[Any]:
    """Submit one document whose commit is held up (another transaction locks the table), submit `later` while it
    waits, then let it go; the answers to `later`."""
    answers: list[Any] = []
    with app.extensions["db"].engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE raw_documents IN EXCLUSIVE MODE"))
        opener = Submission(raw=b"opener", content_type="text/plain", source=source)
        first = threading.Thread(target=_submit_in_threads, args=(app, committer, [opener]))
        first.start()
        _wait_for(lambda: committer.groups)
        others = threading.Thread(target=lambda: answers.extend(_submit_in_threads(app, committer, later)))
        others.start()
        _wait_for(lambda: len(committer._waiting) == len(later))
        blocker.rollback()
    first.join(timeout=60)
    others.join(timeout=60)
    return answers


def _stored_bodies(app: Flask, source: str) -> dict[str, bytes]:
    with app.extensions["db"].session_factory() as session:
        articles = session.scalars(select(Article).where(Article.source == source))
        return {article.id: article.raw.body for article in articles}


def test_submissions_waiting_behind_a_commit_are_stored_together(app: Flask, source: str) -> None:
    committer = CountingCommitter()
    later = [Submission(raw=f"later {n}".encode(), content_type="text/plain", source=source) for n in range(6)]

    answers = _behind_a_slow_commit(app, committer, source, later)

    assert committer.groups == [1, 6]
    assert all(isinstance(answer, SubmitResult) and not answer.duplicate for answer in answers)
    stored = _stored_bodies(app, source)
    assert len(stored) == 7
    # Each request is answered with its own article.
    assert [stored[answer.article.id] for answer in answers] == [submission.raw for submission in later]


def test_a_submission_the_database_refuses_fails_alone(app: Flask, source: str) -> None:
    committer = CountingCommitter()
    good = [Submission(raw=f"good {n}".encode(), content_type="text/plain", source=source) for n in range(3)]
    # Longer than its column: PostgreSQL refuses the whole INSERT it is part of.
    refused = Submission(raw=b"refused", content_type="text/plain", source=source, external_id="x" * 600)

    answers = _behind_a_slow_commit(app, committer, source, [*good, refused])

    assert committer.groups[:2] == [1, 4], "the four were tried as one group"
    assert [isinstance(answer, SubmitResult) for answer in answers] == [True, True, True, False]
    assert set(_stored_bodies(app, source).values()) == {b"opener", b"good 0", b"good 1", b"good 2"}


def test_with_two_groups_in_flight_every_request_is_answered_with_its_own_article(app: Flask, source: str) -> None:
    committer = GroupCommitter(max_group=100, max_leaders=2)
    submissions = [Submission(raw=f"many {n}".encode(), content_type="text/plain", source=source) for n in range(40)]

    answers = _submit_in_threads(app, committer, submissions)

    assert all(isinstance(answer, SubmitResult) and not answer.duplicate for answer in answers)
    stored = _stored_bodies(app, source)
    assert [stored[answer.article.id] for answer in answers] == [submission.raw for submission in submissions]
    assert committer._leaders == 0 and not committer._waiting, "every lead laid down, nobody left waiting"
