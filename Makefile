# The two commands: `make run` and `make test`. Each creates the virtualenv and installs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test coverage lint format bench bench-embedded bench-extraction bench-pipeline bench-quotes stack reliability console-screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: make PYTHON=python3.12")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(BIN)/ingest run

# Lint first: it takes seconds and a failure there says more than a failing test would.
test: install lint
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest

# The same suite with line coverage of service/ and workers/. Not part of `make test`: tracing doubles the pipeline
# tests' time (70 s against 39 s for tests/workers), and on a slow machine it took `make test` to 14.5 minutes.
coverage: install
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The service targets (accept path, service overhead, scale-out, memory, reads at 100,000 articles) on a stack of
# their own (PostgreSQL database and Redis databases leased like the tests'), written into bench/RESULTS.md; then the
# embedded default, extraction and pipeline benchmarks. Needs wrk (apt-get install wrk). About 45 minutes.
bench: install
	bash scripts/ensure-services.sh
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run_all.py
	$(MAKE) bench-embedded bench-extraction

# The embedded default's throughput against the in-process parser (bench/RESULTS.md).
bench-embedded: install
	$(BIN)/python bench/embedded.py --write

# docker-compose.yml's processes on this machine's PostgreSQL and Redis (no container engine here).
stack: install
	bash scripts/ensure-services.sh
	$(BIN)/python scripts/stack.py

# Full-size runs through kills and outages on the stack; writes the table to docs/RELIABILITY.md (about 2 hours).
reliability: install
	bash scripts/ensure-services.sh
	$(BIN)/python scripts/reliability.py

# The PNGs docs/console.md shows, taken by the console's browser tests.
console-screenshots: install
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh
	INGEST_CONSOLE_SCREENSHOTS=docs/console $(BIN)/python -m pytest tests/console -q -p no:cacheprovider

bench-extraction: install
	$(BIN)/python bench/extraction.py --results bench/RESULTS.md

bench-pipeline: install
	$(BIN)/python bench/pipeline.py

# Quotes and speakers on our annotated dev set, with textacy as the anchor (an extra installed only here).
bench-quotes: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[quotes-anchor]'
	$(BIN)/python bench/quotes/score.py --split tune --write

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
