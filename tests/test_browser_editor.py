"""An editor at a desk (1280x900) edits a guide step with the live preview; owners see the change."""

import pytest
from playwright.sync_api import expect

from guides.models import RepairGuide

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


def test_an_editor_edits_a_step_with_the_preview_and_the_public_page_shows_it(
    browser, live_server, live_content, django_user_model
):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused to" in message.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/guides/repairguide/{guide.pk}/change/")

    body = page.locator("#id_steps-0-body")
    body.fill("Loosen the **two 10 mm nuts** first.")
    preview = page.locator("#id_steps-0-body-preview")
    expect(preview.locator("strong")).to_have_text("two 10 mm nuts")  # rendered as owners will see it
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}{guide.get_absolute_url()}")
    expect(page.locator("ol.steps > li").first.locator("strong")).to_have_text("two 10 mm nuts")
    assert refused == []  # htmx and the admin script run under the strict CSP
    context.close()


def test_an_editor_moves_a_step_up_and_owners_see_the_new_order(browser, live_server, live_content, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    first, second = guide.steps.order_by("order")[:2]
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/guides/repairguide/{guide.pk}/change/")

    page.locator("#steps-1").get_by_role("button", name="Move up").click()
    expect(page.locator("#id_steps-1-order")).to_have_value("1")  # renumbered on the page
    expect(page.locator("#id_steps-0-order")).to_have_value("2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}{guide.get_absolute_url()}")
    steps = page.locator("ol.steps > li")
    expect(steps.nth(0)).to_contain_text(second.title)
    expect(steps.nth(1)).to_contain_text(first.title)
    context.close()
