""""Open in Colab" opens what the deploy publishes: the workflow pushes the executed notebooks to the
branch and folder the generated links name, and the setup cell fetches `lab` from where Pages serves it."""

from __future__ import annotations

from pathlib import Path

import yaml

from course.ground.layout import Layout
from course.notebooks import colab
from course.notebooks.cache import NotebookCache
from course.notebooks.publish import Publisher

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"


def steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(action)]


def test_the_deploy_publishes_the_notebooks_where_the_colab_links_point():
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    build, push = jobs["test-and-build"], jobs["colab"]
    branch, folder = push["env"]["COLAB_BRANCH"], push["env"]["COLAB_DIR"]

    # the build hands the site's notebooks folder on ...
    (upload,) = [s for s in steps_using(build, "actions/upload-artifact") if s["with"]["name"] == "colab-notebooks"]
    assert upload["with"]["path"].rstrip("/") == f"site/{folder}"
    (pages,) = steps_using(build, "actions/upload-pages-artifact")
    assert pages["with"]["path"].rstrip("/") == "site"  # the same site is what Pages serves
    # ... and the colab job puts it at <folder>/ of a fresh commit pushed to <branch>, on every push to main
    assert push["needs"] == "test-and-build" and push["permissions"] == {"contents": "write"}
    assert "refs/heads/main" in push["if"] and "pull_request" in push["if"]
    (download,) = steps_using(push, "actions/download-artifact")
    assert download["with"] == {"name": "colab-notebooks", "path": "publish/${{ env.COLAB_DIR }}"}
    script = push["steps"][-1]["run"]
    assert "cd publish" in script and 'HEAD:refs/heads/$COLAB_BRANCH' in script

    layout = Layout.from_mkdocs_yml(ROOT)
    owner, repo = colab.github_repo(layout.repo_url)
    publisher = Publisher(layout, NotebookCache(layout.cache / "notebooks"))
    for name in layout.notebook_names():
        link = colab.colab_url(layout.repo_url, layout.colab_branch, name, publisher.site_dir)
        assert link == f"https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/{folder}/{name}.ipynb"
        assert publisher.uri(f"{name}.ipynb") == f"{folder}/{name}.ipynb"  # where the site (and so the branch) has it
    # the setup cell downloads lab's files from the Pages site, which publishes them in the same folder
    base = colab.files_base_url(layout.site_url, layout.repo_url, layout.colab_branch, publisher.site_dir)
    assert base == f"{layout.site_url.rstrip('/')}/{folder}/"
    assert publisher.uri("lab/gpt.py") == f"{folder}/lab/gpt.py"
