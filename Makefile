# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test unit lint bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## Serve the API on 127.0.0.1:$$PORT over an embedded DynamoDB, with demo data and the schedule firing.
run: $(VENV)/.installed
	$(BIN)/python -m devtools.run_local

## Lint, then the whole test suite.
test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## The domain and unit layers only: no moto, no app; well under a minute.
unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests/unit

## Per-operation DynamoDB calls, capacity, expiry throughput, cold start and warm-path figures.
bench: $(VENV)/.installed
	$(BIN)/python -m bench

## Build the CloudFormation stack (chalice package + tables) into build/ and lint it with cfn-lint.
package: $(VENV)/.installed
	scripts/package.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
