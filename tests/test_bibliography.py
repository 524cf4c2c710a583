"""papers.bib as real exports write it: decoding, macros, crossref, names, links, and every error at its line."""

from __future__ import annotations

import textwrap

import pytest
from pylatexenc.latex2text import LatexNodes2Text

from course.data.bibliography import load_bibliography, parse_bibliography
from course.cli import main as course_main
from course.ground.latex import parse_names, to_text
from conftest import ROOT, edit

# A hostile export: Zotero / Better BibTeX, Google Scholar and arXiv habits in one file.
# The line numbers in the expected problems below are the lines of each "@type{".
HOSTILE = textwrap.dedent(r"""
    % Exported by Better BibTeX
    @string{nips = "Advances in Neural " # "Information Processing Systems"}
    @STRING{ proc = nips # " 30" }

    @inproceedings{vaswani2017,
      author = {Vaswani, Ashish and Kaiser, {\L}ukasz and M{\"u}ller, J{\"o}rg and Garc\'ia, Jos\'e and others},
      title = {{Attention} Is All You {Need}: {\O}resund -- a study---really},
      booktitle = proc,
      month = dec,
      year = 2017,
      eprint = {arXiv:1706.03762},
      archiveprefix = {arXiv},
      keywords = {attention; Transformers},
    }

    @proceedings{icml2020,
      title = {Proceedings of the 37th {International} {Conference} on {Machine} {Learning}},
      editor = {Singh, Aarti and Daum{\'e}, III, Hal},
      year = {2020},
      publisher = {PMLR},
    }

    @inproceedings{xiong2020,
      author = {Xiong, Ruibin and {\c C}elik, Ay{\c s}e and van Merwijk, Chris},
      title = {On Layer Normalization in the {Transformer} Architecture},
      crossref = {ICML2020},
      pages = {10524--10533},
    }

    @article{scholar,
      title={Language models are few-shot learners},
      author={Brown, Tom and Mann, Benjamin},
      journal={arXiv preprint arXiv:2005.14165},
      year={2020},
      url={javascript:alert(1)},
      doi={10.48550/<script>},
    }

    @article{broken,
      author = {Nobody
      title = {Unclosed},
    }

    @misc{vaswani2017,
      title = {A duplicate},
    }

    @misc{untitled, author = {{OpenAI}}, year = 2023, url = {https://openai.com/research/x}, pdf = {https://x.org/a.pdf}}
    """).lstrip("\n")


@pytest.fixture(scope="module")
def hostile():
    return parse_bibliography(HOSTILE, "papers.bib")


def test_hostile_bib_decodes_to_exact_strings(hostile):
    bib, _ = hostile
    paper = bib["vaswani2017"]
    assert paper.title == "Attention Is All You Need: Øresund – a study—really"
    assert paper.authors == ("Ashish Vaswani", "Łukasz Kaiser", "Jörg Müller", "José García", "et al.")
    assert paper.author_list(3) == "Ashish Vaswani, Łukasz Kaiser, Jörg Müller, et al."
    assert paper.venue == "Advances in Neural Information Processing Systems 30"
    assert (paper.year, paper.month, paper.label) == ("2017", "December", "Vaswani et al. 2017")
    assert paper.eprint == "1706.03762"
    assert [label for label, _ in paper.links] == ["arXiv", "PDF"]
    assert paper.keywords == ("attention", "Transformers")
    assert paper.topics == (("attention", "attention"), ("transformers", "Transformers"))
    assert paper.line == 5


def test_crossref_inherits_from_the_parent(hostile):
    bib, _ = hostile
    paper = bib["xiong2020"]
    assert paper.authors == ("Ruibin Xiong", "Ayşe Çelik", "Chris van Merwijk")
    assert paper.short_authors == "Xiong et al."
    assert paper.venue == "Proceedings of the 37th International Conference on Machine Learning"
    assert paper.year == "2020"
    assert paper.crossref == "icml2020"
    assert dict(paper.details) == {"pages": "10524–10533", "publisher": "PMLR"}
    reference = paper.citation
    assert (reference.within, reference.details) == ("In ", "pp. 10524–10533, PMLR")
    assert bib["icml2020"].authors == ("Aarti Singh", "Hal Daumé, III")
    assert bib["icml2020"].citation.authors == "Aarti Singh and Hal Daumé, III (eds.)"


def test_links_pass_the_allow_list_or_are_dropped(hostile):
    bib, _ = hostile
    scholar = bib["scholar"]
    assert scholar.eprint == "2005.14165"  # Google Scholar puts the arXiv id in the journal
    assert scholar.url is None and scholar.doi is None
    assert scholar.links == (("arXiv", "https://arxiv.org/abs/2005.14165"), ("PDF", "https://arxiv.org/pdf/2005.14165"))
    corporate = bib["untitled"]
    assert corporate.authors == ("OpenAI",) and corporate.label == "OpenAI 2023"
    assert corporate.links == (("PDF", "https://x.org/a.pdf"), ("URL", "https://openai.com/research/x"))


def test_hostile_bib_problems_at_the_line_of_each_entry(hostile):
    bib, problems = hostile
    assert [str(p) for p in problems] == [
        "papers.bib:39:1: could not parse @article{broken: the entry is not closed before the next @ block "
        "on line 44; check for a missing }, \" or comma",
        "papers.bib:44:1: duplicate key 'vaswani2017': it is already defined on line 5; rename or remove one",
        "papers.bib:48:1: entry 'untitled' has no title; add title = {...}",
    ]
    lines = HOSTILE.splitlines()
    assert lines[38].startswith("@article{broken") and lines[43].startswith("@misc{vaswani2017")
    assert lines[47].startswith("@misc{untitled") and lines[4].startswith("@inproceedings{vaswani2017")
    assert "broken" not in bib and bib["vaswani2017"].title.startswith("Attention")


def test_export_is_self_contained(hostile):
    bib, _ = hostile
    text = bib.export(["vaswani2017"])
    assert text.startswith('@string{nips = "Advances in Neural " # "Information Processing Systems"}\n\n'
                           '@STRING{ proc = nips # " 30" }\n\n@inproceedings{vaswani2017,')
    assert bib.needs("vaswani2017") == ('@string{nips = "Advances in Neural " # "Information Processing Systems"}\n\n'
                                         '@STRING{ proc = nips # " 30" }\n')
    assert bib.needs("xiong2020").startswith("@proceedings{icml2020,") and bib.needs("scholar") == ""
    child = bib.export(["xiong2020"])
    assert child.index("@inproceedings{xiong2020") < child.index("@proceedings{icml2020")  # parents last
    again, problems = parse_bibliography(bib.export(bib.keys()), "export.bib")
    assert [p.message for p in problems] == ["entry 'untitled' has no title; add title = {...}"]
    assert list(again.papers) == list(bib.papers)


ERRORS = [
    ("@misc{a,\n  title = {x},\n  author = {A, B},\n  year = 2020,\n",
     "papers.bib:1:1: could not parse @misc{a: the file ends before the entry is closed; check for a missing } or \""),
    ("% c\n@misc{a,\n  title = {x\n}\n\n@misc{b, title={y}, author={A, B}, year=2020}\n",
     "papers.bib:2:1: could not parse @misc{a: the entry is not closed before the next @ block on line 6; "
     "check for a missing }, \" or comma"),
    ("@misc{a, title = {x}, author = {A, B}, year = 2020, note}\n",
     "papers.bib:1:1: could not parse @misc{a: the field 'note' has no value; write note = {...}"),
    ("\n@misc{a, title = {x}, title = {y}, author = {A, B}, year = 2020}\n",
     "papers.bib:2:1: @misc{a: the field title appears more than once; BibTeX uses the first; remove the other"),
    ("@misc{a, title = {x}, author = {A, B}, year = 2020}\n\n  @misc{a, title = {y}, author = {A, B}, year = 2020}\n",
     "papers.bib:3:3: duplicate key 'a': it is already defined on line 1; rename or remove one"),
    ("@misc{Vaswani2017, title = {x}, author = {A, B}, year = 2020}\n@misc{vaswani2017, title = {y}, author = {A, B}, year = 2020}\n",
     "papers.bib:2:1: duplicate key 'vaswani2017': the entry on line 1 has the key 'Vaswani2017' and BibTeX keys "
     "are case-insensitive; rename one"),
    ("@misc{a:b, title = {x}, author = {A, B}, year = 2020}\n@misc{a/b, title = {y}, author = {A, B}, year = 2020}\n",
     "papers.bib:2:1: duplicate key 'a/b': the entry on line 1 has the key 'a:b' and both would get the page "
     "papers/a-b/; rename one"),
    ('@string{x = "1"}\n@string{x = "2"}\n',
     "papers.bib:2:1: duplicate @string 'x': it is already defined on line 1; rename or remove one"),
    ('@misc{a,\n  title = {x},\n  journal = nips # " 2017",\n  author = {A, B}, year = 2020}\n',
     "papers.bib:3:3: undefined @string macro 'nips' in field 'journal' of 'a'; define it with @string{nips = {...}} "
     "or put the value in braces"),
    ("@misc{a,\n  title = {x}\n  note = {A, B},\n  author = {A, B}, year = 2020}\n",
     "papers.bib:2:3: field 'title' of 'a': the value ends before 'note = {A, B}'; is a comma missing after it?"),
    ("@misc{a,\n  title = {x},\n  crossref = {nope},\n  author = {A, B}, year = 2020}\n",
     "papers.bib:3:3: 'a' has crossref = {nope}, but there is no entry with that key; fix the key or add the entry"),
    ("\n\n    @misc{a, title = {x}, author = {A, B}}\n",
     "papers.bib:3:5: entry 'a' has no year; add year = {YYYY}"),
    ("@misc{a, title = {{}}, author = {A, B}, year = 2020}\n",
     "papers.bib:1:1: entry 'a' has no title; add title = {...}"),
    ("@misc{, title = {x}, author = {A, B}, year = 2020}\n",
     "papers.bib:1:1: @misc{ has no key; write @misc{key, ...}"),
]


@pytest.mark.parametrize("text, message", ERRORS, ids=[m.split(": ", 1)[1][:40] for _, m in ERRORS])
def test_each_error_kind_has_an_exact_message(text, message):
    _, problems = parse_bibliography(text, "papers.bib")
    assert [str(p) for p in problems] == [message]


def test_the_course_bib_is_clean_and_its_lines_are_right():
    bib, problems = load_bibliography(ROOT / "papers.bib", "papers.bib")
    assert problems == []
    lines = (ROOT / "papers.bib").read_text(encoding="utf-8").splitlines()
    for paper in bib.papers.values():
        assert lines[paper.line - 1].lstrip().startswith(f"@{paper.entry_type}{{{paper.key},"), paper.key
    assert bib["hubinger2019risks"].authors[1] == "Chris van Merwijk"
    assert bib["vaswani2017attention"].venue == "Advances in Neural Information Processing Systems"


def test_course_check_reports_bib_problems(project, capsys):
    edit(project / "papers.bib", "@misc{liang2022cs324,\n", "@misc{liang2022cs324,\n  title = {Again},\n")
    edit(project / "papers.bib", "  title = {{AGI} Safety from First Principles},\n", "")
    bib_lines = (project / "papers.bib").read_text(encoding="utf-8").splitlines()
    liang = 1 + next(i for i, line in enumerate(bib_lines) if line.startswith("@misc{liang2022cs324,"))
    ngo = 1 + next(i for i, line in enumerate(bib_lines) if line.startswith("@misc{ngo2020agi,"))
    assert course_main(["--root", str(project), "check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"papers.bib:{liang}:1: @misc{{liang2022cs324: the field title appears more than once; BibTeX uses the first; "
        "remove the other",
        f"papers.bib:{ngo}:1: entry 'ngo2020agi' has no title; add title = {{...}}",
    ]


# pylatexenc is the reference decoder; the fast path must agree with it.
LATEX = [r'M{\"u}ller', r"Garc\'ia", r"{\c c}a", r"{\O}resund", "a -- b --- c", "{BERT}: pre-training", r'\"{u}ber',
         r"Ku{\v c}era", r"\emph{x} and \textit{y}", r"50\% of \& x", r"$\ell_1$ norm", r"Kaiser, {\L}ukasz",
         r'\aa{}ngstr\"om', "x~y", "``quoted'' 'single'", r'{\"\i}', r"Stra\ss e", r"{\relax Ch}ristopher",
         r"Erd\H{o}s", r"\ldots", r"\'{\i}", r"{\'E}cole", r"\textasciitilde", r"\^{o}\`a\~n\=a\.z\u{g}\k{a}\r{a}\d{s}",
         r"\AE\oe\i", r"\{ x \}", r"\_\#", r"{\em emph} text", r"\c c", r"50\$ and $x$ and \$", "O'Brien",
         r"\textbf{Bold \textit{nested}}", r"\v{S}imek", r"x\\y", r"\unknowncommand{z}"]


@pytest.mark.parametrize("value", LATEX)
def test_decoding_agrees_with_pylatexenc(value):
    reference = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True).latex_to_text(value)
    assert to_text(value) == " ".join(reference.split())


def test_names():
    people = parse_names(r"van der Berg, Jan and Smith, Jr., John and Ludwig van Beethoven and {Anthropic Team} "
                         r"and de las Casas, Diego and Jean-Paul {Sartre} and others")
    assert [p.display for p in people] == ["Jan van der Berg", "John Smith, Jr.", "Ludwig van Beethoven",
                                           "Anthropic Team", "Diego de las Casas", "Jean-Paul Sartre", "et al."]
    assert [p.surname for p in people[:5]] == ["van der Berg", "Smith", "van Beethoven", "Anthropic Team", "de las Casas"]


def test_same_authors_and_year_get_letters():
    text = "".join(f"@misc{{k{i}, title = {{T{i}}}, author = {{Nanda, Neel}}, year = 2022}}\n" for i in range(2))
    bib, _ = parse_bibliography(text, "papers.bib")
    assert [p.label for p in bib.papers.values()] == ["Nanda 2022a", "Nanda 2022b"]
