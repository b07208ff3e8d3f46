# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
# The API viewer (GET /docs): an npm project whose build copies its files into chalicelib/, so the Lambda
# package ships them as it ships the code.
WEB_DOCS := web/api-docs
DOCS := chalicelib/static/docs

.PHONY: run test unit lint bench package docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DOCS)/.built: $(WEB_DOCS)/package.json $(WEB_DOCS)/package-lock.json $(WEB_DOCS)/build.mjs $(wildcard $(WEB_DOCS)/src/*)
	cd $(WEB_DOCS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd $(WEB_DOCS) && npm run --silent build
	touch $@

## Build the API viewer's files into chalicelib/static/docs (run, test and package do it when needed).
docs: $(DOCS)/.built

## Serve the API on 127.0.0.1:$$PORT over an embedded DynamoDB, with demo data and the schedule firing.
run: $(VENV)/.installed docs
	$(BIN)/python -m devtools.run_local

## Lint, type-check (mypy --strict: app.py, chalicelib/, devtools/), then the whole test suite.
test: $(VENV)/.installed docs
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

## The unit layer only (domain, parsing, settings, docs): no DynamoDB, a few seconds.
unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests/unit

## Per-operation DynamoDB calls, capacity, expiry throughput, cold start and warm-path figures.
bench: $(VENV)/.installed docs
	$(BIN)/python -m bench

## Build the CloudFormation stack (chalice package + tables) into build/ and lint it with cfn-lint.
package: $(VENV)/.installed docs
	scripts/package.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(WEB_DOCS)/node_modules $(DOCS)
