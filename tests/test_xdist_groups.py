"""``make test`` runs on two workers with ``--dist loadgroup``: the tests that share the real site (about ten
minutes to build from scratch), the student copies and each training-off group must each stay on one worker.
pytest-xdist 3.8 groups them by renaming the node ids, which pytest 9 no longer reads (every group was then
split, and the real site built on both workers at once): pyproject.toml keeps pytest below 9, and this test
says so if a group stops holding."""

import pytest


@pytest.mark.xdist_group("site")
def test_a_test_in_a_group_carries_its_group_to_the_scheduler(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.endswith("@site"), (
        "pytest-xdist did not put this test in its group: the groups are split across the workers "
        "(a pytest that pytest-xdist does not support?)")
