"""Sub-commands of the ``course`` tool that belong to no other module."""
