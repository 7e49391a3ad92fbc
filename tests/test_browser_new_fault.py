"""A new editor sets up a second fault from scratch (the rear wiper: two signs, two causes, one
question, one guide) at a desk, following the problem's set-up steps; the forms and saves are
counted. Then an owner with a dead rear wiper walks it on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PHONE
from tests.test_browser_editor import log_in

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}
MAX_FORMS, MAX_SAVES = 6, 8


def follow_step(page, step_title: str, link_text: str) -> None:
    """Click the link of one set-up step on the problem's page."""
    page.locator(".setup-steps li", has_text=step_title).get_by_role("link", name=link_text).click()


def test_an_editor_sets_up_the_rear_wiper_fault_and_an_owner_walks_it(browser, live_server, live_content, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server)

    # From here on, every form the editor sends is counted (a form = an admin page sent from).
    saves: list[str] = []
    page.on(
        "request",
        lambda r: saves.append(r.url.split("?")[0]) if r.method == "POST" and r.resource_type == "document" else None,
    )

    # 1. The problem. Its page then lists the set-up steps, with its draft diagnosis started.
    page.goto(f"{live_server.url}/admin/problems/problem/add/")
    page.locator("#id_title").fill("Rear wiper does not work")
    page.locator("#id_short_title").fill("Rear wiper")
    page.locator("#id_summary").fill("The rear wiper stops: no sweep, or a hum and no sweep.")
    page.locator("#id_vehicles_from option").first.dblclick()  # the cars: the K12
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("its set-up steps are below")
    expect(page.locator(".setup-steps")).to_contain_text("A diagnosis (draft)")
    problem_page = page.url

    # 2. The guide, from its set-up step (the problem filled in); back to the steps after.
    follow_step(page, "Repair guides", "Add a guide")
    page.locator("#id_title").fill("Replace the rear wiper motor")
    page.locator("#id_purpose").select_option(label="Repair")
    page.locator("#id_summary").fill("The motor sits behind the tailgate trim.")
    page.locator("#id_difficulty").select_option(label="Moderate")
    page.locator("#id_time_min_minutes").fill("30")
    page.locator("#id_time_max_minutes").fill("60")
    page.locator("#id_status").select_option(label="Published")
    page.get_by_text("Add another step").click()
    page.locator("#id_steps-0-order").fill("1")
    page.locator("#id_steps-0-title").fill("Take off the tailgate trim")
    page.locator("#id_steps-0-body").fill("Prise the clips out all round, starting at the bottom corners.")
    drawings = page.locator("#id_steps-0-illustration option").all_inner_texts()
    assert drawings == ["—"], drawings  # the boot lock's drawings are not offered for the wiper
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("added")
    assert page.url == problem_page

    # 3. Both causes on the diagnosis's page ("something else" is there already).
    follow_step(page, "Causes", "Add causes on the diagnosis's page")
    expect(page.locator("#causes-group")).to_contain_text("Something else")
    assert page.get_by_text("locked out").count() == 0  # no boot-lock words on a wiper's form
    for n, (name, rate, title, guide) in enumerate(
        [
            ("The wiper motor", "60", "The rear wiper motor has failed", "Replace the rear wiper motor"),
            ("The wiper fuse", "30", "The rear wiper fuse has blown", None),
        ],
        start=1,
    ):
        page.locator(f"#id_causes-{n}-name").fill(name)
        page.locator(f"#id_causes-{n}-base_rate").fill(rate)
        page.locator(f"#id_causes-{n}-title").fill(title)
        page.locator(f"#id_causes-{n}-explanation").fill(f"{title}: the usual reason it stops.")
        if guide:
            page.locator(f"#id_causes-{n}-add_guide").select_option(label=guide)
        else:
            page.locator(f"#id_causes-{n}-next_step").fill("Replace the rear wiper fuse (see the handbook's fuse chart).")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("saved")
    assert page.url == problem_page

    # 4. The question and its two answers (signs); numbers left as they come.
    follow_step(page, "Questions and their answers", "Add a question")
    page.locator("#id_prompt").fill("What happens when you switch the rear wiper on?")
    page.locator("#id_answers-0-label").fill("Nothing at all: no sound")
    page.get_by_text("Add another Answer").click()
    page.locator("#id_answers-1-label").fill("A hum from the tailgate, but the arm stays still")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("added")
    assert page.url == problem_page

    # 5. The grid: what each answer says about each cause.
    follow_step(page, "What each answer says", "Open the grid")
    for answer, cause, effect in [
        ("Nothing at all: no sound", "The wiper fuse", "points strongly to it"),
        ("A hum from the tailgate, but the arm stays still", "The wiper motor", "points strongly to it"),
        ("A hum from the tailgate, but the arm stays still", "The wiper fuse", "rules it out"),
    ]:
        page.get_by_label(f"“{answer}” and “{cause}”").select_option(label=effect)
    page.get_by_role("button", name="Save the grid").click()
    assert page.url == problem_page
    expect(page.locator(".setup-steps")).to_contain_text("✓ The check passes")

    # 6. On the site: publishing the problem puts its draft diagnosis live with it.
    page.locator("#id_status").select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is now live with it")
    forms = {re.sub(r"/\d+/", "/N/", url) for url in saves}
    assert len(saves) <= MAX_SAVES and len(forms) <= MAX_FORMS, saves
    context.close()

    # An owner beside the car, on a phone: the wiper hums, the arm stays still.
    owner = browser.new_context(viewport=PHONE)
    phone = owner.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{live_server.url}/")
    wiper = phone.get_by_role("region", name="Rear wiper does not work")
    wiper.get_by_role("link", name=re.compile("Find the cause")).click()
    expect(phone.locator("header")).to_contain_text("Rear wiper")
    phone.get_by_role("link", name="A hum from the tailgate, but the arm stays still").click()
    expect(phone.locator("h1")).to_contain_text("The rear wiper motor has failed")
    text = phone.locator("main").inner_text()
    assert "Replace the rear wiper motor" in text  # the guide to follow
    assert "very likely (" in text and not re.search(r"(?<!very )likely \(9\d%\)", text), text  # 9x% is "very likely"
    assert "boot" not in text.lower() and "Micra boot lock help" not in phone.title()
    owner.close()
