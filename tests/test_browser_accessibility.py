"""axe-core (bundled by axe-playwright-python) on every public page template, in the light and
the dark theme, at a phone's size: no violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_goodwill_request

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PROBLEM = "/problems/micra-k12-boot-lock"
PAGES = [
    "/",
    f"{PROBLEM}/",
    f"{PROBLEM}/diagnose/",
    f"{PROBLEM}/diagnose/?signs=answered&signs=no-click",
    f"{PROBLEM}/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click",
    f"{PROBLEM}/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click&tried=yes",
    f"{PROBLEM}/outcomes/flat-battery/",
    "/guides/open-boot-from-inside/",
    "/guides/replace-microswitch/?step=3",
    f"{PROBLEM}/faq/",
    f"{PROBLEM}/prevention/",
    f"{PROBLEM}/source/",
    "/search/?q=rain",
    "/goodwill/",
    "/offline/",
    "/no-such-page/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations_on_any_public_page(browser, live_server, live_content, scheme):
    axe = Axe()
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for path in [*PAGES, make_goodwill_request(form_key="a11y-test").get_absolute_url()]:
        page.goto(live_server.url + path)
        results = axe.run(page)
        if results.violations_count:
            found[path] = results.generate_report()
    context.close()
    assert found == {}, "\n".join(f"{path}:\n{report}" for path, report in found.items())
