# Two commands matter: `make up` (the whole system) and `make test` (the whole suite). Both install what
# they need into .venv. DATABASE_URL points everything at your own PostgreSQL instead of the embedded one.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: up down status test lint bench migrate seed install clean web-test web-schema screenshots
NPM    := $(shell command -v npm 2>/dev/null)
WEB_STAMP := web/node_modules/.installed

$(STAMP): pyproject.toml clients/python/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' -e clients/python
	@touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(PY) scripts/devstack.py up

down: $(STAMP)
	$(PY) scripts/devstack.py down

status: $(STAMP)
	$(PY) scripts/devstack.py status

migrate: $(STAMP)
	$(PY) -m gqlengine migrate apply

seed: $(STAMP)
	$(PY) -m gqlengine seed apply

test: $(STAMP)
	$(PY) -m ruff check .
	$(MAKE) --no-print-directory web-test
	$(PY) -m pytest $(PYTEST_ARGS)

# The web packages (web/): npm ci, operation types regenerated from web/schema and typechecked, vitest,
# and the console's production build (which the browser tests in tests/web serve).
$(WEB_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_STAMP)

ifeq ($(NPM),)
web-test:
	@echo "!!!!!! SKIPPED: npm (Node.js 20+) is not installed, so the web packages were NOT tested !!!!!!"
	@test "$$CREDITS_BROWSER_TESTS" != required
else
web-test: $(WEB_STAMP)
	cd web && npm run --silent typecheck && npm test --silent && npm run --silent build
endif

# The console's screenshots in docs/screenshots, taken by the browser tests.
screenshots: $(STAMP)
	SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -q tests/web/test_console_browser.py

# After a metadata change: write each role's schema (web/schema) from the engine and regenerate the types.
web-schema: $(STAMP)
	UPDATE_WEB_SCHEMA=1 $(PY) -m pytest -q tests/web/test_schema_snapshot.py
	cd web && npm run codegen

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy gqlengine devdb actions devkit clients/python/credits_client

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m bench $(BENCH_ARGS)

clean: down
	rm -rf .data
