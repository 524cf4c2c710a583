"""Tools some tests need from outside Python: Debian's chromium (browser tests), Java and vnu.jar (HTML
validation).

Where one is missing, the tests that need it skip on a developer's machine, so the rest of the suite
still runs.  CI installs every one of them (.ci/run), so there a missing tool is a broken set-up: with
CI=true (GitHub Actions sets it) the tests fail and say what is missing, instead of passing as skips.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def require(present: bool, what: str, install: str) -> None:
    """Go on if ``present``; otherwise skip the test, or fail it under CI=true, naming ``what`` is missing
    and how to ``install`` it."""
    if present:
        return
    message = f"{what} is missing (install it with {install})"
    if in_ci():
        pytest.fail(f"{message}; CI=true: CI installs it, so its absence is a broken set-up, not a skip", pytrace=False)
    pytest.skip(message)
