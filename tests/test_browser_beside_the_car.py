"""An owner's phone beside the car (320x640 and 390x844): nothing wider than the screen, taps
big enough for cold fingers, and guides made for doing."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SMALL = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/problems/micra-k12-boot-lock/",
    "/problems/micra-k12-boot-lock/diagnose/",
    "/problems/micra-k12-boot-lock/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click",
    "/guides/open-boot-from-inside/",
    "/guides/replace-microswitch/?step=3",
    "/problems/micra-k12-boot-lock/faq/",
    "/goodwill/",
]

# Every link, button and form control an owner taps, except links inside running text
# (WCAG 2.5.8 exempts inline links; they still get a larger line height).
EXEMPT = "p:not(.actions-inline), li > p, .how-to-check p, td, blockquote, .visually-hidden, .trap"
TAP_TARGETS = (
    "() => { const EXEMPT = '"
    + EXEMPT
    + "'; return "
    + """[...document.querySelectorAll('main a, main button, main input, main select, main summary, footer a, header a')]
  .filter(el => el.offsetParent !== null && !el.closest(EXEMPT))
  .map(el => {
    const r = el.getBoundingClientRect();
    const b = (el.closest('label') || el).getBoundingClientRect();
    const text = (el.innerText || el.value || el.name || '').trim().slice(0, 40);
    return {text: text, w: Math.max(r.width, b.width), h: Math.max(r.height, b.height)};
  })
  .filter(t => t.w < 48 || t.h < 48)
"""
    + "}"
)


@pytest.mark.parametrize("viewport", [SMALL, PHONE], ids=["320", "390"])
def test_no_sideways_scroll_and_big_enough_taps(browser, live_server, live_content, viewport):
    context = browser.new_context(viewport=viewport, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = []
    for path in PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            problems.append((path, "scrolls sideways", width))
        for target in page.evaluate(TAP_TARGETS):
            problems.append((path, "small tap target", target))
    context.close()
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_step_by_step_with_big_next_and_back(browser, live_server, live_content, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/guides/replace-microswitch/")
    page.get_by_role("link", name="Step by step: one step per screen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1 of 6")
    page.get_by_role("link", name="Next step").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Undo the two 10 mm nuts")
    next_button = page.get_by_role("link", name="Next step").bounding_box()
    assert next_button["y"] + next_button["height"] <= 844 * 1.5  # near the first screen, not two scrolls down
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Release the trim clips")
    context.close()


def test_done_steps_are_kept_across_a_reload(page, live_server, live_content):
    page.goto(f"{live_server.url}/guides/replace-microswitch/")
    page.locator("#step-2").get_by_label("Done").check()
    page.reload()
    expect(page.locator("#step-2").get_by_label("Done")).to_be_checked()
    expect(page.locator("#step-1").get_by_label("Done")).not_to_be_checked()
    page.goto(f"{live_server.url}/guides/replace-microswitch/?step=2")  # the same ticks step by step
    expect(page.locator("#step-2").get_by_label("Done")).to_be_checked()


CONTRAST = """
() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const text = 'main p, main li, main dd, main td, main th, main label, main h1, main h2, main h3, main a, footer a';
  document.querySelectorAll(text).forEach(el => {
    if (!el.offsetParent || !el.innerText.trim()) return;
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 7) low.push([el.tagName, el.innerText.trim().slice(0, 30), Math.round(ratio * 10) / 10]);
  });
  return low.slice(0, 10);
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_body_text_contrast_is_at_least_7_to_1(browser, live_server, live_content, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    problems = []
    for path in PAGES:
        page.goto(live_server.url + path)
        problems += [(path, *item) for item in page.evaluate(CONTRAST)]
    context.close()
    assert problems == [], "\n".join(map(str, problems))


def test_the_browser_lets_a_guide_keep_the_screen_awake_and_nothing_more(page, live_server, live_content):
    page.goto(f"{live_server.url}/guides/open-boot-from-inside/")
    allows = "feature => document.featurePolicy.allowsFeature(feature)"
    assert page.evaluate(allows, "screen-wake-lock") is True
    assert page.evaluate(allows, "geolocation") is False and page.evaluate(allows, "camera") is False
