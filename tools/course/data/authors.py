"""The people behind the papers: one ``Author`` per name, whichever way papers.bib spells it.

BibTeX's "Nanda, Neel" and "Neel Nanda" are one person once the name is split (``Person``); the
accents are decoded; the identity is the slug of the whole name, so that "Łukasz" and a
"Lukasz" written without the stroke meet as well.  A braced corporate author (``{Anthropic}``) is one
name, kept whole; "and others" and a written "et al." are never people.  Names are matched as written:
"N. Nanda" stays apart from "Neel Nanda" (initials may stand for different people).
"""

from __future__ import annotations

from dataclasses import dataclass

from course.data.papers import Paper
from course.ground.latex import Person
from course.ground.words import slug

# Letters NFKD does not take apart: without these, "Łukasz" would give the slug "ukasz".
_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE",
                          "œ": "oe", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "ı": "i"})


OWN_PAGE = 2  # papers an author needs for a page of their own


@dataclass(frozen=True)
class Author:
    slug: str  # the page's URL segment: "neel-nanda"
    name: str  # as shown: "Neel Nanda"
    sort_name: str  # "nanda neel": surname first, for the index
    keys: tuple[str, ...]  # their papers, newest first

    @property
    def has_page(self) -> bool:
        """Whether they get a page of their own: one with a single paper would repeat that paper's page
        (the authors index links it instead), and there may be thousands of them."""
        return len(self.keys) >= OWN_PAGE

    @property
    def initial(self) -> str:
        letter = self.sort_name[:1].upper()
        return letter if letter.isalpha() else "#"


def author_slug(person: Person) -> str:
    ident = slug(person.display.translate(_LETTERS), "author")
    return ident if ident != "index" else "index-author"  # authors/index/ is the index of authors


def named(paper: Paper) -> tuple[Person, ...]:
    """The paper's people (authors, or else editors), without "et al."."""
    return tuple(p for p in paper.people if not p.others)


def index_authors(papers: dict[str, Paper], newest_first) -> dict[str, Author]:
    """Every author, by slug, in index order (surname, then given names)."""
    names: dict[str, Person] = {}
    members: dict[str, dict[str, None]] = {}
    for key, paper in papers.items():
        for person in named(paper):
            ident = author_slug(person)
            names.setdefault(ident, person)
            members.setdefault(ident, {})[key] = None
    authors = {
        ident: Author(ident, person.display, " ".join(filter(None, (person.last, person.first, person.von))).lower(),
                      tuple(sorted(members[ident], key=newest_first)))
        for ident, person in names.items()
    }
    return dict(sorted(authors.items(), key=lambda item: (slug(item[1].sort_name.translate(_LETTERS)), item[0])))
