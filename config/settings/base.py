"""Settings shared by every environment.

Everything that differs between machines is read from the environment; the
defaults here are the development ones, so a fresh clone runs with no
configuration at all. `production.py` tightens them and refuses to start
without the secrets it needs.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # the search index's stored vector (a plain column elsewhere)
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "reversion",
    "reversion_compare",
    "axes",
    # Ours, lowest layer first (each may import only those above it here; see README, Layout).
    "core",
    "problems",
    "guides",
    "troubleshooter",
    "goodwill",
    "dealers",
    "search",
    "loader",
]

MIDDLEWARE = [
    # First: the https redirect, and HSTS and the other security headers on every answer, a cached
    # page's too.
    "django.middleware.security.SecurityMiddleware",
    # Then the page cache: a cached page skips everything below, compression included (the bytes
    # are kept compressed).
    "pagecache.cache.PageCacheMiddleware",
    # Pages are small but signal by the car is weak: compress HTML too (Django pads
    # compressed responses against BREACH, and CSRF tokens are masked per response).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its docs ask: refuses a locked-out sign-in before the admin sees it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Part of the service worker's version: set it per deployment (e.g. the release id) to make
# browsers drop their offline copies even when no file changed.
SERVICE_WORKER_VERSION = os.environ.get("SERVICE_WORKER_VERSION", "")

# The site's own words (every page): set them for another site; unset, they are translated.
SITE_NAME = os.environ.get("SITE_NAME") or _("Micra boot lock help")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE") or _("Boot won't open?")
SITE_DESCRIPTION = os.environ.get("SITE_DESCRIPTION") or _(
    "Get the boot of your Nissan Micra K12 open now, find out what failed, fix it or ask the dealer for a free repair."
)


def database_from_env() -> dict:
    """PostgreSQL (or any database) from DATABASE_URL, else SQLite in the repo.

    SQLite runs in WAL mode with a busy timeout and IMMEDIATE transactions so
    that concurrent writers queue instead of failing with "database is locked".
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")), conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        # Kept open between requests, as for PostgreSQL: opening SQLite with its PRAGMAs cost a
        # first visit to the diagnosis about a tenth of its time.
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # Seconds a write waits for another writer before "database is locked" (then a 503 page).
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache (pagecache/cache.py) and its content version live here, bounded: the least
# recently used pages go first, and storing costs the same at 100 entries as at 20,000.
# Without Redis: diskcache (SQLite files in CACHE_DIR) shared by the workers of one machine, at
# most PAGE_CACHE_MEGABYTES. With REDIS_URL: shared by every app server; give that Redis a
# `maxmemory` and `maxmemory-policy volatile-lru` (the pages expire, the content version does not,
# so Redis evicts only pages: docs/deploy.md).
PAGE_CACHE_MEGABYTES = int(os.environ.get("PAGE_CACHE_MEGABYTES", "256"))
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "config.cache_backends.KeptOpenDiskCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
            "SHARDS": 4,  # writers of different pages rarely wait for each other
            "DATABASE_TIMEOUT": 0.25,  # a store that waits longer is skipped (the page is served all the same)
            "OPTIONS": {"size_limit": PAGE_CACHE_MEGABYTES * 2**20, "eviction_policy": "least-recently-used"},
        },
        # The content version, read on every request: never evicted, and a read is not a write.
        "content_version": {
            "BACKEND": "config.cache_backends.KeptOpenDiskCache",
            "LOCATION": os.path.join(os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")), "content-version"),
            "SHARDS": 1,
            "OPTIONS": {"eviction_policy": "none"},
        },
    }

# Parts of pages that depend only on the content (a question's how-to, a problem's footer), kept
# rendered in each process by the {% cache %} tag; their keys hold the content version (and the
# language), so a content change is never served stale. Memory of this process only: no round trip.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# Sign-in to the admin: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for AXES_COOLOFF_HOURS (django-axes; counts in the database,
# shared by all app servers). The README says how to unlock someone sooner.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"  # the same proxy rules as the rate limits
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Pictures editors upload for the diagnosis questions. Several app servers need
# this on shared storage (or an S3-compatible store); see the README.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Browser features the site never uses are switched off for it and anything it embeds; the
# screen wake lock is allowed for the site itself (guides keep the phone's screen on).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "screen-wake-lock": ["self"],
}

# A strict policy: no inline scripts or styles, nothing from other hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],  # the favicon is a static file: no data: images anywhere
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, "mailto:"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Goodwill requests: at most this many new requests per client address and email per window
# (seconds), and at most GOODWILL_RATE_LIMIT_PER_ADDRESS from one address whatever the emails
# (many owners share a carrier's or a dealer's address). Counted in the database, shared by all
# app servers. Also: how long personal data is kept before erasure.
GOODWILL_RATE_LIMIT = (
    int(os.environ.get("GOODWILL_RATE_LIMIT", "10")),
    int(os.environ.get("GOODWILL_RATE_WINDOW_SECONDS", "3600")),
)
GOODWILL_RATE_LIMIT_PER_ADDRESS = int(os.environ.get("GOODWILL_RATE_LIMIT_PER_ADDRESS", "100"))
# "Did this solve it?": answers per client address per window (one stored answer per browser
# and cause; this stops a script that throws its cookie away).
FEEDBACK_RATE_LIMIT = (
    int(os.environ.get("FEEDBACK_RATE_LIMIT", "30")),
    int(os.environ.get("FEEDBACK_RATE_WINDOW_SECONDS", "3600")),
)
# Pages each app server process also keeps in its own memory (the most recently served; a
# few tens of KB each), so a hit reads only the content version from the shared cache.
PAGE_CACHE_RECENT_ENTRIES = int(os.environ.get("PAGE_CACHE_RECENT_ENTRIES", "300"))
# Owners' walks for the editors' "at a glance" page: written in batches (troubleshooter.services).
WALK_BATCH_SIZE = int(os.environ.get("WALK_BATCH_SIZE", "1000"))
WALK_BATCH_SECONDS = float(os.environ.get("WALK_BATCH_SECONDS", "10"))
WALK_WRITE_IN_BACKGROUND = True
GOODWILL_RETENTION_DAYS = int(os.environ.get("GOODWILL_RETENTION_DAYS", "365"))
# The goodwill page's acceptance figures (from dealers' answers) are at most this old, in the
# page cache too (seconds).
GOODWILL_FIGURES_SECONDS = int(os.environ.get("GOODWILL_FIGURES_SECONDS", "3600"))
# A dealer that has not answered a shared request after this many days gets one reminder
# (`send_dealer_reminders`, daily).
DEALER_REMINDER_DAYS = int(os.environ.get("DEALER_REMINDER_DAYS", "5"))
# Words owners typed that the diagnosis did not know, for the editors: kept this long after they
# were last typed (troubleshooter.owner_words). What each owner typed is kept for a day only.
OWNER_WORDS_KEPT_DAYS = int(os.environ.get("OWNER_WORDS_KEPT_DAYS", "180"))
# Words kept per client and window (count, seconds): high, since owners behind one carrier address
# share it; past it the words still set answers and the owner is told, but nothing is kept.
OWNER_WORDS_RATE_LIMIT = (
    int(os.environ.get("OWNER_WORDS_RATE_LIMIT", "200")),
    int(os.environ.get("OWNER_WORDS_RATE_WINDOW_SECONDS", "3600")),
)
# How many proxies (load balancer, CDN) stand in front of the app servers, each appending the
# address it saw to X-Forwarded-For: the client is that many entries from the right. 0 = none:
# the connection's own address. Only connections from TRUSTED_PROXY_NETWORKS are read this way,
# so a client that reaches an app server directly can't choose its address.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "1" if env_bool("GOODWILL_TRUST_X_FORWARDED_FOR", False) else "0"))
TRUSTED_PROXY_NETWORKS = os.environ.get(
    "TRUSTED_PROXY_NETWORKS", "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7"
)
# The site's public address, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

# The Carnews article kept in the repo and the content fixtures that give it
# structure; `load_content` reads both.
CONTENT_FIXTURES_DIR = BASE_DIR / "fixtures"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
