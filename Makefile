# katalog: `make run` sets up and serves on SQLite; `make test` runs the suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: browser run init serve lint typecheck test test-sqlite test-postgres bench bench-large clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

# The demonstration: its users and catalogue, anonymous reading of the public part, and a secret
# key made once for this checkout (a real installation sets KATALOG_SECRET_KEY itself).
DEMO_ENV = KATALOG_PUBLIC_READ=true KATALOG_SECRET_KEY="$$(cat var/secret-key)"

var/secret-key:
	@mkdir -p var
	@umask 077; $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(VENV)/.installed var/secret-key
	$(DEMO_ENV) $(BIN)/katalog init --demo
	$(DEMO_ENV) $(BIN)/katalog serve

init: $(VENV)/.installed
	$(BIN)/katalog init --demo

# The checks that keep the codebase one shape (docs/architecture.md): lint and format, types, the
# apps' one-way dependencies, migrations in step with the models, the committed API document.
lint: $(VENV)/.installed-test
	@echo "== lint"
	$(BIN)/ruff check katalog tests
	$(BIN)/ruff format --check katalog tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/katalog makemigrations --check --dry-run
	$(BIN)/katalog openapi --check docs/openapi.json

# Types with django-stubs alone (also a step of `make lint`).
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

test: $(VENV)/.installed-test browser
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(VENV)/.installed-test
	@echo "== test suite on SQLite"
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-test
	@echo "== test suite on PostgreSQL ($(PG_TEST_URL))"
	@if $(BIN)/python scripts/postgres_available.py "$(PG_TEST_URL)"; then \
		KATALOG_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest; \
	else \
		if [ "$$CI" = "true" ]; then echo "PostgreSQL at $(PG_TEST_URL) is unreachable: the PostgreSQL pass is mandatory under CI=true" >&2; exit 1; fi; \
		echo "PostgreSQL unreachable: PostgreSQL pass skipped (mandatory under CI=true)"; \
	fi

browser:
	@sh scripts/ensure_chromium.sh

bench: $(VENV)/.installed
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || echo "wrk not installed: the HTTP figure uses the Python client"
	KATALOG_DATABASE_URL="sqlite:///var/bench.sqlite3" $(BIN)/katalog bench --items $${ITEMS:-1000000}

bench-large: $(VENV)/.installed
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || echo "wrk not installed: the HTTP figure uses the Python client"
	KATALOG_DATABASE_URL="$${KATALOG_BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/katalog_bench}" $(BIN)/katalog bench --large --items $${ITEMS:-10000000}

clean:
	rm -rf $(VENV) var build *.egg-info
