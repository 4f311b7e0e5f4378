# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Local development runs with debug on unless the caller says otherwise.
export DJANGO_DEBUG ?= 1

.PHONY: run test lint typecheck format migrate demo admin-user serve clean bench bench-import loadtest faults

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

# A secret key for `make serve`, generated once, readable only by you, never committed.
.secret_key:
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

## Serve the production stack on http://127.0.0.1:8000: debug off, collected and
## compressed static files, gunicorn. Plain HTTP, so loopback only (DJANGO_SECURE=0).
serve: export DJANGO_DEBUG = 0
serve: export DJANGO_SECURE = 0
serve: export DJANGO_SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null)
serve: $(VENV)/.installed .secret_key
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) migrate --noinput
	exec $(BIN)/gunicorn --config gunicorn.conf.py

## ruff check, ruff format --check, and mypy over events/ and mineaction/
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Create .venv with the dev requirements, lint, check, and run every test
test: lint
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

## Type-check events/ and mineaction/ with mypy, django-stubs and djangorestframework-stubs
## (settings in pyproject.toml); `make lint` runs it too
typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .hypothesis .mypy_cache

MEETINGS ?= 10000
DURATION ?= 10
MIX_DURATION ?= 30
## Benchmark the production stack with wrk, every page kept and computed afresh, and the browse mix
## (DATABASE_URL chooses the database; MEETINGS, DURATION, MIX_DURATION; PAGES=name,... for some)
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DJANGO_DEBUG=1 $(BIN)/python bench/run.py --meetings $(MEETINGS) --duration $(DURATION) \
		--mix-duration $(MIX_DURATION) $(if $(PAGES),--only "$(PAGES)")

.PHONY: bench-profile
URLS ?= /
## Profile pages computed afresh: time by query, template and Python, with the slowest plans
## (DATABASE_URL chooses the database; URLS="/ /network/")
bench-profile: $(VENV)/.installed-dev
	$(BIN)/python bench/profile.py $(URLS) --explain

## Time the CSV import's preview and confirmation of a file at the row cap (DATABASE_URL chooses
## the database; ROWS measures another size)
bench-import: $(VENV)/.installed-dev
	$(BIN)/python bench/import_preview.py $(if $(ROWS),--rows $(ROWS))

LOAD_DURATION ?= 60
READERS ?= 4
## Load-test the production stack: READERS reader threads and an editor saving meetings for
## LOAD_DURATION seconds; fails on any error or lost write (DATABASE_URL chooses the database)
loadtest: $(VENV)/.installed
	$(BIN)/python bench/loadtest.py --duration $(LOAD_DURATION) --readers $(READERS)

FAULTS_DURATION ?= 60
## Fault drill on the production stack with a PostgreSQL cluster and a Redis server of its own:
## stops and restarts Redis and PostgreSQL and kills a worker during saves, under load for
## FAULTS_DURATION seconds; fails on a 5xx while only Redis is down, a lost or stale save, or a slow recovery
faults: $(VENV)/.installed
	$(BIN)/python bench/faults.py --duration $(FAULTS_DURATION) --readers $(READERS)
