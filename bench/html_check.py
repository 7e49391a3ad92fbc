"""HTML conformance of the public pages with the W3C Nu HTML checker (vnu.jar).

    .venv/bin/python bench/html_check.py [--base-url URL] [--json FILE]

Prerequisites: Java (Debian's default-jre-headless:
`apt-get update && apt-get install -y --no-install-recommends default-jre-headless`) and
vnu.jar, from the npm package `vnu-jar` that bench/package-lock.json pins (`npm ci` in bench/).

Without --base-url or BENCH_URL, the script starts the site itself the way the other bench
scripts are served: through bench/serve.sh (production settings, gunicorn on 127.0.0.1, a fresh
temporary database with the content loaded), runs inside it and stops it at the end;
BENCH_REF=<commit> checks a committed version instead of the work tree.

Each public page (home, overview, guides, the diagnosis's first step and an outcome, an outcome
page with its costs, FAQ, prevention tips, the goodwill form, a search and a missing page) is
fetched once as a first visitor would (no cookies; it must answer 200, the missing page 404),
saved to a temporary directory, and the checker runs once on all of them (one Java start). A
self-check document, broken on purpose, goes along: the checker must report both its `hx-`
attribute and its other error, or "no errors" would mean nothing.

htmx's `hx-*` attributes are not HTML, so the checker reports each one ("Attribute hx-get not
allowed on element a at this point"); those errors are counted and shown per page but do not
fail. Any other error fails the run (exit status 1); warnings are listed and do not fail.
Missing prerequisites, a page with the wrong status or a checker that did not run give exit
status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from common import PAGES as BROWSER_PAGES
from common import add_base_url_argument, checked_base_url, markdown_table

BENCH = Path(__file__).resolve().parent
VNU_PACKAGE = BENCH / "node_modules" / "vnu-jar"
VNU_JAR = VNU_PACKAGE / "build" / "dist" / "vnu.jar"
PROBLEM = "/problems/micra-k12-boot-lock"

# (label, path, expected status): the browser benchmarks' pages and the other public ones.
PAGES = [(label, path, 200) for label, path in BROWSER_PAGES] + [
    ("Outcome page (costs)", f"{PROBLEM}/outcomes/microswitch-failed/", 200),
    ("Prevention tips", f"{PROBLEM}/prevention/", 200),
    ("Goodwill form", "/goodwill/", 200),
    ("Not found", "/no-such-page/", 404),
]

# With --asciiquotes the checker writes: Attribute 'hx-get' not allowed on element 'a' ...
# (also: Bad value ... for attribute 'hx-...'); curly quotes without --asciiquotes.
HX_ATTRIBUTE = re.compile(r"""\battribute ['"\u201c]hx-""", re.IGNORECASE)

SELF_CHECK_NAME = "self-check.html"
SELF_CHECK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken on purpose</title></head>
<body><main><a href="/" hx-get="/">htmx</a><span><div>a div in a span</div></span></main></body></html>
"""


def is_hx(message: dict) -> bool:
    return bool(HX_ATTRIBUTE.search(message.get("message", "")))


def serve_and_rerun(argv: list[str]) -> None:
    """No server given: run this script again inside bench/serve.sh, which sets BENCH_URL."""
    if os.environ.get("HTML_CHECK_SERVED"):
        raise SystemExit("html_check.py: bench/serve.sh did not set BENCH_URL")
    os.environ["HTML_CHECK_SERVED"] = "1"
    serve = str(BENCH / "serve.sh")
    os.execv(serve, [serve, sys.executable, str(Path(__file__).resolve()), *argv])


def check_prerequisites() -> tuple[str, str]:
    java = shutil.which("java")
    if java is None:
        print(
            "html_check.py: Java not found: apt-get update && apt-get install -y --no-install-recommends default-jre-headless",
            file=sys.stderr,
        )
        raise SystemExit(2)
    if not VNU_JAR.exists():
        print(f"html_check.py: {VNU_JAR} is missing: run `npm ci` in bench/", file=sys.stderr)
        raise SystemExit(2)
    version = json.loads((VNU_PACKAGE / "package.json").read_text())["version"]
    return java, version


def fetch(url: str) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"Accept": "text/html", "User-Agent": "bench/html_check.py"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def run_checker(java: str, files: list[Path]) -> list[dict]:
    """The checker once on every file; its messages (JSON on stdout)."""
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--asciiquotes", "--exit-zero-always"]
    result = subprocess.run(
        [*command, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        print(f"html_check.py: the checker failed (exit status {result.returncode}):", file=sys.stderr)
        print((result.stdout + result.stderr)[-3000:], file=sys.stderr)
        raise SystemExit(2) from None


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|").replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check(base_url: str, java: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="html-check.") as tmp:
        results, files = [], []
        for number, (label, path, expected) in enumerate(PAGES):
            status, body, content_type = fetch(base_url + path)
            if status != expected or not content_type.startswith("text/html"):
                print(f"html_check.py: {path}: HTTP {status} ({content_type}), expected {expected} text/html", file=sys.stderr)
                raise SystemExit(2)
            file = Path(tmp) / f"page-{number:02d}.html"
            file.write_bytes(body)
            files.append(file)
            results.append({"label": label, "path": path, "status": status, "file": file.name, "messages": []})
            print(f"  fetched {path}", file=sys.stderr)
        self_check = Path(tmp) / SELF_CHECK_NAME
        self_check.write_text(SELF_CHECK)

        by_file = {r["file"]: r for r in results}
        self_messages = []
        for message in run_checker(java, [*files, self_check]):
            name = message.get("url", "").rsplit("/", 1)[-1]
            if name == SELF_CHECK_NAME:
                self_messages.append(message)
            elif name in by_file:
                by_file[name]["messages"].append(message)
            else:  # a message about no file (the checker itself): never ignored
                results.append({"label": "The checker", "path": message.get("url", "-"), "status": "-", "messages": [message]})

    errors = [m for m in self_messages if m.get("type") == "error"]
    if not (any(is_hx(m) for m in errors) and any(not is_hx(m) for m in errors)):
        print(
            "html_check.py: self-check: expected an hx- attribute error and another error, got "
            f"{[m.get('message') for m in self_messages]}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return results


def kind(message: dict) -> str:
    """error (fails), hx (an htmx attribute: expected), warning, info, or the checker's own failure."""
    if message.get("type") == "error":
        return "hx" if is_hx(message) else "error"
    if message.get("type") == "info":
        return "warning" if message.get("subType") == "warning" else "info"
    return "error"  # non-document-error: the checker could not check the file


def report(results: list[dict], version: str) -> tuple[str, int]:
    out = [f"W3C Nu HTML checker (vnu.jar {version}); errors about `hx-*` attributes are expected (htmx).\n"]
    rows, failing, warnings = [], [], []
    for r in results:
        kinds = [kind(m) for m in r["messages"]]
        rows.append(
            [
                f"{r['label']} (`{r['path']}`)",
                r["status"],
                kinds.count("error"),
                kinds.count("hx"),
                kinds.count("warning"),
                kinds.count("info"),
            ]
        )
        for message, k in zip(r["messages"], kinds, strict=True):
            if k in ("error", "warning"):
                line = [
                    f"`{r['path']}`",
                    message.get("lastLine", "-"),
                    short(message.get("message", "")),
                    f"`{short(message.get('extract', ''), 80)}`" if message.get("extract") else "",
                ]
                (failing if k == "error" else warnings).append(line)
    out.append(markdown_table(["Page", "HTTP", "Errors", "hx-* errors (ignored)", "Warnings", "Info"], rows, align="lrrrrr"))
    headers = ["Page", "Line", "Message", "Extract"]
    if failing:
        out.append("\n### Errors\n")
        out.append(markdown_table(headers, failing, align="lrll"))
    if warnings:
        out.append("\n### Warnings\n")
        out.append(markdown_table(headers, warnings, align="lrll"))
    ignored = sum(row[3] for row in rows)
    verdict = (
        f"\nFAILED: {len(failing)} error(s) other than hx-* attributes ({ignored} hx-* ignored)."
        if failing
        else f"\nOK: no errors other than hx-* attributes ({ignored} hx-* ignored, {len(warnings)} warning(s))."
    )
    out.append(verdict)
    return "\n".join(out), 1 if failing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_base_url_argument(parser)
    parser.add_argument("--json", help="also write the checker's messages per page to this file")
    args = parser.parse_args()
    java, version = check_prerequisites()
    if not args.base_url:
        serve_and_rerun(sys.argv[1:])
    base_url = checked_base_url(args.base_url)

    results = check(base_url, java)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"vnu": version, "results": results}, f, indent=1)
    text, status = report(results, version)
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
