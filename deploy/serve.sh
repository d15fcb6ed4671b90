#!/usr/bin/env bash
# Run unionwork as in production: gunicorn (several workers, static files by WhiteNoise), the task
# worker and the scheduler, each its own process, with unionwork.settings_production on PostgreSQL.
#
#   deploy/serve.sh [ENV_FILE]             prepare, then run all three until Ctrl-C (`make serve`)
#   deploy/serve.sh prepare [ENV_FILE]     check --deploy, migrate, collectstatic (once per release)
#   deploy/serve.sh web|worker|scheduler   one process in the foreground (the systemd units)
#   deploy/serve.sh manage COMMAND ...     a manage.py command with that environment
#                                          (e.g. backup /var/backups/unionwork; audit_verify)
#
# ENV_FILE (default $UNIONWORK_ENV_FILE, else /etc/unionwork/environment when it exists) holds
# the variables of deploy/environment.example; variables already in the environment are kept
# when there is no file (systemd's EnvironmentFile= sets them for the units).
set -euo pipefail
cd "$(dirname "$0")/.."
what="all"
case "${1:-}" in
  all|prepare|web|worker|scheduler) what="$1"; shift ;;
  manage) what="manage"; shift; manage_args=("$@"); set -- ;;
esac
env_file="${1:-${UNIONWORK_ENV_FILE:-/etc/unionwork/environment}}"
if [ -f "$env_file" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
elif [ -n "${1:-}" ]; then
  echo "no such environment file: $env_file" >&2; exit 2
fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-unionwork.settings_production}"
PY="${UNIONWORK_PYTHON:-.venv/bin/python}"
BIN="$(dirname "$PY")"
# The task worker (imports, exports) yields the cores to the web server: a page waits for no import.
WORKER=(nice -n "${UNIONWORK_WORKER_NICE:-10}" "$PY" manage.py db_worker --queue-name '*' --no-reload)

case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*|postgis://*) ;;
  *) echo "deploy/serve.sh runs on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/unionwork" \
       "(see deploy/environment.example; SQLite is for make run)" >&2; exit 2 ;;
esac

prepare() {
  "$PY" manage.py check --deploy
  "$PY" manage.py migrate --noinput
  "$PY" manage.py collectstatic --noinput -v0
}

case "$what" in
  prepare) prepare ;;
  manage) exec "$PY" manage.py "${manage_args[@]}" ;;
  web) exec "$BIN/gunicorn" -c deploy/gunicorn.conf.py ;;
  worker) exec "${WORKER[@]}" ;;
  scheduler) exec "$PY" manage.py scheduler ;;
  all)
    prepare
    pids=()
    trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT
    trap 'exit 0' INT TERM
    "${WORKER[@]}" & pids+=($!)
    "$PY" manage.py scheduler & pids+=($!)
    "$BIN/gunicorn" -c deploy/gunicorn.conf.py & pids+=($!)
    wait -n "${pids[@]}"  # one of them stopped: stop the others
    ;;
esac
