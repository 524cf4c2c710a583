"""Lecture notebooks: stored clean as jupytext percent ``.py``, executed at build time, cached.

Modules, one job each:

- ``source``    read a notebook, map cells to lines of the ``.py``
- ``deps``      what the code imports and reads (local modules, data files, packages)
- ``cache_key`` the hash of everything that determines the outputs (not the prose)
- ``cache``     the on-disk store of executed notebooks, with atomic writes
- ``execute``   one notebook in a fresh kernel (nbclient), with timeout, seeds, peak memory
- ``errors``    a failure turned into one ``path:line: message`` problem
- ``runner``    cache or execute every notebook, in parallel
- ``colab``     the download copy with its Colab setup cell, the Colab link
- ``render``    mkdocs-jupyter's HTML for embedding in a lecture page
- ``stage``     ``NotebookStage``, what the MkDocs plugin calls
"""


def __getattr__(name: str):
    # Imported on first use: nbclient and friends are slow to import, and the
    # `course` command should start fast for sub-commands that never run a kernel.
    if name == "NotebookStage":
        from course.notebooks.stage import NotebookStage

        return NotebookStage
    raise AttributeError(name)


__all__ = ["NotebookStage"]
