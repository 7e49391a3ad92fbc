"""Found by search engines: robots.txt, sitemap.xml, canonical addresses, descriptions, social
previews and schema.org data (HowTo, FAQPage, BreadcrumbList, the article credited)."""

import json
import re
from xml.etree import ElementTree

from django.urls import reverse

PROBLEM = "micra-k12-boot-lock"


def jsonld(html):
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_robots_txt_allows_the_site_and_names_the_sitemap(client, content):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /goodwill/r/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_lists_every_public_page_and_nothing_private(client, content):
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    for path in ("/", f"/problems/{PROBLEM}/", "/guides/open-boot-from-inside/", f"/problems/{PROBLEM}/outcomes/flat-battery/"):
        assert f"http://testserver{path}" in locations
    assert not any("/admin/" in url or "/goodwill/r/" in url or "?" in url for url in locations)
    for url in locations:  # every listed page really opens
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_a_guide_is_a_how_to_with_tools_steps_cost_and_its_source(client, content):
    html = client.get(reverse("guides:guide_detail", kwargs={"slug": "replace-microswitch"})).content.decode()
    how_to, crumbs = jsonld(html)
    assert how_to["@type"] == "HowTo" and how_to["tool"] and len(how_to["step"]) >= 5
    assert how_to["estimatedCost"]["currency"] == "EUR" and how_to["totalTime"].startswith("PT")
    assert how_to["isBasedOn"]["publisher"]["name"] == "Carnews"
    assert [item["name"] for item in crumbs["itemListElement"]][-1] == "Replace the microswitch yourself"
    assert '<link rel="canonical" href="http://testserver/guides/replace-microswitch/">' in html
    assert '<meta property="og:image" content="http://testserver/static/img/social-card.png">' in html
    assert re.search(r'<meta name="description" content="[^"]{40,}">', html)


def test_the_questions_page_is_an_faq_page(client, content):
    html = client.get(reverse("guides:faq_list", kwargs={"problem_slug": PROBLEM})).content.decode()
    faq = jsonld(html)[0]
    assert faq["@type"] == "FAQPage" and len(faq["mainEntity"]) >= 4
    assert all(q["acceptedAnswer"]["text"] for q in faq["mainEntity"])


def test_a_diagnosis_step_with_answers_names_its_outcome_as_canonical(client, content):
    url = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})
    html = client.get(url + "?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click").content.decode()
    assert '<link rel="canonical" href="http://testserver/problems/micra-k12-boot-lock/outcomes/microswitch-failed/">' in html
    start = client.get(url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{url}">' in start


def test_editors_text_cannot_break_out_of_the_data_block(client, content):
    from guides.models import FAQ

    FAQ.objects.filter(pk=FAQ.objects.first().pk).update(question="</script><script>alert(1)</script>")
    html = client.get(reverse("guides:faq_list", kwargs={"problem_slug": PROBLEM})).content.decode()
    assert "<script>alert(1)" not in html
    assert any("alert(1)" in q["name"] for q in jsonld(html)[0]["mainEntity"])


def test_guide_steps_with_a_drawing_give_search_engines_an_image_that_opens(client, content):
    html = client.get(reverse("guides:guide_detail", kwargs={"slug": "open-boot-from-inside"})).content.decode()
    steps = jsonld(html)[0]["step"]
    images = [step["image"] for step in steps if "image" in step]
    assert images, "no step of the emergency guide names a picture"
    for image in images:
        response = client.get(image.removeprefix("http://testserver"))
        assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
        svg = ElementTree.fromstring(response.content)  # a well-formed SVG file
        style = svg.find("{http://www.w3.org/2000/svg}style")
        # Opened on its own, the drawing carries its colours (else lines and labels vanish).
        assert style is not None and ".ill-line" in style.text
        assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    assert client.get("/drawings/no-such-drawing.svg").status_code == 404
