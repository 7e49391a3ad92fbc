"""Page weight and load timing of the real pages in headless Chromium on a phone viewport.

    .venv/bin/python bench/page_weight.py [--base-url URL] [--runs N] [--profile none|lighthouse-mobile]

For each page and each profile, N cold loads (a fresh browser context each time,
so an empty cache), then one repeat visit in the same context. Prints markdown:

- weight: requests, bytes on the wire (headers + body as sent: brotli for static
  files, which whitenoise pre-compresses; HTML as GZipMiddleware sends it), bytes
  uncompressed (decoded bodies), what the HTML would weigh gzipped, and what a
  repeat visit transfers;
- timing (median of the N runs): time to first byte, HTML received (the
  response end: DevTools throttling delays bodies, not headers), DOMContentLoaded,
  load, first contentful paint, largest contentful paint, from navigation start;
- Cumulative Layout Shift: the sum of the layout-shift entries (without recent
  input) a PerformanceObserver injected before any page script saw, read 500 ms
  after the load event;
- every distinct resource, with its encoding and sizes.

Profiles: `none` is loopback with no throttling (what the server and the browser
cost); `lighthouse-mobile` is Lighthouse's mobile profile applied as DevTools
throttling: 562.5 ms request latency (150 ms RTT), 1.47 Mbit/s down, 675 kbit/s
up, CPU slowed 4x.
"""

import argparse
import gzip
import json
import statistics
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from common import PAGES, PHONE_CONTEXT, add_base_url_argument, checked_base_url, chromium, markdown_table

PROFILES = {
    "none": None,
    "lighthouse-mobile": {
        "network": {
            "offline": False,
            "latency": 562.5,
            "downloadThroughput": 1474.56 * 1024 / 8,
            "uploadThroughput": 675 * 1024 / 8,
        },
        "cpu_rate": 4,
    },
}

# Runs before any script of the page (CDP, so the page's CSP does not apply).
OBSERVERS = """
(() => {
  const describe = (node) => {
    if (!node || !node.tagName) return String(node && node.nodeName);
    let s = node.tagName.toLowerCase();
    if (node.id) s += '#' + node.id;
    if (node.classList && node.classList.length) s += '.' + Array.from(node.classList).join('.');
    return s;
  };
  const bench = (window.__bench = { cls: 0, shifts: [], lcp: null, lcpElement: null, errors: [] });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.hadRecentInput) continue;
        bench.cls += entry.value;
        bench.shifts.push({
          value: entry.value,
          time: entry.startTime,
          sources: (entry.sources || []).map((source) => describe(source.node)),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (error) { bench.errors.push('layout-shift: ' + error); }
  try {
    new PerformanceObserver((list) => {
      const entries = list.getEntries();
      const last = entries[entries.length - 1];
      bench.lcp = last.startTime;
      bench.lcpElement = describe(last.element);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  } catch (error) { bench.errors.push('largest-contentful-paint: ' + error); }
})();
"""

READ_METRICS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const entries = [nav, ...performance.getEntriesByType('resource')].map((e) => ({
    url: e.name, transferSize: e.transferSize, encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize,
  }));
  return {
    ttfb: nav.responseStart,
    htmlDone: nav.responseEnd,
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    fcp: fcp ? fcp.startTime : null,
    lcp: window.__bench.lcp,
    lcpElement: window.__bench.lcpElement,
    cls: window.__bench.cls,
    shifts: window.__bench.shifts,
    errors: window.__bench.errors,
    entries,
  };
}
"""

LOAD_DONE = "() => { const n = performance.getEntriesByType('navigation')[0]; return !!n && n.loadEventEnd > 0; }"


SHIFTING_PAGE = """<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">
<p style="height:200px">text</p><p>more text</p>
<script>
setTimeout(() => { const d = document.createElement('div'); d.style.height = '300px'; document.body.prepend(d); }, 200);
</script>"""


def check_cls_observer(browser) -> None:
    """The observer must see a shift on a page that makes one, or the CLS column means nothing."""
    context = browser.new_context(**PHONE_CONTEXT)
    try:
        context.add_init_script(OBSERVERS)
        page = context.new_page()
        # Answered by Playwright itself: nothing goes over the network.
        page.route("http://127.0.0.1:9/", lambda route: route.fulfill(body=SHIFTING_PAGE, content_type="text/html"))
        page.goto("http://127.0.0.1:9/")
        page.wait_for_timeout(1000)
        cls = page.evaluate("() => window.__bench.cls")
        if not cls > 0.05:
            raise SystemExit(f"The layout-shift observer saw CLS {cls} on a page that shifts: CLS figures would be wrong")
    finally:
        context.close()


def warm_up(base_url: str) -> None:
    """Two plain GETs of every page so that no measured load pays for a worker's first request."""
    for _ in range(2):
        for _, path in PAGES:
            with urllib.request.urlopen(base_url + path, timeout=30) as response:
                response.read()


def throttle(context, page, profile: dict | None) -> None:
    if profile is None:
        return
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", profile["network"])
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu_rate"]})


def wait_for_load(page) -> None:
    page.wait_for_function(LOAD_DONE, timeout=60_000)
    page.wait_for_timeout(500)  # let late layout shifts and the LCP entry arrive


def load_once(browser, url: str, profile: dict | None, repeat_visit: bool) -> dict:
    context = browser.new_context(**PHONE_CONTEXT)
    try:
        context.add_init_script(OBSERVERS)
        page = context.new_page()
        page.set_default_timeout(60_000)
        throttle(context, page, profile)
        finished, failed = [], []
        page.on("requestfinished", lambda request: finished.append(request))
        page.on("requestfailed", lambda request: failed.append(request))
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise SystemExit(f"{url}: HTTP {response and response.status}, expected 200")
        wait_for_load(page)
        metrics = page.evaluate(READ_METRICS)

        requests = []
        for request in finished:
            sizes = request.sizes()
            resp = request.response()
            body = resp.body() if resp is not None else b""
            requests.append(
                {
                    "url": request.url,
                    "type": request.resource_type,
                    "status": resp.status if resp is not None else None,
                    "encoding": (resp.header_value("content-encoding") if resp is not None else None) or "none",
                    "cache_control": (resp.header_value("cache-control") if resp is not None else None) or "",
                    "wire": sizes["responseHeadersSize"] + sizes["responseBodySize"],
                    "body_wire": sizes["responseBodySize"],
                    "body_decoded": len(body),
                    "body_gzip6": len(gzip.compress(body, compresslevel=6)),
                }
            )
        result = {
            "metrics": metrics,
            "requests": requests,
            "failed": [f"{r.url} ({r.failure})" for r in failed],
        }

        if repeat_visit:
            page.goto("about:blank")
            page.goto(url, wait_until="load")
            wait_for_load(page)
            again = page.evaluate(READ_METRICS)
            result["repeat"] = {
                "wire": sum(e["transferSize"] for e in again["entries"]),
                "network_requests": sum(1 for e in again["entries"] if e["transferSize"] > 0),
                "requests": len(again["entries"]),
            }
        return result
    finally:
        context.close()


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def ms(values: list[float | None]) -> str:
    values = [v for v in values if v is not None]
    return f"{statistics.median(values):.0f}" if values else "n/a"


def measure(base_url: str, runs: int, profile_names: list[str]) -> dict:
    results: dict = {}
    with chromium() as browser:
        check_cls_observer(browser)
        for profile_name in profile_names:
            profile = PROFILES[profile_name]
            for label, path in PAGES:
                url = base_url + path
                loads = [load_once(browser, url, profile, repeat_visit=(i == 0)) for i in range(runs)]
                results.setdefault(profile_name, []).append({"label": label, "path": path, "loads": loads})
                print(f"  measured {profile_name}: {path}", file=sys.stderr)
    return results


def fetch_favicon(base_url: str) -> tuple[int, int]:
    try:
        with urllib.request.urlopen(base_url + "/favicon.ico", timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def report(results: dict, runs: int, favicon: tuple[int, int] | None = None) -> str:
    out = []
    first_profile = next(iter(results))
    pages = results[first_profile]

    out.append("### Page weight (cold cache; phone viewport 390x844)\n")
    rows = []
    for page in pages:
        cold = page["loads"][0]
        reqs = cold["requests"]
        html = next(r for r in reqs if r["type"] == "document")
        rows.append(
            [
                f"{page['label']} (`{page['path']}`)",
                len(reqs),
                kb(sum(r["wire"] for r in reqs)),
                kb(sum(r["body_decoded"] for r in reqs)),
                kb(html["wire"]),
                kb(html["body_gzip6"]),
                f"{kb(cold['repeat']['wire'])} ({cold['repeat']['network_requests']} of {cold['repeat']['requests']})",
            ]
        )
    out.append(
        markdown_table(
            [
                "Page",
                "Requests",
                "Transferred KiB",
                "Uncompressed KiB",
                "of which HTML KiB",
                "HTML body if gzipped KiB",
                "Repeat visit KiB (requests over the network)",
            ],
            rows,
        )
    )
    out.append(
        "\nTransferred = response headers + body as sent (static files brotli-compressed by whitenoise, which Chromium accepts; "
        "HTML as the site sends it: gzip-compressed by Django's GZipMiddleware when the browser accepts it). "
        "Uncompressed = decoded bodies. HTML body if gzipped = the same HTML through gzip level 6, for comparison."
    )

    for profile_name, pages in results.items():
        out.append(f"\n### Timing, profile `{profile_name}` (median of {runs} cold loads, ms from navigation start)\n")
        rows = []
        for page in pages:
            m = [load["metrics"] for load in page["loads"]]
            cls_values = [x["cls"] for x in m]
            rows.append(
                [
                    f"{page['label']}",
                    ms([x["ttfb"] for x in m]),
                    ms([x["htmlDone"] for x in m]),
                    ms([x["dcl"] for x in m]),
                    ms([x["load"] for x in m]),
                    ms([x["fcp"] for x in m]),
                    ms([x["lcp"] for x in m]),
                    f"{statistics.median(cls_values):.3f} (max {max(cls_values):.3f})",
                ]
            )
        if PROFILES[profile_name] is not None:
            out.append(
                "DevTools throttling delays response bodies, not headers: the emulated latency shows in "
                "*HTML received*, not in TTFB.\n"
            )
        out.append(markdown_table(["Page", "TTFB", "HTML received", "DOMContentLoaded", "Load", "FCP", "LCP", "CLS"], rows))

    # Anything that shifted, failed or could not be observed.
    notes = []
    for profile_name, pages in results.items():
        for page in pages:
            for load in page["loads"]:
                for shift in load["metrics"]["shifts"]:
                    notes.append(
                        f"- {profile_name} {page['path']}: layout shift {shift['value']:.4f} at {shift['time']:.0f} ms "
                        f"({', '.join(shift['sources']) or 'no source'})"
                    )
                notes += [f"- {profile_name} {page['path']}: request failed: {f}" for f in load["failed"]]
                notes += [f"- {profile_name} {page['path']}: observer error: {e}" for e in load["metrics"]["errors"]]
                notes += [
                    f"- {profile_name} {page['path']}: {r['url']} answered {r['status']}"
                    for r in load["requests"]
                    if r["status"] is not None and r["status"] >= 400
                ]
    if favicon is not None:
        notes.append(
            f"- `/favicon.ico` (which a browser asks for once per site, not counted above): HTTP {favicon[0]}, "
            f"{kb(favicon[1])} KiB"
        )
    if notes:
        out.append("\n### Notes\n")
        out.extend(sorted(set(notes)))

    out.append("\n### Resources (first cold load of each page; each distinct URL once)\n")
    seen: dict[str, dict] = {}
    for page in pages:
        for r in page["loads"][0]["requests"]:
            if r["type"] != "document":
                seen.setdefault(urlsplit(r["url"]).path, r)
    rows = [
        [f"`{path}`", r["type"], r["encoding"], kb(r["wire"]), kb(r["body_decoded"]), f"`{r['cache_control']}`"]
        for path, r in sorted(seen.items())
    ]
    out.append(
        markdown_table(
            ["Resource", "Type", "Encoding", "Transferred KiB", "Uncompressed KiB", "Cache-Control"], rows, align="lllrrl"
        )
    )
    lcp_elements = sorted({f"{p['label']}: `{p['loads'][0]['metrics']['lcpElement']}`" for p in pages})
    out.append("\nLargest contentful paint element per page: " + "; ".join(lcp_elements) + ".")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_base_url_argument(parser)
    parser.add_argument("--runs", type=int, default=5, help="cold loads per page and profile (default: %(default)s)")
    parser.add_argument(
        "--profile",
        action="append",
        choices=sorted(PROFILES),
        help="throttling profile; repeat for several (default: none and lighthouse-mobile)",
    )
    parser.add_argument("--json", help="also write the raw measurements to this file")
    args = parser.parse_args()
    base_url = checked_base_url(args.base_url)
    profiles = args.profile or ["none", "lighthouse-mobile"]

    warm_up(base_url)
    results = measure(base_url, args.runs, profiles)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(report(results, args.runs, fetch_favicon(base_url)))


if __name__ == "__main__":
    main()
