"""A stylesheet loses the rules that nothing on the site can match, and nothing else: what a selector
needs is judged class by class and id by id, and whatever is not judged (tags, attributes, :not(),
at-rules that are not blocks of rules, anything unreadable) stays."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.ground.css_purge import Tokens, judged, purge
from course.ground.css_tokens import markup_names, palette_values, script_names, script_prefixes, site_tokens


def cut(css: str, *names: str, prefixes: tuple[str, ...] = (), palette: tuple[str, ...] = ()) -> str:
    return purge(css, Tokens(frozenset(names), frozenset(prefixes), frozenset(palette)))


def test_a_rule_for_a_used_class_stays_and_one_for_an_unused_class_goes():
    assert cut(".a{color:red}.b{color:blue}", "a") == ".a{color:red}"


def test_a_selector_needs_every_class_it_names_in_every_compound():
    css = ".a .b>input{margin:0}.a.c{padding:0}"
    assert cut(css, "a") == ""
    assert cut(css, "a", "b") == ".a .b>input{margin:0}"
    assert cut(css, "a", "c") == ".a.c{padding:0}"


def test_ids_are_judged_like_classes():
    css = "#x .a{top:0}#y{left:0}"
    assert cut(css, "x", "a") == "#x .a{top:0}"
    assert cut(css, "a") == ""


def test_tags_attributes_and_the_root_are_not_judged():
    css = ("html,body{margin:0}:root{--md-x:1px}[data-md-scrollfix]{--md-y:red}[class*=zz]{top:0}"
           "input:checked~label{left:0}*,:after{box-sizing:inherit}")
    assert cut(css) == css


def test_the_palettes_values_are_judged_and_no_other_attributes():
    css = "[data-md-color-primary=indigo]{--a:1}[data-md-color-accent=\"lime\"] .a{--b:2}[data-md-color-scheme=slate]{--c:3}"
    assert cut(css, "a", palette=("slate",)) == "[data-md-color-scheme=slate]{--c:3}"
    assert cut(css, "a", palette=("lime", "indigo", "slate")) == css
    assert cut(css, "a", "lime", "indigo", "slate") == ""  # a word of a script is not a palette's value
    assert cut("[data-md-color-switching] *{transition:none}[data-x=zz]{top:0}") == \
        "[data-md-color-switching] *{transition:none}[data-x=zz]{top:0}"  # no value, another attribute: not judged
    html = '<body data-md-color-primary="deep-purple" data-md-color-accent=amber data-x="no">'
    assert palette_values(html) == {"deep-purple", "amber"}
    assert site_tokens([html], []).palette == {"deep-purple", "amber"}


def test_not_is_never_judged_and_is_needs_one_of_its_alternatives():
    assert cut(".a:not(.zz){top:0}:not(.zz){left:0}", "a") == ".a:not(.zz){top:0}:not(.zz){left:0}"
    css = ".b :is(.a,.zz){top:0}.b :where(.yy,.zz){left:0}"
    assert cut(css, "a", "b") == ".b :is(.a,.zz){top:0}"
    assert cut(css, "b") == ""
    assert cut(".b:has(>.zz){top:0}", "b") == ""  # :has() needs its argument to occur too
    assert cut(".b :is(.a :is(.zz)){top:0}", "a", "b") == ""  # judged however deep
    assert cut(".b:nth-child(2n of .zz){top:0}", "b") == ".b:nth-child(2n of .zz){top:0}"  # other functions: not judged


def test_a_selector_list_keeps_its_used_selectors():
    assert cut(".a,.zz,#yy{top:0}", "a") == ".a{top:0}"
    assert cut(".a , .b:hover{top:0}", "a", "b") == ".a , .b:hover{top:0}"  # nothing dropped: written as it was
    # a browser that cannot read a vendor-prefixed selector ignores the whole rule: the list stays as it is
    assert cut(".a::selection,.zz::-moz-selection{color:red}", "a") == ".a::selection,.zz::-moz-selection{color:red}"


def test_media_blocks_are_cut_inside_and_go_when_nothing_is_left():
    css = "@media screen and (max-width:76em){.a{top:0}.zz{top:1px}}@media print{.zz{display:none}}"
    assert cut(css, "a") == "@media screen and (max-width:76em){.a{top:0}}"
    nested = "@supports (display:grid){@media (min-width:1px){.zz{top:0}}.a{left:0}}"
    assert cut(nested, "a") == "@supports (display:grid){.a{left:0}}"
    assert cut(nested) == ""


def test_other_at_rules_stay_as_they_are():
    css = ('@charset "UTF-8";@font-face{font-family:x;src:url(x.woff2)}@keyframes spin{0%{top:0}to{top:1px}}'
           '@property --x{syntax:"<length>";inherits:false;initial-value:0}@page{margin:1cm}')
    assert cut(css) == css


def test_a_stylesheet_the_parser_cannot_read_comes_back_unchanged():
    for css in ['.zz{content:"broken\n}', ".zz{top:0}}", ".zz{top:0} .a{x:url(a b)}"]:
        assert cut(css, "a") == css


def test_escaped_class_names_are_read_as_the_page_writes_them():
    assert cut(r".\31 0{top:0}.x\:y{left:0}", "10") == r".\31 0{top:0}"


def test_a_prefix_keeps_every_class_that_starts_with_it():
    css = ".md-source__fact--stars:before{top:0}.md-source__fact{left:0}"
    assert cut(css, prefixes=("md-source__fact--",)) == ".md-source__fact--stars:before{top:0}"


def test_the_cut_is_keyed_by_what_it_reads_of_the_tokens_and_nothing_else():
    """A site's new id or class that no rule names leaves the key (and so the cached cut) as it was; one a rule
    names, or a palette value it names, changes it."""
    css = ".a .b{top:0}#c{left:0}[data-md-color-primary=indigo]{color:red}.d-x:is(.e){margin:0}"
    key = lambda *names, palette=("indigo",), prefixes=(): Tokens(frozenset(names), frozenset(prefixes), frozenset(palette)).digest_for(judged(css))  # noqa: E731
    assert key("a", "b") == key("a", "b", "nb-cell-id=7", "z") != key("a", "b", "c")
    assert key("a") != key("a", palette=()) and key("a", palette=("indigo", "teal")) == key("a")
    assert key("a") != key("a", prefixes=("d-",)) and key("a", prefixes=("zz-",)) == key("a")



def test_what_the_cut_judges_is_read_as_the_parser_reads_it():
    """Escapes, comments, any character: the names and palette values are the parser's, not the text's."""
    assert judged(r".\31 0, .a/**/.b, #c{top:0}") == (frozenset({"10", "a", "b", "c"}), frozenset())
    assert judged(r"[data-md-color-\70rimary=teal], [data-md-color-primary/**/='te·al']{x:y}")[1] == {"teal", "te·al"}
    assert judged("@media print{[data-md-color-accent=\"\"] .d:is(.e){x:y}}") == (frozenset({"d", "e"}), frozenset({""}))
    css = '[data-md-color-primary=""]{x:y}'
    with_empty, without = Tokens(frozenset(), palette=frozenset({""})), Tokens(frozenset())
    assert purge(css, with_empty) != purge(css, without) and with_empty.digest_for(judged(css)) != without.digest_for(judged(css))


NAMED = ["a", "b", "c", "e", "d-x", "x1", "new-id"]  # the names the stylesheet below names
UNNAMED = ["nb-cell-id=3", "zz", "d", "cs-next"]  # and some it does not


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(NAMED + UNNAMED)), st.sets(st.sampled_from(UNNAMED)),
       st.sets(st.sampled_from(["indigo", "teal"])), st.sets(st.sampled_from(["amber", "red"])), st.sets(st.sampled_from(["d-", "x"])))
def test_tokens_that_differ_in_what_no_rule_names_have_one_key_and_cut_alike(names, more, palette, more_palette, prefixes):
    css = (".a .b{top:0}#c{left:0}[data-md-color-primary=indigo]{color:red}[DATA-MD-COLOR-ACCENT='teal'] .e{x:y}"
           ".d-x:is(.e,.x1){margin:0}@media print{#x1,.b{display:none}}.a:not(.new-id){z:1}")
    one = Tokens(frozenset(names), frozenset(prefixes), frozenset(palette))
    two = Tokens(frozenset(names | more), frozenset(prefixes), frozenset(palette | more_palette))
    assert one.digest_for(judged(css)) == two.digest_for(judged(css)) and purge(css, one) == purge(css, two)
    for name in set(NAMED) - names:  # and a name the stylesheet names changes the key
        if not any(name.startswith(prefix) for prefix in prefixes):
            assert Tokens(frozenset(names | {name}), frozenset(prefixes), frozenset(palette)).digest_for(judged(css)) != one.digest_for(judged(css))


def test_cutting_twice_cuts_nothing_more():
    css = ".a{top:0}@media print{.a,.zz{display:none}}.zz .a{left:0}"
    once = cut(css, "a")
    assert once == ".a{top:0}@media print{.a{display:none}}" and cut(once, "a") == once


# -- what can occur ----------------------------------------------------------------------------------


def test_the_pages_give_their_classes_ids_and_inline_scripts_words():
    html = ("<div class=\"a  b\" id='c'><p class=d>x</p><span class=\"\">y</span></div>"
            '<script>document.body.classList.add("md-js-only")</script><script src="x.js"></script>')
    assert markup_names(html) >= {"a", "b", "c", "d", "md-js-only"}
    assert "x" not in markup_names('<p class="a">x</p>')  # the text of a page is not a name


def test_a_script_gives_every_word_and_the_prefixes_it_builds_classes_from():
    js = 'x("li",{class:`md-source__fact md-source__fact--${t}`});e.className="tabbed-control--"+d;let w=`${a}px`'
    assert {"md-source__fact", "li", "className"} <= script_names(js)
    assert script_prefixes(js) == {"md-source__fact--", "tabbed-control--"}


def test_the_tokens_of_a_site_and_their_digest():
    tokens = site_tokens(['<p class="a">'], ['x.classList.add("b");y=`c-${z}`'])
    assert tokens.can_occur("a") and tokens.can_occur("b") and tokens.can_occur("c-anything")
    assert not tokens.can_occur("d")
    assert tokens.digest() == site_tokens(['<p class="a">'], ['x.classList.add("b");y=`c-${z}`']).digest()
    assert tokens.digest() != site_tokens(['<p class="a">'], []).digest()

