# StemPortal: the two commands every new user needs are `make run` and `make test`.
# Everything is installed into .venv/ in the project folder.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: help install run test lint format clean backup restore bench serve loadtest wrk

help:
	@echo "make run    install, migrate, load the catalogue, serve on http://127.0.0.1:8000"
	@echo "make test   install and run the whole suite (lint, migrations check, tests)"
	@echo "make lint   ruff check and format check"
	@echo "make backup  write backups/stemportal-<time>.json.gz (catalogue, history, users)"
	@echo "make restore FILE=backups/....json.gz [FORCE=1]  restore into an empty database"
	@echo "make serve  gunicorn with production settings on http://127.0.0.1:8000"
	@echo "make bench  build synthetic catalogues and measure the pages (minutes)"
	@echo "make loadtest  60 s of mixed traffic through gunicorn (after make bench)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalogue
	@echo ""
	@echo "StemPortal is starting on http://127.0.0.1:8000/"
	@echo "To create an admin login for http://127.0.0.1:8000/admin/, run in another terminal:"
	@echo "    $(PY) manage.py createsuperuser"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Coverage roughly doubles the suite's time (C tracer, Python 3.11); `make test
# COV=` runs it without, as CI's PostgreSQL half does.
COV ?= --cov --cov-report=term

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(COV) --durations=15

# Whole catalogue, history, users and groups, compressed (README: Backups).
backup: install
	$(PY) manage.py backup_catalogue $(if $(DIR),--directory "$(DIR)")

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/stemportal-....json.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore_catalogue "$(FILE)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .ruff_cache .coverage htmlcov

# --- Production serving and benchmarks (README: "Serving in production",
# "Performance") ---------------------------------------------------------------

# Production settings for a local run: debug off, a key generated once per
# command unless SECRET_KEY is set, loopback only, plain HTTP (HTTPS=1 behind
# a TLS proxy).
PROD_ENV = DEBUG=0 HTTPS=$${HTTPS:-0} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}
WORKERS ?= 4

serve: install
	$(PROD_ENV) $(PY) manage.py migrate --noinput
	$(PROD_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(PROD_ENV) $(BIN)/gunicorn stemportal.wsgi:application \
		--bind 127.0.0.1:8000 --workers $(WORKERS) --access-logfile -

bench: install
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# wrk is Debian's package; installed here when missing (as .ci/run installs
# chromium).
wrk:
	@command -v wrk > /dev/null || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }

loadtest: install wrk
	$(PY) -m benchmarks.loadtest $(LOADTEST_ARGS)
