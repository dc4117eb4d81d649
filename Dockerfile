# One image for every role: the API (gunicorn), workers, the scheduler and the one-shot migration.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INGEST_VAR_DIR=/var/lib/ingest

RUN groupadd --system ingest && useradd --system --gid ingest --home-dir /app ingest \
    && mkdir -p /var/lib/ingest && chown ingest:ingest /var/lib/ingest

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY service ./service
COPY workers ./workers
COPY seeds ./seeds
RUN pip install -c constraints.txt .

USER ingest
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["ingest", "api", "--bind", "0.0.0.0:8000"]
