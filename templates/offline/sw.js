// The site's service worker: the guides and the pages an owner has seen open with no signal
// (an underground car park). Rendered by Django so it names this deployment's files; any new
// deployment changes these bytes, so browsers install the new worker and drop the old caches.
// Owners' letters (/goodwill/) and the admin are never cached: personal data.
"use strict";
const VERSION = "{{ version }}";
const CACHE = "site-" + VERSION;
const OFFLINE_URL = "{{ offline_url }}";
const PRECACHE = {{ precache|safe }};
const NEVER = {{ never|safe }};
// Sent with the worker's own copy of a page, so the site does not count it as an owner's visit.
const COPY_HEADER = "{{ copy_header }}";

self.addEventListener("install", (event) => {
  // One by one, not addAll: a page that fails (a guide taken off the site a moment ago) must
  // not stop every other guide from being stored. Without cookies (see ownCopy).
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.allSettled(PRECACHE.map((url) => cache.add(ownCopy(url)))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("site-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

// The worker's own copies of public pages are fetched without cookies: they are the pages every
// owner gets, and a request of the worker's still carrying a session that a sign-in has just
// replaced would come back deleting the new session's cookie (Django deletes the cookie of a
// session it can't find), signing the person out.
function ownCopy(path, headers = {}) {
  return new Request(path, { credentials: "omit", headers });
}

function cacheable(response) {
  const control = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && !/no-store|private/.test(control);
}

async function fromNetworkThenCache(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (cacheable(response)) { cache.put(request, response.clone()); }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    return cached || (await cache.match(OFFLINE_URL));
  }
}

// htmx swaps in only part of a page, which can't be shown on its own: keep the whole page
// too, so the step (or outcome) opens again with no signal, on a reload or Back.
async function keepWholePage(path) {
  const response = await fetch(ownCopy(path, { [COPY_HEADER]: "1" }));
  if (cacheable(response)) { await (await caches.open(CACHE)).put(path, response); }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    // The first screen's Continue posts (the owner's own words never go in an address): the
    // page it shows has an address of its own (HX-Push-Url), kept whole like any htmx step's.
    // A response holding what the owner typed says no-store and is never kept.
    if (request.method === "POST" && request.headers.get("HX-Request") && !NEVER.some((prefix) => url.pathname.startsWith(prefix))) {
      event.respondWith(
        fetch(request).then((response) => {
          const pushed = response.headers.get("HX-Push-Url");
          if (pushed && cacheable(response)) { event.waitUntil(keepWholePage(pushed).catch(() => undefined)); }
          return response;
        }).catch(() => Response.error())
      );
    }
    return;
  }
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) {
    // Never stored; with no signal the offline page says what does open, not the browser's error.
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    }
    return;
  }
  if (request.headers.get("HX-Request")) {
    // An htmx step that can't be fetched: ask htmx to load the whole page instead, which
    // comes from the cache or is the offline page; never a blank region.
    event.respondWith(
      fetch(request).then((response) => {
        if (cacheable(response) && !response.headers.get("HX-Redirect")) {
          const shown = response.headers.get("HX-Push-Url") || url.pathname + url.search;
          event.waitUntil(keepWholePage(shown).catch(() => undefined));
        }
        return response;
      }).catch(() => new Response("", { status: 200, headers: { "HX-Redirect": url.pathname + url.search } }))
    );
    return;
  }
  if (url.pathname.startsWith("{{ static_prefix }}")) {
    event.respondWith(caches.match(request).then((cached) => cached || fromNetworkThenCache(request)));
    return;
  }
  event.respondWith(fromNetworkThenCache(request));
});
