"""The write path of paper-presentation sign-ups: claim, release, the issue form and apply-issues, each a
locked, atomic, checked edit of readings/presentations.yml (the records and their rules are ``course.data``'s)."""
