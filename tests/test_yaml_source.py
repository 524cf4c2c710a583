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
