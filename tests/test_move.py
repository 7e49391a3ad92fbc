"""Moving items up and down in the admin lists renumbers them by themselves."""

from django.urls import reverse

from guides.models import FAQ, OwnerExperience
from troubleshooter.models import Answer, DiagnosisVersion
from troubleshooter.services import copy_version


def move(client, obj, direction, referer=None):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_move", args=[obj.pk, direction])
    return client.post(url, headers={"referer": referer} if referer else {}, follow=True)


def titles(queryset, field):
    return list(queryset.order_by("order", "pk").values_list(field, flat=True))


def test_the_list_has_move_buttons_and_moving_renumbers(admin_client, content):
    page = admin_client.get(reverse("admin:guides_faq_changelist")).content.decode()
    assert 'class="move-button"' in page and 'formmethod="post"' in page
    before = titles(FAQ.objects.all(), "question")
    third = FAQ.objects.get(question=before[2])
    response = move(
        admin_client, third, "up", referer="http://testserver" + reverse("admin:guides_faq_changelist") + "?status=published"
    )
    assert response.redirect_chain[-1][0].endswith("?status=published")  # back to the same filtered list
    after = titles(FAQ.objects.all(), "question")
    assert after[1] == before[2] and after[2] == before[1] and len(after) == len(before)
    assert list(FAQ.objects.order_by("order").values_list("order", flat=True)) == list(range(1, len(before) + 1))


def test_numbers_unique_by_rule_still_move(admin_client, content):
    # Owner experiences may not share a number: the move must never pass through a clash.
    first, second = OwnerExperience.objects.order_by("order")[:2]
    assert "moved" in move(admin_client, second, "up").content.decode()
    assert OwnerExperience.objects.order_by("order").first().pk == second.pk


def test_the_first_item_cannot_move_further_up(admin_client, content):
    first = FAQ.objects.order_by("order", "pk").first()
    assert "already at that end" in move(admin_client, first, "up").content.decode()


def test_answers_move_within_their_question_of_a_draft_only(admin_client, content):
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    answers = Answer.objects.filter(question__version=draft, question__slug="button")
    labels = titles(answers, "label")
    last = answers.get(label=labels[-1])
    move(admin_client, last, "up")
    assert titles(answers, "label")[-2] == labels[-1]
    live = Answer.objects.filter(question__version__status="published", question__slug="button").order_by("order", "pk").last()
    page = move(admin_client, live, "up").content.decode()
    assert "part of the live version" in page


def test_moving_needs_a_post(admin_client, content):
    faq = FAQ.objects.first()
    url = reverse("admin:guides_faq_move", args=[faq.pk, "up"])
    assert admin_client.get(url).status_code == 405


def test_reverting_a_moved_item_renumbers_the_rest(admin_client, content):
    from reversion.models import Version

    faqs = list(FAQ.objects.order_by("order", "pk"))
    second = faqs[1]
    move(admin_client, second, "down")
    baseline = Version.objects.get_for_object(second).order_by("pk").first()
    url = reverse("admin:guides_faq_revision", args=[second.pk, baseline.pk])
    from tests.adminforms import form_values

    assert admin_client.post(url, form_values(admin_client.get(url).content.decode())).status_code == 302
    assert list(FAQ.objects.order_by("order").values_list("order", flat=True)) == list(range(1, len(faqs) + 1))
    assert FAQ.objects.get(pk=second.pk).order == 2  # the reverted item where it was


def test_owners_see_the_new_order_at_once_though_the_page_was_cached(admin_client, client, content):
    """A move writes in bulk (no signals): it renews the content version itself."""
    faq_page = reverse("guides:faq_list", kwargs={"problem_slug": "micra-k12-boot-lock"})
    client.get(faq_page)
    assert client.get(faq_page)["X-Page-Cache"] == "hit"
    first, second = FAQ.objects.order_by("order")[:2]
    move(admin_client, second, "up")
    page = client.get(faq_page)
    assert page["X-Page-Cache"] == "miss"
    html = page.content.decode()
    assert html.index(second.question) < html.index(first.question)
