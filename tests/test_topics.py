"""The topic vocabulary (readings/topics.yml): names and descriptions, and unknown keywords at their line."""

from bs4 import BeautifulSoup

from conftest import build_site, edit
from course.cli import main


def check(project, capsys):
    code = main(["--root", str(project), "check"])
    out = capsys.readouterr()
    return code, out.out.strip().splitlines()


def line_of(path, text):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_keyword_outside_the_vocabulary_is_reported_at_its_keywords_field(project, capsys):
    bib = project / "papers.bib"
    edit(bib, "keywords = {attention, transformers, architectures}", "keywords = {attention, transformer, architectures}")
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [
        f"papers.bib:{line_of(bib, 'transformer,')}:3: entry 'vaswani2017attention' has the keyword 'transformer', which is "
        "not a topic in readings/topics.yml: did you mean 'transformers'? fix the keyword, or add the topic there "
        "(id: transformer, with a name and a description)",
    ]


def test_a_repeated_topic_id_is_reported(project, capsys):
    topics = project / "readings" / "topics.yml"
    edit(topics, "  - id: tokenization\n", "  - id: background\n")
    code, lines = check(project, capsys)
    assert code == 1
    first, second = [i for i, line in enumerate(topics.read_text().splitlines(), 1) if line == "  - id: background"]
    assert f"readings/topics.yml:{second}:9: topic id 'background' is already used on line {first}; ids must be unique" in lines
    assert any("'tokenization', which is not a topic" in line for line in lines)


def test_without_a_vocabulary_topics_are_the_keywords_as_written(project):
    (project / "readings" / "topics.yml").unlink()
    site = build_site(project)
    html = BeautifulSoup((site / "papers" / "vaswani2017attention" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in html.select(".cs-paper-topic")] == ["attention", "transformers", "architectures"]


def test_paper_pages_name_topics_from_the_vocabulary(built_site):
    html = BeautifulSoup((built_site / "papers" / "vaswani2017attention" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in html.select(".cs-paper-topic")] == ["Attention", "Transformers", "Architectures"]
