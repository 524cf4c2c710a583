"""The knowledge base in a built site: paper pages, backlinks, the readings page, downloads and search."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import bibtexparser
import pytest
from bs4 import BeautifulSoup

from course.data.bibliography import load_bibliography
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.ground import urls
from conftest import ROOT, build_site, copy_project, readings_view


def soup(site: Path, src: str) -> BeautifulSoup:
    return BeautifulSoup((site / urls.page_url(src) / "index.html").read_text(encoding="utf-8"), "html.parser")


def backlinks(page: BeautifulSoup) -> list[tuple[str, str]]:
    return [(a.get_text(" ", strip=True), a["href"]) for a in page.select(".cs-backlinks a")]


@pytest.fixture(scope="module")
def data():
    return load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)


def test_attention_is_all_you_need_links_to_the_sessions_that_read_it(built_site, data):
    page = soup(built_site, urls.paper_page("vaswani2017attention"))
    assert page.h1.get_text(strip=True).rstrip("¶") == "Attention Is All You Need"
    readings = [s for s in data.sessions if "vaswani2017attention" in s.entry.readings]
    assert readings
    links = backlinks(page)
    for session in readings:
        href = f"../../schedule/{session.id}/"
        assert any(text.startswith(f"Reading for session {session.number}: {session.title} (") and h == href
                   for text, h in links), (session.id, links)
    assert any(text.startswith("Related to the CS25: Transformers United V4 talk") for text, _ in links)  # the course pairs it with talks


def test_induction_heads_page_names_the_axrp_episode_and_timestamps(built_site, data):
    page = soup(built_site, urls.paper_page("olsson2022context"))
    links = backlinks(page)
    assert ("Discussed in AXRP episode 19 at 1:59:42 (\u201cInduction heads\u201d)", "../../episodes/axrp-19/#t-015942") in links
    assert any(text.startswith("Discussed in AXRP episode 19 at 2:11:05") and href == "../../episodes/axrp-19/#t-021105"
               for text, href in links)
    session = next(s for s in data.sessions if "olsson2022context" in s.entry.readings)
    assert any(href == f"../../schedule/{session.id}/" and text.startswith(f"Reading for session {session.number}:")
               for text, href in links)
    kinds = [li["class"][1] for li in page.select(".cs-backlinks li")]
    assert kinds.index("cs-backlink--reading") < kinds.index("cs-backlink--episode")


def test_paper_page_content(built_site):
    page = soup(built_site, urls.paper_page("olsson2022context"))
    citation = page.select_one(".cs-citation").get_text(" ", strip=True)
    assert citation.startswith("Catherine Olsson, Nelson Elhage, Neel Nanda,") and "et al. (2022)." in citation
    assert [a.get_text() for a in page.select(".cs-paper-links a")] == ["arXiv", "PDF", "URL"]
    assert page.select_one("a.cs-link", string="arXiv")["href"] == "https://arxiv.org/abs/2209.11895"
    assert [a.get_text() for a in page.select(".cs-paper-topics a")] == ["Interpretability", "Circuits", "Induction heads"]
    assert page.select_one(".cs-paper-topics a")["href"] == "../../readings/#topic-interpretability"
    assert "Induction heads" in page.select_one(".cs-abstract").get_text()
    related = [a["href"] for a in page.select(".cs-related a")]
    assert related[0] == "../elhage2021mathematical/" and 1 < len(related) <= 5
    assert page.select_one(".cs-related li .cs-shared").get_text() == "(shared: Interpretability, Circuits, Induction heads)"
    bibtex = page.select_one("pre#bibtex-olsson2022context").get_text()
    assert bibtex.startswith("@article{olsson2022context,") and bibtex.rstrip().endswith("}")
    assert page.select_one('button[data-copy-target="bibtex-olsson2022context"]') is not None
    assert page.select_one("#bibtex-olsson2022context-needs") is None
    attention = soup(built_site, urls.paper_page("vaswani2017attention"))
    assert attention.select_one("pre#bibtex-vaswani2017attention").get_text().startswith("@inproceedings{vaswani2017attention,")
    assert attention.select_one("pre#bibtex-vaswani2017attention-needs").get_text() == (
        '@string{neurips = "Advances in Neural Information Processing Systems"}\n')


def test_notes_are_appended_as_a_section(built_site):
    page = soup(built_site, urls.paper_page("vaswani2017attention"))
    headings = [(h.name, h.get_text(strip=True).rstrip("¶")) for h in page.select("article h2, article h3")]
    notes = headings.index(("h2", "Notes"))
    assert headings[notes + 1] == ("h3", "Study notes: Attention Is All You Need (Vaswani et al., 2017)")
    assert notes == len(headings) - 2
    assert "scaled dot-product attention" in page.select("article p")[-1].get_text()


def full_entries(view) -> list[str]:
    return [li["data-key"] for li in view.select(".cs-entry:not(.cs-entry--ref)")]


def test_readings_page(built_site, data):
    page = soup(built_site, urls.READINGS)
    bib = data.bibliography
    start = [a["href"] for a in page.select(".cs-start-list a")]
    assert start == [f"../papers/{urls.paper_slug(i.key)}/" for i in data.course.materials.items]
    # Every paper's full entry once in the by-session view: in the page for the groups that start open, in files
    # for those that start collapsed, which readings.js loads when one opens; the by-topic view's are all in its
    # groups' files, loaded when the view is shown (tests/browser/test_readings.py).
    for group in page.select("#by-session details.cs-group"):
        assert bool(group.select(".cs-entry")) == group.has_attr("open") != bool(group.select("a.cs-group-file"))
    assert sorted(full_entries(readings_view(built_site, "by-session"))) == sorted(p.slug for p in bib.papers.values())
    assert full_entries(page.find(id="by-topic")) == []
    entry = page.select_one('#by-session .cs-entry[data-key="vaswani2017attention"]')
    assert entry.select_one(".cs-entry-authors").get_text() == "Ashish Vaswani, Noam Shazeer, Niki Parmar, et al."
    assert entry.select_one(".cs-entry-year").get_text() == "2017"
    assert entry.select_one(".cs-entry-venue").get_text() == "Advances in Neural Information Processing Systems"
    assert entry.select_one(".cs-entry-type").get_text() == "Conference paper"
    # The filters read the entry as shown (readings.js); it carries only the authors it does not show.
    assert entry["data-authors"] == ", ".join(bib["vaswani2017attention"].authors[3:]) and "data-year" not in entry.attrs
    assert [a.get_text() for a in entry.select(".cs-topic")] == ["Attention", "Transformers", "Architectures"]
    assert [a["href"] for a in entry.select(".cs-topic")] == ["#topic-attention", "#topic-transformers", "#topic-architectures"]
    assert [a.get_text() for a in entry.select(".cs-link")] == ["arXiv", "PDF"]
    # The copy buttons fetch each paper's own .bib: no store of every entry in the page. course.js makes them
    # (tests/browser/test_readings.py), from each view's link to a .bib with * for the paper's slug.
    assert not page.select("button.cs-copy")
    assert [v["data-bibtex"] for v in page.select(".cs-view")] == ["../papers/*/*.bib"] * 2
    assert all((built_site / "readings" / "../papers/*/*.bib".replace("*", p.slug)).is_file() for p in bib.papers.values())
    assert not page.select(".cs-bibtex-store, pre[id^=bibtex-]")


def test_readings_by_session_follows_the_course(built_site, data):
    view = readings_view(built_site, "by-session")
    with_readings = [s for s in data.sessions if s.entry.readings or s.entry.further_reading]
    groups = view.select("details.cs-group")
    assert [g["id"] for g in groups] == [f"session-{s.id}" for s in with_readings] + ["session--none"]
    first = groups[0]  # Introduction: required, then further reading
    assert first.select_one(".cs-group-title").get_text() == "1. Introduction: why decode GPT?"
    assert [p.get_text() for p in first.select(".cs-label")] == ["Required", "Further reading"]
    lists = first.select(".cs-entries")
    assert [li["data-key"] for li in lists[0].select(".cs-entry")] == list(with_readings[0].entry.readings)
    assert [li["data-key"] for li in lists[1].select(".cs-entry")] == list(with_readings[0].entry.further_reading)
    # Read again in session 2: a line that points back to session 1, not the entry again.
    again = groups[1].select_one('.cs-entry--ref[data-key="sanderson2017neural"]')
    assert again.select_one("a[href='#session-introduction']").get_text() == "session 1"
    assert all(g.has_attr("open") == (len(g.select(".cs-entry")) <= 3) for g in groups)  # long groups start closed


def test_readings_by_topic_uses_the_vocabulary(built_site, data):
    view = soup(built_site, urls.READINGS).find(id="by-topic")
    bib = data.bibliography
    groups = view.select("details.cs-group")
    assert [g["id"] for g in groups] == [f"topic-{t.slug}" for t in bib.topics]
    assert bib.topics[0].slug == "background"  # the vocabulary's order
    patching = view.find(id="topic-activation-patching")
    assert patching.select_one(".cs-group-title").get_text() == "Activation patching"
    tagged = sum("activation-patching" in dict(bib[key].topics) for key in bib.keys())
    assert tagged >= 7 and patching.select_one(".cs-topic-meta").get_text(" ", strip=True).startswith(
        f"Causal interventions that swap activations between runs to locate behaviour. {tagged} papers in all")
    # Each group links its list, a file of its own (readable without JavaScript), with each of its papers' full
    # entry, without COinS (the by-session view has them), its title linked to the paper's page.
    listed, total = {}, 0
    for group in groups:
        files, count = group.select("a.cs-group-file"), int(group.select_one(".cs-count").get_text())
        total += count
        assert len(files) == (1 if count else 0) and not group.select(".cs-entry")  # a hundred entries a file
        for link in files:
            part = BeautifulSoup((built_site / "readings" / link["href"]).read_text(encoding="utf-8"), "html.parser")
            assert len(part.select(".cs-entry")) == count and not part.select(".Z3988, .cs-entry--ref")
            listed.update((li["data-key"], (group["id"], li)) for li in part.select(".cs-entry"))
    assert sorted(listed) == sorted(p.slug for p in bib.papers.values()) and total == len(bib.papers)  # each once
    # Each paper under its most specific topic: the induction heads paper is not under "Attention".
    where, entry = listed["olsson2022context"]
    assert where == "topic-induction-heads"
    assert entry.select_one("a.cs-entry-title")["href"] == "../papers/olsson2022context/"
    assert entry.select_one("a.cs-entry-title").get_text() == bib["olsson2022context"].title


def test_bibtex_downloads(built_site, data):
    whole = bibtexparser.parse_string((built_site / "readings/papers.bib").read_text(encoding="utf-8"))
    assert not whole.failed_blocks
    assert [e.key for e in whole.entries] == list(data.bibliography.papers)
    attention = (built_site / "readings/topics/attention.bib").read_text(encoding="utf-8")
    assert attention.startswith('@string{neurips = "Advances in Neural Information Processing Systems"}')
    parsed, problems = load_bibliography(built_site / "readings/topics/attention.bib", "attention.bib")
    assert problems == [] and set(parsed.keys()) == set(next(t for t in data.bibliography.topics if t.slug == "attention").keys)
    page = soup(built_site, urls.READINGS)
    assert page.select_one('#topic-attention a[download]')["href"] == "topics/attention.bib"


def test_search_finds_papers_by_author_title_and_topic(built_site):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if d["location"].startswith("papers/olsson2022context/")]
    text = " ".join(re.sub(r"<[^>]+>", " ", d["title"] + " " + d["text"]) for d in docs)
    assert "In-context Learning and Induction Heads" in docs[0]["title"]
    for needle in ("Catherine Olsson", "Neel Nanda", "Induction heads", "Circuits", "Transformer Circuits Thread"):
        assert needle in text, needle
    # Not its BibTeX again (the same words, as BibTeX): at 5,000 papers that was a sixth of the index.
    assert not [d for d in docs if d["location"].endswith("#bibtex")] and "author = {" not in text


# --- a site built from hostile data, with a hand-written page that cites papers --------------------

HOSTILE = textwrap.dedent(r"""
    @misc{hostile2024,
      author = {<script>alert(1)</script> and M{\"u}ller, J{\"o}rg},
      title = {[x](javascript:alert(1)) <img src=x onerror=alert(1)> [@vaswani2017attention] {: onclick=alert(1)}},
      year = 2024,
      url = {javascript:alert(1)},
      doi = {10.1000/"><script>},
      abstract = {Cites [@nokey] and has <b>tags</b>, `code` and $x^2$.},
      keywords = {interpretability, {\'E}valuation \& <Tests>},
    }
    """)
GUIDE = "---\ntitle: Reading guide\n---\n\n# Reading guide\n\nStart with induction heads [@olsson2022context; @hostile2024].\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "course")
    with (project / "papers.bib").open("a", encoding="utf-8") as bib:
        bib.write(HOSTILE)
    (project / "readings" / "topics.yml").unlink()  # no vocabulary: the hostile keywords are the topics' names
    (project / "content" / "guide.md").write_text(GUIDE, encoding="utf-8")
    return build_site(project)


def test_hostile_bib_data_stays_text(hostile_site):
    page = soup(hostile_site, urls.paper_page("hostile2024"))
    article = page.select_one("article")
    assert article.h1.get_text(strip=True).rstrip("¶") == (  # braces are BibTeX's: they go
        "[x](javascript:alert(1)) <img src=x onerror=alert(1)> [@vaswani2017attention] : onclick=alert(1)")
    assert not article.find_all(["script", "img"])
    assert not [attr for tag in page.find_all(True) for attr in tag.attrs if attr.startswith("on")]
    assert all(not a.get("href", "").lower().startswith("javascript") for a in page.find_all("a"))
    assert [a.get_text() for a in article.select(".cs-paper-links a")] == []  # bad URL and DOI dropped
    assert article.select_one(".cs-citation .cs-cite-authors").get_text() == "<script>alert(1)</script> and Jörg Müller"
    abstract = article.select_one(".cs-abstract")
    assert [m.get_text() for m in abstract.select(".katex annotation")] == ["x^2"]  # maths: typeset by the build
    for maths in abstract.select(".katex"):
        maths.replace_with("$" + maths.select_one("annotation").get_text() + "$")
    assert " ".join(abstract.get_text().split()) == "Cites [@nokey] and has <b>tags</b>, `code` and $x^2$."
    assert [a.get_text() for a in article.select(".cs-paper-topics a")] == ["interpretability", "Évaluation & <Tests>"]
    assert article.select(".cs-paper-topics a")[1]["href"] == "../../readings/#topic-evaluation-tests"
    assert (hostile_site / "readings/topics/evaluation-tests.bib").exists()


def test_citations_in_a_hand_written_page_make_backlinks(hostile_site):
    guide = soup(hostile_site, "guide.md")
    assert guide.select_one(".cs-cite").get_text() == "(Olsson et al. 2022; <script>alert(1)</script> and Müller 2024)"
    assert guide.select(".cs-cite a")[1]["title"] == (
        "[x](javascript:alert(1)) <img src=x onerror=alert(1)> [@vaswani2017attention] : onclick=alert(1)")
    assert all(not a.get("href", "").lower().startswith("javascript") for a in guide.find_all("a"))
    assert not guide.select("article img") and not [a for t in guide.find_all(True) for a in t.attrs if a.startswith("on")]
    assert [li["id"] for li in guide.select(".cs-references li")] == ["ref-hostile2024", "ref-olsson2022context"]
    olsson = soup(hostile_site, urls.paper_page("olsson2022context"))
    assert ("Cited on the page \u201cReading guide\u201d", "../../guide/#cite-olsson2022context") in backlinks(olsson)
    assert guide.find(id="cite-olsson2022context") is not None


def test_search_indexes_each_paper_on_its_own_page_not_again_in_the_readings_lists(built_site):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    readings = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("readings/"))
    assert "papers" in readings  # the page itself is found
    assert "Attention Is All You Need" not in readings  # its two views list every paper: the paper pages have them
    assert any("Attention Is All You Need" in d["title"] for d in index["docs"] if d["location"].startswith("papers/"))
