"""The request class every route reads: a body over the limit is a 413 however it is sent, JSON is read strictly,
and a compressed body is refused rather than stored as garbage."""

from __future__ import annotations

from functools import cached_property
from typing import IO, Any, cast

import flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from service.web.json_bodies import json_from
from service.web.problems import abort_problem

# After a chunked body went over the limit, read and drop up to this much more so that an ordinary client, which
# sends its whole body before reading the answer, sees the 413 instead of a connection reset.
DRAIN_AFTER_LIMIT_BYTES = 16 * 1024 * 1024
IDENTITY_ENCODINGS = {"", "identity"}


class BoundedStream(LimitedStream):
    """A body without Content-Length (chunked) read up to the limit: one byte more is a 413, never a truncated body.

    Werkzeug's own maximum stops reading at the limit and returns what it has, so a 50 MB upload became an article
    of exactly 10 MiB.
    """

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._stream.read(1):
            self._drain()
            raise RequestEntityTooLarge()
        return data

    def _drain(self) -> None:
        left = DRAIN_AFTER_LIMIT_BYTES
        while left > 0 and (chunk := self._stream.read(min(left, 64 * 1024))):
            left -= len(chunk)


class Request(flask.Request):
    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        if self.content_length is None and limit is not None and "wsgi.input_terminated" in self.environ:
            return cast(IO[bytes], BoundedStream(self.environ["wsgi.input"], limit, is_max=True))
        return super().stream

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """Flask's get_json, read strictly (see service/web/json_bodies.py); a 400 problem when it is not JSON."""
        if not (force or self.is_json):
            if silent:
                return None
            abort_problem(
                415,
                f"Content-Type {self.mimetype or '(none)'} is not JSON; send application/json.",
                problem_type="unsupported-media-type",
            )
        return json_from(self.get_data(cache=cache))


def refuse_content_encoding() -> None:
    """A compressed body is refused (415, Accept-Encoding: identity) before anything reads it.

    Decoding would need the size limit applied after decompression and a ratio cap against zip bombs; clients
    that compress can as easily send the document as it is, and our limit is on the document.
    """
    encoding = flask.request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in IDENTITY_ENCODINGS:
        abort_problem(
            415,
            f"Content-Encoding {encoding} is not accepted; send the body uncompressed.",
            problem_type="unsupported-content-encoding",
            errors={"headers": {"Content-Encoding": ["Only identity (no compression) is accepted."]}},
            headers={"Accept-Encoding": "identity"},
        )
