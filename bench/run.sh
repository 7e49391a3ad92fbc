#!/usr/bin/env bash
# All the benchmarks against one production-like server on loopback.
#
#   bench/run.sh                  measure the work tree
#   BENCH_REF=HEAD bench/run.sh   measure the last commit (git archive), whatever is being edited
#
# Installs what it needs first: the virtualenv (as ./dev does), Debian's
# chromium and wrk (apt-get) if missing, axe-core (npm ci in bench/). Then
# bench/serve.sh starts the site and runs page_weight.py, a11y.py and load.sh
# against it; the server stops when they end. The report goes to stdout and to
# bench/results/<time>.md (with the raw JSON beside it; results/ is not committed).
# Knobs: PAGE_RUNS (cold loads per page and profile, 5), LOAD_DURATION (15 s),
# LOAD_THREADS (2), LOAD_CONNECTIONS (16), BENCH_WORKERS (gunicorn workers, 2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "${1:-}" = "--inner" ]; then
  # Run by serve.sh with BENCH_URL set: the three benchmarks, one after the other.
  results=$2
  PY=$ROOT/.venv/bin/python
  echo "## Page weight and timing (bench/page_weight.py)"
  echo
  timeout --kill-after=10 1200 "$PY" bench/page_weight.py --runs "${PAGE_RUNS:-5}" --json "$results.page_weight.json"
  echo
  echo "## Accessibility (bench/a11y.py)"
  echo
  timeout --kill-after=10 600 "$PY" bench/a11y.py --json "$results.a11y.json"
  echo
  echo "## Load (bench/load.sh)"
  echo
  bench/load.sh 2>"$results.wrk.txt"
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
step() { printf '==> %s\n' "$*" >&2; }

# 1. The virtualenv with the locked dependencies (gunicorn, Playwright), as ./dev makes it.
if ! .venv/bin/python -c 'import django, gunicorn, playwright' >/dev/null 2>&1; then
  step "virtualenv (.venv) with the locked dependencies"
  if [ ! -x .venv/bin/uv ]; then
    python=""
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3 python; do
      [ -n "$candidate" ] || continue
      if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
        python=$candidate
        break
      fi
    done
    [ -n "$python" ] || { echo "run.sh: Python 3.12 or newer is needed" >&2; exit 1; }
    uv_version=$(sed -n 's/^UV_VERSION="\(.*\)"$/\1/p' dev)
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv${uv_version:+==$uv_version}"
  fi
  UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1 .venv/bin/uv sync --frozen --quiet --python .venv/bin/python
fi

# 2. System packages: Debian's chromium (no browser download), wrk, node/npm for axe-core.
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 3. axe-core, exactly as bench/package-lock.json pins it.
step "npm ci in bench/ (axe-core)"
(cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# 4. The machine and the versions, then the benchmarks against one server.
mkdir -p bench/results
stamp=$(date +%Y%m%d-%H%M%S)
results="$ROOT/bench/results/$stamp"
commit=$(git rev-parse --short "${BENCH_REF:-HEAD}" 2>/dev/null || echo unknown)
if [ -z "${BENCH_REF:-}" ] && [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
{
  echo "# Benchmark run $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_REF:+BENCH_REF=$BENCH_REF }bench/run.sh\`; code: ${BENCH_REF:-work tree} ($commit)"
  echo "- machine: $(nproc) CPU cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- software: Python $(.venv/bin/python -c 'import platform; print(platform.python_version())'), Django $(.venv/bin/python -c 'import django; print(django.get_version())'), gunicorn $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("gunicorn"))') (${BENCH_WORKERS:-2} sync workers), whitenoise $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("whitenoise"))'), Playwright $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("playwright"))'), $("${CHROMIUM_PATH:-chromium}" --version 2>/dev/null | tail -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), axe-core $(node -p 'require("./bench/node_modules/axe-core/package.json").version'), node $(node --version)"
  echo "- load average before the run (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- server: bench/serve.sh (config.settings.production, DEBUG off, SQLite in a temporary directory, whitenoise static files); wrk, Chromium and gunicorn share the same cores"
  echo
  timeout --kill-after=10 2400 bench/serve.sh "$ROOT/bench/run.sh" --inner "$results"
  echo
  echo "Load average after the run (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results.md"
step "report saved to bench/results/$stamp.md (raw data beside it)"
