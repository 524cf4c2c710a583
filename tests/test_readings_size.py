"""The readings page's HTML stays light: it carries each paper's full entry once (with its COinS), a line for it
in the other view, and nothing the page's scripts can make or read from what is shown."""

from __future__ import annotations

# The default course's readings page (86 papers) measured 189,423 bytes when its entries lost what the scripts
# make or read from the page (241,208 before); 3 % of headroom for the course to grow.
MEASURED = 189_423
MOST = round(MEASURED * 1.03)


def test_the_readings_page_of_the_default_course_stays_under_its_measured_size(built_site):
    size = len((built_site / "readings" / "index.html").read_bytes())
    assert size <= MOST, f"the readings page is {size:,} bytes, over {MOST:,} (measured {MEASURED:,}): what did it gain?"
