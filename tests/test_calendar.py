import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import icalendar

from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render import calendar
from conftest import edit


def load(project: Path):
    return load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False)


def test_calendar_reparses_with_every_session_talk_and_deadline(project):
    data = load(project)
    cal = icalendar.Calendar.from_ical(calendar.render(data, "https://example.org/course/"))
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    sessions = [e for e in events if str(e["UID"]).startswith("session-")]
    deadlines = [e for e in events if str(e["UID"]).startswith("assignment-")]
    assert len(sessions) == 29 and len(deadlines) == 6
    assert not [e for e in events if str(e["UID"]).startswith("talk-")]  # the term's calendar holds the term only
    series = icalendar.Calendar.from_ical(calendar.render_series(data, data.talk_series[0], "https://example.org/course/"))
    talks = list(series.walk("VEVENT"))  # CS25 V4 took place in 2024: it has a feed of its own
    assert len(talks) == 10 and {str(tz["TZID"]) for tz in series.walk("VTIMEZONE")} == {"America/Los_Angeles"}
    now = dt.datetime.now(dt.timezone.utc)
    assert all(e.decoded("DTSTAMP") <= now for e in events + talks)  # DTSTAMP: when the data changed, never the future
    for event in deadlines:  # a real span, ending when it is due, and a link to the assignment
        assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=30)
        assert str(event["URL"]).startswith("https://example.org/course/assignments/")
    hw2 = next(e for e in deadlines if "assignment-hw2@" in str(e["UID"]))
    assert hw2.decoded("DTEND") == dt.datetime(2027, 2, 11, 15, 30, tzinfo=hw2.decoded("DTEND").tzinfo)  # start of class
    proposal = next(e for e in deadlines if "project-proposal" in str(e["UID"]))
    assert (proposal.decoded("DTEND").hour, proposal.decoded("DTEND").minute) == (23, 59)
    assert "session-attention-heads@2027-spring.math-598b-decoding-gpt" in uids
    # No floating times: every date-time carries a time zone defined by a VTIMEZONE.
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert zones == {"America/Denver"}
    for event in events:
        start = event.decoded("DTSTART")
        if isinstance(start, dt.datetime):
            assert start.tzinfo is not None
            assert event["DTSTART"].params["TZID"] in zones
    first = next(e for e in sessions if "attention-heads" in str(e["UID"]))
    assert first.decoded("DTSTART") == dt.datetime(2027, 1, 28, 15, 30, tzinfo=first.decoded("DTSTART").tzinfo)
    assert first.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-7)
    assert str(first["URL"]) == "https://example.org/course/schedule/attention-heads/"
    tbd = next(e for e in talks if "may-30-talk" in str(e["UID"]))
    assert tbd.decoded("DTSTART").isoformat() == "2024-05-30T16:30:00-07:00"  # the series' usual time


def test_talk_without_a_time_is_an_all_day_event(project):
    edit(project / "readings" / "talks" / "cs25-v4.yml", '  start: "16:30"\n  end: "17:50"\n', "")
    data = load(project)
    cal = icalendar.Calendar.from_ical(calendar.render_series(data, data.talk_series[0]))
    tbd = next(e for e in cal.walk("VEVENT") if "may-30-talk" in str(e["UID"]))
    assert tbd.decoded("DTSTART") == dt.date(2024, 5, 30) and tbd.decoded("DTEND") == dt.date(2024, 5, 31)


def test_calendar_bytes_are_reproducible_and_uids_survive_reordering(project):
    first = calendar.render(load(project))
    assert calendar.render(load(project)) == first
    schedule = project / "readings" / "schedule.yml"
    text = schedule.read_text()
    block = text[text.index("  - id: neural-networks"):text.index("  - id: autodiff-optimization")]
    schedule.write_text(text.replace(block, "").replace("  - id: autodiff-optimization", block + "  - id: autodiff-optimization"))
    reordered = icalendar.Calendar.from_ical(calendar.render(load(project)))
    original = icalendar.Calendar.from_ical(first)
    uids = lambda cal: {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids(reordered) == uids(original)


def test_cancelled_session_is_status_cancelled(project):
    edit(project / "readings" / "schedule.yml", "  - id: training-llms\n", "  - id: training-llms\n    cancelled: true\n    note: Instructor ill\n")
    cal = icalendar.Calendar.from_ical(calendar.render(load(project)))
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in cal.walk("VEVENT")}
    assert statuses["session-training-llms@2027-spring.math-598b-decoding-gpt"] == "CANCELLED"
    assert statuses["session-transformers@2027-spring.math-598b-decoding-gpt"] == "CONFIRMED"


def test_calendar_bytes_do_not_depend_on_the_hash_seed(project):
    """VTIMEZONE blocks are sorted (icalendar adds them in set order); the term's and the series' feeds alike."""
    script = ("import sys; from course.data.load import load_course_data; from course.ground.layout import Layout; from course.render import calendar; "
              "from pathlib import Path; data = load_course_data(Layout.from_mkdocs_yml(Path(sys.argv[1])), check_notebooks=False); "
              "sys.stdout.buffer.write(calendar.render(data) + calendar.render_series(data, data.talk_series[0]))")
    outputs = {subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, check=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed)).stdout for seed in ("1", "2", "3", "4")}
    assert len(outputs) == 1
    assert next(iter(outputs)).count(b"BEGIN:VTIMEZONE") == 2


def test_a_moved_or_cancelled_session_gets_a_higher_sequence(project):
    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "  - id: training-llms\n", "  - id: training-llms\n    cancelled: true\n")
    edit(schedule, "  - id: transformers\n", "  - id: transformers\n    date: 2027-02-05\n")
    cal = icalendar.Calendar.from_ical(calendar.render(load(project)))
    sequence = {str(e["UID"]).split("@")[0]: int(e.get("SEQUENCE", 0)) for e in cal.walk("VEVENT")}
    assert sequence["session-training-llms"] == 1 and sequence["session-transformers"] == 1
    assert sequence["session-attention-heads"] == 0 and sequence["assignment-hw1"] == 0
