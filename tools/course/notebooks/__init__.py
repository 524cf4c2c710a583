"""Lecture notebooks: stored clean as jupytext percent ``.py``, executed at build time, cached.

Modules, one job each (the command line is ``course.commands.notebooks``):

- ``source``   read a notebook, map its cells to lines of the ``.py``
- ``inputs``   what its outputs depend on (local modules, data files, packages) and the cache key
- ``cache``    every folder the engine writes, with atomic writes; failures are recorded there too
- ``execute``  one notebook in a fresh kernel (nbclient): timeout, seeds, peak memory, a failure as one problem
- ``run``      ``Notebooks``: cache or execute every notebook, in parallel
- ``publish``  what the site shows: the embedded HTML, the download copies, the run records
- ``colab``    the download's Colab setup cell and the "Open in Colab" link
- ``stage``    ``NotebookStage``, the MkDocs part: what the plugin calls
"""


def __getattr__(name: str):
    # Imported on first use: nbclient and friends are slow to import, and the
    # `course` command should start fast for sub-commands that never run a kernel.
    if name == "NotebookStage":
        from course.notebooks.stage import NotebookStage

        return NotebookStage
    raise AttributeError(name)


__all__ = ["NotebookStage"]
