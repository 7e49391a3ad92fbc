"""Owners beside the car tap through the diagnosis on a phone (390x844), in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PHONE
from troubleshooter.models import Feedback, Problem

pytestmark = pytest.mark.browser

CHECKLIST = "What do you notice? Tick everything that fits."
SWITCH = "The microswitch behind the rubber button has failed"


def start(page: Page, live_server):
    page.goto(live_server.url)
    page.get_by_role("link", name=re.compile("Find the cause")).tap()
    expect(page.get_by_role("heading", level=2)).to_have_text(CHECKLIST)


def heading(page: Page):
    return page.get_by_role("heading", level=2).first


def tap(page: Page, label: str):
    page.get_by_role("link", name=label, exact=True).tap()


def unsure_until_the_end(page: Page, limit: int = 10):
    """Answer "not sure" (or "not now") to every question until an outcome shows."""
    for _ in range(limit):
        if page.locator("#outcome-title").count():
            return
        before = page.locator("#question-title").inner_text()
        page.locator(".answers .answer").last.tap()
        expect(page.locator("#question-title, #outcome-title").first).not_to_have_text(before)
    raise AssertionError("no outcome after answering not sure to everything")


def test_an_owner_who_cannot_do_any_test_still_gets_the_most_likely_cause(page: Page, live_server, live_content, console_errors):
    start(page, live_server)
    page.evaluate("window.notReloaded = true")  # htmx swaps steps in place: the mark survives every tap
    tap(page, "None of these, or I'm not sure")
    expect(heading(page)).not_to_have_text(CHECKLIST)
    unsure_until_the_end(page)
    expect(page.locator("#outcome-title")).to_have_text(SWITCH)
    expect(page.get_by_text(re.compile(r"How sure: (likely|possible) .*only from how common each cause is"))).to_be_visible()
    expect(page.get_by_text(re.compile("Next most likely:"))).to_be_visible()
    expect(page.locator(".bars li")).to_have_count(5)
    assert page.evaluate("window.notReloaded === true"), "a tap reloaded the whole page"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert console_errors == []  # htmx and our script run under the strict CSP without complaint


def test_ticking_signs_is_one_request_on_continue_and_ends_on_their_cause(page: Page, live_server, live_content):
    start(page, live_server)
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/diagnose/" in request.url else None)
    page.get_by_label("It's worse in wet weather or after a car wash").check()
    page.get_by_label("The rubber cover over the button is torn or split").check()
    assert requests == []  # ticking sends nothing
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator(".trail")).to_contain_text("The rubber cover over the button is torn or split")
    assert len(requests) == 1
    expect(page).to_have_url(re.compile(r"\?signs=answered&signs=worse-in-wet-weather&signs=torn-rubber$"))


def test_a_look_alike_from_the_checklist(page: Page, live_server, live_content):
    start(page, live_server)
    page.get_by_label("It's the fuel flap or the bonnet that won't open, not the boot").check()
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#outcome-title")).to_have_text("Not the boot lock: another release")
    expect(page.get_by_text("This site covers the boot lock only.").first).to_be_visible()


def test_changing_an_answer_reranks_and_back_forward_and_reload_work(page: Page, live_server, live_content):
    start(page, live_server)
    page.get_by_label("Nothing happens when I press the boot button: no click").check()
    page.get_by_role("button", name="Continue").tap()
    expect(heading(page)).not_to_have_text(CHECKLIST)
    first_question_url = page.url
    before = page.locator("#question-title").inner_text()
    page.locator(".answers .answer").first.tap()
    expect(page.locator("#question-title, #outcome-title").first).not_to_have_text(before)
    page.go_back()
    expect(page).to_have_url(first_question_url)
    expect(page.locator("#question-title")).to_have_text(before)
    page.go_forward()
    expect(page.locator("#question-title, #outcome-title").first).not_to_have_text(before)
    # Change the checklist: tick the fuel flap instead; the ranking moves to the look-alike.
    page.locator(".trail summary").tap()  # the answers so far are folded away, so the question stays in view
    page.locator(".trail li").first.get_by_role("link", name=re.compile("Change")).tap()
    expect(heading(page)).to_have_text(CHECKLIST)
    page.get_by_label("Nothing happens when I press the boot button: no click").uncheck()
    page.get_by_label("It's the fuel flap or the bonnet that won't open, not the boot").check()
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#outcome-title")).to_have_text("Not the boot lock: another release")
    page.reload()
    expect(page.locator("#outcome-title")).to_have_text("Not the boot lock: another release")


def test_a_walk_and_feedback_without_javascript(browser, live_server, live_content):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    start(page, live_server)
    page.get_by_label("It's worse in wet weather or after a car wash").check()
    page.get_by_role("button", name="Continue").tap()  # a plain GET form
    expect(page.locator(".trail")).to_contain_text("It's worse in wet weather or after a car wash")
    unsure_until_the_end(page)
    expect(page.locator("#outcome-title")).to_have_text(SWITCH)
    page.get_by_role("button", name="No").tap()
    expect(page.get_by_text("Sorry it did not solve it.")).to_be_visible()
    assert Feedback.objects.filter(cause__slug="microswitch-failed", solved=False).count() == 1
    context.close()


def test_focus_follows_each_new_step_like_a_page_load(page: Page, live_server, live_content):
    start(page, live_server)
    tap(page, "None of these, or I'm not sure")
    expect(page.locator("#question-title")).to_be_focused()
    unsure_until_the_end(page)
    expect(page.locator("#outcome-title")).to_be_focused()


def test_feedback_with_javascript_swaps_in_place(page: Page, live_server, live_content):
    start(page, live_server)
    page.get_by_label("It's the fuel flap or the bonnet that won't open, not the boot").check()
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#outcome-title")).to_be_visible()
    outcome_url = page.url
    page.get_by_role("button", name="Yes").tap()
    expect(page.get_by_text("Good to hear it is sorted.")).to_be_visible()
    assert page.url == outcome_url  # the answer is posted in place, not pushed into the history
    expect(page.locator("#outcome-title")).not_to_be_focused()  # focus stays where the owner was
    assert Feedback.objects.filter(solved=True, cause__slug="other-release").count() == 1


def test_a_sign_on_the_overview_starts_the_diagnosis_with_it_ticked(page: Page, live_server, live_content):
    page.goto(live_server.url + Problem.objects.get().get_absolute_url())
    page.locator("#sign-no-click").get_by_role("link").tap()
    expect(heading(page)).to_have_text(CHECKLIST)
    expect(page.get_by_label("Nothing happens when I press the boot button: no click")).to_be_checked()


def test_letter_buttons_that_need_javascript_are_hidden_without_it(browser, live_server, live_content, client):
    from tests.test_goodwill import GENERAL, form_data

    letter_url = client.post(GENERAL, form_data(client))["Location"]
    for javascript in (False, True):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(live_server.url + letter_url)
        copy = page.get_by_role("button", name="Copy the letter")
        expect(copy).to_be_visible() if javascript else expect(copy).to_be_hidden()
        expect(page.get_by_role("link", name="Email it to your dealer")).to_be_visible()
        context.close()


def test_search_from_the_home_page(page: Page, live_server, live_content):
    page.goto(live_server.url)
    page.get_by_role("searchbox").fill("boot won't open when it rains")
    page.get_by_role("button", name="Search").tap()
    page.get_by_role("link", name="It's worse in wet weather or after a car wash").tap()
    expect(heading(page)).to_have_text(CHECKLIST)
    expect(page.get_by_label("It's worse in wet weather or after a car wash")).to_be_checked()
