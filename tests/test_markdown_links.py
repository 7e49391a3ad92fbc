"""Links inside editors' Markdown: a link to a page that does not exist is a form error naming
the nearest match; a link to a page owners can't see yet is a warning, said again when that page
is taken off the site; what links to a page counts as using it; "at a glance" lists broken
links; and no public page links to a page that is not there (a crawl)."""

import re
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

from guides.models import FAQ, RepairGuide
from problems.models import Problem
from tests.adminforms import form_values
from tests.factories import make_guide
from tests.pagetext import text_of


def faq_page(admin_client, faq):
    url = reverse("admin:guides_faq_change", args=[faq.pk])
    return url, form_values(admin_client.get(url).content.decode())


def test_a_link_to_a_page_that_does_not_exist_is_a_form_error_naming_the_nearest(admin_client, content):
    faq = FAQ.objects.first()
    url, data = faq_page(admin_client, faq)
    data["answer"] = faq.answer + "\n\nSee [the switch guide](/guides/replace-micro-switch/)."
    response = admin_client.post(url, data)
    text = text_of(response)
    assert response.status_code == 200
    assert "The link to “/guides/replace-micro-switch/” goes to a page that does not exist." in text
    assert "Did you mean “/guides/replace-microswitch/”?" in text
    faq.refresh_from_db()
    assert "replace-micro-switch" not in faq.answer  # nothing saved


def test_a_link_to_an_unpublished_page_is_a_warning_and_said_again_when_it_goes_off_the_site(admin_client, content):
    guide = make_guide(Problem.objects.get(), slug="rear-wiper-check", title="Check the rear wiper")  # no outcome uses it
    faq = FAQ.objects.first()
    url, data = faq_page(admin_client, faq)
    data["answer"] = faq.answer + "\n\nSee [the wiper check](/guides/rear-wiper-check/) too."
    assert admin_client.post(url, data).status_code == 302  # saved: the link is fine today
    guides = reverse("admin:guides_repairguide_changelist")
    response = admin_client.post(guides, {"action": "unpublish_items", "_selected_action": [guide.pk]}, follow=True)
    guide.refresh_from_db()
    assert guide.status == "draft"
    assert f"FAQ “{faq.question}” links to “{guide.title}”, which owners can no longer see: change the link." in text_of(response)
    # Publishing the FAQ again says it links to a page owners can't see.
    faqs = reverse("admin:guides_faq_changelist")
    response = admin_client.post(faqs, {"action": "publish_items", "_selected_action": [faq.pk]}, follow=True)
    assert "which owners can't see yet (it is not published)" in text_of(response)
    # Saving the FAQ again is allowed (a guide and its FAQ may be prepared together), with a warning.
    response = admin_client.post(url, form_values(admin_client.get(url).content.decode()), follow=True)
    assert "The link to “/guides/rear-wiper-check/” goes to “Check the rear wiper”, which owners can't see yet" in text_of(
        response
    )
    # The FAQ is live and its link goes nowhere for owners: "at a glance" lists it until it is fixed.
    glance = text_of(admin_client.get(reverse("admin:problems_problem_glance", args=[Problem.objects.get().pk])))
    assert f"FAQ “{faq.question}”: The link to “/guides/rear-wiper-check/” goes to “Check the rear wiper”" in glance


def test_text_that_links_to_a_guide_counts_as_using_it_and_at_a_glance_lists_broken_links(admin_client, content):
    guide = RepairGuide.objects.get(slug="test-switch-and-mechanism")
    faq = FAQ.objects.first()
    FAQ.objects.filter(pk=faq.pk).update(answer=faq.answer + f"\n\n[How to test it]({guide.get_absolute_url()})")
    delete = admin_client.get(reverse("admin:guides_repairguide_delete", args=[guide.pk]))
    assert f"FAQ “{faq.question}” links to it" in text_of(delete)
    # A link that broke without a form (written straight to the database, or an address changed).
    FAQ.objects.filter(pk=faq.pk).update(answer="[Gone](/guides/no-such-guide/)")
    glance = admin_client.get(reverse("admin:problems_problem_glance", args=[Problem.objects.get().pk]))
    assert "Links that send owners to “page not found”" in text_of(glance)
    assert f"FAQ “{faq.question}”: The link to “/guides/no-such-guide/” goes to a page that does not exist." in text_of(glance)


def test_no_public_page_links_to_a_page_that_is_not_there(client, content):
    """A crawl from the home page over every internal link of the public pages."""
    seen, queue, broken = set(), ["/"], []
    while queue and len(seen) < 400:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code == 404:
            broken.append(path)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"]+)"', response.content.decode()):
            target = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            if target.netloc or not target.path.startswith("/") or target.path.startswith(("/admin/", "/static/")):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query and "diagnose" not in target.path else ""))
    assert len(seen) > 20 and broken == [], broken
