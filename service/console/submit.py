"""Submitting: text or HTML pasted into a form, or files dropped on the page (one request per file, from script)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from flask import g, request, url_for
from marshmallow import ValidationError

from service.articles.schemas import ArticleSubmitSchema, SubmitOptionsSchema
from service.articles.submit import Submission, submission_from_json, submit
from service.console.base import Routes, back_to, database, render, requires, tenant_id

routes = Routes()

CONSOLE_SOURCE = "console"
FILE_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html", ".htm": "text/html"}
OPTION_FIELDS = ("source", "url", "published_at", "language")
PASTED = ArticleSubmitSchema()
FILE_OPTIONS = SubmitOptionsSchema()


@routes.route("/submit")
@requires("ingest")
def submit_page() -> Any:
    return render("submit.html", form={"source": CONSOLE_SOURCE}, errors={}, file_types=sorted(FILE_TYPES))


@routes.route("/submit", methods=["POST"])
@requires("ingest")
def submit_pasted() -> Any:
    """The pasted document goes through the API's own schema and submit path, as a JSON submission would."""
    form = {name: request.form.get(name, "").strip() for name in (*OPTION_FIELDS, "format")}
    document = request.form.get("document", "")
    as_html = form["format"] == "html" or (form["format"] == "auto" and document.lstrip().startswith("<"))
    data: dict[str, Any] = {name: form[name] for name in OPTION_FIELDS if form[name]}
    data["html" if as_html else "text"] = document
    try:
        loaded = PASTED.load(data)
    except ValidationError as error:
        return render(
            "submit.html", status=422, form={**form, "document": document}, errors=error.messages, file_types=[]
        )
    result = submit(database(), submission_from_json(loaded, tenant_id=tenant_id(), request_id=g.get("request_id")))
    message = "Already stored: this is the same document." if result.duplicate else "Submitted."
    return back_to("console.article", message, article_id=result.article.id)


@routes.route("/submit/file", methods=["POST"])
@requires("ingest", json=True)
def submit_file() -> Any:
    """One dropped file as the raw body; its name, and the options, in the query string."""
    name = request.args.get("name", "")
    content_type = FILE_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None:
        return {"error": f"Only {', '.join(sorted(FILE_TYPES))} files are accepted."}, 415
    options = {field: request.args[field] for field in OPTION_FIELDS if request.args.get(field)}
    try:
        loaded = FILE_OPTIONS.load(options)
    except ValidationError as error:
        return {"error": f"The options are not valid: {error.messages}"}, 422
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {"error": "The file is empty."}, 422
    submission = Submission(
        raw=raw,
        # No charset claimed: the pipeline finds it (BOM, meta tag, UTF-8, cp1252) as for any raw body.
        content_type=content_type,
        declared_format="html" if content_type == "text/html" else "text",
        source=loaded.get("source") or CONSOLE_SOURCE,
        url=loaded.get("url"),
        published_at=loaded.get("published_at"),
        language=loaded.get("language"),
        metadata={"filename": name[:300]},
        tenant_id=tenant_id(),
        request_id=g.get("request_id"),
    )
    result = submit(database(), submission)
    return {
        "id": result.article.id,
        "status": result.article.status,
        "duplicate": result.duplicate,
        "link": url_for("console.article", article_id=result.article.id),
    }
