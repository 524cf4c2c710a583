"""The build typesets the pages' maths (auto-render's rules, KaTeX run by Node) and keeps what it typeset."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import build_site, copy_project

from course.ground.tex_in_html import pieces, typeset
from course.maths import MathsTypesetter
from course.plugin import ASSETS

KATEX_JS = ASSETS / "katex" / "katex.min.js"


def fake(tex: str, display: bool) -> str:
    return f"<M{'D' if display else 'I'}>{tex}</M>"


def page(content: str) -> str:
    return f'<html><head><title>$x$</title></head><body><p>$a$</p><article class="md-content__inner md-typeset">{content}</article><p>$b$</p></body></html>'


def test_the_delimiters_braces_and_escapes_follow_auto_render():
    assert pieces("a $x$ b") == [("a ", None), ("x", ("$", "$", False)), (" b", None)]
    assert pieces("$$x$$") == [("x", ("$$", "$$", True))]
    assert pieces(r"\(x\) and \[y\]") == [("x", ("\\(", "\\)", False)), (" and ", None), ("y", ("\\[", "\\]", True))]
    assert pieces(r"$\$5$") == [(r"\$5", ("$", "$", False))], "a backslash escapes the next character"
    assert pieces("$\\text{a $ b}$") == [("\\text{a $ b}", ("$", "$", False))], "no closing inside braces"
    assert pieces("costs $5") == [("costs $5", None)], "an opening that never closes is text"


def test_only_the_articles_text_outside_code_and_ignored_blocks_is_typeset():
    html = page('<p>Let $x &lt; y$ &amp; $z$.</p><pre>$no$</pre><code>$no$</code>'
                '<div class="clipboard-copy-txt">f"$no$"</div><div class="jp-RenderedText"><div><div>$no$</div></div>$no$</div>'
                '<div class="jp-RenderedMarkdown"><p>With $\\lambda$ = 0.2</p></div><img alt="$no$" src="x.png"><br/><p>$w$</p>')
    out = typeset(html, fake)
    assert "<p>Let <MI>x < y</M> &amp; <MI>z</M>.</p>" in out, "the renderer gets the TeX; the text stays escaped"
    assert "$no$" in out and out.count("$no$") == html.count("$no$")
    assert "<MI>\\lambda</M> = 0.2" in out, "a notebook's Markdown output says what the code computed: typeset"
    assert "<p><MI>w</M></p>" in out, "after void and self-closing tags the text is read again"
    assert "<title>$x$</title>" in out and "<p>$a$</p>" in out and "<p>$b$</p>" in out, "outside the article: untouched"


def test_maths_the_renderer_leaves_is_written_back_as_it_was():
    html = page(r"<p>\(x &lt; 1\) and $y$</p>")
    assert typeset(html, lambda tex, display: None) == html.replace("&lt;", "&lt;")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node runs KaTeX")
def test_katex_typesets_keeps_what_it_made_and_reports_what_does_not_parse(tmp_path, monkeypatch):
    maths = MathsTypesetter(KATEX_JS, tmp_path)
    out = maths.typeset(page(r"<p>$\frac{a}{b}$ and $\lambda_\max$</p>"))
    assert out.count('class="katex"') == 1 and "<mfrac>" in out, "KaTeX's HTML with its MathML"
    assert 'class="katex-error"' in out, "what does not parse shows in red, as the browser's KaTeX shows it"
    assert [tex for tex, _ in maths.errors] == [r"\lambda_\max"] and "KaTeX parse error" in maths.errors[0][1]
    maths.close()
    assert sorted(json.loads(maths.cache_file.read_text(encoding="utf-8"))) == ["I\\frac{a}{b}", "I\\lambda_\\max"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no Node now: the cache answers
    again = MathsTypesetter(KATEX_JS, tmp_path)
    assert again.typeset(page(r"<p>$\frac{a}{b}$ and $\lambda_\max$</p>")) == out and len(again.errors) == 1
    assert again.typeset(page("<p>$new$</p>")) == page("<p>$new$</p>") and again.unavailable == "Node is not installed"
    later = MathsTypesetter(KATEX_JS, tmp_path)  # a build whose pages have one of the two formulas left
    later.typeset(page(r"<p>$\frac{a}{b}$</p>"))
    later.close()
    assert sorted(json.loads(later.cache_file.read_text(encoding="utf-8"))) == ["I\\frac{a}{b}"]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node runs KaTeX")
def test_hostile_tex_is_not_a_link(tmp_path):
    maths = MathsTypesetter(KATEX_JS, tmp_path)
    out = maths.typeset(page(r"<p>$\href{javascript:alert(1)}{e}$ $\htmlId{x}{y}$</p>"))
    article = out.split("<article", 1)[1]
    assert not re.search(r"<a[\s>]", article) and "href=" not in article and " id=" not in article, "untrusted: shown in red"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node runs KaTeX")
def test_a_built_page_ships_its_maths_typeset_with_the_stylesheet_and_no_script(built_site):
    html = (built_site / "schedule" / "transformers" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="katex"') >= 3 and "<annotation encoding=\"application/x-tex\">" in html
    # KaTeX's stylesheet with the page's others (its fonts come as the maths nears the screen: course.css)
    head = html.split("</head>", 1)[0]
    assert head.count('<link rel="stylesheet" href="../../assets/course/katex/katex.min.css">') == 1 and "<noscript>" not in head
    assert "katex.min.js" not in html
    assert '<div class="arithmatex" tabindex="0">' in html, "a display formula that scrolls sideways is reachable by keyboard"
    article = html.split("<article", 1)[1].split("</article>")[0]
    assert r"\(" not in article.replace(r'encoding="application/x-tex">', "").split("<annotation")[0]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "katex.min.css" not in home and 'class="katex"' not in home, "a page without maths: no KaTeX at all"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node runs KaTeX")
def test_tex_that_does_not_parse_fails_the_strict_build_naming_page_and_formula(tmp_path, caplog):
    from mkdocs.exceptions import Abort

    project = copy_project(tmp_path / "course")
    page_md = project / "content" / "about" / "benchmarks.md"
    page_md.write_text(page_md.read_text(encoding="utf-8") + "\n\nThe rate is $2/\\lambda_\\max$.\n", encoding="utf-8")
    with pytest.raises(Abort):
        build_site(project)
    warnings = [r.getMessage() for r in caplog.records if "does not typeset" in r.getMessage()]
    assert len(warnings) == 1 and "about/benchmarks.md: the maths $2/\\lambda_\\max$ does not typeset" in warnings[0]
    assert "write a dollar sign that is not maths as \\$" in warnings[0]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node runs KaTeX")
def test_katexs_mathml_is_made_valid_where_katex_writes_it_otherwise(tmp_path):
    """What the W3C checker (tests/test_html_valid.py) refused in KaTeX's MathML, and screen readers read."""
    maths = MathsTypesetter(KATEX_JS, tmp_path)
    out = maths.typeset(page(r"<p>$a \bmod p$, $\lambda_{\max}$, $\frac{\partial M}{\partial a}\Big|_\text{x}$</p>"))
    assert '<mo lspace="0.22em" rspace="0.22em">mod</mo>' in out, r"\bmod: letters inside <mo>, not an <mrow>"
    assert "<msub><mi>λ</mi><mrow><mi>max</mi><mo>\u2061</mo></mrow></msub>" in out, "msub has two arguments"
    assert not re.search(r"height:-", out), "no negative heights (CSS refuses them)"


def test_a_display_formula_in_the_notes_is_one_keyboard_stop(built_site):
    html = (built_site / "schedule" / "transformers" / "index.html").read_text(encoding="utf-8")
    assert html.count('<div class="arithmatex" tabindex="0"><span class="katex-display">') >= 2
    assert '<div class="arithmatex" tabindex="0"><span class="katex-display" tabindex' not in html
