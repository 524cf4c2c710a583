"""The downloadable / Colab copy of a notebook: the executed notebook plus one setup cell.

On Colab the notebook runs alone, without the course's local files (``lab/``,
data files).  The setup cell downloads each missing one from the published
site, next to the notebook; in a checkout of the repository they all exist and
the cell does nothing.  Colab already has torch, numpy and matplotlib.
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:  # nbformat (with jsonschema) is imported where a notebook is read or written: a warm build does neither
    from nbformat import NotebookNode


SETUP_TAG = "colab-setup"
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def github_repo(repo_url: str | None) -> tuple[str, str] | None:
    match = _GITHUB.match((repo_url or "").strip())
    return (match.group(1), match.group(2)) if match else None


def colab_url(repo_url: str | None, branch: str, name: str, site_dir: str) -> str | None:
    """Colab opens the executed notebook from the deployed branch; None unless the repo is on GitHub."""
    repo = github_repo(repo_url)
    if repo is None:
        return None
    owner, project = repo
    return f"https://colab.research.google.com/github/{owner}/{project}/blob/{quote(branch)}/{quote(site_dir)}/{quote(name)}.ipynb"


def files_base_url(site_url: str | None, repo_url: str | None, branch: str, site_dir: str) -> str | None:
    """Where the published copies of the notebooks folder's files can be downloaded from."""
    if site_url:
        return f"{site_url.rstrip('/')}/{quote(site_dir)}/"
    repo = github_repo(repo_url)
    if repo:
        return f"https://raw.githubusercontent.com/{repo[0]}/{repo[1]}/{quote(branch)}/{quote(site_dir)}/"
    return None


def setup_cell(files: list[str], base_url: str) -> NotebookNode:
    import nbformat
    source = "\n".join(
        [
            "# Setup for Colab (or any copy outside the course repository): fetch the course's",
            "# helper files next to this notebook when they are missing. Safe to run again.",
            "import pathlib",
            "import urllib.request",
            "",
            f"COURSE_FILES = {json.dumps(base_url)}",
            f"for name in {json.dumps(files)}:",
            "    path = pathlib.Path(name)",
            "    if not path.exists():",
            "        path.parent.mkdir(parents=True, exist_ok=True)",
            "        urllib.request.urlretrieve(COURSE_FILES + urllib.request.quote(name), path)",
        ]
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [SETUP_TAG]})
    cell["id"] = SETUP_TAG
    return cell


def download_notebook(nb: NotebookNode, files: list[str], base_url: str | None) -> NotebookNode:
    """A copy of ``nb`` with the setup cell first, when it needs local files and they are published."""
    copy_nb = copy.deepcopy(nb)
    copy_nb.cells = [cell for cell in copy_nb.cells if SETUP_TAG not in cell.metadata.get("tags", [])]
    if files and base_url:
        copy_nb.cells.insert(0, setup_cell(files, base_url))
    copy_nb.metadata.pop("jupytext", None)  # the download is a plain .ipynb, not paired with a .py
    copy_nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    return copy_nb
