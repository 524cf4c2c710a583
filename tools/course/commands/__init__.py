"""The sub-commands of the ``course`` tool, one module each (``course.cli`` lists them)."""
