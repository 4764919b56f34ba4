# bedside — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test lint typecheck pytest migrate demo clean help bench eval

help:
	@echo "make run   — install, migrate, load the demo practice, serve http://127.0.0.1:$${PORT:-8000} with the worker and the mail server (127.0.0.1:$${BEDSIDE_SMTP_PORT:-8025})"
	@echo "make test  — ruff, mypy and the test suite (SQLite; also PostgreSQL/Redis when TEST_DATABASE_URL/REDIS_URL are set)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: $(STAMP)
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

demo: migrate
	$(BIN)/python manage.py demo

run: demo
	$(BIN)/bedside serve

lint: $(STAMP)
	$(BIN)/ruff check bedside config bench

typecheck: $(STAMP)
	$(BIN)/mypy bedside config
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# The PostgreSQL pass leaves out what no database touches: the screening engine (pure Python)
# and the browser suite (it serves its own SQLite instance); both ran in the SQLite pass.
# With a PostgreSQL URL the two passes run side by side, one per core (their databases, ports
# and Redis queue names are their own); the PostgreSQL pass's output is printed after the
# SQLite pass's, and the target fails if either pass fails.
pytest: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		log=$$(mktemp); \
		echo "== SQLite pass; the PostgreSQL pass ($$TEST_DATABASE_URL) runs beside it, its output below"; \
		BEDSIDE_TEST_DB=postgres DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q -p no:cacheprovider \
			--ignore=bedside/screening --ignore=bedside/e2e > "$$log" 2>&1 & pg=$$!; \
		trap 'kill $$pg 2>/dev/null; rm -f "$$log"' INT TERM; \
		DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q; sqlite=$$?; \
		wait $$pg; postgres=$$?; \
		echo "== PostgreSQL pass ($$TEST_DATABASE_URL)"; cat "$$log"; rm -f "$$log"; \
		echo "== SQLite pass exit $$sqlite, PostgreSQL pass exit $$postgres"; \
		[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	else \
		DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q; sqlite=$$?; \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
		exit $$sqlite; \
	fi

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

eval: $(STAMP)
	$(BIN)/python -m bedside.screening.evaluate

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
