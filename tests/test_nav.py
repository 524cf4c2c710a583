"""The generated navigation: hand-written pages beside the generated ones, grouped by folder."""

from bs4 import BeautifulSoup

from conftest import ROOT, build_site
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render import schedule
from course.render.nav import build_nav


def test_hand_written_pages_in_a_folder_form_a_section_named_after_it():
    data = load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)
    pages = ["faq.md", "about/benchmarks.md", "about/index.md", "about/team/people.md", "<b>&amp;/x.md"]
    nav = build_nav(data, pages)
    assert nav[-3:] == [
        {"\u2039b\u203a&\u200bamp;": ["<b>&amp;/x.md"]},  # Material prints section titles unescaped
        # index first; the generated report of the notebook runs beside the hand-written pages
        {"About": ["about/index.md", "about/benchmarks.md", "about/notebook-runs.md", {"Team": ["about/team/people.md"]}]},
        "faq.md",
    ]


def test_a_built_site_lists_a_folder_of_pages_as_a_section(project):
    (project / "content" / "about").mkdir(exist_ok=True)  # the real course has one (make bench writes it)
    (project / "content" / "about" / "benchmarks.md").write_text("# Benchmarks\n\nFigures.\n", encoding="utf-8")
    (project / "content" / "about" / "colophon.md").write_text("# Colophon\n\nHow it is made.\n", encoding="utf-8")
    (project / "content" / "faq.md").write_text("# Questions\n\nAnswers.\n", encoding="utf-8")
    site = build_site(project)
    page = BeautifulSoup((site / "about" / "benchmarks" / "index.html").read_text(encoding="utf-8"), "html.parser")
    tabs = [a.get_text(" ", strip=True) for a in page.select(".md-tabs__link")]
    assert tabs[-2:] == ["About", "Questions"]  # a section of its own, then the loose page
    section = page.select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert "Benchmarks" in section and "Colophon" in section


def test_a_long_part_lists_its_sessions_in_runs(monkeypatch):
    monkeypatch.setattr(schedule, "NAV_GROUP", 4)
    data = load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)
    entry = next(e for e in build_nav(data, []) if isinstance(e, dict) and "Schedule" in e)
    parts = dict(next(iter(item.items())) for item in entry["Schedule"][1:])
    sessions = {part.id: [s for s in data.sessions if s.entry.part == part.id] for part in data.course.outline}
    for part in data.course.outline:
        listed, own = parts[part.title], sessions[part.id]
        if len(own) <= 4:  # a short part is as it was: its sessions
            assert listed == [{f"{s.number}. {s.title}": f"schedule/{s.id}.md"} for s in own]
        else:  # runs of four, named by their first and last session
            runs = [own[i:i + 4] for i in range(0, len(own), 4)]
            assert listed == [{f"Sessions {run[0].number}\u2013{run[-1].number}":
                               [{f"{s.number}. {s.title}": f"schedule/{s.id}.md"} for s in run]} for run in runs]


def test_a_session_page_lists_the_sessions_of_its_run_and_links_the_other_runs(project, monkeypatch):
    monkeypatch.setattr(schedule, "NAV_GROUP", 4)
    site = build_site(project)
    data = load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False)
    long = next(p for p in data.course.outline if len([s for s in data.sessions if s.entry.part == p.id]) > 8)
    own = [s for s in data.sessions if s.entry.part == long.id]
    page = BeautifulSoup((site / "schedule" / own[5].id / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [a.get_text(" ", strip=True) for a in page.select("nav.md-nav--primary a.md-nav__link")]
    run = own[4:8]
    assert all(f"{s.number}. {s.title}" in links for s in run)  # its own run, open
    assert f"{own[0].number}. {own[0].title}" not in links  # another run: its name only, a link to its first page
    closed = {a.get_text(" ", strip=True): a["href"] for a in page.select("nav.md-nav--primary .md-nav__item--pruned > a")}
    assert closed[f"Sessions {own[0].number}\u2013{own[3].number}"] == f"../{own[0].id}/"


def test_pages_outside_the_navigation_show_their_folders_navigation(built_site):
    """main.html renders it once per folder: each paper page has the same, with links that work from it."""
    def primary(path: str):
        page = BeautifulSoup((built_site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
        return page.select_one("nav.md-nav--primary"), page.select_one("nav.md-tabs")

    first, second = primary("papers/vaswani2017attention"), primary("papers/olsson2022context")
    assert str(first[0]) == str(second[0]) and str(first[1]) == str(second[1])
    assert "../../schedule/" in [a["href"] for a in first[0].select("a.md-nav__link")]
    assert not first[0].select(".md-nav__item--active")  # no page of the navigation is this one
    session = primary("schedule/introduction")[0]
    assert session.select(".md-nav__item--active")  # a page of the navigation has its own
