"""The readings page's groups that load on demand: a long list's (render.readings.ON_DEMAND_ABOVE papers and
more), whose page lists its groups, each group's entries in files of their own that the page loads when the group
opens (tests/browser/test_readings_long_filters.py); and a short list's by-topic view, loaded so when it is shown
(tests/browser/test_readings.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build_site, copy_project
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render import readings


@pytest.fixture(scope="module")
def long_list(tmp_path_factory) -> tuple[Path, object]:
    """The default course built as if its list were long: on demand above 10 papers, five entries a file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readings, "ON_DEMAND_ABOVE", 10)
        patch.setattr(readings, "PART", 5)
        project = copy_project(tmp_path_factory.mktemp("long") / "course")
        site = build_site(project)
    return site, load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False)


def page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "readings" / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_page_lists_the_groups_and_links_their_files(long_list):
    site, data = long_list
    readings_page = page(site)
    assert readings_page.select(".cs-entry") == [] and readings_page.select(".cs-bibtex-store") == []
    form = readings_page.select_one(".cs-readings-filter")
    assert form["data-lists"] == "lists.json" and form["data-papers"] == str(len(data.bibliography.papers))
    groups = readings_page.select("details.cs-group")
    assert groups and not any(g.has_attr("open") for g in groups)  # each loads when it opens
    unassigned = readings_page.find(id="session--none")
    size = int(unassigned.select_one(".cs-count").get_text())
    labels = [a.get_text() for a in unassigned.select("a.cs-group-file")]
    assert len(labels) == -(-size // 5) > 1 and labels[1] == "6\u201310"
    assert all((site / "readings" / a["href"]).is_file() for g in groups for a in g.select("a.cs-group-file"))


def test_each_view_lists_every_paper_once_across_its_files_with_their_bibtex(long_list):
    site, data = long_list
    bib = data.bibliography
    for view in ("by-session", "by-topic"):
        full, coins = [], 0
        for link in page(site).find(id=view).select("a.cs-group-file"):
            part = BeautifulSoup((site / "readings" / link["href"]).read_text(encoding="utf-8"), "html.parser")
            assert len(part.select(".cs-entry")) <= 5
            full += [li["data-key"] for li in part.select(".cs-entry:not(.cs-entry--ref)")]
            assert not part.select("button.cs-copy")  # course.js makes them, from the view's data-bibtex
            coins += len(part.select(".Z3988"))
            # links work from the file as from the page: papers, the readings page's places (./#topic-x, ./#session-x)
            odd = [a["href"] for a in part.select("a[href]") if not a["href"].startswith(("../papers/", "./#", "https://", "http://"))]
            assert odd == []
        assert sorted(full) == sorted(p.slug for p in bib.papers.values())
        bibtex = page(site).find(id=view)["data-bibtex"]  # each paper's own .bib, from the page and its files alike
        assert all((site / "readings" / bibtex.replace("*", slug)).is_file() for slug in full)
        assert coins == (len(full) if view == "by-session" else 0)  # Zotero finds each paper once


def test_the_filters_data_has_each_papers_words_and_each_groups_papers_file_by_file(long_list):
    site, data = long_list
    lists = json.loads((site / "readings" / "lists.json").read_text(encoding="utf-8"))
    vaswani = data.bibliography["vaswani2017attention"]
    text, topics, year, kind = lists["papers"][vaswani.slug]
    assert "attention is all you need" in text and "polosukhin" in text  # the eighth author, not shown in the entry
    assert (topics, year, kind) == (vaswani.topic_slugs, "2017", "Conference paper")
    readings_page = page(site)
    for group in readings_page.select("details.cs-group"):
        files = group.select("a.cs-group-file")
        assert len(lists["groups"][group["id"]]) == len(files)
        for link, slugs in zip(files, lists["groups"][group["id"]]):
            part = BeautifulSoup((site / "readings" / link["href"]).read_text(encoding="utf-8"), "html.parser")
            assert [li["data-key"] for li in part.select(".cs-entry")] == slugs


def test_a_short_list_has_its_open_by_session_groups_in_the_page_and_the_rest_in_files(built_site):
    readings_page = page(built_site)
    by_session, by_topic = readings_page.find(id="by-session"), readings_page.find(id="by-topic")
    opened, closed = by_session.select("details.cs-group[open]"), by_session.select("details.cs-group:not([open])")
    assert opened and closed and all(g.select(".cs-entry") and not g.has_attr("data-loads") for g in opened)
    assert all(g.select("a.cs-group-file") and g["data-loads"] == "open" and not g.select(".cs-entry") for g in closed)
    assert {g["data-loads"] for g in by_topic.select("details.cs-group")} == {"view"}
    assert not by_topic.select(".cs-entry") and not readings_page.select_one(".cs-readings-filter").has_attr("data-lists")
    assert not (built_site / "readings" / "lists.json").exists()  # the filters read the by-session view's entries


def test_each_topics_group_links_a_file_with_its_papers(built_site):
    bib = load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False).bibliography
    by_topic = page(built_site).find(id="by-topic")
    for group in readings.topic_groups(bib):
        files = by_topic.find(id=group.id).select("a.cs-group-file")
        assert [a["href"] for a in files] == ([f"list-{group.id}-1.html"] if group.size else [])
        parts = [BeautifulSoup((built_site / "readings" / a["href"]).read_text(encoding="utf-8"), "html.parser") for a in files]
        assert all(part.title.get_text() == f"Readings: {group.title}" for part in parts)  # a page of its own
        keys = [li["data-key"] for part in parts for li in part.select(".cs-entry")]
        assert keys == [bib[item.key].slug for _, items in group.parts for item in items]
        assert all(group.topic.slug in bib[item.key].topic_slugs.split() for _, items in group.parts for item in items
                   ) if group.topic else not any(bib[item.key].topics for _, items in group.parts for item in items)
