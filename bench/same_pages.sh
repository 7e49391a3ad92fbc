#!/usr/bin/env bash
# The page an owner sees is the same before and after a speed change: render the same sample of
# diagnosis states (pages and htmx steps, each a first visit) with a committed version REF and
# with the work tree, each on its own fresh database with the content loaded, and compare.
#
#   bench/same_pages.sh REF [COUNT]      (COUNT states, 400 unless given)
#
# Prints how many pages were compared and any that differ (a unified diff of the first few);
# exits 1 when one differs. Whitespace between tags is not compared (a template tag on a line of
# its own adds a newline), nor the per-serve CSRF token; every other byte is.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="$ROOT/.venv/bin/python"
REF=${1:?give a commit to compare with, e.g. bench/same_pages.sh 85e3cc1}
COUNT=${2:-400}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/micra-same.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/before"
git archive --format=tar "$REF" | tar -x -C "$tmp/before"

render() {  # render SRC OUT: fresh database, content loaded, the sample rendered
  local src=$1 out=$2 name
  name=$(basename "$out" .json)
  (
    cd "$src"
    export DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=same-pages-same-pages-same-pages-same-pages-same
    export DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=0 SITE_URL=http://micra.example
    export SQLITE_PATH="$tmp/$name.sqlite3" CACHE_DIR="$tmp/$name-cache" STATIC_ROOT="$tmp/$name-static" LOG_LEVEL=ERROR
    unset DATABASE_URL REDIS_URL
    "$PY" manage.py migrate --noinput -v0
    "$PY" manage.py load_content >/dev/null
    "$PY" manage.py collectstatic --noinput -v0
    "$PY" "$ROOT/bench/same_pages.py" "$COUNT" "$out"
  )
}

render "$tmp/before" "$tmp/before.json"
render "$ROOT" "$tmp/after.json"
"$PY" - "$tmp/before.json" "$tmp/after.json" "$REF" <<'EOF'
import difflib, json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
assert before.keys() == after.keys()
differ = [url for url in before if before[url] != after[url]]
print(f"same_pages: {len(before)} pages (whole pages and htmx steps) compared with {sys.argv[3]}: {len(differ)} differ")
for url in differ[:3]:
    print(url)
    print("\n".join(difflib.unified_diff(before[url].split(">"), after[url].split(">"), lineterm="", n=1)))
sys.exit(1 if differ else 0)
EOF
