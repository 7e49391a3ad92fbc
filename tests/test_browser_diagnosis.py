"""Owners beside the car tap through the diagnosis on a phone (390x844), in Debian's Chromium.

The owners of the issue each walk twice: with JavaScript (htmx swaps steps in place) and
without it (plain links and GET forms), and must end in the same place.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from problems.models import Problem
from tests.conftest import PHONE
from troubleshooter.models import Feedback

pytestmark = pytest.mark.browser

CHECKLIST = "What do you notice? Tick everything that fits."
SWITCH = "The microswitch or the rubber button over it has failed"
SEIZED = "The lock mechanism has seized"
RELEASE = "Not the boot lock: another release"
WET = "It opens only now and then, or it's worse in wet weather"
NO_CLICK = "Nothing happens when I press the boot button (with the car unlocked): no click"
FUEL_FLAP = "It's the fuel flap or the bonnet that won't open, not the boot"


def start(page: Page, live_server):
    page.goto(live_server.url)
    page.get_by_role("link", name=re.compile("Find the cause")).tap()
    expect(page.get_by_role("heading", level=2)).to_have_text(CHECKLIST)
    # The page's scripts (htmx) run by the load event: a tap before it is a plain form post, which
    # works too, but the tests of the swapped steps (focus, one request, no reload) need htmx on.
    page.wait_for_load_state("load")


def heading(page: Page):
    return page.get_by_role("heading", level=2).first


def outcome(page: Page):
    return page.locator("#outcome-title")


def walk(page: Page, answers: dict[str, str] | None = None, ticks: tuple[str, ...] = (), limit: int = 12):
    """Answer as an owner who knows only `answers` (a question's words → the answer's label) and the
    signs in `ticks`, and taps the last answer ("not sure", "not now") to everything else."""
    answers = answers or {}
    for _ in range(limit):
        if outcome(page).count():
            return
        title = page.locator("#question-title").inner_text()
        if title == CHECKLIST:
            for sign in ticks:
                page.get_by_label(sign).check()
            page.get_by_role("button", name="Continue" if ticks else "None of these, or I'm not sure").tap()
        else:
            label = next((label for words, label in answers.items() if words in title), None)
            target = page.get_by_role("link", name=label, exact=True) if label else page.locator(".answers .answer").last
            target.tap()
        expect(page.locator("#question-title, #outcome-title").first).not_to_have_text(title)
    raise AssertionError("no outcome")


def test_an_owner_who_cannot_do_any_test_gets_no_guess_but_the_quickest_checks(owner: Page, live_server):
    start(owner, live_server)
    owner.evaluate("window.notReloaded = true")
    walk(owner)
    # No verdict from how common each cause is: said first, as the page's heading and its title.
    expect(outcome(owner)).to_have_text("Your answers don't point to one cause yet")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Your answers don't point to one cause yet")
    expect(owner).to_have_title(re.compile("^Your answers don't point to one cause yet · "))
    expect(owner.get_by_role("heading", name="The quickest checks, easiest first")).to_be_visible()
    expect(owner.locator(".checks > li").first).to_contain_text("points to")
    expect(owner.get_by_role("link", name="Open the boot from inside, now")).to_be_visible()
    expect(owner.locator(".no-verdict .bars li")).to_have_count(3)
    expect(owner.get_by_text(re.compile("How sure"))).to_have_count(0)
    if owner.javascript:
        assert owner.evaluate("window.notReloaded === true"), "a tap reloaded the whole page"
    assert owner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_owner_whose_bridge_test_clicked_but_the_latch_stayed_shut(owner: Page, live_server):
    start(owner, live_server)
    walk(
        owner,
        answers={
            "Does the remote": "Yes, the doors lock and unlock",
            "Can you get to the lock from inside": "Yes, the panel is off or I can take it off now",
            "Bridge the two wires": "It clicks, but the latch stays shut",
        },
        ticks=(NO_CLICK,),
    )
    expect(outcome(owner)).to_have_text(SEIZED)
    expect(owner.locator(".trail")).to_contain_text("It clicks, but the latch stays shut")
    # Already behind the trim: no "open it from inside" banner for this owner.
    expect(owner.locator(".emergency")).to_have_count(0)


def test_a_look_alike_from_the_checklist(owner: Page, live_server):
    start(owner, live_server)
    walk(owner, ticks=(FUEL_FLAP,))
    expect(outcome(owner)).to_have_text(RELEASE)
    expect(owner.get_by_text("This site covers the boot lock only.").first).to_be_visible()
    expect(owner.get_by_text("What the repair costs")).to_have_count(0)


def test_a_look_alike_from_search(owner: Page, live_server):
    owner.goto(live_server.url)
    owner.get_by_role("searchbox").fill("the key light is flashing and the car won't start")
    owner.get_by_role("button", name="Search").tap()
    expect(owner.get_by_role("heading", name=re.compile("this sounds like something else"))).to_be_visible()
    owner.get_by_role("link", name="Probably not the boot lock: the remote or the key").tap()
    expect(outcome(owner)).to_have_text("Probably not the boot lock: the remote or the key")
    expect(owner.get_by_text(re.compile("auto locksmith"))).to_be_visible()


def test_a_search_starts_the_diagnosis_with_answers_set(owner: Page, live_server):
    words = "no click when I press the boot button but the remote opens the doors"
    owner.goto(live_server.url)
    owner.get_by_role("searchbox").fill(words)
    owner.get_by_role("button", name="Search").tap()
    expect(owner.locator("main")).to_contain_text("What you describe")
    owner.get_by_role("button", name="Find the cause from here").tap()
    expect(heading(owner)).to_have_text(CHECKLIST)
    expect(owner.get_by_label(NO_CLICK)).to_be_checked()
    expect(owner.get_by_text(f"You typed: “{words}”", exact=False)).to_be_visible()
    owner.get_by_role("button", name="Continue").tap()
    expect(owner.locator("#question-title, #outcome-title").first).not_to_have_text(CHECKLIST)
    expect(owner.locator(".trail")).to_contain_text("Yes, the doors lock and unlock (from what you typed)")


def test_changing_an_answer_reranks_the_causes(owner: Page, live_server):
    start(owner, live_server)
    walk(owner, ticks=(WET,))
    expect(outcome(owner)).to_have_text(SWITCH)
    expect(owner.locator(".bars li").first).to_contain_text("The microswitch or its rubber button has failed")
    owner.locator(".trail summary").tap()
    owner.locator(".trail li").first.get_by_role("link", name=re.compile("Change")).tap()
    expect(heading(owner)).to_have_text(CHECKLIST)
    owner.get_by_label(WET).uncheck()
    owner.get_by_label("I hear a click, but the boot stays shut").check()
    owner.get_by_role("button", name="Continue").tap()
    expect(owner.locator("#question-title, #outcome-title").first).not_to_have_text(CHECKLIST)
    walk(owner)
    expect(outcome(owner)).to_have_text(SEIZED)
    expect(owner.locator(".bars li").first).to_contain_text(SEIZED)


def test_tried_it_then_no_leads_to_the_runner_up_and_its_test(owner: Page, live_server):
    start(owner, live_server)
    walk(owner, answers={"Does the remote": "Yes, the doors lock and unlock"}, ticks=(WET,))
    expect(outcome(owner)).to_have_text(SWITCH)
    expect(owner.get_by_text("Did this solve it?")).to_have_count(0)  # not before the owner tried it
    owner.get_by_role("link", name="Yes, I've tried it").tap()
    owner.get_by_role("button", name="No").tap()
    expect(owner.get_by_text("Sorry it did not solve it.")).to_be_visible()
    runner_up = owner.locator("#feedback").get_by_text(re.compile("The next most likely cause"))
    expect(runner_up).to_be_visible()
    assert Feedback.objects.filter(cause__slug="microswitch-failed", solved=False).count() == 1
    owner.locator("#feedback").get_by_role("link", name=re.compile(r"\?$")).first.tap()  # the telling test
    expect(owner.locator("#question-title")).to_be_visible()


def test_not_yet_says_to_come_back(owner: Page, live_server):
    start(owner, live_server)
    walk(owner, ticks=(FUEL_FLAP,))
    owner.get_by_role("link", name="Not yet").tap()
    expect(owner.get_by_text("Fine: do what it says above when you can.")).to_be_visible()
    assert Feedback.objects.count() == 0


# --- With JavaScript only: what htmx adds ---------------------------------------------------------


def test_ticking_signs_is_one_request_on_continue(page: Page, live_server, live_content):
    start(page, live_server)
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/diagnose/" in request.url else None)
    page.get_by_label(WET).check()
    page.get_by_label("The rubber cover over the button is torn or split").check()
    assert requests == []  # ticking sends nothing
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator(".trail")).to_contain_text("The rubber cover over the button is torn or split")
    assert len(requests) == 1
    expect(page).to_have_url(re.compile(r"\?signs=answered&signs=worse-in-wet-weather&signs=torn-rubber$"))


def test_none_of_these_keeps_what_was_ticked(page: Page, live_server, live_content):
    start(page, live_server)
    page.get_by_label(NO_CLICK).check()
    page.get_by_role("button", name="None of these, or I'm not sure").tap()
    expect(page.locator(".trail")).to_contain_text(NO_CLICK)


def test_back_forward_and_reload_work(page: Page, live_server, live_content):
    start(page, live_server)
    page.get_by_label(NO_CLICK).check()
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
    page.reload()
    expect(page.locator("#question-title, #outcome-title").first).not_to_have_text(before)


def test_focus_follows_each_new_step_like_a_page_load(page: Page, live_server, live_content):
    start(page, live_server)
    page.get_by_role("button", name="None of these, or I'm not sure").tap()
    expect(page.locator("#question-title")).to_be_focused()
    walk(page)
    expect(page.locator("#outcome-title")).to_be_focused()


def test_feedback_swaps_in_place_and_a_return_visit_asks_straight_away(page: Page, live_server, live_content):
    start(page, live_server)
    walk(page, ticks=(FUEL_FLAP,))
    outcome_url = page.url
    page.get_by_role("link", name="Yes, I've tried it").tap()
    page.get_by_role("button", name="Yes").tap()
    expect(page.get_by_text("Good to hear it is sorted.")).to_be_visible()
    expect(page.locator("#outcome-title")).not_to_be_focused()  # focus stays where the owner was
    assert Feedback.objects.filter(solved=True, cause__slug="other-release").count() == 1
    # Coming back to the same link later: this browser remembers it was seen an hour ago.
    page.goto(outcome_url)
    page.evaluate(
        "key => localStorage.setItem('seen:' + key, String(Date.now() - 3600 * 1000))",
        page.locator("#feedback").get_attribute("data-page-key"),
    )
    page.reload()
    expect(page.get_by_text("Did this solve it?")).to_be_visible()


def test_a_sign_on_the_overview_starts_the_diagnosis_with_it_ticked(page: Page, live_server, live_content):
    page.goto(live_server.url + Problem.objects.get().get_absolute_url())
    page.locator("#sign-no-click").get_by_role("link").tap()
    expect(heading(page)).to_have_text(CHECKLIST)
    expect(page.get_by_label(NO_CLICK)).to_be_checked()


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
