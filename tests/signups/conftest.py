"""The sign-up tests run on a copy of the default course with the example claims, as it is after its slots."""

from __future__ import annotations

from pathlib import Path

import pytest

from signup_helpers import AFTER_THE_SLOTS, copy_project


@pytest.fixture(scope="module", autouse=True)
def after_the_slots():
    """The example claims include talks already given: check them as the data will be in May 2027."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_NOW", AFTER_THE_SLOTS)
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "course")
