"""Static files as production serves them: collected, hashed, and pre-compressed with brotli
(smaller than gzip) beside gzip, so a phone on a weak signal downloads fewer bytes."""

import gzip
import io
from wsgiref.util import setup_testing_defaults

from django.core.management import call_command
from django.test import override_settings
from whitenoise import WhiteNoise

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def fetch(app, path, accept_encoding):
    environ = {"PATH_INFO": path, "HTTP_ACCEPT_ENCODING": accept_encoding}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


def test_static_files_are_served_brotli_compressed_to_browsers_that_take_it(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    [htmx] = [path for path in (tmp_path / "vendor").glob("htmx.min.*.js")]
    brotli_file, gzip_file = htmx.with_name(htmx.name + ".br"), htmx.with_name(htmx.name + ".gz")
    assert brotli_file.stat().st_size < gzip_file.stat().st_size < htmx.stat().st_size

    app = WhiteNoise(lambda environ, start_response: [], root=tmp_path, prefix="/static/")
    path = f"/static/vendor/{htmx.name}"
    status, headers, body = fetch(app, path, "gzip, deflate, br")
    assert status.startswith("200") and headers["Content-Encoding"] == "br"
    assert len(body) == brotli_file.stat().st_size
    status, headers, body = fetch(app, path, "gzip")  # an older browser still gets gzip
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == htmx.read_bytes()
