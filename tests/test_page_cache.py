"""The page cache: owners get stored pages (no queries) until the content changes, and never
someone else's variant (htmx region, language, compression); staff never get stored pages."""

import gzip
import io
import secrets

import pytest
from django.http import HttpResponse
from django.urls import reverse

from guides.models import FAQ, RepairGuide
from troubleshooter.models import WalkEvent

PROBLEM = "micra-k12-boot-lock"
DIAGNOSIS = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})
OUTCOME_QUERY = "signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click"
PAGES = [
    "/",
    f"/problems/{PROBLEM}/",
    f"{DIAGNOSIS}?signs=answered&signs=no-click",
    f"{DIAGNOSIS}?{OUTCOME_QUERY}",
    f"/problems/{PROBLEM}/outcomes/microswitch-failed/",
    "/guides/replace-microswitch/",
    "/guides/replace-microswitch/?step=3",
    f"/problems/{PROBLEM}/faq/",
    f"/problems/{PROBLEM}/prevention/",
    "/search/",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_served_once_is_served_again_without_a_query(client, content, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(25):  # cold: the view runs
        first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    # Warm: no query at all, but the count of a finished walk for the editors (written at once in
    # tests; in production, in batches).
    counted = 1 if OUTCOME_QUERY in url else 0
    with django_assert_max_num_queries(counted):
        again = client.get(url)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content


def test_an_outcome_from_the_cache_is_still_counted_for_the_editors(client, content):
    for _visit in range(3):
        client.get(f"{DIAGNOSIS}?{OUTCOME_QUERY}")
    assert WalkEvent.objects.filter(kind="ended", cause="microswitch-failed").count() == 3


def test_a_change_to_the_content_shows_at_once(client, admin_client, content):
    url = f"/problems/{PROBLEM}/faq/"
    assert "An editor's new question?" not in client.get(url).content.decode()
    faq = FAQ.objects.order_by("order").first()
    change = reverse("admin:guides_faq_change", args=[faq.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"question": "An editor's new question?", "_save": "Save"}
    assert admin_client.post(change, data).status_code == 302
    assert "An editor's new question?" in client.get(url).content.decode()


def test_a_change_made_outside_the_admin_shows_at_once(client, content):
    url = "/guides/replace-microswitch/"
    client.get(url)
    RepairGuide.objects.filter(slug="replace-microswitch").get().steps.filter(order=1).update(title="no signal sent")
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    guide.title = "Swap the boot switch yourself"
    guide.save()
    page = client.get(url).content.decode()
    assert "Swap the boot switch yourself" in page and "no signal sent" in page


def test_htmx_regions_languages_and_compression_are_kept_apart(client, content):
    url = f"{DIAGNOSIS}?signs=answered&signs=no-click"
    full = client.get(url)
    region = client.get(url, headers={"HX-Request": "true"})
    assert b"<html" in full.content and b"<html" not in region.content
    assert b"<html" in client.get(url).content  # the full page again, not the stored region
    assert b'<html lang="nl">' in client.get(url, headers={"Accept-Language": "nl"}).content
    assert b'<html lang="en">' in client.get(url, headers={"Accept-Language": "en"}).content
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip" and b"<html" in gzip.decompress(zipped.content)
    assert "Content-Encoding" not in client.get(url)  # a client without gzip still gets plain bytes


def test_a_browser_that_has_the_page_gets_304(client, content):
    url = "/guides/replace-microswitch/"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_staff_never_get_or_leave_stored_pages(client, admin_client, content):
    url = f"/problems/{PROBLEM}/faq/"
    staff_page = admin_client.get(url)
    assert "X-Page-Cache" not in staff_page
    assert client.get(url)["X-Page-Cache"] == "miss"  # what staff saw was not stored for owners
    assert "X-Page-Cache" not in admin_client.get(url)


def test_pages_that_set_a_cookie_are_never_stored(rf):
    """A cookie would go to every owner served the page (the form's CSRF cookie is the one
    exception: it is made anew for each serve, see test_form_page_cache)."""
    from pagecache.cache import PageCacheMiddleware, public_form_page, public_page

    def with_cookie(request):
        response = HttpResponse("<p>yours</p>")
        response.set_cookie("owner", secrets.token_hex(8))
        return response

    for view in (public_page(with_cookie), public_form_page()(with_cookie)):
        middleware = PageCacheMiddleware(view)
        # A public page's address (the cache keeps only those), answered by this view.
        first, second = (middleware(rf.get("/")) for _ in range(2))
        assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
        assert first.cookies["owner"].value != second.cookies["owner"].value


def test_a_restored_database_is_shown_once_the_cache_is_renewed(client, content):
    """A restore (or a change by hand in SQL) sends no signal: the pages stay as they were until
    `renew_page_cache`, the last step of a restore in docs/deploy.md."""
    from django.core.management import call_command

    url = "/guides/replace-microswitch/"
    client.get(url)
    RepairGuide.objects.filter(slug="replace-microswitch").update(title="The guide as in the backup")
    assert "The guide as in the backup" not in client.get(url).content.decode()
    call_command("renew_page_cache", stdout=io.StringIO())
    assert "The guide as in the backup" in client.get(url).content.decode()


def test_query_parameters_a_page_does_not_read_make_no_new_entry(client, content):
    client.get("/guides/replace-microswitch/")
    for junk in ("?utm_source=x", "?fbclid=1&utm_medium=y", "?x=" + secrets.token_hex(8)):
        assert client.get("/guides/replace-microswitch/" + junk)["X-Page-Cache"] == "hit"
    # ...while what it reads is kept apart.
    step = client.get("/guides/replace-microswitch/?step=3")
    assert step["X-Page-Cache"] == "miss" and step.content != client.get("/guides/replace-microswitch/").content


def test_an_htmx_target_a_page_does_not_answer_differently_makes_no_new_entry(client, content):
    url = f"{DIAGNOSIS}?signs=answered&signs=no-click"
    client.get(url, headers={"HX-Request": "true"})
    for target in ("diagnosis", secrets.token_hex(8), ""):
        again = client.get(url, headers={"HX-Request": "true", "HX-Target": target})
        assert again["X-Page-Cache"] == "hit", target
    # The feedback box is a region of its own.
    outcome = f"{DIAGNOSIS}?{OUTCOME_QUERY}&tried=later"
    whole = client.get(outcome, headers={"HX-Request": "true"})
    box = client.get(outcome, headers={"HX-Request": "true", "HX-Target": "feedback"})
    assert box["X-Page-Cache"] == "miss" and box.content != whole.content


def typed_into_the_first_screen(client) -> str:
    return client.post(f"{DIAGNOSIS}words/", {"signs": "answered", "words": "it clicks once"})["Location"]


@pytest.mark.parametrize("url", ["/search/?q=boot+stuck+in+the+rain", typed_into_the_first_screen])
def test_what_an_owner_types_is_never_stored(client, content, url):
    url = url if isinstance(url, str) else url(client)
    first = client.get(url, follow=True)
    assert first.status_code == 200
    again = client.get(url, follow=True)
    assert again.get("X-Page-Cache") != "hit"
