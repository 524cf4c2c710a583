"""biblatex's ``related`` / ``relatedtype``: explicit, typed links between papers, shown on both papers' pages.

``related = {b}, relatedtype = {extends}`` on paper a says "a extends b"; b's page then says "extended by a".
biblatex's own types (``reprintof``, ``translationof``, ...) and a few a course may write itself have words
both ways; any other type is shown as written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from course.data.bibliography import Bibliography

# relatedtype (lower case, without spaces or hyphens) -> (what a paper is to the one it names, and back)
WORDS = {
    "": ("Related", "Related"),
    "extends": ("Extends", "Extended by"),
    "respondsto": ("Responds to", "Responded to by"),
    "replicates": ("Replicates", "Replicated by"),
    "critiques": ("Critiques", "Critiqued by"),
    "supersedes": ("Supersedes", "Superseded by"),
    "followsup": ("Follows up on", "Followed up by"),
    "reprint": ("Reprint of", "Reprinted as"),
    "reprintof": ("Reprint of", "Reprinted as"),
    "reprintas": ("Reprinted as", "Reprint of"),
    "reprintfrom": ("Reprinted from", "Reprinted in"),
    "reviewof": ("Review of", "Reviewed in"),
    "translationof": ("Translation of", "Translated as"),
    "translationas": ("Translated as", "Translation of"),
    "translationfrom": ("Translated from", "Translated as"),
    "origpubas": ("Originally published as", "Later published as"),
    "origpubin": ("Originally published in", "Later published as"),
    "multivolume": ("In volumes", "A volume of"),
}
_SPACING = re.compile(r"[\s_-]+")


@dataclass(frozen=True)
class Relation:
    key: str  # the other paper
    words: str  # "Extends", "Extended by"


def words(related_type: str) -> tuple[str, str]:
    known = WORDS.get(_SPACING.sub("", related_type))
    return known or (f"Related ({related_type})", f"Related ({related_type}, the other way)")


def relations(bib: Bibliography) -> dict[str, list[Relation]]:
    """For each paper, its typed links: those it declares, then those other papers declare to it."""
    forward: dict[str, list[Relation]] = defaultdict(list)
    backward: dict[str, list[Relation]] = defaultdict(list)
    for key, paper in bib.papers.items():
        there, back = words(paper.related_type)
        for other in paper.related:
            if other in bib and other != key:
                forward[key].append(Relation(other, there))
                backward[other].append(Relation(key, back))
    return {key: forward.get(key, []) + backward.get(key, []) for key in set(forward) | set(backward)}
