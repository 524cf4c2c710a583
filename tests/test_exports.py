"""What reference managers read: Highwire meta tags on paper pages, RIS and CSL-JSON downloads (parsed with
rispy and json), BibTeX downloads, and COinS on list entries."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup

from conftest import ROOT, readings_view
from course.data.load import load_course_data
from course.ground import urls
from course.ground.layout import Layout

# The item types of the CSL 1.0.2 specification (csl-data.json's "type" enum).
CSL_TYPES = {"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
             "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
             "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map",
             "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
             "personal_communication", "post", "post-weblog", "regulation", "report", "review", "review-book", "software",
             "song", "speech", "standard", "thesis", "treaty", "webpage"}
CSL_STRINGS = {"id", "type", "title", "container-title", "volume", "issue", "page", "publisher", "DOI", "URL", "abstract",
               "keyword", "note", "number"}


class MetaTags(HTMLParser):
    """The <meta name=... content=...> tags of a page's head, in order (the standard library's HTML parser)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name", "").startswith("citation_"):
            self.tags.append((attrs["name"], attrs.get("content")))


def meta_tags(site, key, page=None) -> list[tuple[str, str]]:
    parser = MetaTags()
    parser.feed((site / (page or f"papers/{urls.paper_slug(key)}/index.html")).read_text(encoding="utf-8"))
    return parser.tags


@pytest.fixture(scope="module")
def data():
    return load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)


def test_paper_pages_carry_highwire_meta_tags(built_site):
    assert meta_tags(built_site, "bakhtin2022human")[:3] == [
        ("citation_title", "Human-Level Play in the Game of Diplomacy by Combining Language Models with Strategic Reasoning"),
        ("citation_author", "Meta Fundamental AI Research Diplomacy Team (FAIR)"),  # an organisation, whole
        ("citation_author", "Bakhtin, Anton"),
    ]
    tags = [t for t in meta_tags(built_site, "bakhtin2022human") if t[0] != "citation_author"]
    assert tags == [
        ("citation_title", "Human-Level Play in the Game of Diplomacy by Combining Language Models with Strategic Reasoning"),
        ("citation_publication_date", "2022/11"),
        ("citation_journal_title", "Science"),
        ("citation_volume", "378"),
        ("citation_issue", "6624"),
        ("citation_firstpage", "1067"),
        ("citation_lastpage", "1074"),
        ("citation_doi", "10.1126/science.ade9097"),
        ("citation_abstract_html_url", "https://mines-opt-ml.github.io/decoding-gpt/papers/bakhtin2022human/"),
        ("citation_keywords", "Language modelling"),
        ("citation_keywords", "Alignment"),
    ]
    vaswani = dict(meta_tags(built_site, "vaswani2017attention"))
    assert vaswani["citation_conference_title"] == "Advances in Neural Information Processing Systems"
    assert vaswani["citation_arxiv_id"] == "1706.03762"
    assert vaswani["citation_pdf_url"] == "https://arxiv.org/pdf/1706.03762"
    assert not meta_tags(built_site, None, "readings/index.html")  # only paper pages


def ris_file(site, path):
    return rispy.loads((site / path).read_text(encoding="utf-8"))


def test_ris_downloads_parse_with_rispy(built_site, data):
    (record,) = ris_file(built_site, "papers/bakhtin2022human/bakhtin2022human.ris")
    assert record["type_of_reference"] == "JOUR"
    assert record["id"] == "bakhtin2022human"
    assert record["authors"][:2] == ["Meta Fundamental AI Research Diplomacy Team (FAIR)", "Bakhtin, Anton"]
    assert len(record["authors"]) == 27
    assert (record["year"], record["date"]) == ("2022", "2022/11//")
    assert (record["secondary_title"], record["volume"], record["number"]) == ("Science", "378", "6624")
    assert (record["start_page"], record["end_page"]) == ("1067", "1074")
    assert record["doi"] == "10.1126/science.ade9097"
    assert record["urls"] == ["https://www.science.org/doi/10.1126/science.ade9097"]
    (vaswani,) = ris_file(built_site, "papers/vaswani2017attention/vaswani2017attention.ris")
    assert vaswani["type_of_reference"] == "CPAPER" and vaswani["authors"][6] == "Kaiser, Łukasz"
    assert vaswani["file_attachments1"] == "https://arxiv.org/pdf/1706.03762"
    everything = ris_file(built_site, "readings/papers.ris")
    assert [r["id"] for r in everything] == list(data.bibliography.papers)
    assert all(r["title"] and r["type_of_reference"] for r in everything)
    topic = next(t for t in data.bibliography.topics if t.slug == "circuits")
    assert {r["id"] for r in ris_file(built_site, "readings/topics/circuits.ris")} == set(topic.keys)


def check_csl_item(item: dict) -> None:
    """The shape CSL-JSON (csl-data.json) gives an item: what citeproc and Zotero rely on."""
    assert isinstance(item["id"], str) and item["type"] in CSL_TYPES and isinstance(item["title"], str)
    for name, value in item.items():
        if name in CSL_STRINGS:
            assert isinstance(value, str) and value, (item["id"], name)
        elif name in ("author", "editor"):
            assert value and all(set(person) <= {"family", "given", "non-dropping-particle", "suffix", "literal"}
                                 and ("literal" in person) != ("family" in person) for person in value), item["id"]
        elif name == "issued":
            parts = value["date-parts"]
            assert len(parts) == 1 and 1 <= len(parts[0]) <= 3 and all(isinstance(n, int) for n in parts[0])
        else:
            pytest.fail(f"{item['id']}: {name!r} is not a CSL-JSON variable this export should write")


def test_csl_json_downloads_have_the_csl_shape(built_site, data):
    everything = json.loads((built_site / "readings/papers.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in everything] == list(data.bibliography.papers)
    for item in everything:
        check_csl_item(item)
    (bakhtin,) = json.loads((built_site / "papers/bakhtin2022human/bakhtin2022human.json").read_text(encoding="utf-8"))
    assert bakhtin["type"] == "article-journal"
    assert bakhtin["author"][:2] == [{"literal": "Meta Fundamental AI Research Diplomacy Team (FAIR)"},
                                     {"family": "Bakhtin", "given": "Anton"}]
    assert bakhtin["issued"] == {"date-parts": [[2022, 11]]}
    assert (bakhtin["container-title"], bakhtin["page"], bakhtin["DOI"]) == ("Science", "1067–1074", "10.1126/science.ade9097")
    (preprint,) = json.loads((built_site / "papers/heimersheim2024use/heimersheim2024use.json").read_text(encoding="utf-8"))
    assert preprint["type"] == "article" and preprint["number"] == "arXiv:2404.15255"


def test_every_paper_page_and_list_offers_the_three_downloads(built_site, data):
    page = BeautifulSoup((built_site / "papers/vaswani2017attention/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [(a.get_text(), a["href"]) for a in page.select(".cs-paper-downloads a[download]")] == [
        ("BibTeX", "vaswani2017attention.bib"), ("RIS", "vaswani2017attention.ris"), ("CSL-JSON", "vaswani2017attention.json")]
    (entry,) = bibtexparser.parse_string((built_site / "papers/vaswani2017attention/vaswani2017attention.bib")
                                         .read_text(encoding="utf-8")).entries
    assert entry.key == "vaswani2017attention"
    readings = BeautifulSoup((built_site / "readings/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in readings.select(".cs-readings-intro a[download]")] == ["papers.bib", "papers.ris", "papers.json"]
    for topic in data.bibliography.topics:
        links = [a["href"] for a in readings.select(f"#topic-{topic.slug} .cs-topic-downloads a[download]")]
        assert links == [f"topics/{topic.slug}.{ext}" for ext in ("bib", "ris", "json")]
        assert all((built_site / "readings" / link).exists() for link in links)


def test_list_entries_carry_coins_once_per_paper(built_site, data):
    readings = BeautifulSoup((built_site / "readings/index.html").read_text(encoding="utf-8"), "html.parser")
    assert not readings.select("#by-topic span.Z3988")  # in one view only: Zotero offers each paper once
    by_session = readings_view(built_site, "by-session")  # its collapsed groups' entries are in their files
    spans = by_session.select(".cs-entry span.Z3988")
    assert len(spans) == len(data.bibliography.papers)
    assert len(by_session.select(".cs-entry:not(.cs-entry--ref) > span.Z3988")) == len(spans)  # the full entries
    kev = {}
    for span in spans:
        fields = parse_qsl(span["title"])
        assert fields[0] == ("ctx_ver", "Z39.88-2004")
        # as Zotero reads it: split at "&", each value through decodeURIComponent (no "+" for a space)
        assert [tuple(unquote(part) for part in field.split("=", 1)) for field in span["title"].split("&")] == fields
        kev[span.find_parent("li")["data-key"]] = fields
    bakhtin = kev["bakhtin2022human"]
    assert ("rft.atitle", data.bibliography["bakhtin2022human"].title) in bakhtin
    assert ("rft.jtitle", "Science") in bakhtin and ("rft_id", "info:doi/10.1126/science.ade9097") in bakhtin
    assert ("rft.au", "Anton Bakhtin") in bakhtin and ("rft.date", "2022") in bakhtin
    author = BeautifulSoup((built_site / "authors/neel-nanda/index.html").read_text(encoding="utf-8"), "html.parser")
    assert len(author.select(".cs-entry span.Z3988")) == len(author.select(".cs-entry"))
