import markdown

from course.render.env import front_matter, md, paragraphs, safe_title


def render_markdown(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "pymdownx.arithmatex"])


def test_md_escapes_html_and_markdown_syntax():
    hostile = "[x](javascript:alert(1)) **b** {: onclick=alert(2) } <i>i</i> $x$ `c` [@key]"
    html = render_markdown(f"## {md(hostile)}")
    assert "<a" not in html and "<strong>" not in html and "<i>" not in html and "<code>" not in html
    assert "onclick=" not in html and html.startswith("<h2>")
    assert "&lt;i&gt;" in html


def test_md_keeps_plain_text_readable():
    assert md("Attention Is All You Need") == "Attention Is All You Need"
    assert md(None) == ""
    assert render_markdown(md("GPT's #1 \"head\" & more")) == "<p>GPT&#39;s &#35;1 &#34;head&#34; &amp; more</p>"


def test_safe_title_cannot_open_a_tag_or_entity():
    assert safe_title("</title><script>x</script>") == "\u2039/title\u203a\u2039script\u203ax\u2039/script\u203a"
    assert safe_title("Q&A &lt;b&gt;") == "Q&A &\u200blt;b&\u200bgt;"


def test_front_matter_is_json_encoded():
    text = front_matter(title='a"\nb: c', extra=None)
    assert text == '---\ntitle: "a\\" b: c"\n---\n\n'


def test_paragraphs_escape_and_split():
    assert paragraphs("a <b>\n\nc") == "<p>a &lt;b&gt;</p>\n<p>c</p>"
