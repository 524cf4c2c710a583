"""The link layer: what refers to what, computed from the records (every backlink, every calendar event)."""
