"""Lecture decks: Marp Markdown in ``<docs_dir>/slides/<session-id>.md`` becomes an HTML deck, its PDF
and a thumbnail of each slide, at build time, cached by what they are made from (as the notebooks are).

- ``source``  the Markdown Marp is given: citations as links to paper pages, images as files
- ``marp``    the external tools: Marp (npm, pinned in package-lock.json) and Chromium for PDF and images
- ``stage``   ``DeckStage``, the MkDocs part: cache or render every deck, and hand the files to MkDocs
"""
