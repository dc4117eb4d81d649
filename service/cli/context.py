"""What one-shot commands share: an app context whose connections close when the command ends, and its session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from service.database import current_session

__all__ = ["app_context", "current_session"]


@contextmanager
def app_context() -> Iterator[Any]:
    """An app context for a one-shot command; its connections are closed when the command ends."""
    from service import create_app

    app = create_app()
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["db"].dispose()
