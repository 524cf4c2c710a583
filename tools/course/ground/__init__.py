"""The ground layer: what every other layer may use. Errors, words, page paths and the readers of
source text (YAML with positions, BibTeX, LaTeX, citation syntax). It imports nothing else of ``course``."""
