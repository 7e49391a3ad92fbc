"""From an outcome to the goodwill letter, on a phone (390x844) in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from goodwill.models import Dealer, GoodwillRequest
from problems.models import Problem

pytestmark = pytest.mark.browser


def test_outcome_to_goodwill_letter_with_a_mistake_corrected(page: Page, live_server, live_content, console_errors):
    Dealer.objects.create(
        name="Nissan Testdorp", code="testdorp", town="Testdorp", country="Netherlands", email="service@testdorp.example"
    )
    problem = Problem.objects.get()
    page.goto(
        f"{live_server.url}/problems/{problem.slug}/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click"
    )
    page.get_by_role("link", name="Ask the dealer for goodwill").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the dealer for a free repair")
    expect(page.get_by_label("What the diagnosis found")).to_have_value(
        re.compile("^The microswitch or the rubber button over it has failed")
    )

    page.get_by_label("Registration number").fill("ab-123-c")
    page.get_by_label("Vehicle identification number (VIN, optional)").fill("SJNFBAK12U12345O7")  # an O: a typo
    page.get_by_label("Year of first registration").fill("2007")
    page.get_by_label("Mileage in km").fill("123000")
    page.get_by_label("Always at an official dealer").check()
    page.get_by_label("Your dealer").select_option(label="Nissan Testdorp, Testdorp")
    page.get_by_label("Your name").fill("Anna de Vries")
    page.get_by_label("Your email").fill("anna@example.org")
    page.get_by_label(re.compile("I agree that this site stores")).check()
    page.get_by_role("button", name="Make my letter").tap()

    expect(page.get_by_role("alert")).to_contain_text("Please check the marked fields")
    vin = page.get_by_label("Vehicle identification number (VIN, optional)")
    expect(page.locator("#id_vin_error")).to_contain_text("never contains the letters I, O or Q")
    expect(vin).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your name")).to_have_value("Anna de Vries")  # nothing to type twice
    vin.fill("SJNFBAK12U1234507")
    page.get_by_role("button", name="Make my letter").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter to the dealer")
    stored = GoodwillRequest.objects.get()
    expect(page.get_by_text(f"Your reference: {stored.reference}")).to_be_visible()
    letter = page.locator("#letter-text")
    expect(letter).to_contain_text("Nissan Testdorp")
    expect(letter).to_contain_text("registration AB-123-C, first registered in 2007, with 123,000 km")
    expect(letter).to_contain_text("The VIN is SJNFBAK12U1234507.")
    expect(page.get_by_role("link", name="Email it to Nissan Testdorp")).to_have_attribute(
        "href", re.compile(r"^mailto:service@testdorp\.example\?subject=")
    )
    expect(page.get_by_role("button", name="Copy the letter")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []
