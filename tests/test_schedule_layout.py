import datetime as dt

from course.data.course import Course
from course.data.schedule import SessionEntry, lay_out, meeting_days

COURSE = dict(
    code="X 1", title="T", institution="I", description="D",
    term=dict(name="Spring", start="2027-01-12", end="2027-02-04", timezone="America/Denver",
              holidays=[dict(date="2027-01-19", name="Holiday")],
              breaks=[dict(start="2027-01-25", end="2027-01-29", name="Break")]),
    meetings=dict(days=["Tue", "Thu"], start="15:30", end="16:45", location="Room"),
    instructors=[dict(name="A")], outline=[dict(id="p", title="P")],
)


def course(**term):
    data = dict(COURSE)
    data["term"] = {**COURSE["term"], **term}
    return Course.model_validate(data)


def entries(*specs):
    return tuple(SessionEntry(id=f"s{i}", title=f"S{i}", part="p", **spec) for i, spec in enumerate(specs))


def test_meeting_days_skip_holidays_and_breaks():
    days = meeting_days(course())
    assert days == [dt.date(2027, 1, 12), dt.date(2027, 1, 14), dt.date(2027, 1, 21), dt.date(2027, 2, 2), dt.date(2027, 2, 4)]


def test_sessions_take_the_next_meeting_day_in_order():
    sessions, slips = lay_out(course(), entries({}, {}, {}))
    assert slips == []
    assert [s.date for s in sessions] == [dt.date(2027, 1, 12), dt.date(2027, 1, 14), dt.date(2027, 1, 21)]
    assert [s.week for s in sessions] == [1, 1, 2]
    assert sessions[0].start.isoformat() == "2027-01-12T15:30:00-07:00"


def test_reordering_sessions_never_means_retyping_dates():
    a, b = entries({}, {})
    first, _ = lay_out(course(), (a, b))
    second, _ = lay_out(course(), (b, a))
    assert [s.id for s in second] == ["s1", "s0"] and [s.date for s in second] == [s.date for s in first]


def test_pinned_date_and_cancelled_session_keep_their_day():
    sessions, slips = lay_out(course(), entries({}, {"date": "2027-01-15"}, {"cancelled": True}, {}))
    assert slips == []
    assert [(s.date.isoformat(), s.cancelled) for s in sessions] == [
        ("2027-01-12", False), ("2027-01-15", False), ("2027-01-21", True), ("2027-02-02", False)]


def test_moving_the_term_is_a_one_line_change():
    sessions, _ = lay_out(course(start="2027-08-24", end="2027-09-30", holidays=[], breaks=[]), entries({}, {}))
    assert [s.date for s in sessions] == [dt.date(2027, 8, 24), dt.date(2027, 8, 26)]


def test_problems_with_pinned_dates_and_overflow():
    _, slips = lay_out(course(), entries({"date": "2026-12-01"}, {}, {"date": "2027-01-12"}, {"date": "2027-01-19"}))
    assert [s.message for s in slips] == [
        "2026-12-01 is outside the term (2027-01-12 to 2027-02-04); pick a date inside it or remove 'date'",
        "two sessions on 2027-01-12: 's1' is already on that date; pick another date or remove 'date'",
        "2027-01-19 is a day off (Holiday); pick another date",
    ]
    _, slips = lay_out(course(), entries(*[{}] * 6))
    assert slips[-1].message == ("session 's5' does not fit in the term: no meeting day is left after 2027-02-04; "
                                 "remove a session, or move the term's end (2027-02-04)")
