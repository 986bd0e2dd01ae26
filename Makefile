# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
export PORT
DEMO_PEOPLE ?= 300

.PHONY: run test install install-dev lint bench backup restore clean

# PYTHONWARNINGS reaches the build backend: setuptools' notes on editable installs are not the newcomer's concern.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	PYTHONWARNINGS=ignore $(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: install

# Development server on SQLite with the press kit's data, demo accounts and a few hundred synthetic people,
# and the task worker beside it (messages to residents), stopped with the server.
run: export DJANGO_DEBUG ?= 1
run: export DJANGO_SITE_URL ?= http://127.0.0.1:$(PORT)
run: export DJANGO_CACHE_DIR ?= $(CURDIR)/.cache
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_carcassonne
	$(MANAGE) create_demo_user
	$(MANAGE) generate_activity --people $(DEMO_PEOPLE) --seed 1 --if-empty
	$(MANAGE) db_worker --no-reload --interval 2 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Style, format and the layers of the code (README, "Organisation du code"): each fails the build.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The whole suite; set DATABASE_URL=postgres://… to run it on PostgreSQL.
test: export DJANGO_SECRET_KEY ?= tests-only-secret-key-not-for-production
test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-* .cache

# Benchmarks beside their floors (see bench/README.md); BENCH_PEOPLE=100000 for the network's scale.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py

# Backups: pg_dump on PostgreSQL, a consistent copy on SQLite. `make restore FILE=backups/…`.
backup: install
	$(MANAGE) backup

restore: install
	test -n "$(FILE)" || (echo "Indiquez la sauvegarde : make restore FILE=backups/citeslab-….dump" && exit 2)
	$(MANAGE) restore "$(FILE)"
