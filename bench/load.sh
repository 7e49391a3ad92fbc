#!/usr/bin/env bash
# Throughput and latency under load with wrk, against a loopback server, as a ratio to the
# stack's own ceiling measured in the same run.
#
#   bench/serve.sh bench/load.sh            (serve.sh sets BENCH_URL)
#   bench/load.sh http://127.0.0.1:PORT     (a server you started)
#
# First row: a bare Django view (bench/bare/bare_site.py: startproject's middleware, one view
# returning 2 KB), served by its own gunicorn with the same number of workers, started here.
# Then the owners' pages, warm (served once before: from the page cache), first visits to
# diagnosis states nobody asked for before (each once: bench/first_visits.py), and a search with a
# new query on every request (cold: the view runs each time). Each for LOAD_DURATION seconds
# (15) with LOAD_THREADS threads (2) and LOAD_CONNECTIONS connections (16), with --latency,
# each wrk run bounded by `timeout`. Prints a markdown table: requests/s, the ratio to the
# bare view, latency percentiles, errors, and how much CPU other processes took while wrk ran
# (all busy CPU time in /proc/stat minus the servers' and wrk's own): on a shared machine a
# high figure there means the row is not to be trusted.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${1:-${BENCH_URL:-}}
DURATION=${LOAD_DURATION:-15}
THREADS=${LOAD_THREADS:-2}
CONNECTIONS=${LOAD_CONNECTIONS:-16}
WORKERS=${BENCH_WORKERS:-2}
PY=.venv/bin/python

[ -n "$BASE" ] || { echo "load.sh: give the base URL or run me through bench/serve.sh" >&2; exit 2; }
case "$BASE" in
  http://127.0.0.1:* | http://localhost:* | "http://[::1]:"*) ;;
  *) echo "load.sh: refusing $BASE: only loopback servers are load-tested" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk; bench/run.sh does it)" >&2; exit 1; }
BASE=${BASE%/}

PAGES=(
  "Home|/"
  "Problem overview|/problems/micra-k12-boot-lock/"
  "Guide: replace the microswitch|/guides/replace-microswitch/"
  "Guide: open it now (emergency)|/guides/open-boot-from-inside/"
  "FAQ|/problems/micra-k12-boot-lock/faq/"
  "Prevention tips|/problems/micra-k12-boot-lock/prevention/"
  "Diagnosis: first step|/problems/micra-k12-boot-lock/diagnose/"
  "Diagnosis: a step|/problems/micra-k12-boot-lock/diagnose/?signs=answered&signs=no-click"
  "Diagnosis: outcome|/problems/micra-k12-boot-lock/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click"
  "Goodwill form (its CSRF token and one-time key made per serve)|/goodwill/"
  "Search, a new query every time (cold)|/search/?q=rain|cold"
  "Diagnosis: first visits (a state nobody asked for before, each once)|/problems/micra-k12-boot-lock/diagnose/|first"
)

HZ=$(getconf CLK_TCK)
# Busy CPU time of the whole machine, in clock ticks (all but idle and iowait).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# CPU time of gunicorn (master and workers), in clock ticks; 0 without BENCH_SERVER_PID.
server_ticks() {
  local total=0 pid
  [ -n "${BENCH_SERVER_PID:-}" ] || { echo 0; return; }
  for pid in "$BENCH_SERVER_PID" $(pgrep -P "$BENCH_SERVER_PID" || true); do
    # Fields after "pid (comm) ": utime and stime are the 12th and 13th.
    [ -r "/proc/$pid/stat" ] && total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}
# CPU time of this script's finished children (wrk), in clock ticks, from `times`
# (run in this shell, not in a $(...) subshell, which would have no children).
children_ticks() {
  times >"$out/times"
  tail -1 "$out/times" | awk -v hz="$HZ" '
    function sec(t) { split(t, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
    { printf "%d\n", (sec($1) + sec($2)) * hz }' >"$out/ticks"
}

out=$(mktemp -d "${TMPDIR:-/tmp}/micra-load.XXXXXX")
bare_pid=""
stop_bare() { [ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null && wait "$bare_pid" 2>/dev/null; rm -rf "$out"; }
trap stop_bare EXIT

# The ceiling: the bare Django view under the same gunicorn settings.
bare_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BARE="http://127.0.0.1:$bare_port"
.venv/bin/gunicorn bare_site:application --chdir bench/bare --bind "127.0.0.1:$bare_port" --workers "$WORKERS" \
  --log-level warning --error-logfile "$out/bare.log" &
bare_pid=$!
for _ in $(seq 1 100); do
  "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$BARE/" 2>/dev/null && break
  sleep 0.1
done
# A new query for every request: the search runs each time (a Lua script for wrk).
cat >"$out/cold.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "+" .. counter .. math.random(1, 1000000))
end
LUA

# First visits: thousands of distinct valid diagnosis states (bench/first_visits.py, from the live
# model; a sample checked to answer 200 at its own address), each asked once: threads take turns
# through the list, so no state is asked twice unless the list runs out (FIRST_VISITS states).
"$PY" bench/first_visits.py --count "${FIRST_VISITS:-30000}" --out "$out/states.txt" --check "$BASE"
cat >"$out/first.lua" <<LUA
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  paths = {}
  for line in io.lines("$out/states.txt") do paths[#paths + 1] = line end
  counter = 0
end
function request()
  local i = (counter * $THREADS + id) % #paths + 1
  counter = counter + 1
  return wrk.format("GET", paths[i])
end
LUA

# Every page must answer 200 before it is loaded: a fast 404 would make a fine figure.
for entry in "${PAGES[@]}"; do
  path=$(cut -d'|' -f2 <<<"$entry")
  "$PY" - "$BASE$path" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
    if r.status != 200:
        sys.exit(f"load.sh: {sys.argv[1]} answered {r.status}")
EOF
done

echo "wrk: ${THREADS} threads, ${CONNECTIONS} connections, ${DURATION} s per page, loopback ($BASE), $(nproc) cores, $WORKERS gunicorn workers each; CPU % is of one core"
echo
echo "| Page | Requests/s | Ratio to bare | Requests | p50 ms | p75 ms | p90 ms | p99 ms | Max ms | Errors (connect/read/write/timeout) | Non-2xx | Server CPU % | wrk CPU % | Other processes CPU % |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
i=0
bare_rps=""
for entry in "Bare Django view (the ceiling)|/|bare" "${PAGES[@]}" "Bare Django view again (the ceiling, at the end)|/|bare"; do
  label=$(cut -d'|' -f1 <<<"$entry")
  path=$(cut -d'|' -f2 <<<"$entry")
  kind=$(cut -d'|' -f3 <<<"$entry")
  base=$BASE pid=${BENCH_SERVER_PID:-} script=()
  [ "$kind" = "bare" ] && base=$BARE pid=$bare_pid
  [ "$kind" = "cold" ] && script=(--script "$out/cold.lua")
  [ "$kind" = "first" ] && script=(--script "$out/first.lua")
  i=$((i + 1))
  # Warm: served once before it is measured (the page cache holds it, as after the first owner).
  [ "$kind" = "first" ] || "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10)" "$base$path"
  children_ticks
  busy0=$(busy_ticks) server0=$(BENCH_SERVER_PID=$pid server_ticks) wrk0=$(cat "$out/ticks") t0=$(date +%s.%N)
  timeout --kill-after=5 $((DURATION + 20)) \
    wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "${DURATION}s" --timeout 10s --latency \
    "${script[@]}" "$base$path" >"$out/$i.txt"
  t1=$(date +%s.%N) busy1=$(busy_ticks) server1=$(BENCH_SERVER_PID=$pid server_ticks)
  children_ticks
  wrk1=$(cat "$out/ticks")
  # Percent of one core: 100 = one core busy all the time, 200 = both of two.
  cpu=$(awk -v b="$((busy1 - busy0))" -v s="$((server1 - server0))" -v w="$((wrk1 - wrk0))" -v hz="$HZ" -v t0="$t0" -v t1="$t1" '
    BEGIN { d = (t1 - t0) * hz; o = b - s - w; if (o < 0) o = 0; printf "%.0f %.0f %.0f", 100 * s / d, 100 * w / d, 100 * o / d }')
  echo "--- wrk $base$path" >&2
  cat "$out/$i.txt" >&2
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out/$i.txt")
  [ "$kind" = "bare" ] && [ -z "$bare_rps" ] && bare_rps=$rps
  # wrk prints latencies as 812.00us, 45.10ms or 1.20s; the table is in ms.
  awk -v label="$label" -v path="$path" -v cpu="$cpu" -v bare="$bare_rps" '
    function ms(v) {
      if (v ~ /us$/) return sprintf("%.1f", v / 1000)
      if (v ~ /ms$/) return sprintf("%.1f", v + 0)
      if (v ~ /m$/) return sprintf("%.0f", v * 60000)
      if (v ~ /s$/) return sprintf("%.0f", v * 1000)
      return v
    }
    $1 == "Latency" && NF >= 4 && !max { max = ms($4) }
    $1 == "50%" { p50 = ms($2) } $1 == "75%" { p75 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
    / requests in / { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { gsub(",", ""); errors = $4 "/" $6 "/" $8 "/" $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    END {
      split(cpu, c, " ")
      printf "| %s (`%s`) | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, path, rps, rps / bare, requests, p50, p75, p90, p99, max,
        (errors == "" ? "0/0/0/0" : errors), (non2xx == "" ? 0 : non2xx), c[1], c[2], c[3]
    }' "$out/$i.txt"
done
