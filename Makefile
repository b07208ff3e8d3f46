# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
# The API viewer (GET /docs): an npm project whose build copies its files into chalicelib/, so the Lambda
# package ships them as it ships the code.
WEB_DOCS := web/api-docs
DOCS := chalicelib/static/docs
# The Seller Center page (GET /app): TypeScript + Preact built by Vite into chalicelib/static/seller-center.
WEB_PAGE := web/seller-center
PAGE := chalicelib/static/seller-center
PAGE_SOURCES := $(WEB_PAGE)/package.json $(WEB_PAGE)/package-lock.json $(WEB_PAGE)/vite.config.ts \
	$(WEB_PAGE)/tsconfig.json $(WEB_PAGE)/index.html $(shell find $(WEB_PAGE)/src -type f 2>/dev/null)

.PHONY: checks run test test-long unit lint lock bench package docs page page-test page-types chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every Python dependency comes from the hashed lock (scripts/lock.sh); pip refuses a file whose hash differs.
$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

## Compile requirements*.in (the direct dependencies) into the hashed locks requirements*.txt, with uv.
lock: $(VENV)/.installed
	scripts/lock.sh

$(DOCS)/.built: $(WEB_DOCS)/package.json $(WEB_DOCS)/package-lock.json $(WEB_DOCS)/build.mjs $(wildcard $(WEB_DOCS)/src/*)
	cd $(WEB_DOCS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd $(WEB_DOCS) && npm run --silent build
	touch $@

## Build the API viewer's files into chalicelib/static/docs (run, test and package do it when needed).
docs: $(DOCS)/.built

$(WEB_PAGE)/node_modules/.installed: $(WEB_PAGE)/package.json $(WEB_PAGE)/package-lock.json
	cd $(WEB_PAGE) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Type-checked (tsc --noEmit), then bundled; the output is not committed.
$(PAGE)/.built: $(WEB_PAGE)/node_modules/.installed $(PAGE_SOURCES)
	cd $(WEB_PAGE) && npm run --silent build
	touch $@

## Build the Seller Center page into chalicelib/static/seller-center (run, test and package do it when needed).
page: $(PAGE)/.built

## Regenerate the page's types (src/generated/openapi.ts) from the app's OpenAPI document; `make test` fails
## (tests/api/test_page_types.py) while the committed file is stale.
page-types: $(VENV)/.installed $(WEB_PAGE)/node_modules/.installed
	$(BIN)/python -m devtools.page_types

## The page's own logic (countdowns, money, reasons, sign-in checks) in Vitest.
page-test: $(WEB_PAGE)/node_modules/.installed
	cd $(WEB_PAGE) && npx vitest run --silent

## Debian's chromium for the browser suite (tests/browser), installed when missing; without it that suite fails
## and says how to install it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is missing and could not be installed: run 'sudo apt-get install -y chromium'" >&2

## Serve the API on 127.0.0.1:$$PORT over an embedded DynamoDB, with demo data and the schedule firing.
run: $(VENV)/.installed docs page
	$(BIN)/python -m devtools.run_local

# pytest-xdist: one worker per core; a module's tests, and the whole browser layer, stay on one worker
# (tests/conftest.py), so module fixtures, the browser layer's stack and chromium start once.
WORKERS ?= 2
PYTEST_PARALLEL := -n $(WORKERS) --dist loadgroup --no-loadscope-reorder
# A clean stop of the runner under load is the test: it runs alone, after the rest, with both cores free.
SERIAL_TESTS := tests/local/test_runner_stops.py

## Lint, type-check (mypy --strict: app.py, chalicelib/, devtools/), the layers (import-linter's contracts in
## pyproject.toml), the locks' freshness (scripts/lock.sh --check, which asks PyPI) and the page's unit tests.
checks: lint
	scripts/lock.sh --check
	cd $(WEB_PAGE) && npx vitest run --silent

## The whole test suite (the browser layer included, on Debian's chromium) on $(WORKERS) workers with the checks beside
## it, then the runner stops alone.
# Bytecode and pytest's rewritten test modules are written and reused (a shell may set PYTHONDONTWRITEBYTECODE):
# every worker and every process the local layer starts then reads them instead of compiling again.
# The checks run beside the parallel pytest run, their output held until it ends: the browsers and local stages
# leave part of the two cores idle, and the checks fit in it. Either failing fails the target.
test test-long unit: export PYTHONDONTWRITEBYTECODE :=
test: $(VENV)/.installed docs page chromium
	@mkdir -p build
	@$(MAKE) --no-print-directory checks > build/checks.log 2>&1 & checks=$$!; \
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --ignore=$(SERIAL_TESTS); tested=$$?; \
	wait $$checks; checked=$$?; cat build/checks.log; \
	[ $$checked = 0 ] || echo "make test: the checks failed (their output is above)" >&2; \
	[ $$tested = 0 ] && [ $$checked = 0 ]
	$(BIN)/python -m pytest $(SERIAL_TESTS)

## The property-based and fuzz suites with ten times their default budgets (the variables they document).
test-long: $(VENV)/.installed docs page
	LIFECYCLE_MODEL_EXAMPLES=300 FUZZ_EXAMPLES=300 $(BIN)/python -m pytest $(PYTEST_PARALLEL) \
		tests/concurrency/test_lifecycle_model.py tests/local/test_fuzz_openapi.py

# The unit layer uses none of these plugins, and importing them was a third of its start.
UNIT_UNUSED := -p no:schemathesis -p no:hypothesispytest -p no:playwright -p no:anyio

## The unit layer only (domain, parsing, settings, docs, the write model): no moto, about 10 seconds.
unit: $(VENV)/.installed
	$(BIN)/python -m pytest -n $(WORKERS) $(UNIT_UNUSED) tests/unit

## Per-operation DynamoDB calls, capacity, expiry throughput, cold start and warm-path figures.
bench: $(VENV)/.installed docs page
	$(BIN)/python -m bench

## Build the CloudFormation stack (chalice package + tables) into build/ and lint it with cfn-lint.
package: $(VENV)/.installed docs page
	scripts/package.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(WEB_DOCS)/node_modules $(DOCS) $(WEB_PAGE)/node_modules $(PAGE)
