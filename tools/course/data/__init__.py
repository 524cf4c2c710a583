"""Course data: typed, immutable records loaded and validated from readings/ and papers.bib (validation happens here only)."""
