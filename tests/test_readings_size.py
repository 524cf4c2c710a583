"""The readings page's HTML stays light: it carries each paper's full entry once (with its COinS), in the
by-session view; the by-topic view's groups (their headers, downloads and the links to their files) load their
entries when it is shown; and nothing the page's scripts can make or read from what is shown."""

from __future__ import annotations

# The default course's readings page (86 papers) measured 165,029 bytes when its by-topic view's entries moved to
# its groups' files (189,423 before, 241,208 before its entries lost what the scripts make or read from the page);
# 3 % of headroom for the course to grow.
MEASURED = 165_029
MOST = round(MEASURED * 1.03)


def test_the_readings_page_of_the_default_course_stays_under_its_measured_size(built_site):
    size = len((built_site / "readings" / "index.html").read_bytes())
    assert size <= MOST, f"the readings page is {size:,} bytes, over {MOST:,} (measured {MEASURED:,}): what did it gain?"
