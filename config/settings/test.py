"""The test suite: development settings with fast password hashing."""

import os
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
# The test client's own address: pages print their absolute addresses from SITE_URL.
SITE_URL = "http://testserver"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests do not run collectstatic; serve static files from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Walks written at once, so a test reads what it just did.
WALK_BATCH_SIZE = 1
WALK_WRITE_IN_BACKGROUND = False
# Each test process its own cache (the SQLite and PostgreSQL suites run side by side in CI).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": CACHES["template_fragments"],  # noqa: F405
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A file, not memory, for the SQLite test database: the live server's threads then
# each get their own connection, so concurrency tests meet real locking (WAL, busy timeout).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"micra-test-{os.getpid()}.sqlite3")}  # noqa: F405
