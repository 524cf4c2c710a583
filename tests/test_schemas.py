"""The JSON Schemas editors use stay in sync with the models, and every data file names its schema."""

from pathlib import Path

from course.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_schemas_are_up_to_date(capsys):
    assert main(["--root", str(ROOT), "schema", "--check"]) == 0, capsys.readouterr().out


def test_a_stale_schema_is_detected(project, capsys):
    (project / "readings" / "schemas" / "course.schema.json").write_text("{}")
    edit_first_line = project / "readings" / "schedule.yml"
    edit_first_line.write_text("# no schema line\n" + edit_first_line.read_text())
    assert main(["--root", str(project), "schema", "--check"]) == 1
    out = capsys.readouterr().out
    assert "readings/schemas/course.schema.json: out of date; run `course schema --write`" in out
    assert "readings/schedule.yml:1:1: the first line should be `# yaml-language-server: $schema=schemas/schedule.schema.json`" in out


def test_schema_rejects_unknown_keys_like_the_loader():
    import json

    schema = json.loads((ROOT / "readings/schemas/schedule.schema.json").read_text())
    session = schema["$defs"]["SessionEntry"]
    assert session["additionalProperties"] is False
    assert {"id", "title", "part", "readings", "notebooks", "date", "cancelled"} <= set(session["properties"])
