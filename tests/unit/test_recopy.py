"""`copier recopy` keeps the team's version and dependencies in pyproject.toml."""

from __future__ import annotations

import recopy

RENDERED = """[project]
name = "acme-widgets"
version = "0.1.0"
dependencies = []

[dependency-groups]
test = ["pytest>=8.3"]
"""


def test_the_teams_version_and_dependencies_come_back() -> None:
    team = RENDERED.replace('version = "0.1.0"', 'version = "1.4.0rc1"').replace(
        "dependencies = []", 'dependencies = [\n    "attrs>=23.1",\n    "requests[socks]>=2",\n]'
    )
    text, kept = recopy.keep_team_values(RENDERED, team)
    assert text == team
    assert kept == ["version", "dependencies"]


def test_a_one_line_list_and_an_untouched_version() -> None:
    team = RENDERED.replace("dependencies = []", 'dependencies = ["attrs>=23.1"]')
    text, kept = recopy.keep_team_values(RENDERED, team)
    assert 'dependencies = ["attrs>=23.1"]\n' in text
    assert 'version = "0.1.0"' in text
    assert kept == ["dependencies"]


def test_nothing_to_keep_changes_nothing() -> None:
    assert recopy.keep_team_values(RENDERED, RENDERED) == (RENDERED, [])
    assert recopy.keep_team_values(RENDERED, "not a pyproject") == (RENDERED, [])
