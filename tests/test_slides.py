"""Lecture decks: Marp Markdown in content/slides/<session-id>.md becomes an HTML deck, a PDF and one
thumbnail per slide, cached by content; its mistakes are ``path:line:col`` errors.  The default course's
deck for the transformer session is built once (cold cache) for the whole module."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, copy_project, edit
from prerequisites import require
from course.data.load import load_course_data
from course.ground.errors import CourseDataError
from course.ground.layout import Layout
from course.slides.marp import Tools

pytestmark = pytest.mark.xdist_group("slides")

DECK = "content/slides/transformers.md"
HAVE_TOOLS = Tools.find(Path(__file__).resolve().parent.parent)
needs_marp = pytest.mark.skipif(HAVE_TOOLS is None or HAVE_TOOLS.chromium is None,
                                reason="Marp (npm ci) and chromium (tools/install-chromium.sh) are installed by make test")


def _sections(markdown: str) -> int:
    """Slides in a deck: its `---` separators (after the front matter, outside code) plus one."""
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, count=1, flags=re.S)
    body = re.sub(r"(?ms)^```.*?^```", "", body)
    return len(re.findall(r"(?m)^---\s*$", body)) + 1


@pytest.fixture(scope="module")
def deck_project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("slides") / "course", slides=True)


@pytest.fixture(scope="module")
def deck_site(deck_project) -> Path:
    require(HAVE_TOOLS is not None and HAVE_TOOLS.chromium is not None, "Marp and chromium", "make test")
    before = sorted(p.relative_to(deck_project).as_posix() for p in (deck_project / "content").rglob("*"))
    site = build_site(deck_project)
    after = sorted(p.relative_to(deck_project).as_posix() for p in (deck_project / "content").rglob("*"))
    assert before == after, "the build wrote into docs_dir"
    return site


def _html(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


@needs_marp
def test_one_slide_per_section_in_the_deck_the_pdf_and_the_thumbnails(deck_site, deck_project):
    from pypdf import PdfReader

    expected = _sections((deck_project / DECK).read_text(encoding="utf-8"))
    deck = _html(deck_site, "slides/transformers.html")
    assert len(deck.select("section[id]")) == expected == 10
    pdf = PdfReader(deck_site / "slides/transformers.pdf")
    assert len(pdf.pages) == expected
    uris = {a.get_object()["/A"]["/URI"] for page in pdf.pages for a in page.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})}
    assert "https://mines-opt-ml.github.io/decoding-gpt/papers/xiong2020layer/" in uris  # a PDF has no site around it
    session = _html(deck_site, "schedule/transformers/index.html")
    strip = session.select(".cs-deck-strip img")
    assert len(strip) == expected
    for img in strip:
        assert (deck_site / "schedule/transformers" / img["src"]).resolve().is_file()
    assert strip[2]["alt"] == "Slide 3 of 10: One attention head"
    assert not (deck_site / "slides/transformers/index.html").exists(), "the deck source must not become a page"


@needs_marp
def test_marp_image_directives_maths_and_citations(deck_site):
    deck = _html(deck_site, "slides/transformers.html")
    sized = deck.select_one('img[src="figures/residual-stream.svg"]')
    assert sized is not None and "height:300px" in sized["style"].replace(" ", "")
    split = [s for s in deck.select("section[data-marpit-advanced-background-split]")]
    assert split and all(s["data-marpit-advanced-background-split"] == "right" for s in split)
    assert "--marpit-advanced-background-split:40%" in split[0]["style"]
    assert any("figures/post-ln-pre-ln.svg" in (f.get("style") or "") for f in deck.select("figure"))
    assert (deck_site / "slides/figures/post-ln-pre-ln.svg").is_file()
    assert deck.select("mjx-container") and "$$" not in deck.get_text() and "\\operatorname" not in deck.get_text()
    cite = deck.find("a", string="Xiong et al. 2020")
    assert cite is not None and cite["href"] == "../papers/xiong2020layer/"
    assert (deck_site / "slides" / cite["href"] / "index.html").resolve().is_file()
    assert "[@" not in deck.get_text()


@needs_marp
def test_the_session_page_offers_the_deck_and_the_deck_links_back(deck_site):
    session = _html(deck_site, "schedule/transformers/index.html")
    button = session.find("a", class_="cs-chip--slides", string="Slides")
    assert button is not None and button["href"] == "../../slides/transformers.html"
    pdf = session.find("a", string="Slides (PDF)")
    assert (deck_site / "schedule/transformers" / pdf["href"]).resolve().read_bytes().startswith(b"%PDF")
    schedule = _html(deck_site, "schedule/index.html")
    assert schedule.select_one('article#transformers a.cs-chip--slides')["href"] == "../slides/transformers.html"
    assert schedule.select_one('article#attention-heads a.cs-chip--slides') is None
    deck = _html(deck_site, "slides/transformers.html")
    back = deck.select_one("nav.course-deck-nav a")
    assert back["href"] == "../schedule/transformers/" and "The transformer and its residual stream" in back.get_text()
    assert deck.title.get_text() == "The transformer and its residual stream"
    for tag in deck.select("script[src], link[href], img[src]"):
        assert not re.match(r"(https?:)?//", tag.get("src") or tag.get("href")), f"fetched at view time: {tag}"


@needs_marp
def test_a_warm_build_renders_no_deck_and_a_changed_image_renders_it_again(deck_site, deck_project):
    from course.slides.stage import DeckStage

    layout = Layout.from_mkdocs_yml(deck_project)
    runs = DeckStage(load_course_data(layout), site_url=layout.site_url).run()
    assert [(r.session_id, r.status) for r in runs] == [("induction-heads", "cached"), ("transformers", "cached")]
    stage = DeckStage(load_course_data(layout), site_url=layout.site_url)
    deck = stage.data.deck("transformers")
    before = stage.key_inputs(deck, stage.tools("x"))
    image = deck_project / "content/slides/figures/residual-stream.svg"
    edit(image, "</svg>", "<!-- changed --></svg>")
    stage = DeckStage(load_course_data(layout), site_url=layout.site_url)
    after = stage.key_inputs(stage.data.deck("transformers"), stage.tools("x"))
    assert before["images"] != after["images"] and before["source"] == after["source"]
    edit(image, "<!-- changed --></svg>", "</svg>")


def _problems(project: Path) -> str:
    with pytest.raises(CourseDataError) as error:
        load_course_data(Layout.from_mkdocs_yml(project))
    return str(error.value)


def test_an_image_the_repository_lacks_is_an_error_at_its_line(tmp_path):
    project = copy_project(tmp_path / "course", slides=True)
    deck = project / DECK
    edit(deck, "(figures/residual-stream.svg)", "(figures/residual-steam.svg)")
    line = next(i for i, text in enumerate(deck.read_text(encoding="utf-8").splitlines(), 1) if "residual-steam" in text)
    assert _problems(project) == (
        f"{DECK}:{line}:17: the image 'figures/residual-steam.svg' is not in the repository; "
        "did you mean 'residual-stream.svg'? add the file or fix the path (relative to the deck)")


def test_a_remote_image_is_an_error(tmp_path):
    project = copy_project(tmp_path / "course", slides=True)
    edit(project / DECK, "(figures/post-ln-pre-ln.svg)", "(https://example.org/x.png)")
    assert "the image 'https://example.org/x.png' is not a file of the project" in _problems(project)


def test_malformed_front_matter_is_an_error_at_its_line(tmp_path):
    project = copy_project(tmp_path / "course", slides=True)
    edit(project / DECK, "paginate: true", "paginate: [true")
    message = _problems(project)
    assert message.startswith(f"{DECK}:5:") and "front matter: YAML syntax error" in message
    assert "\n" not in message and "Traceback" not in message


def test_unclosed_front_matter_unknown_theme_and_unknown_session(tmp_path):
    project = copy_project(tmp_path / "course", slides=True)
    deck = project / DECK
    edit(deck, "theme: default", "theme: gaiaa")
    assert _problems(project) == (f"{DECK}:3:8: front matter: unknown theme 'gaiaa'; did you mean 'gaia'? "
                                  "Marp knows default, gaia, uncover")
    edit(deck, "theme: gaiaa", "theme: default")
    text = deck.read_text(encoding="utf-8")
    deck.write_text("---\nmarp: true\n\n# The only slide\n", encoding="utf-8")
    assert _problems(project) == (f"{DECK}:1:1: the front matter opened here is never closed; "
                                  "end it with a line '---' before the first slide")
    deck.write_text(text, encoding="utf-8")
    shutil.move(deck, project / "content/slides/transformer.md")
    assert _problems(project) == ("content/slides/transformer.md: a deck for an unknown session 'transformer'; "
                                  "did you mean transformers.md? name the file after a session id in the schedule")


def test_an_unknown_citation_in_a_deck_is_an_error_at_its_key(tmp_path):
    project = copy_project(tmp_path / "course", slides=True)
    edit(project / DECK, "[@xiong2020layer]", "[@xiong2020layr]")
    assert "unknown paper key 'xiong2020layr'" in _problems(project)
    assert _problems(project).startswith(f"{DECK}:")


@needs_marp
@pytest.mark.browser
def test_the_deck_works_with_the_keyboard_and_on_a_phone_without_console_errors(deck_site):
    from browser.chromium import chromium, serve, watch

    with serve(deck_site) as base_url, chromium() as browser:
        for viewport in ({"width": 1280, "height": 800}, {"width": 390, "height": 844}):
            context = browser.new_context(viewport=viewport)
            watched = watch(context, base_url)
            page = watched.page
            watched.goto("slides/transformers.html")
            assert page.evaluate("location.hash") in ("", "#1")
            page.keyboard.press("ArrowRight")
            page.wait_for_function("location.hash === '#2'")
            width = page.evaluate("document.querySelector('svg.bespoke-marp-active').getBoundingClientRect().width")
            assert 0 < width <= viewport["width"]
            page.locator("nav.course-deck-nav a").first.click()
            page.wait_for_url(re.compile(r"/schedule/transformers/$"))
            watched.assert_clean()
            context.close()


@needs_marp
@pytest.mark.browser
def test_the_deck_weighs_under_800_kb_on_a_first_visit_and_the_thumbnails_add_little(deck_site):
    """The deck page is self-contained (Marp inlines its CSS, scripts and the maths as SVG); on the session
    page the thumbnails are what the deck adds (the rest of that page's weight is the theme's and KaTeX's)."""
    from browser.chromium import chromium, serve

    with serve(deck_site) as base_url, chromium() as browser:
        weights = {}
        for path in ("slides/transformers.html", "schedule/transformers/"):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            sizes: list[tuple[int, str]] = []
            page.on("requestfinished", lambda request: sizes.append((request.sizes()["responseBodySize"], request.url)))
            page.goto(base_url + path, wait_until="networkidle")
            page.mouse.wheel(0, 4000)  # the lazy thumbnails too
            page.wait_for_load_state("networkidle")
            weights[path] = sizes
            context.close()
    deck = sum(size for size, _ in weights["slides/transformers.html"])
    thumbnails = sum(size for size, url in weights["schedule/transformers/"] if re.search(r"/slides/transformers\.\d{3}\.png$", url))
    print(f"deck page: {deck:,} bytes in {len(weights['slides/transformers.html'])} requests; thumbnails: {thumbnails:,} bytes")
    assert 0 < deck <= 800_000
    assert 0 < thumbnails <= 250_000


def test_course_check_and_the_build_report_a_missing_image_without_a_traceback(tmp_path, capsys, caplog):
    from mkdocs.exceptions import Abort

    from course.cli import main

    project = copy_project(tmp_path / "course", slides=True)
    edit(project / DECK, "(figures/post-ln-pre-ln.svg)", "(figures/pre-ln.svg)")
    assert main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(f"{DECK}:") and "the image 'figures/pre-ln.svg' is not in the repository" in out[0]
    with pytest.raises(Abort):  # what MkDocs makes of the plugin's PluginError: exit 1, no traceback
        build_site(project)
    assert out[0] in caplog.text and "Traceback" not in caplog.text


def test_a_marp_failure_is_an_error_at_the_deck(tmp_path, monkeypatch):
    """Marp itself reports no positions: its failure is reported at the deck's path, with Marp's own last error."""
    from course.slides.stage import DeckStage

    marp = tmp_path / "marp"
    marp.write_text("#!/bin/sh\necho '[ ERROR ] Failed converting Markdown. (boom)' >&2\nexit 1\n", encoding="utf-8")
    marp.chmod(0o755)
    monkeypatch.setenv("MARP", str(marp))
    project = copy_project(tmp_path / "course", slides=True)
    layout = Layout.from_mkdocs_yml(project)
    with pytest.raises(CourseDataError) as error:
        DeckStage(load_course_data(layout), site_url=layout.site_url).run()
    assert str(error.value).splitlines() == [
        f"content/slides/{name}.md: Marp could not make the html (exit 1): [ ERROR ] Failed converting Markdown. (boom)"
        for name in ("induction-heads", "transformers")]
