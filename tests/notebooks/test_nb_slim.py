"""Less of a rendered notebook to fetch and to index: the stylesheet cut to the rules the notebooks use,
the search's view of a notebook (headings and prose), and the figures as files."""

from __future__ import annotations

import base64
import re

from course.notebooks.slim import figures, link_figures, searchable, used_classes, used_css

CSS = """@charset "UTF-8";
:root{--used:red;--chained:var(--base);--base:blue;--unused:green}
[data-md-color-scheme=slate] .w{--chained:var(--dark)}
.w{--dark:black}
.w .a{color:var(--used)}
.w .b{color:var(--unused)}
.w .a, .w .b{margin:0}
.w :is(.a, .b):hover{display:flex}
.w .a:not(.b){padding:0 !important}
@media (max-width: 10px){.w .b{color:red}.w .a{background:var(--chained)}}
@keyframes spin{to{transform:rotate(1turn)}}
"""


def test_the_stylesheet_keeps_what_the_notebooks_use_and_the_properties_it_reads():
    out = used_css(CSS, used_classes(['<div class="w"><p class="a">x</p></div>']))
    assert ".w .a{color:var(--used)}" in out and ".w .b" not in out.replace(":is(.a, .b)", "").replace(":not(.b)", "")
    assert ".w .a{margin:0}" in out  # a selector list loses only its unused selectors
    assert ".w :is(.a, .b):hover{display:flex}" in out  # commas inside :is() do not split the selector
    assert ".w .a:not(.b){padding:0 !important}" in out
    assert "@media (max-width: 10px){.w .a{background:var(--chained)}}" in out
    assert "--used:red" in out and "--unused" not in out
    # reached through another property, in every value it is given (the dark scheme's too)
    assert "--base:blue" in out and ".w{--dark:black}" in out
    assert "@charset" not in out  # only valid as the first rule of a file


def test_the_search_sees_a_notebooks_headings_and_prose_not_its_code():
    body = ('<div class="jupyter-wrapper"><div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="nb-a">'
            '<div class="jp-InputArea"><h3 id="nb-probes">Probes<a class="anchor-link" href="#nb-probes">¶</a></h3>'
            '<p>A linear map.</p></div></div>'
            '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><pre>secret_code = 1</pre><pre>output 42</pre></div></div>')
    from course.notebooks.slim import mark_heading_cells

    for page in (body, mark_heading_cells(body)):  # as embedded: the cell with the heading is marked
        text = searchable(page)
        assert '<h3 id="nb-probes">Probes</h3>' in text and "<p>A linear map.</p>" in text
        assert "secret_code" not in text and "output 42" not in text and "<div" not in text


def test_inline_figures_become_lazy_files_named_by_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"rest"
    body = f'<img alt="plot" class="" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
    (name, data), = figures(body).items()
    assert data == png and name.endswith(".png")
    assert link_figures(body, lambda n: f"figures/{n}") == (
        f'<a class="nb-figure" href="figures/{name}"><img alt="plot" class="" src="figures/{name}" width="640" '
        'height="480" loading="lazy" decoding="async"/></a>')
    retina = f'<img alt="plot" height="240" src="data:image/png;base64,{base64.b64encode(png).decode()}" width="320"/>'
    assert link_figures(retina, lambda n: f"figures/{n}") == (  # a 2x figure keeps the display size it says
        f'<a class="nb-figure" href="figures/{name}"><img alt="plot" height="240" src="figures/{name}" width="320" '
        'loading="lazy" decoding="async"/></a>')


def test_code_cells_that_scroll_are_reachable_by_keyboard():
    from course.notebooks.slim import focusable_code

    html = '<div class="highlight-ipynb hl-python"><pre><span>x</span></pre></div><pre>output</pre>'
    assert focusable_code(html) == ('<div class="highlight-ipynb hl-python"><pre tabindex="0"><span>x</span></pre></div>'
                                    "<pre>output</pre>")


def test_a_cell_with_a_heading_is_marked_and_no_other():
    from course.notebooks.slim import mark_heading_cells

    cells = ['<div class="jp-Cell jp-MarkdownCell" id="a"><p>prose, no heading</p></div>',
             '<div class="jp-Cell jp-CodeCell" id="b"><pre>"<h2>" in code</pre></div>',
             '<div class="jp-Cell jp-MarkdownCell" id="c"><p>x</p><h3 id="nb-probes">Probes</h3></div>',
             '<div class="jp-Cell jp-MarkdownCell" id="d"><h2 id="nb-x">X</h2></div>']
    marked = mark_heading_cells("".join(cells))
    assert marked.count("nb-heading-cell") == 2
    assert [cell for cell in marked.split("</div>") if "nb-heading-cell" in cell] == [
        '<div class="jp-Cell nb-heading-cell jp-MarkdownCell" id="c"><p>x</p><h3 id="nb-probes">Probes</h3>',
        '<div class="jp-Cell nb-heading-cell jp-MarkdownCell" id="d"><h2 id="nb-x">X</h2>']


def test_names_and_blanks_in_code_are_plain_text_and_no_stylesheet_colours_them():
    from course.notebooks.converter import THEME, shared_stylesheet
    from course.notebooks.slim import plain_tokens

    code = ('<pre><span class="n">x</span><span class="w"> </span><span class="o">=</span><span class="w"> </span>'
            '<span class="n">f</span><span class="p">(</span><span class="s2">&quot;a&quot;</span><span class="p">)</span></pre>')
    assert plain_tokens(code) == ('<pre>x <span class="o">=</span> f<span class="p">(</span>'
                                  '<span class="s2">&quot;a&quot;</span><span class="p">)</span></pre>')
    # The reason it is safe: the notebooks' stylesheet (code colours included) gives .n no colour.
    sheet = shared_stylesheet(THEME)
    assert ".highlight-ipynb .o" in sheet and not re.search(r"\.n\s*[,{:]", sheet)


def test_a_notebooks_ids_and_links_to_them_get_its_prefix_once():
    from course.notebooks.publish import prefix_ids

    body = ('<h2 id="takeaways">T</h2><a href="#takeaways">x</a><div data-id="c1"></div><p grid="g" xhref="#no">'
            '<a href="#nb-sae-done" id="nb-sae-kept">k</a><a href="https://x.org/#frag">out</a>')
    assert prefix_ids(body, "sae") == (
        '<h2 id="nb-sae-takeaways">T</h2><a href="#nb-sae-takeaways">x</a><div data-id="nb-sae-c1"></div>'
        '<p grid="g" xhref="#no"><a href="#nb-sae-done" id="nb-sae-kept">k</a><a href="https://x.org/#frag">out</a>')
    assert prefix_ids(prefix_ids(body, "sae"), "sae") == prefix_ids(body, "sae")
