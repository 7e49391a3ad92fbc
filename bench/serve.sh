#!/usr/bin/env bash
# Serve the site the way production would, on loopback only, for measuring.
#
#   bench/serve.sh                 serve until Ctrl-C (prints the URL)
#   bench/serve.sh CMD [ARGS...]   serve, run CMD (in the current directory) with
#                                  BENCH_URL (and BENCH_SERVER_PID, gunicorn's
#                                  master) set, then stop
#   BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... bench/serve.sh
#                                  PostgreSQL and Redis instead of SQLite and the file cache
#                                  (bench/pg_redis.py starts throwaway servers and sets both)
#   BENCH_REF=HEAD bench/serve.sh  serve a committed version (git archive into the
#                                  temporary directory) instead of the work tree, so
#                                  that edits in progress do not change the figures
#
# Everything lives in a fresh temporary directory: the SQLite database
# (SQLITE_PATH), collected static files (STATIC_ROOT), uploads (MEDIA_ROOT) and
# the gunicorn log. Settings are config.settings.production with a random
# secret key, DEBUG off, whitenoise serving the hashed, pre-compressed static
# files; only SECURE_SSL_REDIRECT is off, because there is no TLS proxy in front.
# gunicorn (2 workers) listens on a free port of 127.0.0.1. When this script
# ends, for any reason, the trap stops gunicorn and removes the directory.
set -euo pipefail
CALLER_PWD=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="$ROOT/.venv/bin/python"
[ -x "$PY" ] || { echo "serve.sh: $PY not found; run bench/run.sh or ./dev test once to create the virtualenv" >&2; exit 1; }

WORKERS=${BENCH_WORKERS:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/micra-bench.XXXXXX")
gunicorn_pid=""
SRC=$ROOT

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    # gunicorn stops its workers on TERM; give it a few seconds, then insist.
    for _ in $(seq 1 50); do kill -0 "$gunicorn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${BENCH_REF:-}" ]; then
  SRC="$tmp/src"
  mkdir "$SRC"
  git -C "$ROOT" archive --format=tar "$BENCH_REF" | tar -x -C "$SRC"
  echo "serve.sh: serving $BENCH_REF ($(git -C "$ROOT" rev-parse --short "$BENCH_REF")) from a git archive" >&2
fi
cd "$SRC"

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export BENCH_URL="http://127.0.0.1:$port"

export DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0
export SQLITE_PATH="$tmp/db.sqlite3"
export STATIC_ROOT="$tmp/static"
export MEDIA_ROOT="$tmp/media"
export CACHE_DIR="$tmp/cache"
export SITE_URL="$BENCH_URL"
# Mail stays in memory unless asked otherwise (EMAIL_BACKEND=...console.EmailBackend: in the log).
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.locmem.EmailBackend}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
unset DATABASE_URL REDIS_URL DJANGO_DEBUG
# A PostgreSQL database and a Redis server instead of SQLite and the file cache (both empty:
# they are filled here); bench/pg_redis.py starts throwaway ones and sets these.
[ -n "${BENCH_DATABASE_URL:-}" ] && export DATABASE_URL="$BENCH_DATABASE_URL"
[ -n "${BENCH_REDIS_URL:-}" ] && export REDIS_URL="$BENCH_REDIS_URL"

echo "serve.sh: preparing $tmp (migrate, load_content, collectstatic)" >&2
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_content >"$tmp/load_content.log" 2>&1 || { cat "$tmp/load_content.log" >&2; exit 1; }
"$PY" manage.py collectstatic --noinput -v0

"$ROOT/.venv/bin/gunicorn" config.wsgi:application \
  --bind "127.0.0.1:$port" \
  --workers "$WORKERS" \
  --chdir "$SRC" \
  --error-logfile "$tmp/gunicorn.log" \
  --log-level warning \
  --graceful-timeout 5 \
  --preload \
  --pid "$tmp/gunicorn.pid" &
gunicorn_pid=$!
export BENCH_SERVER_PID=$gunicorn_pid

# Wait (at most 30 s) until the home page answers 200.
ready=""
for _ in $(seq 1 300); do
  kill -0 "$gunicorn_pid" 2>/dev/null || break
  if "$PY" - "$BENCH_URL/" <<'EOF' 2>/dev/null
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
EOF
  then ready=1; break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "serve.sh: gunicorn did not come up; its log:" >&2
  cat "$tmp/gunicorn.log" >&2 || true
  exit 1
fi
echo "serve.sh: serving $BENCH_URL (gunicorn pid $gunicorn_pid, $WORKERS workers, production settings)" >&2

cd "$CALLER_PWD"
if [ $# -gt 0 ]; then
  # Not exec: the trap must run after the command to stop the server.
  "$@"
else
  echo "serve.sh: Ctrl-C to stop" >&2
  wait "$gunicorn_pid"
fi
