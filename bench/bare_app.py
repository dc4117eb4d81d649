"""The reference for the accept path: a bare Flask endpoint that reads the body and answers 202."""

from flask import Flask, request

app = Flask(__name__)


@app.post("/v1/articles")
def accept() -> tuple[str, int]:
    request.get_data()
    return '{"status": "queued"}', 202
