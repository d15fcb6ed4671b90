# unionwork: `make run` starts the platform with demo data; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer: take one from PATH, else from pyenv.
PYTHON_BOOT := $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: help run serve test test-sqlite test-postgres bench lint format demo-city worker clean

help:
	@echo "make run    set up and start the platform on http://$(HOST):$(PORT) (SQLite, demo data)"
	@echo "make serve  run it as in production: gunicorn, worker, scheduler on PostgreSQL (ENV_FILE=..., docs/administration.md)"
	@echo "make test   run every test (SQLite, and PostgreSQL where one is reachable)"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make lint   import-linter (module boundaries) and ruff; make test runs it first"

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON_BOOT)" ]; then echo "需要 Python 3.12 或更高版本（Django 6 的要求）。请安装后重试。 Python 3.12+ is required."; exit 1; fi
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --scale small
	@echo
	@echo "工会工作平台: http://$(HOST):$(PORT)/"
	@echo "演示账号（密码均为 Union#Demo2026）: city_admin 市总管理员, gjz_admin 甘井子区管理员, gjz_viewer 甘井子区查看员, jx_admin 机械冶金产业工会管理员"
	@echo
	@mkdir -p var; trap 'kill 0' EXIT; nice -n $${UNIONWORK_WORKER_NICE:-10} $(PY) manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & \
	$(PY) manage.py scheduler >var/scheduler.log 2>&1 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: gunicorn (several workers), the task worker and the scheduler as their own processes,
# unionwork.settings_production, PostgreSQL. ENV_FILE holds deploy/environment.example filled in.
ENV_FILE ?= /etc/unionwork/environment
serve: venv
	deploy/serve.sh all $(wildcard $(ENV_FILE))

# Where PostgreSQL answers (the production database), every test runs on it, and every test but
# the browser tests on SQLite too; three runs share the two cores, each on a database of its own:
#   background: PostgreSQL, all but the browser tests, then a quarter of the browser tests
#               (marked browser_beside by conftest.py; test database test_postgres)
#   foreground: SQLite, all but the browser tests, then the other browser tests on PostgreSQL
#               (test database test_postgres_browser)
# The browser tests drive pages, scripts and the live server, which do not differ by database; on
# SQLite's in-memory test database the live server serves one request at a time anyway. Without
# PostgreSQL every test, browser tests included, runs on SQLite. Measured by .ci/run on a clean
# clone on 2026-12-01, this machine about 1.6x slower than on 2026-11-30: 18 min 48 s wall
# (SQLite 11 min 32 s then browser tests 6 min 1 s; PostgreSQL beside them 17 min 44 s), where
# every test on both databases took 27 min for PostgreSQL alone that morning (docs/engineering.md).
PG_LOG := test-artifacts/pytest-postgresql.log
PG_BROWSER_URL ?= $(PG_TEST_URL)_browser
test: venv lint
	@mkdir -p test-artifacts; \
	if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL reachable: every test runs on it; on SQLite every test but the browser tests =="; \
		DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -p no:cacheprovider -m "not browser or browser_beside" >$(PG_LOG) 2>&1 & pgpid=$$!; \
		echo "== SQLite, all but the browser tests =="; \
		$(PY) -m pytest -m "not browser"; sqlite=$$?; \
		echo; echo "== browser tests on PostgreSQL ($(PG_BROWSER_URL)); a quarter of them run in the background run =="; \
		DATABASE_URL=$(PG_BROWSER_URL) $(PY) -m pytest -p no:cacheprovider -m "browser and not browser_beside"; browser=$$?; \
		wait $$pgpid; pgrc=$$?; echo; echo "== PostgreSQL ($(PG_TEST_URL)), all but three quarters of the browser tests =="; cat $(PG_LOG); \
	else \
		echo "== PostgreSQL not reachable at $(PG_TEST_URL): every test runs on SQLite only =="; \
		$(PY) -m pytest; sqlite=$$?; browser=0; pgrc=0; \
	fi; \
	if [ $$sqlite != 0 ] || [ $$browser != 0 ] || [ $$pgrc != 0 ]; then \
		echo "== FAILED: SQLite exit $$sqlite, browser tests exit $$browser, PostgreSQL exit $$pgrc =="; exit 1; fi

bench: venv
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Before the tests: the module boundaries (import-linter contracts in pyproject.toml), then ruff.
lint: venv
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m ruff check unionwork bench
	$(PY) -m ruff format --check unionwork bench

format: venv
	$(PY) -m ruff format unionwork bench
	$(PY) -m ruff check --fix unionwork bench

clean:
	rm -rf $(VENV) var db.sqlite3*
