"""An "add to my calendar" file (iCalendar, RFC 5545) for the yearly prevention check.

The `icalendar` library writes the file: it escapes TEXT values, folds long lines at 75
octets without splitting a UTF-8 character, and ends every line with CRLF.
"""

from __future__ import annotations

import datetime as dt

import icalendar


def yearly_reminder(*, uid: str, summary: str, description: str, url: str, start: dt.date, now: dt.datetime) -> str:
    """A whole-day event on `start`, repeating every year, with a reminder at 9 in the morning."""
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", dt.timedelta(hours=9))  # 9 in the morning of that day

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    event.add("rrule", {"freq": "yearly"})
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add_component(alarm)

    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Boot lock help//Prevention reminder//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add_component(event)
    return cal.to_ical().decode()
