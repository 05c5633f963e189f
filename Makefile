# Two commands matter: `make up` (the whole system) and `make test` (the whole suite). Both install what
# they need into .venv. DATABASE_URL points everything at your own PostgreSQL instead of the embedded one.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: up down status test lint bench migrate seed install clean

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
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy gqlengine actions clients/python/credits_client

bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

clean: down
	rm -rf .data
