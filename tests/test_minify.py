"""Whitespace that shows nothing leaves the pages; whitespace that means something stays."""

from course.ground.minify import collapse_whitespace


def test_indentation_between_tags_goes_and_what_it_showed_stays():
    html = ("<div>\n    <p>One\n      two</p>   \n\n    <a>x</a> <a>y</a>\n</div>\n"
            "<pre>  keep\n      this\n</pre>\n   <textarea>\n  a\n</textarea>\n"
            "<script>\n  var a = 1\n  var b = 2\n</script>\n  <style>\n  p { }\n</style>")
    assert collapse_whitespace(html) == (
        "<div>\n<p>One\ntwo</p>\n<a>x</a> <a>y</a>\n</div>\n"
        "<pre>  keep\n      this\n</pre>\n<textarea>\n  a\n</textarea>\n"
        "<script>\n  var a = 1\n  var b = 2\n</script>\n<style>\n  p { }\n</style>")


def test_a_built_page_keeps_its_code_blocks_exactly(built_site):
    page = (built_site / "papers" / "vaswani2017attention" / "index.html").read_text(encoding="utf-8")
    assert "\n  " not in page.split("<pre", 1)[0], "indentation outside <pre> is gone"
    assert '<pre class="cs-bibtex"' in page and "\n  title" in page.split('<pre class="cs-bibtex"', 1)[1].split("</pre>")[0]


def test_runs_of_blank_lines_and_the_ends_of_a_text_collapse_like_the_browser_would():
    assert collapse_whitespace("a  \n \n\t\n  b") == "a\nb"
    assert collapse_whitespace("\n\n  <p>x</p>  \n") == "\n<p>x</p>\n"
    assert collapse_whitespace("one line  with  spaces ") == "one line  with  spaces "
    assert collapse_whitespace("<p>x</p>\n\u00a0 y") == "<p>x</p>\n\u00a0 y", "a no-break space is text"
