"""Templates compiled once and kept: an edited template, or an environment with other options, compiles anew."""

from __future__ import annotations

import jinja2

from course.ground.compiled_templates import cache_compiled


def _render(folder, cache, **options) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), **options)  # a new build's environment
    cache_compiled(env, cache)
    return env.get_template("page.html").render(name="x")


def test_a_kept_template_is_used_until_its_source_changes(tmp_path):
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "page.html").write_text("{% if true %}\nfirst {{ name }}\n{% endif %}\n", encoding="utf-8")
    assert _render(templates, cache) == "\nfirst x\n"
    assert list(cache.rglob("*.cache")), "the compiled code is kept"
    assert _render(templates, cache) == "\nfirst x\n"
    (templates / "page.html").write_text("{% if true %}\nsecond {{ name }}\n{% endif %}\n", encoding="utf-8")
    assert _render(templates, cache) == "\nsecond x\n", "an edited template is compiled again"
    assert _render(templates, cache, trim_blocks=True) == "second x\n", "other options: other compiled code"
    assert _render(templates, cache) == "\nsecond x\n"
