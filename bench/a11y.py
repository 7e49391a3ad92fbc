"""Accessibility check of the real pages with axe-core in headless Chromium on a phone viewport.

    .venv/bin/python bench/a11y.py [--base-url URL] [--bypass-csp auto|yes|no] [--json FILE]

axe-core comes from bench/node_modules (`npm ci` in bench/, pinned by
bench/package-lock.json). It is injected into each loaded page with Playwright's
`page.add_script_tag(path=...)`, which adds it as an *inline* script; the site's
Content-Security-Policy (script-src 'self') forbids inline scripts, so with
`--bypass-csp auto` (the default) the script first tries without bypassing and,
when axe does not appear, opens the pages in a context with `bypass_csp=True`.
Bypassing the policy changes nothing axe looks at (markup, styles, ARIA).

`axe.run()` runs with its default rule set (WCAG 2.0/2.1/2.2 A and AA plus best
practices), then a second time with only the rules axe keeps off by default
(AAA ones such as enhanced contrast, experimental and deprecated ones), whose
findings are listed apart. Prints markdown: a summary per page, then each
violation (rule, impact, number of nodes, the first elements), then the rules
axe could not decide by itself ("incomplete", for a person to review).
"""

import argparse
import json
import sys
from pathlib import Path

from common import PAGES, PHONE_CONTEXT, add_base_url_argument, checked_base_url, chromium, markdown_table

AXE_PATH = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3, None: 4}

RUN_AXE = """
async () => {
  const results = await axe.run(document, { resultTypes: ['violations', 'incomplete'] });
  const shape = (rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    helpUrl: rule.helpUrl,
    tags: rule.tags,
    nodes: rule.nodes.map((node) => ({
      target: node.target.map(String),
      html: node.html,
      summary: node.failureSummary || '',
    })),
  });
  // Second pass: the rules axe keeps off by default (AAA, experimental, deprecated).
  const off = axe._audit.rules.filter((rule) => !rule.enabled).map((rule) => rule.id);
  const extra = off.length
    ? await axe.run(document, { runOnly: { type: 'rule', values: off }, resultTypes: ['violations'] })
    : { violations: [] };
  return {
    version: axe.version,
    passes: results.passes.length,
    inapplicable: results.inapplicable.length,
    violations: results.violations.map(shape),
    incomplete: results.incomplete.map(shape),
    offByDefault: off,
    extraViolations: extra.violations.map(shape),
  };
}
"""


def inject_axe(page) -> bool:
    """Add axe as Playwright does with a path (inline content); True when `window.axe` works."""
    try:
        page.add_script_tag(path=str(AXE_PATH))
    except Exception as error:  # Playwright reports some CSP refusals as errors
        print(f"  add_script_tag failed: {error}".splitlines()[0], file=sys.stderr)
    return page.evaluate("() => typeof window.axe !== 'undefined' && typeof window.axe.run === 'function'")


def audit_page(browser, url: str, bypass_csp: bool) -> dict | None:
    context = browser.new_context(**PHONE_CONTEXT, bypass_csp=bypass_csp)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        csp_messages = []
        page.on(
            "console",
            lambda message: csp_messages.append(message.text) if "Content Security Policy" in message.text else None,
        )
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise SystemExit(f"{url}: HTTP {response and response.status}, expected 200")
        if not inject_axe(page):
            return {"blocked": True, "csp_messages": csp_messages}
        result = page.evaluate(RUN_AXE)
        result["blocked"] = False
        result["csp_header"] = response.header_value("content-security-policy") or ""
        return result
    finally:
        context.close()


BROKEN_PAGE = """<!doctype html><html><head><title>t</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"><p style="color:#eee;background:#fff">faint</p>
</main></body></html>"""


def check_axe(browser) -> None:
    """axe must find what is wrong with a page that is broken on purpose, or 'no violations' means nothing."""
    context = browser.new_context(**PHONE_CONTEXT)
    try:
        page = context.new_page()
        # Answered by Playwright itself: nothing goes over the network.
        page.route("http://127.0.0.1:9/", lambda route: route.fulfill(body=BROKEN_PAGE, content_type="text/html"))
        page.goto("http://127.0.0.1:9/")
        if not inject_axe(page):
            raise SystemExit("axe-core could not be injected into the self-check page")
        found = {v["id"] for v in page.evaluate(RUN_AXE)["violations"]}
        if not {"image-alt", "color-contrast", "html-has-lang"} <= found:
            raise SystemExit(f"axe self-check: expected image-alt, color-contrast and html-has-lang, got {sorted(found)}")
    finally:
        context.close()


def audit(base_url: str, mode: str) -> tuple[list[dict], str]:
    """Every page; returns the results and a sentence on how axe got into the pages."""
    with chromium() as browser:
        check_axe(browser)
        bypass = mode == "yes"
        how = "injected with bypass_csp=True (as asked)" if bypass else "injected without bypassing the CSP"
        if mode == "auto":
            probe = audit_page(browser, base_url + PAGES[0][1], bypass_csp=False)
            if probe["blocked"]:
                bypass = True
                first = probe["csp_messages"][0] if probe["csp_messages"] else "no console message"
                how = (
                    "the site's CSP blocked the inline script that `add_script_tag(path=...)` adds "
                    f'(Chromium: "{first[:160]}"), so the pages were opened with `bypass_csp=True`'
                )
        results = []
        for label, path in PAGES:
            result = audit_page(browser, base_url + path, bypass_csp=bypass)
            if result["blocked"]:
                raise SystemExit(f"axe-core could not be injected into {path} (bypass_csp={bypass})")
            results.append({"label": label, "path": path, **result})
            print(f"  audited {path}", file=sys.stderr)
    return results, how


def short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def violations_section(results: list[dict], key: str) -> list[str]:
    out = []
    for r in results:
        out.append(f"#### {r['label']} (`{r['path']}`)\n")
        if not r[key]:
            out.append("No violations.\n")
            continue
        rows = []
        for v in sorted(r[key], key=lambda v: (IMPACT_ORDER[v["impact"]], v["id"])):
            targets = ", ".join(f"`{' '.join(n['target'])}`" for n in v["nodes"][:3])
            if len(v["nodes"]) > 3:
                targets += f" and {len(v['nodes']) - 3} more"
            rows.append([f"`{v['id']}`", v["impact"], len(v["nodes"]), short(v["help"]), targets])
        out.append(markdown_table(["Rule", "Impact", "Nodes", "What", "Elements"], rows, align="llrll"))
        out.append("")

    # Each violated rule once, with its first element's markup and axe's summary.
    details: dict[str, dict] = {}
    for r in results:
        for v in r[key]:
            details.setdefault(v["id"], {"rule": v, "pages": []})["pages"].append(r["path"])
    if details:
        out.append("Details (first element of each rule):\n")
        for rule_id, entry in sorted(details.items()):
            v = entry["rule"]
            node = v["nodes"][0]
            out.append(f"- `{rule_id}` ({v['impact']}; {v['helpUrl']}), on {', '.join(f'`{p}`' for p in entry['pages'])}")
            out.append(f"  - element: `{' '.join(node['target'])}`: `{short(node['html'], 160)}`")
            out.append(f"  - axe: {short(node['summary'], 300)}")
        out.append("")
    return out


def report(results: list[dict], how: str) -> str:
    out = [f"axe-core {results[0]['version']}, default rules; {how}.\n"]
    out.append("### Summary\n")
    rows = []
    for r in results:
        by_impact: dict[str, int] = {}
        for v in r["violations"]:
            by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + 1
        rows.append(
            [
                f"{r['label']} (`{r['path']}`)",
                len(r["violations"]),
                sum(len(v["nodes"]) for v in r["violations"]),
                ", ".join(f"{n} {impact}" for impact, n in sorted(by_impact.items(), key=lambda kv: IMPACT_ORDER[kv[0]]))
                or "none",
                len(r["incomplete"]),
                r["passes"],
                r["inapplicable"],
                len(r["extraViolations"]),
            ]
        )
    out.append(
        markdown_table(
            [
                "Page",
                "Rules violated",
                "Nodes",
                "By impact",
                "Needs review",
                "Rules passed",
                "Rules not applicable",
                "Off-by-default rules violated",
            ],
            rows,
            align="lrrlrrrr",
        )
    )

    out.append("\n### Violations per page (default rules)\n")
    out.extend(violations_section(results, "violations"))
    off = results[0]["offByDefault"]
    out.append(f"### Rules off by default ({len(off)}: {', '.join(f'`{rule}`' for rule in off)})\n")
    if any(r["extraViolations"] for r in results):
        out.extend(violations_section(results, "extraViolations"))
    else:
        out.append("No violations on any page.\n")

    incomplete = {}
    for r in results:
        for v in r["incomplete"]:
            incomplete.setdefault(v["id"], {"rule": v, "pages": [], "nodes": 0})
            incomplete[v["id"]]["pages"].append(r["path"])
            incomplete[v["id"]]["nodes"] += len(v["nodes"])
    if incomplete:
        out.append("### Needs review (axe could not decide)\n")
        rows = [
            [f"`{rule_id}`", short(e["rule"]["help"]), e["nodes"], len(e["pages"])] for rule_id, e in sorted(incomplete.items())
        ]
        out.append(markdown_table(["Rule", "What", "Nodes", "Pages"], rows, align="llrr"))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_base_url_argument(parser)
    parser.add_argument(
        "--bypass-csp",
        choices=["auto", "yes", "no"],
        default="auto",
        help="open the pages with Playwright's bypass_csp (default: only when the CSP blocks axe)",
    )
    parser.add_argument("--json", help="also write axe's findings to this file")
    args = parser.parse_args()
    base_url = checked_base_url(args.base_url)
    if not AXE_PATH.exists():
        sys.exit(f"{AXE_PATH} is missing: run `npm ci` in bench/ (bench/run.sh does)")

    results, how = audit(base_url, args.bypass_csp)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"how": how, "results": results}, f, indent=1)
    print(report(results, how))


if __name__ == "__main__":
    main()
