"""Real-world biblatex: biblatex's own example database (tests/fixtures/biblatex-examples/) is read without
false problems, and a spot-check of its decoded titles, names, dates and labels; the LaTeX it uses, one by one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import build_site
from course.cli import main
from course.data.bibliography import parse_bibliography
from course.ground.latex import to_text

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "biblatex-examples" / "biblatex-examples.bib"


@pytest.fixture(scope="module")
def bib():
    bib, problems = parse_bibliography(EXAMPLES.read_text(encoding="utf-8"), "papers.bib")
    assert problems == []
    return bib


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A new course whose papers.bib is biblatex-examples.bib."""
    folder = tmp_path_factory.mktemp("biblatex") / "course"
    assert main(["new", str(folder)]) == 0
    shutil.copy(EXAMPLES, folder / "papers.bib")
    return folder


def test_course_check_reports_no_false_problems(course, capsys):
    capsys.readouterr()
    assert main(["--root", str(course), "check"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].endswith("92 papers.")


# (key, label, title, authors, year, month): decoded as biblatex prints them
SPOT_CHECK = [
    ("knuth:ct:b", "Knuth 1986a", "TeX: The Program", ("Donald E. Knuth",), "1986", None),  # a logo, kept
    ("knuth:ct:a", "Knuth 1984b", "The TeXbook", ("Donald E. Knuth",), "1984", None),  # \TeX eats the space
    ("kastenholz", "Kastenholz and Hünenberger 2006", "Computation of methodology-independent ionic solvation free "
     "energies from molecular simulations: I. The electrostatic potential in molecular liquids",  # \hyphen, subtitle
     ("M. A. Kastenholz", "Philippe H. Hünenberger"), "2006", None),
    ("spiegelberg", "Spiegelberg 1969", "\u201cIntention\u201d und \u201cIntentionalität\u201d in der Scholastik, bei "
     "Brentano und Husserl", ("Herbert Spiegelberg",), "1969", None),  # \mkbibquote
    ("aksin", "Aksın et al. 2006", "Effect of immobilization on catalytic characteristics of saturated "
     "Pd-N-heterocyclic carbenes in Mizoroki-Heck reactions",
     ("Özge Aksın", "Hayati Türkmen", "Levent Artok", "Bekir Çetinkaya", "Chaoying Ni", "Orhan Büyükgüngör",
      "Erhan Özkal"), "2006", None),
    ("markey", "Markey 2005", "Tame the BeaST: The B to X of BibTeX", ("Nicolas Markey",), "2005", "October"),
    ("itzhaki", "Itzhaki 1996", "Some remarks on 't Hooft's S-matrix for black holes", ("Nissan Itzhaki",), "1996", "March"),
    ("geer", "de Geer 1985", "Earl, Saint, Bishop, Skald – and Music: The Orkney Earldom of the Twelfth Century. "
     "A Musicological Study", ("Ingrid de Geer",), "1985", None),
    # no author or editor: valid, named by the label field, the organisation or the title
    ("cms", "CMS 2003", "The Chicago Manual of Style: The Essential Guide for Writers, Editors, and Publishers", (), "2003",
     None),
    ("ctan", "CTAN 2006", "CTAN: The Comprehensive TeX Archive Network", (), "2006", None),
    ("jcg", "Computers and Graphics 2011", "Computers and Graphics", (), "2011", None),
    # a @set: its members' titles, its first member's people and year
    ("stdmodel", "Glashow 1961a", "Partial Symmetries of Weak Interactions; A Model of Leptons; Weak and Electromagnetic "
     "Interactions", ("Sheldon Glashow",), "1961", None),
]


@pytest.mark.parametrize("key, label, title, authors, year, month", SPOT_CHECK, ids=[c[0] for c in SPOT_CHECK])
def test_spot_check_of_decoded_entries(bib, key, label, title, authors, year, month):
    paper = bib[key]
    assert (paper.label, paper.title, paper.authors, paper.year, paper.month) == (label, title, authors, year, month)


def test_eprints_venues_and_types(bib):
    assert (bib["baez/article"].eprint, bib["itzhaki"].eprint) == ("math/0307200v3", "hep-th/9603067")
    assert bib["baez/article"].venue == "Theory and Applications of Categories"  # journaltitle
    assert bib["westfahl:space"].venue == "Space and Beyond: The Frontier Theme in Science Fiction"  # crossref + subtitle
    assert (bib["cms"].type_label, bib["jcg"].type_label, bib["ctan"].type_label) == ("Manual", "Periodical", "Web page")
    assert bib["vizedom:related"].related == ("vangennep",)


@pytest.mark.parametrize("latex, text", [
    (r"{\TeX}: The Program", "TeX: The Program"),
    (r"{\LaTeX}", "LaTeX"),
    (r"\LaTeX\ and \BibTeX", "LaTeX and BibTeX"),  # a control space survives the logo before it
    (r"{\noopsort{1973b}}1973", "1973"),  # sorts only: never shown
    (r"See \href{https://example.org/a_b}{the site}.", "See the site."),
    (r"\url{https://example.org/x}", "https://example.org/x"),
    (r"input\slash output, non\hyphen linear", "input/output, non-linear"),
    (r"\enquote{quoted}", "\u201cquoted\u201d"),
])
def test_biblatex_latex(latex, text):
    assert to_text(latex) == text


def test_a_year_with_noopsort_and_a_date_with_a_month():
    bib, problems = parse_bibliography("@book{a, author = {A, B}, title = {T}, year = {\\noopsort{1973b}1973}}\n"
                                       "@online{b, title = {{\\TeX}}, date = {2019-05}}\n", "papers.bib")
    assert problems == []
    assert bib["a"].year == "1973" and bib["a"].label == "A 1973"
    assert (bib["b"].title, bib["b"].year, bib["b"].month, bib["b"].label) == ("TeX", "2019", "May", "TeX 2019")


def test_the_examples_build_into_a_site(course):
    site = build_site(course)
    assert (site / "papers" / "stdmodel" / "index.html").exists()
    page = (site / "papers" / "knuth-ct-b" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "TeX: The Program" in page
