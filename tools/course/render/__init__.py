"""Render course records into site files: one module per page kind, one Jinja template each."""
