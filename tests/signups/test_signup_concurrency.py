"""Claims from many `course` processes at once: none lost, none doubled, the file intact."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.ground.yaml_source import parse_yaml
from signup_helpers import NOW, comment_lines, course, data_file, tiny_course

COURSE = shutil.which("course", path=str(Path(sys.executable).parent)) or "course"


@pytest.fixture
def tiny(tmp_path):
    # A small course: each process spends its time on the sign-up, not on reading the default course.
    return tiny_course(tmp_path / "course")


def start(root: Path, name: str, paper: str) -> subprocess.Popen:
    return subprocess.Popen([COURSE, "--root", str(root), "signup", "claim", "--name", name, "--paper", paper, "--now", NOW],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def claims(root: Path) -> list[dict]:
    document, problems = parse_yaml(data_file(root).read_text(encoding="utf-8"), "presentations.yml")
    assert not problems
    return document.data["claims"]


def test_twenty_claims_at_once_are_all_recorded(tiny, capsys):
    path = data_file(tiny)
    before = path.read_text(encoding="utf-8")
    papers = [f"p{i:02d}" for i in range(1, 21)]
    results = finish([start(tiny, f"Student {i:02d}", paper) for i, paper in enumerate(papers)])
    assert [status for status, _, _ in results] == [0] * 20, [err for _, _, err in results if err]
    recorded = claims(tiny)[1:]
    assert sorted(c["paper"] for c in recorded) == papers
    assert sorted(c["name"] for c in recorded) == [f"Student {i:02d}" for i in range(20)]
    assert [len([c for c in claims(tiny) if c["slot"] == s]) for s in ("talks-1", "talks-2", "talks-3")] == [10, 10, 1]
    after = path.read_text(encoding="utf-8")
    assert comment_lines(after) == comment_lines(before)
    assert after.startswith(before.split("# The end.")[0]) and after.endswith("# The end.\n")
    assert course(capsys, tiny, "check")[0] == 0


def test_ten_claims_of_one_paper_at_once_have_one_winner(tiny, capsys):
    project = tiny
    before = data_file(project).read_text(encoding="utf-8")
    results = finish([start(project, f"Student {i}", "p07") for i in range(10)])
    winners = [out for status, out, _ in results if status == 0]
    refused = [err for status, _, err in results if status != 0]
    assert len(winners) == 1 and len(refused) == 9
    winner = claims(project)[-1]["name"]
    assert winners[0].startswith(f"recorded: {winner} presents p07 ")
    assert set(refused) == {f"refused: paper 'p07' is already claimed by {winner}; choose another paper\n"}
    after = data_file(project).read_text(encoding="utf-8")
    assert len(claims(project)) == 2 and comment_lines(after) == comment_lines(before)
    assert course(capsys, project, "check")[0] == 0
