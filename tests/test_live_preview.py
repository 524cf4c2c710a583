"""mkdocs serve: data files are watched, a build never writes into docs_dir, what leaves the site names the
published address, and a saved YAML edit shows in the served pages (the machinery of bench/bench_serve.py)."""

import os
import shutil
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config

from conftest import ROOT, build_site

SECOND_COURSE = Path(__file__).resolve().parent / "fixtures" / "second-course"


def snapshot(directory):
    return {p: p.stat().st_mtime_ns for p in directory.rglob("*")}


def configured(project, site_url=None):
    """The config after the plugins' on_config, as a build of ``project`` has it (``site_url``: as serve sets it)."""
    cwd = os.getcwd()
    os.chdir(project)
    try:
        config = load_config(str(project / "mkdocs.yml"))
        if site_url:
            config.site_url = site_url
        return config.plugins.on_config(config)
    finally:
        os.chdir(cwd)


def test_data_files_are_watched_and_docs_dir_is_untouched(project):
    before = snapshot(project / "content")
    build_site(project)
    assert snapshot(project / "content") == before
    watched = {os.path.realpath(p) for p in configured(project).watch}
    assert os.path.realpath(project / "readings") in watched
    assert os.path.realpath(project / "papers.bib") in watched


def test_what_leaves_the_site_names_the_published_address_in_mkdocs_serve(project):
    """mkdocs serve gives each build its own address as site_url: its pages link to it, but the decks' PDFs, the
    syllabus PDF and the notebooks' Colab setup keep the published address (so the decks rendered for it, cached
    by it, are not rendered again for the preview, nor again for the next make site)."""
    served = configured(project, site_url="http://127.0.0.1:8123/decoding-gpt/")
    assert served.site_url == "http://127.0.0.1:8123/decoding-gpt/"
    published = configured(project).plugins["course"].layout.site_url
    assert published == "https://mines-opt-ml.github.io/decoding-gpt/"
    assert served.plugins["course"].layout.site_url == published


def test_makefile_serves_with_livereload():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "mkdocs serve --livereload" in makefile  # click >= 8.3 drops live reload without the flag


@pytest.mark.slow
def test_a_saved_session_title_shows_in_the_served_pages(tmp_path):
    """bench_serve's loop once, on the small second course: mkdocs serve as make serve runs it, a session retitled
    in schedule.yml, its page and the schedule fetched until they show it (a generous bound: the machinery is
    tested here, not the machine), one rebuild for the save, and the server's processes gone afterwards."""
    sys.path.insert(0, str(ROOT))
    from bench.bench_serve import first_session, save_and_wait, serving

    project = tmp_path / "course"
    shutil.copytree(SECOND_COURSE, project)
    schedule = project / "readings" / "schedule.yml"
    session = first_session(schedule)
    assert session == "vectors-and-norms"
    pages = [f"schedule/{session}/", "schedule/"]
    with serving(project, pages[0], timeout=120) as server:
        assert server.builds() and server.building() == 1
        seconds = save_and_wait(server, schedule, session, "Norms, retitled while serving", pages, timeout=10)
        assert 0 < seconds < 10
        assert "title: \"Norms, retitled while serving\"" in schedule.read_text(encoding="utf-8")
        assert server.building() == 2 and len(server.builds()) == 2
        process = server.process
    assert process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # the whole process group is gone


@pytest.mark.quiet  # timed: run alone, after the rest
def test_the_server_sees_a_save_within_a_fraction_of_a_second_in_what_mkdocs_watched_and_in_what_is_watched_later(tmp_path):
    """The plugin's on_serve has MkDocs' live-reload server poll every tenth of a second (course.watching): the
    watches made before it (docs_dir, mkdocs.yml) move to the new observer, those made after it (the data) are
    made there, and every save in any of them starts a rebuild within 0.4 s (polling every half second, as MkDocs
    does, five saves in a row would all be seen that soon one time in twelve)."""
    import threading
    import time

    from mkdocs.livereload import LiveReloadServer

    from course.watching import POLL_SECONDS, poll_often

    docs, data, config = tmp_path / "docs", tmp_path / "readings", tmp_path / "mkdocs.yml"
    for folder in (docs, data, tmp_path / "site"):
        folder.mkdir()
    (docs / "index.md").write_text("# Home\n")
    (data / "schedule.yml").write_text("sessions: []\n")
    config.write_text("site_name: t\n")
    builds = []
    server = LiveReloadServer(builder=lambda: builds.append(time.perf_counter()), host="127.0.0.1", port=0,
                              root=str(tmp_path / "site"))
    server.watch(str(docs))
    server.watch(str(config))
    assert poll_often(server) is server and server.observer.timeout == POLL_SECONDS
    server.watch(str(data))  # as MkDocs watches config.watch, after on_serve
    watched = sorted((e.watch.raw_path, e.watch.is_recursive) for e in server.observer.emitters)
    assert watched == sorted([(str(docs), True), (str(config), False), (str(data), True)])
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        for path in (docs / "index.md", config, data / "schedule.yml", docs / "index.md", data / "schedule.yml"):
            time.sleep(0.5)  # quiet, then a save
            before = len(builds)
            path.write_text(path.read_text() + "\n")
            saved = time.perf_counter()
            while len(builds) == before and time.perf_counter() - saved < 5:
                time.sleep(0.01)
            assert len(builds) > before, f"no rebuild after saving {path.name}"
            assert builds[-1] - saved < 0.4, f"{path.name}: seen {builds[-1] - saved:.2f} s after the save"
    finally:
        server.shutdown()
        thread.join(5)
