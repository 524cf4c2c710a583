"""What the notebooks' catalogue says of each notebook: its title and its one-line description."""

from __future__ import annotations

import re

from course.ground.citation_syntax import CITATION
from course.notebooks.run import NotebookResult


def notebook_title(result: NotebookResult) -> str:
    """The notebook's own title (its first ``#`` heading), or its name."""
    for cell in result.nb.cells if result.nb else ():
        if cell.cell_type == "markdown":
            match = re.search(r"(?m)^# +(.+?)\s*$", cell.source)
            if match:
                return match[1]
    return result.name


_SENTENCE_END = re.compile(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)[.!?](?=\s)")  # not "et al." or "e.g."


def notebook_description(result: NotebookResult) -> str:
    """The catalogue's line for a notebook: its ``description`` metadata (the jupytext header's
    ``description:``, for a notebook whose first sentence has maths or is not a summary), else the first
    sentence of the prose under its title. Plain text, without citations (the card links no references)."""
    given = result.nb.metadata.get("description") if result.nb else None
    if isinstance(given, str) and given.strip():
        return " ".join(given.split())
    for cell in result.nb.cells if result.nb else ():
        if cell.cell_type == "markdown":
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", cell.source) if p.strip() and not p.lstrip().startswith("#")]
            if paragraphs:
                text = CITATION.sub("", paragraphs[0])
                text = re.sub(r"[*`]", "", " ".join(text.split())).replace(" ,", ",").replace(" .", ".")
                end = _SENTENCE_END.search(text)
                return text[: end.end()] if end else text
    return ""
