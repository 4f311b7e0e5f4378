# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Local development runs with debug on unless the caller says otherwise.
export DJANGO_DEBUG ?= 1

.PHONY: run test lint format migrate demo admin-user serve clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

migrate: $(VENV)/.installed
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo_data

admin-user: migrate
	$(MANAGE) ensure_admin

## Create .venv, install, migrate, load the demo data and serve on http://127.0.0.1:8000
run: demo admin-user
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Create .venv with the dev requirements, lint, check, and run every test
test: lint
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache

MEETINGS ?= 10000
DURATION ?= 10
## Benchmark the production stack with wrk (DATABASE_URL chooses the database; MEETINGS, DURATION)
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DJANGO_DEBUG=1 $(BIN)/python bench/run.py --meetings $(MEETINGS) --duration $(DURATION)
