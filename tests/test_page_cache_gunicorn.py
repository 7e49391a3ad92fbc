"""The page cache's rules where the order of the middleware matters, through a real gunicorn with
production settings behind an https proxy (X-Forwarded-Proto), CSRF checks on: a request the
site may not answer never reaches the cache; the https redirect and the security headers come
before it; the first visitor's Host or scheme never shapes what later visitors get; and a
request's cookies never empty it."""

import http.client
import re
import secrets
from urllib.parse import urlsplit

import pytest

from tests.pagetext import read_page
from tests.servers import app_server, exceptions_logged, prepare_site, site_env

pytestmark = pytest.mark.servers

PROBLEM = "micra-k12-boot-lock"
FAQ_PAGE = f"/problems/{PROBLEM}/faq/"
GUIDE = "/guides/replace-microswitch/"
SITE_URL = "https://boot.example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cache-rules")
    env = site_env(tmp, sqlite_path=tmp / "db.sqlite3") | {
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "SITE_URL": SITE_URL,
        "DJANGO_ALLOWED_HOSTS": "boot.example.org,127.0.0.1,localhost",
    }
    prepare_site(env)
    with app_server(env, workers=2) as url:
        yield url


def fetch(server: str, path: str, *, host: str = "boot.example.org", https: bool = True, method: str = "GET", **kwargs):
    """One request as the proxy passes it on: `host` as the Host header, https said by X-Forwarded-Proto."""
    address = urlsplit(server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    headers = {"Host": host} | ({"X-Forwarded-Proto": "https"} if https else {}) | kwargs.pop("headers", {})
    try:
        connection.request(method, path, headers=headers, **kwargs)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode(errors="replace")
    finally:
        connection.close()


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]*)"', html).group(1)


def test_the_first_visitors_host_never_shapes_the_page_others_get(server):
    status, headers, first = fetch(server, FAQ_PAGE, host="LOCALHOST:1")
    assert status == 200 and headers["x-page-cache"] == "miss"
    for host in ("127.0.0.1:9999", "localhost.", "boot.example.org"):
        status, headers, html = fetch(server, FAQ_PAGE, host=host)
        assert status == 200
        assert canonical(html) == f"{SITE_URL}{FAQ_PAGE}"
        assert f'<meta property="og:url" content="{SITE_URL}{FAQ_PAGE}">' in html
        assert "127.0.0.1:9999" not in html and "LOCALHOST" not in html
    assert canonical(first) == f"{SITE_URL}{FAQ_PAGE}"


def test_https_headers_on_cached_pages_and_plain_http_is_redirected_first(server):
    fetch(server, GUIDE)
    status, headers, _html = fetch(server, GUIDE)
    assert status == 200 and headers["x-page-cache"] == "hit"
    assert "max-age=" in headers["strict-transport-security"]  # on a cached page too
    # The same address over plain http: the redirect, not the stored page.
    status, headers, _html = fetch(server, GUIDE, https=False)
    assert status == 301 and headers["location"] == f"https://boot.example.org{GUIDE}"


def test_a_host_that_is_not_allowed_gets_the_400_page_never_a_stored_page(server):
    fetch(server, FAQ_PAGE)
    assert fetch(server, FAQ_PAGE)[1]["x-page-cache"] == "hit"
    for https in (True, False):
        status, headers, html = fetch(server, FAQ_PAGE, host="evil.example", https=https)
        assert status == 400, html[:500]
        assert "x-page-cache" not in headers
        assert "Go to the home page" in read_page(html)[0]


@pytest.mark.parametrize("charset", ["utf-16", "utf-7", "utf-32", "latin-1", "ascii"])
@pytest.mark.parametrize("path", ["/goodwill/", "/admin/login/"])
def test_a_form_in_another_charset_with_a_csrf_cookie_is_the_400_page(server, path, charset):
    log_before = len(server.log())
    status, _headers, html = fetch(
        server,
        path,
        method="POST",
        body="a=1".encode(charset),
        headers={
            "Cookie": "csrftoken=" + "A" * 32,
            "Content-Type": f"application/x-www-form-urlencoded; charset={charset}",
            "Referer": f"https://boot.example.org{path}",
        },
    )
    assert status == 400, html[:500]
    assert "We couldn't read what your browser sent" in read_page(html)[0]
    # Django's own one-line warning of a bad request, once; no server error, no second traceback.
    logged = server.log()[log_before:]
    assert len(exceptions_logged(logged)) <= 1 and all("BadRequest" in line for line in exceptions_logged(logged)), logged
    assert "Internal Server Error" not in logged and len(logged) < 8000


def test_a_post_with_a_made_up_session_leaves_the_cached_pages_alone(server):
    fetch(server, GUIDE)
    assert fetch(server, GUIDE)[1]["x-page-cache"] == "hit"
    # A made-up session, with a CSRF cookie and token that pass Django's check.
    token = secrets.token_hex(16)
    headers = {
        "Cookie": f"sessionid={secrets.token_hex(16)}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    statuses = []
    for path in ("/preview/markdown/", "/goodwill/", "/admin/login/"):
        headers["Referer"] = f"https://boot.example.org{path}"
        body = f"csrfmiddlewaretoken={token}&text=x&username=x&password=x".encode()
        statuses.append(fetch(server, path, method="POST", body=body, headers=headers)[0])
    assert 302 in statuses and 200 in statuses, statuses  # answered, not refused
    assert fetch(server, GUIDE)[1]["x-page-cache"] == "hit"  # the same content version: still stored
