"""Paper-presentation sign-ups: slots, claims, their pages, and the path from a student to the YAML."""
