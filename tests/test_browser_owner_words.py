"""Owners who describe things in their own words, on a phone (390x844), JavaScript on and off.

Their words set what they describe, the site says what it did not understand, a battery the lock
ran flat leads to the switch with "charge the battery first", "No, it didn't solve it" never
leads back to the same cause, and the words never stand in an address.
"""

from urllib.parse import quote, quote_plus

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_diagnosis import CHECKLIST, NO_CLICK, SWITCH, start, walk

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


def test_a_rarer_sign_behind_its_heading_leads_to_a_quick_fix_with_nothing_to_buy(owner: Page, live_server):
    """A keyless owner opens "About the key", ticks their sign, holds the key close: a new key battery."""
    start(owner, live_server)
    keyless = "My Micra has keyless entry (the key stays in my pocket), and the buttons on the door handles don't work either"
    expect(owner.get_by_label(keyless)).to_be_hidden()  # folded: the first screen stays short
    owner.get_by_text("About the key", exact=True).tap()
    owner.get_by_label(keyless).check()
    owner.get_by_role("button", name="Continue").tap()
    expect(owner.locator("#question-title")).not_to_have_text(CHECKLIST)
    walk(owner, answers={"hold the key right next to the boot button": "Yes, it opens with the key held close"})
    expect(owner.locator("#outcome-title")).to_have_text("Try a new battery in the key first: the keyless key may be too weak")
    expect(owner.get_by_text("What the repair costs")).to_have_count(0)


def test_frost_asks_whether_it_has_thawed_and_names_no_part_until_then(owner: Page, live_server):
    start(owner, live_server)
    type_and_send(
        owner,
        "it was frozen this morning",
        ticks=(NO_CLICK,),
    )
    expect(owner.locator("#question-title")).not_to_have_text(CHECKLIST)  # the next screen, before walking on
    walk(owner)  # "it hasn't warmed up yet", and "not sure" to the rest
    expect(owner.locator("#outcome-title")).to_have_text("Your answers don't point to one cause yet")
    expect(owner.locator(".answer-advice").first).to_contain_text("Let it thaw first")
    expect(owner.locator(".no-verdict")).to_contain_text("Ice in the button or the lock")
