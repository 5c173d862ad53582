# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install dev bench clean

$(BIN)/claimtrack: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/claimtrack
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $@

install: $(BIN)/claimtrack

dev: $(VENV)/.dev

## ingest the sample articles on the embedded default (SQLite) and show the flags
demo: install
	$(BIN)/claimtrack ingest seeds/
	$(BIN)/claimtrack flags

## set up and run the whole test suite (PostgreSQL/Redis tests run when their env vars are set)
test: dev
	$(BIN)/python -m pytest -q

bench: dev
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_link.py

clean:
	rm -rf $(VENV) claimtrack.db claimtrack.db-wal claimtrack.db-shm
