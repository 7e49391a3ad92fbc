#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile, its default) on the main owner pages, against bench/serve.sh.
#
#   bench/lighthouse.sh     scores per category, and the scored audits below 1 per page
#
# Uses Debian's chromium (CHROME_PATH); npx fetches lighthouse@12.2.3 from npm once (13 needs
# Node 22). Scores move with the machine's load (total blocking time most): run it on a quiet
# machine and compare within a run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inner" ]; then
  exec bench/serve.sh "$0" --inner
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for path in "/" "/problems/micra-k12-boot-lock/" "/problems/micra-k12-boot-lock/diagnose/" \
  "/problems/micra-k12-boot-lock/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click" \
  "/guides/open-boot-from-inside/" "/guides/replace-microswitch/?step=3" "/problems/micra-k12-boot-lock/faq/" "/goodwill/"; do
  CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} timeout 180 npx --yes lighthouse@12.2.3 "$BENCH_URL$path" --quiet \
    --output=json --output-path="$out/report.json" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    >/dev/null 2>&1 || { echo "$path: lighthouse failed"; continue; }
  LH_PATH="$path" .venv/bin/python - "$out/report.json" <<'PY'
import json, os, sys
report = json.load(open(sys.argv[1]))
categories = report["categories"]
scores = {name: None if c["score"] is None else round(c["score"] * 100) for name, c in categories.items()}
weighted = {ref["id"] for c in categories.values() for ref in c["auditRefs"] if ref["weight"] > 0}
below = [a["id"] for a in report["audits"].values() if a["id"] in weighted and a.get("score") is not None and a["score"] < 1]
print(f"| `{os.environ['LH_PATH']}` | {scores.get('performance')} | {scores.get('accessibility')} | {scores.get('best-practices')} | {scores.get('seo')} | {', '.join(below) or '-'} |")
PY
done
