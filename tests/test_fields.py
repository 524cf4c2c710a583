import datetime as dt

import pytest
from pydantic import ValidationError

from course.data.fields import Date, Line, Record, Time, TimeZone, Url, check_url


class Sample(Record):
    when: Date | None = None
    at: Time | None = None
    zone: TimeZone | None = None
    link: Url | None = None
    name: Line | None = None


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://x.y", "mailto:a@b.org", "slides/week1.pdf", "../papers/x/", "#anchor"])
def test_safe_urls_pass(url):
    assert check_url(url) == url


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "links must start with http://, https:// or mailto: (not javascript:)"),
    ("JaVaScRiPt:alert(1)", "links must start with http://, https:// or mailto: (not javascript:)"),
    ("data:text/html,<script>alert(1)</script>", "links must start with http://, https:// or mailto: (not data:)"),
    ("data:text/html;base64,PHNjcmlwdD4=", "links must start with http://, https:// or mailto: (not data:)"),
    ("java\tscript:alert(1)", "a link must not contain spaces, control characters or backslashes"),
    ("//evil.example/x", "write the full link with https://"),
    ("vbscript:msgbox", "links must start with http://, https:// or mailto: (not vbscript:)"),
    ("https:evil", "write the link as https://host/path"),
])
def test_unsafe_urls_are_refused(url, message):
    with pytest.raises(ValueError) as error:
        check_url(url)
    assert str(error.value) == message


def test_dates_and_times_parse_strictly():
    sample = Sample(when="2027-01-12", at="15:30", zone="America/Denver")
    assert sample.when == dt.date(2027, 1, 12) and sample.at == dt.time(15, 30)
    for field, value, text in [
        ("when", "12/01/2027", "'12/01/2027' is not a date; write it as YYYY-MM-DD, e.g. 2027-01-12"),
        ("when", "2027-02-30", "'2027-02-30' is not a real date (check the month and day)"),
        ("at", "870", "'870' is not a time; write it as HH:MM on a 24-hour clock, in quotes, e.g. \"15:30\""),
        ("at", "25:00", "'25:00' is not a time of day (00:00 to 23:59)"),
        ("zone", "America/Denvr", "unknown time zone 'America/Denvr'; did you mean 'America/Denver'?"),
    ]:
        with pytest.raises(ValidationError) as error:
            Sample(**{field: value})
        assert error.value.errors()[0]["msg"] == f"Value error, {text}"


def test_text_refuses_control_and_direction_characters():
    with pytest.raises(ValidationError, match="U\\+202E"):
        Sample(name="abc\u202edef")
    with pytest.raises(ValidationError, match="control character U\\+0007"):
        Sample(name="bell\x07")
    with pytest.raises(ValidationError, match="the limit is 500"):
        Sample(name="x" * 10_000)


def test_records_are_frozen_and_refuse_unknown_keys():
    sample = Sample(name="a")
    with pytest.raises(ValidationError):
        sample.name = "b"
    with pytest.raises(ValidationError, match="Extra inputs"):
        Sample(nmae="a")
