"""Course site generator: course data (YAML + BibTeX) -> validated records -> a MkDocs site."""

__version__ = "0.1.0"
