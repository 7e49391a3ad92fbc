"""The yearly prevention reminder: a valid RFC 5545 file a phone's calendar accepts."""

import datetime as dt

import icalendar
from django.urls import reverse

from guides.calendar import yearly_reminder

URL = reverse("guides:prevention_reminder", kwargs={"problem_slug": "micra-k12-boot-lock"})


def test_the_reminder_downloads_as_a_yearly_event(client, content):
    page = client.get(reverse("guides:prevention_tips", kwargs={"problem_slug": "micra-k12-boot-lock"})).content.decode()
    assert f'href="{URL}"' in page
    response = client.get(URL)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="micra-k12-boot-lock-yearly-check.ics"'
    raw = response.content.decode()
    assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert event["RRULE"]["FREQ"] == ["YEARLY"]
    assert event["SUMMARY"] == "Yearly check: Micra boot lock"
    assert "Lubricate the lock once a year" in event["DESCRIPTION"]
    assert event["DTSTART"].dt > dt.date.today()
    for required in ("UID", "DTSTAMP"):
        assert required in event


def test_text_is_escaped_and_long_lines_folded_without_splitting_characters():
    summary, description = "a;b,c\\d", "Lubricate the lock\n" + "é" * 80
    raw = yearly_reminder(
        uid="x@y",
        summary=summary,
        description=description,
        url="https://e.org/",
        start=dt.date(2027, 1, 1),
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert "SUMMARY:a\\;b\\,c\\\\d" in raw  # escaped as RFC 5545 says
    lines = raw.encode().split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode("utf-8") for line in lines if line)  # no character split across two lines
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert (event["SUMMARY"], event["DESCRIPTION"]) == (summary, description)
    assert "DTSTAMP:20260101T000000Z" in raw and "DTSTART;VALUE=DATE:20270101" in raw
