"""Hostile data: XSS payloads written into every text and URL field of every data file and into every
displayed field of a BibTeX entry of a copy of the course.

Which scalars are "text" is found by trying: every scalar value of every ``readings/**/*.yml`` gets a
payload, the data is loaded, and each scalar the loader refuses (an id, a date, a paper key, an
enumerated value) gets its original value back, until the data loads.  What is left is every field
that accepts free text, which is exactly what an attacker (or a student signing up) controls.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# Each part tries a different way in; `data-xss` marks any element a payload manages to create.  The
# whole string stays under the 500-character limit of one-line fields, so every field gets all of it.
TEXT_PAYLOAD = " ".join([
    "<script>alert(1)</script>",                           # a script element
    '"><img src=x data-xss onerror=alert(2)>',             # breaking out of a double-quoted attribute
    "' onmouseover='alert(3)' data-xss='",                 # ... and of a single-quoted one
    "</title></textarea></pre><svg data-xss onload=alert(4)>",  # closing the element the text is in
    "[a](javascript:alert(5))",                            # Markdown link with a script URL
    "[b](data:text/html,<script>alert(6)</script>)",       # ... with a data URL
    '![c](x"onerror="alert(7))',                           # Markdown image with an attribute breakout
    '<a data-xss href="jav&#x61;script:alert(8)">d</a>',   # entity-encoded scheme
    "{: onclick=alert(9) data-xss }",                      # Markdown attribute list
    "&lt;script&gt;alert(10)&lt;/script&gt;",              # pre-escaped HTML (double decoding)
    "$\\href{javascript:alert(11)}{e}$",                   # maths: KaTeX's \href
    "<iframe data-xss src=javascript:alert(12)>",          # a frame with a script URL
])
assert len(TEXT_PAYLOAD) < 500

# Accepted by the link check (http, no spaces): they try to break out of the attribute instead.
URL_PAYLOAD = "https://example.org/x?a=\"><img/src=x/data-xss/onerror=alert('url')>&b='/onmouseover='alert(1)#\"><script>alert(2)</script>"

# Must be refused, wherever a link goes.
UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript://example.org/%0aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "https:alert(1)",
]
# Not refused but harmless: as an href they are relative links inside the site (the browser test checks).
ENTITY_URLS = ["jav&#x61;script:alert(1)", "&#106;avascript:alert(1)", "javascript&colon;alert(1)"]


@dataclass
class Leaf:
    path: Path
    start: int
    end: int
    line: int
    original: str
    is_url: bool


def leaves(path: Path) -> list[Leaf]:
    """Every scalar value (not key) of a YAML file, with where its text is."""
    text = path.read_text(encoding="utf-8")
    found: list[Leaf] = []

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for _key, value in node.value:
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode):
            is_url = re.match(r"(https?://|mailto:)", node.value) is not None
            found.append(Leaf(path, node.start_mark.index, node.end_mark.index, node.start_mark.line + 1, node.value, is_url))

    walk(yaml.compose(text, Loader=yaml.SafeLoader))
    return found


def write_leaves(path: Path, chosen: dict[int, str], all_leaves: list[Leaf]) -> None:
    """Rewrite ``path`` with the leaves at the given start offsets replaced (JSON strings are YAML)."""
    text = path.read_text(encoding="utf-8")
    for leaf in sorted((l for l in all_leaves if l.path == path and l.start in chosen), key=lambda l: -l.start):
        old = text[leaf.start:leaf.end]
        # keep the line count (a multi-line scalar becomes one line plus blank ones), so that the lines
        # of the loader's problems are those of the original file
        tail = old[old.rindex("\n") + 1:] if "\n" in old else old[len(old.rstrip()):]
        new = json.dumps(chosen[leaf.start], ensure_ascii=False) + "\n" * old.count("\n") + tail
        text = text[:leaf.start] + new + text[leaf.end:]
    path.write_text(text, encoding="utf-8")


# Optional link fields the default course leaves out, added so that every kind of URL field is attacked:
# (file, the line to add after, the lines to add).
OPTIONAL_LINKS = [
    ("readings/schedule.yml", "  - id: introduction", "    slides: https://example.org/slides\n    links:\n"
     "      - title: A link\n        url: https://example.org/link"),
    ("readings/assignments.yml", "  - id: hw1", "    submit: https://example.org/homework"),
    ("readings/course.yml", "  - name: Samy Wu Fung", "    url: https://example.org/instructor"),
    ("readings/talks/cs25-v4.yml", "  url: https://web.stanford.edu/class/cs25/", "  recordings: https://example.org/recordings"),
    ("readings/talks/cs25-v4.yml", "  - id: overview-of-transformers", "    slides: https://example.org/slides\n"
     "    recording: https://example.org/recording\n    links:\n      - title: A link\n        url: https://example.org/link"),
    ("readings/talks/cs25-v4.yml", "      - name: Steven Feng", "        url: https://example.org/speaker"),
    ("readings/announcements.yml", "  - id: welcome", "    url: https://example.org/news"),
]


def add_optional_links(project: Path) -> None:
    for relative, anchor, lines in OPTIONAL_LINKS:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?m)^" + re.escape(anchor) + r"\s*$", text) is None:
            raise AssertionError(f"{relative}: no line {anchor!r} to add links after (update OPTIONAL_LINKS)")
        path.write_text(re.sub(r"(?m)^(" + re.escape(anchor) + r")\s*$", lambda m: m.group(1) + "\n" + lines, text, count=1),
                        encoding="utf-8")


def data_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / "readings").rglob("*.yml") if "schemas" not in p.parts)


def load_problems(project: Path):
    """The problems loading ``project``'s data reports (an empty list when it loads)."""
    from course.data.load import load_course_data
    from course.ground.layout import Layout
    from course.ground.errors import CourseDataError

    try:
        load_course_data(Layout.from_mkdocs_yml(project))
    except CourseDataError as error:
        return error.problems
    return []


def inject(project: Path, text: str = TEXT_PAYLOAD, urls: list[str] = [URL_PAYLOAD, *ENTITY_URLS], rounds: int = 12) -> list[Leaf]:
    """Put ``text`` into every scalar the loader accepts it in, and ``urls`` in turn into every link;
    returns the leaves that kept them."""
    files = data_files(project)
    originals = {p: p.read_text(encoding="utf-8") for p in files}
    all_leaves = [leaf for p in files for leaf in leaves(p)]
    link_payload = {id(leaf): urls[i % len(urls)] for i, leaf in enumerate(l for l in all_leaves if l.is_url)}
    hostile = {id(l): l for l in all_leaves}
    for _ in range(rounds):
        for p in files:
            p.write_text(originals[p], encoding="utf-8")
            write_leaves(p, {l.start: (link_payload[id(l)] if l.is_url else text) for l in hostile.values() if l.path == p},
                         all_leaves)
        problems = load_problems(project)
        if not problems:
            return list(hostile.values())
        refused = {(project / pr.path).resolve(): set() for pr in problems}
        for pr in problems:
            refused[(project / pr.path).resolve()].add(pr.line)
        before = len(hostile)
        hostile = {k: l for k, l in hostile.items() if l.line not in refused.get(l.path.resolve(), ())}
        if len(hostile) == before:
            raise AssertionError("problems that no field explains:\n" + "\n".join(map(str, problems)))
    raise AssertionError("the data never loaded")


BIB_FIELDS = ["title", "booktitle", "journal", "publisher", "address", "note", "abstract", "howpublished", "series",
              "organization", "school", "institution", "edition", "volume", "number", "pages", "editor", "keywords"]


def hostile_bib_entry(key: str, text: str = TEXT_PAYLOAD) -> str:
    """A BibTeX entry with the payload in every field that is displayed (and links that try their luck)."""
    value = text.replace("{", "(").replace("}", ")").replace("%", "pct")  # BibTeX needs balanced braces
    fields = {name: value for name in BIB_FIELDS}
    fields["author"] = f"Vaswani, Ashish and {value}, Eve and Shazeer, Noam"
    fields["year"] = "2017"
    fields["month"] = value
    fields["url"] = "javascript:alert('biburl')"
    fields["doi"] = "10.1000/x\"><script>alert('doi')</script>"
    fields["eprint"] = "1706.03762\"><script>alert('eprint')</script>"
    fields["archiveprefix"] = "arXiv"
    fields["keywords"] = "transformers, " + value
    body = ",\n".join(f"  {name} = {{{v}}}" for name, v in fields.items())
    return f"@inproceedings{{{key},\n{body}\n}}\n"


def replace_bib_entry(bib: Path, key: str, entry: str) -> None:
    text = bib.read_text(encoding="utf-8")
    start = re.search(r"@\w+\{" + re.escape(key) + ",", text).start()
    depth, i = 0, text.index("{", start)
    while True:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            break
        i += 1
    bib.write_text(text[:start] + entry + text[i + 1:], encoding="utf-8")



def add_hostile_topic(project: Path) -> None:
    """The hostile entry's keywords in the topic vocabulary (a keyword outside it is an error), each with its
    hostile text as name and description: topic names reach the readings page and every paper page's chips."""
    import json

    import yaml

    from course.data.bibliography import load_bibliography

    topics = project / "readings" / "topics.yml"
    known = {t["id"] for t in yaml.safe_load(topics.read_text(encoding="utf-8"))["topics"]}
    bib, _ = load_bibliography(project / "papers.bib", "papers.bib", project)
    new = {slug: label for paper in bib.papers.values() for slug, label in paper.topics if slug not in known}
    entries = "".join(f"  - id: {slug}\n    name: {json.dumps(label)}\n    description: {json.dumps(label)}\n"
                      for slug, label in new.items())
    topics.write_text(topics.read_text(encoding="utf-8").rstrip("\n") + "\n" + entries, encoding="utf-8")
