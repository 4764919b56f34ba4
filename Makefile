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
pytest: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		BEDSIDE_TEST_DB=postgres DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q \
			--ignore=bedside/screening --ignore=bedside/e2e; \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
	fi

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

eval: $(STAMP)
	$(BIN)/python -m bedside.screening.evaluate

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
