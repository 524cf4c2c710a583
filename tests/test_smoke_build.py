from conftest import build_site


def test_default_course_builds_strict(project):
    site = build_site(project)
    assert (site / "index.html").exists()
    assert (site / "calendar.ics").exists()
