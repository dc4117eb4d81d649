"""Reading a JSON request body strictly: UTF-8 only, bounded nesting, and a reason a client can act on when it is not.

Every JSON body (articles, batches and NDJSON lines, the other resources through webargs, signed webhooks) is read
here, so a body nested 100,000 deep is a 400 rather than a RecursionError, and invalid UTF-8, a raw control
character, an empty body or an HTML page sent as JSON each say so instead of Werkzeug's generic sentence.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from service.web.problems import abort_problem

# Far deeper than any document we accept needs (an article's metadata is a few levels at most), far shallower
# than Python's recursion limit, so validating, storing and dumping a loaded body never recurse out.
MAX_JSON_DEPTH = 32
INVALID_JSON = "invalid-json"


class JsonBodyError(ValueError):
    """The body is not a JSON document we read; the message says why, naming the byte, line or depth."""


def load_json(body: bytes) -> Any:
    """The document in a request body; JsonBodyError when it is empty, not UTF-8, not JSON or nested too deep."""
    if not body.strip():
        raise JsonBodyError("The body is empty; send a JSON document.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonBodyError(
            f"The body is not valid UTF-8: byte 0x{body[error.start]:02x} at offset {error.start} ({error.reason})."
        ) from error
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        raise JsonBodyError("The body looks like HTML or XML, not JSON; send a page as text/html (or in 'html').")
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise JsonBodyError(f"The body is nested deeper than {MAX_JSON_DEPTH} levels.") from error
    except json.JSONDecodeError as error:
        raise JsonBodyError(_decode_reason(error)) from error
    if _depth_exceeds(document, MAX_JSON_DEPTH):
        raise JsonBodyError(f"The body is nested deeper than {MAX_JSON_DEPTH} levels.")
    return document


def _decode_reason(error: json.JSONDecodeError) -> str:
    where = f"line {error.lineno} column {error.colno}"
    if error.msg.startswith("Invalid control character"):
        character = error.doc[error.pos] if error.pos < len(error.doc) else ""
        code = f" (U+{ord(character):04X})" if character else ""
        return f"The body has a raw control character{code} at {where}; escape it in the string (\\uXXXX)."
    return f"The body is not valid JSON: {error.msg} at {where}."


def _depth_exceeds(document: Any, limit: int) -> bool:
    """Walked with a stack of our own: the check must not itself recurse on the input."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def refuse_json(error: JsonBodyError) -> NoReturn:
    """The 400 every unreadable JSON body gets, its reason under `errors.body`."""
    abort_problem(400, str(error), problem_type=INVALID_JSON, errors={"body": [str(error)]})


def json_from(body: bytes) -> Any:
    """The JSON document in a request body, or the 400 problem saying why there is none."""
    try:
        return load_json(body)
    except JsonBodyError as error:
        refuse_json(error)
