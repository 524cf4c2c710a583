from pathlib import Path

from course.data.load import load_course_data
from course.ground.layout import Layout
from course.link.backlinks import backlinks
from course.render.papers import describe

ROOT = Path(__file__).resolve().parent.parent


def test_backlinks_are_computed_from_the_data():
    links = backlinks(load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False))
    attention = [(b.kind, describe(b), b.target) for b in links["vaswani2017attention"]]
    assert ("reading", "Reading for session 6: Attention heads (Thu 28 Jan 2027)", "schedule/attention-heads.md") in attention
    assert any(kind == "talk-related" for kind, _, _ in attention)  # the course pairs it with CS25 talks
    induction = [describe(b) for b in links["olsson2022context"]]
    assert "Discussed in AXRP episode 19 at 1:59:42 (\u201cInduction heads\u201d)" in induction
    assert any(t.startswith("Discussed in AXRP episode 19 at 2:11:05") for t in induction)
    assert any(t.startswith("Reading for session 15: Induction heads") for t in induction)
    kinds = [b.kind for b in links["olsson2022context"]]
    assert kinds == sorted(kinds, key=["presentation", "reading", "further-reading", "material", "project-idea", "citation", "notebook", "talk",
                                         "episode"].index)
    assert "notebook" in kinds, "the induction-heads notebook cites it"


def test_writings_discussed_without_a_timestamp_link_to_the_episode():
    links = backlinks(load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False))
    assert [(describe(b), b.anchor) for b in links["fu2023hungry"]] == [
        ("Discussed in AXRP episode 19: Mechanistic Interpretability with Neel Nanda", "writings-discussed")]
