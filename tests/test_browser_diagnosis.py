"""An owner beside the car taps through the diagnosis on a phone (390x844), in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PHONE
from tests.walks import walks_to_outcomes
from troubleshooter.models import Outcome, OutcomeFeedback, Problem

pytestmark = pytest.mark.browser


def walks_to_every_outcome() -> dict[str, list[str]]:
    """Answer labels to tap, one walk per published outcome, keyed by the outcome's title."""
    walks = walks_to_outcomes(Problem.objects.get())
    return {answers[-1].outcome.title: [answer.label for answer in answers] for answers in walks.values()}


def start(page: Page, live_server):
    page.goto(live_server.url)
    page.get_by_role("link", name=re.compile("Find the cause")).tap()
    expect(page.get_by_role("heading", level=2)).to_have_text("Do you need to get into the boot right now?")


def tap_answers(page: Page, labels: list[str]):
    for label in labels:
        page.get_by_role("link", name=label, exact=True).tap()


def test_every_outcome_by_tapping_answers(page: Page, live_server, live_content, console_errors):
    walks = walks_to_every_outcome()
    assert len(walks) == Outcome.objects.published().count()
    start(page, live_server)
    # Mark the window: htmx swaps steps in place, so the mark survives every tap.
    page.evaluate("window.notReloaded = true")
    for title, labels in walks.items():
        if "?a=" in page.url:
            page.get_by_role("link", name="Start over").tap()
        expect(page.get_by_role("heading", level=2)).to_have_text("Do you need to get into the boot right now?")
        tap_answers(page, labels)
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
        expect(page.get_by_text("Did this solve it?")).to_be_visible()
        assert page.evaluate("window.notReloaded === true"), "a tap reloaded the whole page"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert console_errors == []  # htmx and our script run under the strict CSP without complaint


def test_back_button_and_changing_an_answer(page: Page, live_server, live_content):
    start(page, live_server)
    tap_answers(page, ["No, I want to find out what is wrong", "Yes, the doors lock and unlock", "Nothing: no click at all"])
    expect(page.get_by_role("heading", level=2)).to_have_text("Bridge the two wires at the lock: do you hear a click?")
    expect(page).to_have_url(re.compile(r"a=find-cause,doors-work,no-click$"))

    page.go_back()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Unlock the car, then press the rubber button on the boot lid. What happens?"
    )
    expect(page).to_have_url(re.compile(r"a=find-cause,doors-work$"))
    page.go_forward()
    expect(page.get_by_role("heading", level=2)).to_have_text("Bridge the two wires at the lock: do you hear a click?")

    # Change the second answer: the later one is dropped.
    page.locator(".trail li").nth(1).get_by_role("link", name=re.compile("Change")).tap()
    expect(page.get_by_role("heading", level=2)).to_have_text("Does the remote lock and unlock the doors?")
    expect(page.locator(".trail li")).to_have_count(1)
    tap_answers(page, ["No, the remote does nothing to the doors either"])
    expect(page.get_by_role("heading", level=2)).to_have_text("Probably not the boot lock: check the remote first")
    expect(page.locator(".trail li")).to_have_count(2)

    page.reload()
    expect(page.get_by_role("heading", level=2)).to_have_text("Probably not the boot lock: check the remote first")


def test_a_walk_and_feedback_without_javascript(browser, live_server, live_content):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    start(page, live_server)
    tap_answers(
        page,
        [
            "No, I want to find out what is wrong",
            "Yes, the doors lock and unlock",
            "Nothing: no click at all",
            "Yes, it clicks (and the lock opens)",
        ],
    )
    expect(page.get_by_role("heading", level=2, name="The microswitch behind the rubber button has failed")).to_be_visible()
    page.get_by_role("button", name="No").tap()
    expect(page.get_by_text("Sorry it did not solve it.")).to_be_visible()
    page.get_by_role("link", name="The lock mechanism has seized").tap()
    expect(page.get_by_role("heading", level=2, name="The lock mechanism has seized")).to_be_visible()
    assert OutcomeFeedback.objects.filter(outcome__slug="microswitch-failed", solved=False).count() == 1
    context.close()


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


def test_focus_follows_each_new_step_like_a_page_load(page: Page, live_server, live_content):
    start(page, live_server)
    tap_answers(page, ["No, I want to find out what is wrong"])
    expect(page.get_by_role("heading", level=2)).to_have_text("Does the remote lock and unlock the doors?")
    expect(page.locator("#question-title")).to_be_focused()
    tap_answers(page, ["No, the remote does nothing to the doors either"])
    expect(page.locator("#outcome-title")).to_be_focused()


def test_feedback_with_javascript_swaps_in_place(page: Page, live_server, live_content):
    start(page, live_server)
    tap_answers(page, ["Yes, I need it open now"])
    page.get_by_role("button", name="Yes").tap()
    expect(page.get_by_text("Good to hear it is sorted.")).to_be_visible()
    expect(page.locator("#outcome-title")).not_to_be_focused()  # focus stays where the owner was
    assert OutcomeFeedback.objects.filter(solved=True).count() == 1


def test_symptom_on_the_overview_starts_the_diagnosis(page: Page, live_server, live_content):
    page.goto(live_server.url + Problem.objects.get().get_absolute_url())
    page.locator("#symptom-no-click").get_by_role("link").tap()
    expect(page.get_by_role("heading", level=2)).to_have_text("Bridge the two wires at the lock: do you hear a click?")
    expect(page.locator(".trail")).to_contain_text("Nothing: no click at all")


def test_search_from_the_home_page(page: Page, live_server, live_content):
    page.goto(live_server.url)
    page.get_by_role("searchbox").fill("boot won't open when it rains")
    page.get_by_role("button", name="Search").tap()
    page.get_by_role("link", name="It is worse in wet weather").tap()
    expect(page.get_by_role("heading", level=2)).to_have_text("The microswitch behind the rubber button has failed")
