from course.ground.yaml_source import parse_yaml


def parse(text):
    document, problems = parse_yaml(text, "x.yml")
    return document, [str(p) for p in problems]


def test_scalars_stay_strings_that_mean_what_they_say():
    document, problems = parse("a: NO\nb: 14:30\nc: 012345\nd: yes\ne: 1e3\nf: 2027-01-12\n")
    assert problems == []
    assert document.data == {"a": "NO", "b": "14:30", "c": "012345", "d": "yes", "e": "1e3", "f": "2027-01-12"}


def test_null_and_empty_mean_no_value_but_quoted_null_is_text():
    document, _ = parse('a:\nb: null\nc: ~\nd: "null"\n')
    assert document.data == {"a": None, "b": None, "c": None, "d": "null"}


def test_positions_of_keys_and_values():
    document, _ = parse("top:\n  - id: one\n    date: 2027-01-12\n")
    assert document.positions.keys[("top", 0, "date")] == (3, 5)
    assert document.positions.values[("top", 0, "date")] == (3, 11)
    assert document.problem(("top", 0, "date"), "bad").line == 3


def test_syntax_error_names_line_and_column():
    document, problems = parse("a: [1, 2\nb: 3\n")
    assert document is None
    assert problems[0].startswith("x.yml:2:2: YAML syntax error:")


def test_duplicate_keys_are_reported_not_overwritten():
    document, problems = parse("a: 1\nb: 2\na: 3\n")
    assert problems == ["x.yml:3:1: duplicate key 'a' (first given on line 1); keep only one"]
    assert document.data["a"] == "1"


def test_tags_and_aliases_are_refused():
    _, problems = parse("a: !!python/object:os.system echo\nb: &x [1]\nc: *x\n")
    assert problems == [
        "x.yml:1:4: type tags like '!!python/object:os.system' are not allowed; remove the tag (quote the value if it must stay as written)",
        "x.yml:2:4: anchors and aliases (&name, *name) are not supported; write the value out",
    ]


def test_tab_indentation_gets_a_hint():
    _, problems = parse("a:\n\t- b\n")
    assert "YAML syntax error" in problems[0]


# libyaml's parser reads the course's data (ten times faster); a document it refuses is read again by PyYAML's,
# whose messages and positions the errors give. Both must build the same data, at the same places.
EDGE_CASES = [
    "a:\nb: ''\nc: \"\"\nd: ~\ne: null\nf: Null\n",
    "title: Über — “quoted” ✓\nwhen: 2027-01-12   # a comment\n",
    "list:\n  - one\n  -\n  - {x: 1, y: [a, b]}\n",
    "text: |\n  line one\n  line two\n\nfolded: >\n  a\n  b\n",
    "a: &anchor x\nb: *anchor\n",
    "\ufeffbom: first\r\ncrlf: second\r\n",
    "key with spaces: value: with colon?\n",
    "tagged: !!int 3\n",
    "- a\n- b\n",
]


def _both(text: str):
    import yaml

    from course.ground import yaml_source as ys

    built = []
    for loader in (ys._FastStringLoader, ys._StringLoader):
        try:
            node = yaml.compose(text, Loader=loader)
        except yaml.YAMLError as error:
            built.append(type(error).__name__)
            continue
        builder = ys._Builder("x.yml")
        built.append((builder.build(node, ()) if node is not None else None, builder.positions.keys,
                      builder.positions.values, [str(p) for p in builder.problems]))
    return built


def test_libyaml_and_pyyaml_build_the_same_data_at_the_same_places():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for folder in ("readings", "archive", "tools/course/scaffold")
             for p in sorted((root / folder).rglob("*.yml"))]
    assert len(texts) > 5
    for text in texts + EDGE_CASES:
        fast, slow = _both(text)
        assert fast == slow, text[:80]


def test_a_document_libyaml_refuses_gets_pyyamls_message():
    _, problems = parse("a: [1, 2\nb: 3\n")
    assert problems == ["x.yml:2:2: YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got ':'"
                        " (check the indentation and quote values that contain ': ' or start with '*', '&', '!', '[' or '{')"]
    _, problems = parse("a: \x07\n")
    assert problems == ["x.yml:1:4: the character U+0007 is not allowed in YAML; remove it"]
