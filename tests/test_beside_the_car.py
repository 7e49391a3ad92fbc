"""What an owner beside the car needs from the guides: drawings where looking beats reading, the
emergency guide for someone with only a key, and every guide the text names one tap away."""

import re

import pytest
from django.urls import reverse

from core.illustrations import available
from guides.models import FAQ, GuideStep, RepairGuide
from tests.pagetext import read_page
from troubleshooter.models import Answer, Cause, Question

PROBLEM = "micra-k12-boot-lock"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_drawing_has_a_text_alternative_and_is_used(content):
    assert len(available()) >= 6
    used = set(GuideStep.objects.values_list("illustration", flat=True)) | set(
        Question.objects.values_list("illustration", flat=True)
    )
    assert set(available()) <= used  # no drawing made and left unused


def test_a_guide_step_shows_its_drawing_with_a_name_screen_readers_read(client, content):
    html = page(client, reverse("guides:guide_detail", kwargs={"slug": "open-boot-from-inside"}))
    drawings = re.findall(r'<svg class="illustration"[^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert len(drawings) == 3
    for title_id in drawings:
        title = re.search(rf'<title id="{title_id}">([^<]+)</title>', html)
        assert title and len(title.group(1)) > 40  # says what the drawing shows, in a sentence


def test_the_emergency_guide_works_with_only_a_key(client, content):
    text = read_page(page(client, reverse("guides:guide_detail", kwargs={"slug": "open-boot-from-inside"})))[0]
    tools = text[text.index("Tools") : text.index("Steps")]
    assert tools.index("car key") < tools.index("torch")  # the key first, not a screwdriver
    assert "Push the switch with the tip of the key" in text
    assert "catch at the top of the rear seat back" in text
    assert "the boot lid lifts a little" in text  # what to expect
    assert "press the rubber button above the number plate hard" in text  # the ten-second try first
    assert "Nothing moves? Push the other way" in text  # and what to do when the push does nothing


def test_the_repair_guides_parts_fall_within_the_do_it_yourself_cost(content):
    """An owner sees the guide's parts price and the cost table side by side: they must agree."""
    from guides.models import CostEstimate, RepairGuide

    diy = CostEstimate.objects.get(route=CostEstimate.Route.DIY_PARTS)
    for guide in RepairGuide.objects.prefetch_related("parts"):
        if (prices := guide.parts_price_range()) is not None:
            assert diy.min_eur <= prices[0] and prices[1] <= diy.max_eur, (guide.slug, prices, diy.min_eur, diy.max_eur)
            # ...and buying every part the guide lists, the optional ones too, stays within it.
            everything = sum(part.price_max_eur or 0 for part in guide.parts.all())
            assert everything <= diy.max_eur, (guide.slug, everything, diy.max_eur)


def test_the_emergency_guide_links_owners_who_cannot_get_in(client, content):
    html = page(client, reverse("guides:guide_detail", kwargs={"slug": "open-boot-from-inside"}))
    for outcome in ("flat-battery", "remote-or-immobiliser"):
        url = reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": PROBLEM, "slug": outcome})
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    assert 'href="/guides/string-pull-stop-gap/"' in html


def markdown_texts():
    for model, fields in (
        (GuideStep, ("body", "warning", "tip")),
        (RepairGuide, ("summary",)),
        (FAQ, ("answer",)),
        (Cause, ("explanation", "next_step", "emergency_note")),
        (Question, ("help",)),
        (Answer, ("description", "advice")),
    ):
        for obj in model.objects.all():
            for name in fields:
                yield f"{model.__name__} {obj.pk} {name}", getattr(obj, name)


LINK = re.compile(r"\[[^\]]*\]\([^)]+\)")


@pytest.mark.django_db
def test_a_guide_named_in_any_text_is_a_link(content):
    unlinked = []
    for where, text in markdown_texts():
        rest = LINK.sub("", text)
        for match in re.finditer(r"\bguide\b", rest, re.I):
            context = rest[max(0, match.start() - 60) : match.end() + 20]
            if "below" not in context:  # "the guide below" is the card right under the text
                unlinked.append((where, context))
    assert unlinked == []


def test_a_diagnosis_test_shows_its_drawing(client, content):
    html = page(client, reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM}) + "?signs=answered&ask=bridge")
    assert 'aria-labelledby="ill-bridge-title"' in html


def test_the_admin_offers_the_drawings_by_name(admin_client, content):
    step = GuideStep.objects.filter(illustration="seat-fold").first()
    html = page(admin_client, reverse("admin:guides_repairguide_change", args=[step.guide_id]))
    assert '<option value="bridge-wires">bridge wires</option>' in html


def test_pages_switch_off_features_the_site_never_uses_but_allow_the_wake_lock(client, content):
    policy = client.get("/guides/open-boot-from-inside/")["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    assert features["screen-wake-lock"] == "(self)"
    assert features["camera"] == features["geolocation"] == features["microphone"] == "()"
