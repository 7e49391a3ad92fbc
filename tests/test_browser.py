"""An owner on a phone (390x844) taps through the real pages in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_home_to_a_repair_guide_by_tapping(page: Page, live_server, live_content):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("boot lock will not open")

    page.get_by_role("link", name="Overview: signs, causes and what to do").tap()
    expect(page).to_have_url(re.compile(r"/problems/[\w-]+/$"))
    expect(page.get_by_role("heading", name="What causes it")).to_be_visible()

    page.get_by_role("link", name="Replace the microswitch yourself").tap()
    expect(page).to_have_url(re.compile(r"/guides/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Replace the microswitch yourself")
    expect(page.locator("ol.steps > li")).to_have_count(6)
    # Phone first: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_open_it_now_reaches_the_emergency_steps(page: Page, live_server, live_content):
    page.goto(live_server.url)
    page.get_by_role("link", name=re.compile("Open it now")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open the boot from inside, now")
    expect(page.get_by_text("Fold the rear seat forwards to gain access to the back of the boot.")).to_be_visible()
