"""Owners who describe things in their own words, on a phone (390x844), JavaScript on and off.

Their words set what they describe, the site says what it did not understand, a battery the lock
ran flat leads to the switch with "charge the battery first", "No, it didn't solve it" never
leads back to the same cause, and the words never stand in an address.
"""

from urllib.parse import quote, quote_plus

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_diagnosis import CHECKLIST, SWITCH, start, walk

pytestmark = pytest.mark.browser


def type_and_send(page: Page, words: str, ticks: tuple[str, ...] = ()) -> None:
    expect(page.get_by_role("heading", level=2)).to_have_text(CHECKLIST)
    for sign in ticks:
        page.get_by_label(sign).check()
    page.get_by_label("Anything else you notice? In your own words").fill(words)
    page.get_by_role("button", name="Continue").tap()


def assert_no_words_in_address(page: Page, words: str) -> None:
    """Neither the phrase nor its rarer words (answer addresses may share a common one)."""
    query = page.url.split("?", 1)[-1].lower()
    assert quote_plus(words).lower() not in query and quote(words).lower() not in query, page.url
    for word in ("keeps", "squealing"):
        if word in words:
            assert word not in query, page.url


def test_a_clue_the_site_knows_is_set_from_what_you_typed_and_leads_to_its_outcome(owner: Page, live_server):
    start(owner, live_server)
    words = "the boot keeps locking and unlocking by itself"
    type_and_send(owner, words)
    expect(owner.locator("#outcome-title")).to_have_text(SWITCH)
    expect(owner.get_by_role("heading", level=1)).to_have_text(SWITCH)
    expect(owner.locator(".reasons").first).to_contain_text("The boot or the car opens, locks or unlocks by itself")
    assert_no_words_in_address(owner, words)


def test_words_the_site_does_not_know_are_said_and_the_page_gives_no_guess(owner: Page, live_server):
    start(owner, live_server)
    words = "a squealing noise"
    type_and_send(owner, words)
    expect(owner.locator(".unknown-words")).to_contain_text("“squealing noise”")
    # Nothing it knows was said: the walk goes on, and "not sure" everywhere ends without a guess.
    walk(owner)
    expect(owner.locator("#outcome-title")).to_have_text("Your answers don't point to one cause yet")
    expect(owner.get_by_role("heading", name="The quickest checks, easiest first")).to_be_visible()
    assert_no_words_in_address(owner, words)


def test_a_battery_the_lock_ran_flat_ends_on_the_switch_with_charge_the_battery_first(owner: Page, live_server):
    start(owner, live_server)
    type_and_send(
        owner,
        "now I can't get in at all",
        ticks=("The boot or the car opens, locks or unlocks by itself",),
    )
    expect(owner.locator("#outcome-title")).to_have_text(SWITCH)
    expect(owner.locator(".answer-advice").first).to_contain_text("Charge the battery first")
    expect(owner.locator(".answer-advice").first).to_contain_text("re-paired at home")


def test_no_it_did_not_solve_it_never_leads_back_to_the_same_cause(owner: Page, live_server):
    start(owner, live_server)
    type_and_send(owner, "the boot keeps locking and unlocking by itself")
    expect(owner.locator("#outcome-title")).to_have_text(SWITCH)
    owner.get_by_role("link", name="Yes, I've tried it").tap()
    owner.get_by_role("button", name="No").tap()
    owner.get_by_role("link", name="Find what else it could be").tap()
    expect(owner.locator(".tried-cause")).to_contain_text("The microswitch or its rubber button has failed")
    walk(owner)  # "not sure" to the rest
    expect(owner.locator("#outcome-title")).not_to_have_text(SWITCH)
    expect(owner.locator(".tried-cause")).to_contain_text("The microswitch or its rubber button has failed")
