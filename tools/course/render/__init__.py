"""Render the records into site files: one module per page kind, one Jinja template each, listed in ``registry``."""
