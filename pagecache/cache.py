"""Public pages served from a shared cache until the content changes.

A view opts in with `@public_page` (a form: `@public_form_page`). Its response to an owner (no
session cookie: not staff) is stored whole, headers and compressed bytes included. A hit answers
without running the view, its queries or its templates, with an ETag, so a browser that has the
page gets a 304. What a page must still do on every serve (count an owner's walk for the
editors) rides along as "after serve" hooks: (dotted path, args).

The rules (each held by a test in tests/test_page_cache*.py, test_form_page_cache.py,
test_cache_bound.py, test_move.py, test_outages.py):

1. The key holds the content version, the scheme, the host's name (checked against
   ALLOWED_HOSTS first: a request whose Host is not allowed never reaches the cache and gets the
   400 page, which needs no host), the path, only the query parameters the page reads
   (`@public_page(params=...)`; the others are left out, or, for the diagnosis, redirected to
   its one canonical query), htmx or not and only the htmx targets the page answers differently,
   the language, gzip or not. The https redirect and the security headers (SecurityMiddleware)
   come before the cache. Pages print their absolute addresses from SITE_URL, never the Host.
2. The content version changes when the content changes (a content model saved or deleted:
   signals; the services' bulk writes call `content_changed()`; `load_content`;
   `renew_page_cache`), and never because of a request or its cookies: goodwill requests,
   feedback, walks, previews and sign-ins leave it alone. A version that could not be stored
   (the cache away) is stored as soon as the cache answers (`Renewal`), so every app server
   sees the change.
3. Pages whose words change with non-content writes (letters, staff pages, counts) are never
   stored: they are not `@public_page`, say no-store, or set a cookie. Only 200s are stored.
   A page that shows slow-moving figures (the goodwill page's acceptance rates) has a
   `lifetime`: its key holds the current period, so what it shows is at most that old.
4. What an owner types (a search, the diagnosis's own words) is never part of a key: those
   answers are not stored (`response.public_page = False`).
5. The storage is bounded, least recently used first out: diskcache (PAGE_CACHE_MEGABYTES in
   CACHE_DIR) on one machine; Redis with its own `maxmemory` and `volatile-lru` beyond one
   (pages expire, the content version does not, so only pages are evicted). A store costs the
   same at 100 entries as at 20,000 (bench/cache_store.py).
6. Public Django and library APIs only: the form's token comes from `get_token` and its body is
   compressed by GZipMiddleware; the version's Redis channel has a client of its own.

With Redis, each process keeps the content version and is told of new ones by Redis pub/sub
(`VersionWatch`). Each process also keeps the pages it served last (`RecentEntries`): safe
without invalidation, since a key holds the version and what is stored under a key never changes.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache, wraps
from urllib.parse import urlencode, urlsplit

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.gzip import GZipMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.translation import get_language_from_request

from pagecache.batch import in_batch

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:content-version"
# Where the content version is kept: a cache of its own where settings name one (diskcache: the
# pages' cache drops its least recently used entries, and marking a read as a use is a write,
# which the version, read on every request, must not cost), else with the pages (Redis: pages
# expire and the version does not, so `volatile-lru` never evicts it).
VERSION_CACHE = "content_version"


def version_cache():
    return caches[VERSION_CACHE] if VERSION_CACHE in settings.CACHES else cache


VERSION_CHANNEL = "pagecache:content-version"  # Redis pub/sub: every new version, as it is made
HOOKS = "after_serve"
ENTRY_TIMEOUT = 7 * 24 * 3600  # old versions' pages simply age out
UNCACHEABLE_CONTROL = ("private", "no-store", "no-cache", "max-age=0")


# A page whose every stored answer has its one canonical query (any other query is redirected
# to it or refused), so its whole query may be part of the key: the diagnosis.
CANONICAL_QUERY = "canonical"


@dataclass(frozen=True)
class PageRules:
    """What of a request may make a page's key: the query parameters the page reads (the others
    are left out of the key, so `?utm_source=...` does not make a new entry), or CANONICAL_QUERY;
    and the htmx targets it answers differently (any other target is the same as none)."""

    params: tuple[str, ...] | str = ()
    targets: tuple[str, ...] = ()
    # A page that shows figures which change without a content change (the goodwill page's
    # acceptance rates): its key holds the current period of this many seconds, so a stored copy
    # is at most that old. 0: only the content version decides.
    lifetime: int = 0


def public_page(view=None, *, params: tuple[str, ...] | str = (), targets: tuple[str, ...] = ()):
    """Mark a view's responses as the same for every owner: the page cache may keep them.
    `params` and `targets` say what of the request the page reads (see PageRules). A view can
    still keep one answer out of the cache: `response.public_page = False` (an owner's own words)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if not hasattr(response, "public_page"):
                response.public_page = True
            return response

        wrapped.page_rules = PageRules(params, targets)
        return wrapped

    return decorator(view) if view is not None else decorator


# The value a form page's CSRF field gets: this client's token, made per serve.
CSRF_FIELD = "csrfmiddlewaretoken"


def public_form_page(params: tuple[str, ...] = (), lifetime: int = 0, **fresh_fields: str):
    """Like `public_page`, for a page with a form: stored once, with the value of each hidden field
    named here (a dotted path to a function that makes a new value) and of the CSRF field made
    anew for every serve. Each owner gets their own CSRF token (and cookie) and their own one-time
    key, without JavaScript; the stored page holds neither. Only the empty form (a 200 to a GET)
    is stored; a form sent back with mistakes is that owner's own."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                response.public_page = True
                response.fresh_fields = {CSRF_FIELD: ""} | fresh_fields
            return response

        wrapped.page_rules = PageRules(params, lifetime=lifetime)
        return wrapped

    return decorator


def after_serve(response, path: str, *args) -> None:
    """Run `path(*args)` each time this response is served, from the cache too."""
    hooks = getattr(response, HOOKS, [])
    hooks.append((path, args))
    setattr(response, HOOKS, hooks)


def using_redis() -> bool:
    return isinstance(caches["default"], RedisCache)


_redis_clients: dict[tuple[int, str], redis.Redis] = {}


def redis_client() -> redis.Redis | None:
    """With Redis as the cache: this process's own client for the content version's channel,
    made from the cache's configured LOCATION (the server Django's backend writes to), or None."""
    if not using_redis():
        return None
    location = settings.CACHES["default"]["LOCATION"]
    if isinstance(location, list | tuple):
        location = location[0]
    key = (os.getpid(), location)  # a forked worker makes its own connections
    if key not in _redis_clients:
        _redis_clients[key] = redis.Redis.from_url(location)
    return _redis_clients[key]


def read_version() -> str:
    store = version_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if store.add(VERSION_KEY, version, timeout=None):
            publish_version(version)
        version = store.get(VERSION_KEY, version)
    return version


class VersionWatch:
    """With Redis: this process's own copy of the content version, replaced the moment any app
    server publishes a new one (Redis pub/sub), so serving a cached page needs no round trip to
    Redis at all (that round trip was a third of a hit). Whenever the subscription is not known
    to be live (starting, Redis away, a dropped connection) there is no copy, and the version is
    read from the cache for every request, as without Redis."""

    PING_SECONDS = 5  # a connection that died silently is noticed within this, then re-made

    def __init__(self):
        self.version: str | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()

    def current(self) -> str | None:
        if self.pid != os.getpid():  # a new worker (after the fork): its own listener
            with self.lock:
                if self.pid != os.getpid():
                    self.pid, self.version = os.getpid(), None
                    threading.Thread(target=self.listen, name="pagecache-version", daemon=True).start()
        return self.version

    def listen(self) -> None:
        pid = os.getpid()
        while self.pid == pid:
            client = redis_client()
            if client is None:  # the cache is not Redis (any more, as in tests that switch it): nothing to follow
                self.pid, self.version = None, None
                return
            try:
                self.follow(client.pubsub())
            except Exception:
                logger.warning("Page cache: lost the content version's channel; reading it per request", exc_info=True)
            self.version = None
            time.sleep(1)

    def follow(self, pubsub) -> None:
        with closing(pubsub):
            pubsub.subscribe(VERSION_CHANNEL)
            # Subscribed first, then read: a change published in between is not missed.
            while (message := pubsub.get_message(timeout=self.PING_SECONDS)) is None or message["type"] != "subscribe":
                pass
            self.version = read_version()
            quiet_since = time.monotonic()
            while self.pid == os.getpid():
                message = pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message and message["type"] == "message":
                    self.version = message["data"].decode()
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since > self.PING_SECONDS:
                    pubsub.ping()  # raises on a dead connection
                    quiet_since = time.monotonic()


version_watch = VersionWatch()


def content_version() -> str:
    if using_redis():
        version = version_watch.current()
        if version is not None:
            return version
    return read_version()


def content_version_or_new() -> str:
    """The content version, or (the cache away) a new one each time, so that nothing kept under a
    version is reused while the real one can't be known."""
    try:
        return content_version()
    except Exception:
        return secrets.token_hex(8)


def per_content_version(function):
    """Keep what `function` returns, per process and per arguments, while the content version
    stays the same: any content change (a publish included) makes the next call build it anew,
    on every app server. For reads that owners' pages make on every request and that depend only
    on the content (the live problem, its diagnosis). What is kept is shared by all requests of
    the process, so callers only read it. With the cache away (Redis stopped) nothing is kept:
    each call builds anew, as without this. An exception (a 404) is never kept."""
    kept: dict = {}  # {args: (content version, value)}

    @wraps(function)
    def wrapped(*args):
        try:
            current = content_version()
        except Exception:
            return function(*args)
        entry = kept.get(args)
        if entry is not None and entry[0] == current:
            return entry[1]
        value = function(*args)
        if len(kept) > 1000:  # arguments owners can choose (a slug): never grows without bound
            kept.clear()
        kept[args] = (current, value)
        return value

    return wrapped


def publish_version(version: str) -> None:
    client = redis_client()
    if client is not None:
        client.publish(VERSION_CHANNEL, version)


def store_new_version() -> bool:
    version = secrets.token_hex(8)
    try:
        version_cache().set(VERSION_KEY, version, timeout=None)
        if version_watch.version is not None:
            version_watch.version = version  # this process at once; the others on the message
        publish_version(version)
        return True
    except Exception:  # the cache is away: it serves nothing stale meanwhile (the page cache steps aside)
        version_watch.version = None  # nor this process's own copy of the old version
        logger.exception("Page cache: could not renew the content version; trying again")
        return False


class Renewal:
    """A new content version that could not be stored (the cache away at that moment) is stored
    as soon as the cache answers again, tried in the background: otherwise the other app servers,
    which never saw the change, would serve the old pages until the next one."""

    FIRST_WAIT, LONGEST_WAIT = 0.5, 10.0

    def __init__(self):
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def request(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.retry, name="pagecache-renewal", daemon=True)
                self.thread.start()

    def retry(self) -> None:
        wait = self.FIRST_WAIT
        while True:
            time.sleep(wait)
            if store_new_version():
                return
            wait = min(wait * 2, self.LONGEST_WAIT)


renewal = Renewal()


def new_version() -> None:
    if not store_new_version():
        renewal.request()


def content_changed(**_kwargs) -> None:
    """A new content version now, and again once the change is committed: a page rendered from
    the old content between the two is then never served. Inside `content_batch.one_change()`
    (the content loader) nothing: the batch renews the version once, at its end."""
    if in_batch():
        return
    new_version()
    transaction.on_commit(new_version)


def allowed_host(request) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def page_rules(request) -> PageRules | None:
    """The rules of the public page at this address, or None: not a page the cache may keep."""
    return rules_for_path(request.path_info)


@lru_cache(maxsize=4096)  # resolving the address was a tenth of a hit; the URLs do not change
def rules_for_path(path: str) -> PageRules | None:
    try:
        return getattr(resolve(path).func, "page_rules", None)
    except Resolver404:
        return None


def page_key(request, version: str, rules: PageRules) -> str:
    """The stored page's key. `request.get_host()` has been checked against ALLOWED_HOSTS by then;
    its name only (lower case, no port, no trailing dot), so the ports and spellings of one
    allowed host share their pages (the pages print no host: their addresses come from SITE_URL).
    Of the query, only what the page reads (PageRules); of the htmx target, only the page's own."""
    host = (urlsplit("//" + request.get_host()).hostname or "").rstrip(".")
    if rules.params == CANONICAL_QUERY:
        query = request.META.get("QUERY_STRING", "")
    else:
        query = urlencode([(k, v) for k, values in sorted(request.GET.lists()) if k in rules.params for v in values])
    target = request.headers.get("HX-Target", "")
    varies = "|".join(
        [
            request.scheme,
            host,
            request.path,
            query,
            request.headers.get("HX-Request", ""),
            target if target in rules.targets else "",
            request.headers.get("HX-History-Restore-Request", ""),
            # The service worker's own copy of a page: served the same, but not counted as a visit.
            request.headers.get("X-Offline-Copy", ""),
            get_language_from_request(request),
            "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "",
            str(int(time.time() // rules.lifetime)) if rules.lifetime else "",
        ]
    )
    return f"page:{version}:{hashlib.sha256(varies.encode()).hexdigest()}"


def public_200(response) -> bool:
    return getattr(response, "public_page", False) and response.status_code == 200 and not response.streaming


def storable_form(response) -> bool:
    """A form page: its own cookie (CSRF) and no-cache for browsers are expected; both are made per serve."""
    return (
        public_200(response)
        and getattr(response, "fresh_fields", None) is not None
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    )


def storable(response) -> bool:
    control = response.get("Cache-Control", "")
    return public_200(response) and not response.cookies and not any(word in control for word in UNCACHEABLE_CONTROL)


@dataclass
class FormPage:
    """A stored page with a form: the HTML around its per-serve values."""

    status: int
    headers: list[tuple[str, str]]
    pieces: list[bytes]  # one more than fields: pieces[0] fields[0] pieces[1] ... pieces[-1]
    fields: list[tuple[str, str]]  # (field name, dotted path of its maker; "" for CSRF)
    hooks: list


def fresh_field_pattern(name: str) -> re.Pattern:
    return re.compile(rb'(<input type="hidden" name="' + re.escape(name.encode()) + rb'" value=")([^"]*)(")')


def form_page(response, hooks) -> FormPage | None:
    """The response cut around its fresh fields' values; None when it can't be (then not stored)."""
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    elif response.has_header("Content-Encoding"):
        return None
    cuts = []
    for name, maker in response.fresh_fields.items():
        found = list(fresh_field_pattern(name).finditer(content))
        if len(found) > 1 or (not found and name != CSRF_FIELD):
            return None  # a field the page does not hold once: nothing safe to store
        cuts += [(m.start(2), m.end(2), name, maker) for m in found]
    cuts.sort()
    pieces, fields, position = [], [], 0
    for start, end, name, maker in cuts:
        pieces.append(content[position:start])
        fields.append((name, maker))
        position = end
    pieces.append(content[position:])
    dropped = {"content-length", "etag", "content-encoding", "set-cookie"}
    headers = [(k, v) for k, v in response.items() if k.lower() not in dropped]
    return FormPage(response.status_code, headers, pieces, fields, hooks)


def serve_form_page(request, page: FormPage, csrf: CsrfViewMiddleware, gzip_middleware: GZipMiddleware) -> HttpResponse:
    """The stored form with this client's own values, through Django's own CSRF and gzip code:
    the token from `get_token` (the client's secret from its cookie, or a new one, masked anew),
    the cookie set by the CSRF middleware, the body compressed by the gzip middleware."""
    csrf.process_request(request)  # this client's CSRF secret, from its cookie, if it has one
    values = [(get_token(request) if name == CSRF_FIELD else import_string(maker)()).encode() for name, maker in page.fields]
    body = page.pieces[0] + b"".join(value + piece for value, piece in zip(values, page.pieces[1:], strict=True))
    response = HttpResponse(body, status=page.status)
    for name, value in page.headers:
        response[name] = value
    response = gzip_middleware.process_response(request, response)
    response["X-Page-Cache"] = "hit"
    return csrf.process_response(request, response)


def run_hooks(request, hooks) -> None:
    for path, args in hooks:
        try:
            import_string(path)(*args)
        except Exception:  # counting for editors must never cost an owner the page
            logger.exception("After-serve hook %s failed", path)


class RecentEntries:
    """This process's own copy of the entries it served last, so a hit reads only the content
    version from the shared cache, not the page too (a file read and unpickling, or a Redis round
    trip, for every hit). Safe without any invalidation: a key holds the content version, and
    what is stored under a key never changes."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class PageCacheMiddleware:
    """Outermost: a hit skips everything inside (sessions, views, templates, compression)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.assets = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p)
        self.skip = (*self.assets, "/admin/")
        self.csrf = CsrfViewMiddleware(get_response)
        self.gzip = GZipMiddleware(get_response)
        self.recent = RecentEntries(settings.PAGE_CACHE_RECENT_ENTRIES)

    def __call__(self, request):
        version = None
        if not request.path.startswith(self.assets):
            # One content version per request, read before the view reads any content: the kept
            # page fragments are keyed by it (`request.content_version`, in every template's
            # context). Read any later, a change committed meanwhile could file a fragment made
            # from the old content under the new version. With the cache away, a version of its
            # own: nothing kept is reused, and the page cache steps aside (below).
            try:
                version = content_version()
            except Exception:
                logger.warning("Content version unavailable for %s", request.path, exc_info=True)
            request.content_version = version or secrets.token_hex(8)
        # Writes, staff (a session: they see drafts) and what is not a page go past the cache. A
        # write changes the content version only through the content itself (its models' signals
        # and the services' bulk writes), never because of what the request carries.
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        if request.path.startswith(self.skip):
            return self.get_response(request)
        if not allowed_host(request):  # Django answers it below, with its 400 page; nothing stored or served
            return self.get_response(request)
        rules = page_rules(request)
        if rules is None:
            return self.get_response(request)

        if version is None:  # the cache is away (Redis stopped): serve the page without it
            return self.get_response(request)
        try:
            key = page_key(request, version, rules)
            entry = self.recent.get(key)
            if entry is None:
                entry = cache.get(key)
                if entry is not None:
                    self.recent.put(key, entry)
        except Exception:  # the cache is away (Redis stopped): serve the page without it
            logger.warning("Page cache unavailable; serving %s uncached", request.path, exc_info=True)
            return self.get_response(request)
        if isinstance(entry, FormPage):
            run_hooks(request, entry.hooks)
            return serve_form_page(request, entry, self.csrf, self.gzip)
        if entry is not None:
            status, headers, content, hooks = entry
            run_hooks(request, hooks)
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return get_conditional_response(request, etag=response["ETag"], response=response) or response

        response = self.get_response(request)
        hooks = getattr(response, HOOKS, [])
        run_hooks(request, hooks)
        if storable_form(response):
            page = form_page(response, hooks)
            if page is not None:
                self.store(request, key, page)
                response["X-Page-Cache"] = "miss"
            return response
        if storable(response):
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            patch_vary_headers(response, ("Accept-Language",))
            self.store(request, key, (response.status_code, list(response.items()), response.content, hooks))
            response["X-Page-Cache"] = "miss"
            return get_conditional_response(request, etag=response["ETag"], response=response) or response
        return response

    def store(self, request, key: str, entry) -> None:
        try:
            cache.set(key, entry, ENTRY_TIMEOUT)
            self.recent.put(key, entry)
        except Exception:  # the cache is away: the page was served all the same
            logger.warning("Page cache: could not store %s", request.path, exc_info=True)
