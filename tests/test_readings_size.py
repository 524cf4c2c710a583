"""The readings page's HTML stays light: it carries the full entries (with their COinS) of the by-session
view's groups that start open, and the links to the files of those that start collapsed, which load when one
opens; the by-topic view's groups (their headers, downloads and the links to their files) load their entries
when it is shown; and nothing the page's scripts can make or read from what is shown."""

from __future__ import annotations

# The default course's readings page (86 papers) measured 101,123 bytes when the by-session view's collapsed
# groups' entries moved to their files (165,029 before; 189,423 before the by-topic view's did; 241,208 before
# its entries lost what the scripts make or read from the page); 3 % of headroom for the course to grow.
MEASURED = 101_123
MOST = round(MEASURED * 1.03)


def test_the_readings_page_of_the_default_course_stays_under_its_measured_size(built_site):
    size = len((built_site / "readings" / "index.html").read_bytes())
    assert size <= MOST, f"the readings page is {size:,} bytes, over {MOST:,} (measured {MEASURED:,}): what did it gain?"
