"""The topic vocabulary (readings/topics.yml): a readable name and a one-line description for each
keyword papers.bib uses as a topic.

Without the file, topics are the keywords as written.  With it, the file is the vocabulary: its order
is the readings page's order, and a keyword it does not list is a problem at the keywords field of
the entry that uses it (a typo would otherwise make a topic of its own).
"""

from __future__ import annotations

from dataclasses import replace

from course.data.bibliography import Bibliography
from course.data.fields import Line, Record, Slug
from course.ground.errors import Problem
from course.ground.words import did_you_mean
from course.ground.yaml_source import YamlDocument


class TopicEntry(Record):
    id: Slug  # the keyword's slug: "activation-patching" for the keyword "activation-patching"
    name: Line  # "Activation patching"
    description: Line  # one line: what the topic is about


class TopicsFile(Record):
    topics: tuple[TopicEntry, ...] = ()


def apply_vocabulary(bib: Bibliography, topics: TopicsFile, document: YamlDocument) -> tuple[Bibliography, list[Problem]]:
    """``bib`` with the vocabulary's names on its papers' topics, and a problem for each unknown keyword
    and each repeated topic id."""
    problems: list[Problem] = []
    vocabulary: dict[str, tuple[str, str]] = {}
    for i, topic in enumerate(topics.topics):
        if topic.id in vocabulary:
            line = document.positions.of_value(("topics", list(vocabulary).index(topic.id), "id"))[0]
            problems.append(document.problem(("topics", i, "id"), f"topic id {topic.id!r} is already used on line {line}; ids must be unique"))
        else:
            vocabulary[topic.id] = (topic.name, topic.description)
    papers = {}
    for key, paper in bib.papers.items():
        for slug, keyword in paper.topics:
            if slug not in vocabulary:
                hint = did_you_mean(slug, vocabulary, 0.7)
                problems.append(Problem(bib.display, paper.keywords_line or paper.line, paper.keywords_col or 1, (
                    f"entry {key!r} has the keyword {keyword!r}, which is not a topic in {document.display}: "
                    f"{hint}fix the keyword, or add the topic there (id: {slug}, with a name and a description)")))
        papers[key] = replace(paper, topics=tuple((slug, vocabulary[slug][0] if slug in vocabulary else label)
                                                  for slug, label in paper.topics))
    return replace(bib, papers=papers, vocabulary=vocabulary), problems
