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
    expect(page.locator("#steps-1 .inline_label")).to_contain_text("1.")  # the heading follows
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}{guide.get_absolute_url()}")
    steps = page.locator("ol.steps > li")
    expect(steps.nth(0)).to_contain_text(second.title)
    expect(steps.nth(1)).to_contain_text(first.title)
    context.close()


def log_in(page, live_server, username="editor", password="a long pass phrase"):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def save(page, button="Save and continue editing"):
    page.get_by_role("button", name=button, exact=True).first.click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_an_editor_creates_a_second_fault_end_to_end(browser, live_server, live_content, django_user_model):
    """From an empty problem to a working diagnosis on the public site, only through the admin,
    following the set-up steps; it stays off the site until its diagnosis is sound."""
    from problems.models import Problem

    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    log_in(page, live_server)

    # 1. The problem, as a draft.
    page.goto(f"{live_server.url}/admin/problems/problem/add/")
    page.locator("#id_title").fill("Fuel flap will not open")
    page.locator("#id_short_title").fill("Fuel flap")
    page.locator("#id_summary").fill("The fuel flap stays shut.")
    page.locator("#id_vehicles_from").select_option(index=0)
    page.locator("#id_vehicles_add").click()
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("is a draft: owners don't see it")
    public = f"{live_server.url}/problems/fuel-flap-will-not-open/diagnose/"

    # 2. Its draft diagnosis is started with it, "something else" cause included.
    expect(page.locator(".messagelist")).to_contain_text("Its diagnosis is started")
    problem_url = f"{live_server.url}/admin/problems/problem/{Problem.objects.get(slug='fuel-flap-will-not-open').pk}/change/"

    # 3. Two causes, each on its own form this time (from the list of causes).
    for slug, name, rate in (("actuator", "The flap motor", "50"), ("cable", "The release cable", "40")):
        page.goto(f"{live_server.url}/admin/troubleshooter/cause/")
        page.get_by_role("link", name="Add cause").click()
        page.locator("#id_version").select_option(label="Fuel flap v1 (Draft)")
        page.locator("#id_name").fill(name)
        page.locator("#id_name").press("Tab")
        page.locator("#id_slug").fill(slug)
        page.locator("#id_base_rate").fill(rate)
        page.locator("#id_title").fill(f"{name} has failed")
        page.locator("#id_explanation").fill(f"Why it is {name.lower()}.")
        page.locator("#id_next_step").fill("Take it to a garage.")
        save(page)

    # 4. One question with its answers.
    page.goto(problem_url)
    page.get_by_role("link", name="Add a question").click()
    page.locator("#id_prompt").fill("What happens when you pull the flap lever?")
    page.locator("#id_prompt").press("Tab")  # the admin fills in an address name; shorten it
    page.locator("#id_slug").fill("lever")
    for n, (label, slug, unsure) in enumerate(
        (
            ("A click", "click", False),
            ("Nothing at all", "nothing", False),
            ("It opens", "opens", False),
            ("Not sure", "not-sure", True),
        )
    ):
        if n > 0:
            page.locator("#answers-group .add-row a").click()
        page.locator(f"#id_answers-{n}-label").fill(label)
        page.locator(f"#id_answers-{n}-slug").fill(slug)
        if unsure:
            page.locator(f"#id_answers-{n}-no_evidence").check()
    save(page)

    # Not sound yet: the problem cannot go on the site.
    page.goto(problem_url)
    expect(page.locator(".setup-steps")).to_contain_text("separates no causes")
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("“Fuel flap will not open”: ")
    assert page.request.get(public).status == 404

    # 5. The marks, on the grid.
    page.goto(problem_url)
    page.get_by_role("link", name="Open the grid").click()
    for answer, cause, effect in (
        ("A click", "The flap motor", "points strongly to it"),
        ("A click", "The release cable", "against"),
        ("Nothing at all", "The release cable", "points strongly to it"),
        ("Nothing at all", "The flap motor", "against"),
        ("It opens", "The flap motor", "rules it out"),
        ("It opens", "The release cable", "rules it out"),
    ):
        page.get_by_label(f"“{answer}” and “{cause}”").select_option(label=effect)
    page.get_by_role("button", name="Save the grid").click()
    expect(page.locator(".messagelist")).to_contain_text("Check of the draft: no faults.")

    # 6. Publish the diagnosis, then the problem, from the lists.
    page.goto(f"{live_server.url}/admin/troubleshooter/diagnosisversion/")
    page.get_by_role("row", name="Fuel flap").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("is now live")
    page.goto(f"{live_server.url}/admin/problems/problem/")
    page.get_by_role("row", name="Fuel flap will not open").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("publish_items")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 item(s) changed.")

    # 7. Owners: the diagnosis works on the public site.
    owner = browser.new_context(viewport={"width": 390, "height": 844})
    phone = owner.new_page()
    phone.goto(public)
    expect(phone.get_by_role("heading", level=2)).to_contain_text("What happens when you pull the flap lever?")
    phone.get_by_role("link", name="Nothing at all").click()
    expect(phone.locator("#outcome-title")).to_have_text("The release cable has failed")
    owner.close()
    context.close()
