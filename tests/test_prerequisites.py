"""A missing outside tool skips its tests locally and fails them in CI."""

import pytest

from prerequisites import require


def test_present_tool_neither_skips_nor_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    require(True, "chromium", "tools/install-chromium.sh")


@pytest.mark.parametrize("ci", [None, "", "false", "1"])
def test_missing_tool_skips_outside_ci(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"chromium is missing \(install it with tools/install-chromium.sh\)"):
        require(False, "chromium", "tools/install-chromium.sh")


@pytest.mark.parametrize("ci", ["true", "TRUE"])
def test_missing_tool_fails_in_ci_with_what_and_how(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"node_modules/vnu-jar is missing \(install it with npm ci\).*CI=true"):
        require(False, "node_modules/vnu-jar", "npm ci")
