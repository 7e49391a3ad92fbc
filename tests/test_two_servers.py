"""Two app servers on one PostgreSQL and one Redis, production settings, as a deployment beyond
one machine runs: what an editor changes through one server is what owners get from the other
at once (no stale cached page), the goodwill rate limit counts once for the whole site (not
per server), and each server's /health/ says it can reach both."""

import json
import re
import secrets
from dataclasses import dataclass

import pytest

from tests.adminforms import form_values
from tests.pagetext import text_of
from tests.servers import (
    AppServer,
    Browser,
    Postgres,
    app_servers,
    goodwill_form,
    hidden_fields,
    postgres,
    prepare_site,
    redis,
    site_env,
)

pytestmark = pytest.mark.servers

PROBLEM = "micra-k12-boot-lock"
FAQ_PAGE = f"/problems/{PROBLEM}/faq/"
RATE_LIMIT = 3
# Fixed windows start at multiples of the window: a long one, so no window starts mid-test.
RATE_WINDOW = 10**7


@dataclass
class Site:
    pg: Postgres
    a: AppServer
    b: AppServer
    editor_password: str


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with postgres() as pg, redis() as cache:
        env = site_env(tmp_path_factory.mktemp("two-servers"), database_url=pg.database_url, redis_url=cache.url)
        env |= {"GOODWILL_RATE_LIMIT": str(RATE_LIMIT), "GOODWILL_RATE_WINDOW_SECONDS": str(RATE_WINDOW)}
        password = "Editor-" + secrets.token_urlsafe(12)
        editor = ["createsuperuser", "--noinput", "--username", "editor", "--email", "editor@example.org"]
        prepare_site(env | {"DJANGO_SUPERUSER_PASSWORD": password}, then=[editor])
        with app_servers(env, 2) as (a, b):
            yield Site(pg, a, b, password)


def sign_in(browser: Browser, server: str, password: str) -> None:
    login = browser.get(f"{server}/admin/login/?next=/admin/")
    token = hidden_fields(login.text)["csrfmiddlewaretoken"]
    data = {"csrfmiddlewaretoken": token, "username": "editor", "password": password, "next": "/admin/"}
    signed_in = browser.post(f"{server}/admin/login/?next=/admin/", data)
    assert signed_in.status == 302, text_of(signed_in)[:1000]
    assert "sessionid" in browser.cookies


def test_an_edit_through_one_server_shows_at_once_on_the_other(site):
    faq_id, question, old_answer = site.pg.execute(
        "SELECT f.id, f.question, f.answer FROM guides_faq f JOIN troubleshooter_problem p ON p.id = f.problem_id"
        " WHERE p.slug = %s AND f.status = 'published' AND p.status = 'published' ORDER BY f.order, f.id LIMIT 1",
        (PROBLEM,),
    )[0]
    owner = Browser()
    first = owner.get(site.b + FAQ_PAGE)
    cached = owner.get(site.b + FAQ_PAGE)
    assert first.status == cached.status == 200
    assert cached.header("X-Page-Cache") == "hit"  # B serves its stored copy
    assert question in text_of(cached)

    new_answer = f"Editors update {secrets.token_hex(4)}: check the fuse for the boot release first"
    assert new_answer not in text_of(cached)
    editor = Browser()
    sign_in(editor, site.a, site.editor_password)
    change_url = f"{site.a}/admin/guides/faq/{faq_id}/change/"
    change = editor.get(change_url)
    assert change.status == 200
    form_html = re.search(r'<form[^>]*id="faq_form".*?</form>', change.text, re.S).group(0)
    data = form_values(form_html) | {"answer": new_answer, "_save": "Save"}
    saved = editor.post(change_url, data)
    assert saved.status == 302, text_of(saved)[:2000]
    assert site.pg.execute("SELECT answer FROM guides_faq WHERE id = %s", (faq_id,)) == [(new_answer,)]

    # An owner on B, a moment after: the new answer, not B's stored page.
    after = owner.get(site.b + FAQ_PAGE)
    assert after.status == 200
    assert new_answer in text_of(after)
    assert after.header("X-Page-Cache") != "hit"
    # And B stores the new page for the next owner.
    again = owner.get(site.b + FAQ_PAGE)
    assert again.header("X-Page-Cache") == "hit" and new_answer in text_of(again)
    assert new_answer in text_of(Browser().get(site.a + FAQ_PAGE))


def test_the_goodwill_rate_limit_counts_once_for_both_servers(site):
    email = f"same-{secrets.token_hex(4)}@example.org"
    owner = Browser()  # one owner, one address (127.0.0.1), one email, sent to A and B in turn
    servers = [site.a, site.b] * RATE_LIMIT
    results = []
    for number, server in enumerate(servers[: RATE_LIMIT + 2], start=1):
        form = goodwill_form(owner, server, name="Dirk Tweemaal", email=email, registration=f"TS-{number:03d}-X")
        results.append((server, owner.post(f"{server}/goodwill/", form)))

    statuses = [response.status for _server, response in results]
    assert statuses == [302] * RATE_LIMIT + [429, 429], statuses
    refused_on = {server for server, response in results if response.status == 429}
    assert refused_on == {site.a, site.b}  # the limit holds on whichever server the owner reaches
    for _server, response in results[RATE_LIMIT:]:
        assert 0 < int(response.header("Retry-After")) <= RATE_WINDOW
        assert "Too many requests from here" in text_of(response)
        assert 'value="Dirk Tweemaal"' in response.text  # what the owner typed is kept

    stored = site.pg.execute("SELECT count(*) FROM guides_goodwillrequest WHERE owner_email = %s", (email,))[0][0]
    assert stored == statuses.count(302) == RATE_LIMIT


def test_both_servers_report_healthy(site):
    for server in (site.a, site.b):
        health = Browser().get(f"{server}/health/")
        assert health.status == 200, health.text
        assert json.loads(health.text) == {"database": "ok", "cache": "ok"}
