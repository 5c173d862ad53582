# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install dev bench eval clean

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
	$(BIN)/python bench/bench_queue.py
	$(BIN)/python bench/bench_bad_inputs.py
	$(BIN)/python bench/bench_ingest_stream.py --sizes 2000 20000
	$(BIN)/python bench/bench_syndication.py --articles 2000
	$(BIN)/python bench/bench_api.py

clean:
	rm -rf $(VENV) claimtrack.db claimtrack.db-wal claimtrack.db-shm

## score extraction and linking on the labelled dev articles in ../shared/eval
EVAL ?= ../shared/eval
eval: install
	rm -f /tmp/claimtrack-eval.db
	$(BIN)/claimtrack extract --format jsonl $$(ls $(EVAL)/dev/*.json | grep -v relations.json) > /tmp/claimtrack-claims.jsonl
	$(BIN)/python $(EVAL)/score.py --gold $(EVAL)/dev --pred /tmp/claimtrack-claims.jsonl
	CLAIMTRACK_DATABASE_URL=sqlite:////tmp/claimtrack-eval.db $(BIN)/claimtrack ingest -q $$(ls $(EVAL)/dev/*.json | grep -v relations.json)
	CLAIMTRACK_DATABASE_URL=sqlite:////tmp/claimtrack-eval.db $(BIN)/claimtrack export links --format jsonl -o /tmp/claimtrack-links.jsonl
	$(BIN)/python $(EVAL)/score_relations.py --gold $(EVAL)/dev --links /tmp/claimtrack-links.jsonl
