"""`make fleet ORG=acme [JSON=1]`: the organisation's projects, their template version and drift.

GitHub is the fake `gh` of tests/doubles/gh.py, serving GitHub's documented responses; the tool
runs as a user runs it, as a program, and is judged by its output and exit code.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT
from tests.doubles.gh import pull_request, repository, tag
from tests.machine import run
from tools.fleet import is_from_template, release_version, releases_behind

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from tests.doubles.gh import FakeGitHub

TEMPLATE = "acme/codeartifact-python-template"


def answers(src_path: str, commit: str) -> str:
    return (
        f"# Changes here will be overwritten by Copier\n_commit: {commit}\n_src_path: {src_path}\n"
    )


def fleet(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path if path is not None else os.environ["PATH"]}
    return run([sys.executable, "-m", "tools.fleet", *args], cwd=ROOT, env=env)


@pytest.fixture
def org(fake_gh: FakeGitHub) -> FakeGitHub:
    """Organisation acme: three projects from the template among others, over two pages."""
    fake_gh.serve(f"repos/{TEMPLATE}/tags", [tag("v0.2.0"), tag("v0.1.0"), tag("nightly")])
    # 100 archived repositories fill the first page: the projects are on the second.
    archived = [repository(f"acme/old-{i:03}", archived=True) for i in range(100)]
    live = ["widgets", "gadgets", "sprockets", "other", "plain", "codeartifact-python-template"]
    fake_gh.serve("orgs/acme/repos", archived + [repository(f"acme/{name}") for name in live])
    fake_gh.add_file("acme/widgets", ".copier-answers.yml", answers(f"gh:{TEMPLATE}", "v0.1.0"))
    fake_gh.add_file(
        "acme/gadgets",
        ".copier-answers.yml",
        answers(f"https://github.com/{TEMPLATE}.git", "v0.2.0"),
    )
    fake_gh.add_file(
        "acme/sprockets",
        ".copier-answers.yml",
        answers("/home/me/src/codeartifact-python-template", "v0.1.0-2-gabc1234"),
    )
    fake_gh.add_file("acme/other", ".copier-answers.yml", answers("gh:acme/other", "v3.0.0"))
    fake_gh.serve(
        "repos/acme/widgets/pulls",
        [
            pull_request(
                "acme/widgets", 7, "template-update", title="Update the template to v0.2.0"
            ),
            pull_request("acme/widgets", 5, "feature"),
        ],
    )
    fake_gh.serve(
        "repos/acme/gadgets/pulls",
        [pull_request("acme/gadgets", 3, "template-update", state="closed")],
    )
    return fake_gh


def test_the_table_lists_each_project_its_version_lag_and_drift_pr(org: FakeGitHub) -> None:
    done = fleet("acme")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["REPOSITORY", "TEMPLATE", "BEHIND", "DRIFT", "PR"]
    rows = [line.split() for line in lines[1:-1]]
    assert rows == [
        ["acme/sprockets", "v0.1.0-2-gabc1234", "1", "-"],
        ["acme/widgets", "v0.1.0", "1", "#7", "https://github.com/acme/widgets/pull/7"],
        ["acme/gadgets", "v0.2.0", "0", "-"],
    ]
    assert lines[-1] == (
        "3 repositories of acme from acme/codeartifact-python-template (newest release v0.2.0): "
        "2 behind, 1 with an open drift pull request."
    )
    # Pagination followed; archived repositories never read.
    assert ["api", "--paginate", "orgs/acme/repos?per_page=100"] in org.calls
    assert not any("old-" in " ".join(call) for call in org.calls)


@pytest.mark.usefixtures("org")
def test_json_has_the_same_facts() -> None:
    done = fleet("acme", "--json")

    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["organisation"] == "acme"
    assert document["template"] == TEMPLATE
    assert document["newest_release"] == "v0.2.0"
    by_name = {r["repository"]: r for r in document["repositories"]}
    assert set(by_name) == {"acme/widgets", "acme/gadgets", "acme/sprockets"}
    assert by_name["acme/widgets"] == {
        "repository": "acme/widgets",
        "template_version": "v0.1.0",
        "behind": 1,
        "drift_pull_request": {"number": 7, "url": "https://github.com/acme/widgets/pull/7"},
    }
    assert by_name["acme/gadgets"]["behind"] == 0
    assert by_name["acme/gadgets"]["drift_pull_request"] is None


def test_the_documented_make_commands(org: FakeGitHub) -> None:
    # The tools' dependencies are in this environment: uv uses it as it is.
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": sys.prefix, "UV_NO_SYNC": "1"}

    def make(*args: str) -> str:
        done = run(["make", "--silent", "fleet", *args], cwd=ROOT, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert make("ORG=acme").startswith("REPOSITORY ")
    org.serve("repos/acme/other/tags", [tag("v3.0.0")])
    other = json.loads(make("ORG=acme", "JSON=1", "TEMPLATE=acme/other"))
    assert [r["repository"] for r in other["repositories"]] == ["acme/other"]
    assert ["api", "--paginate", "repos/acme/other/tags?per_page=100"] in org.calls


def test_an_org_with_no_project_says_so(fake_gh: FakeGitHub) -> None:
    fake_gh.serve(f"repos/{TEMPLATE}/tags", [])
    fake_gh.serve("orgs/acme/repos", [repository("acme/plain")])
    done = fleet("acme")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == "No repository of acme was generated from acme/codeartifact-python-template.\n"
    )


FAILURES = {
    "logged out": (
        ["acme"],
        "fleet: gh is not logged in to GitHub: run `gh auth login` (or set GH_TOKEN)",
    ),
    "no template": (
        ["nope"],
        (
            "fleet: template repository nope/codeartifact-python-template not found: "
            "pass --template OWNER/NAME"
        ),
    ),
    "no org": (
        ["nope", "--template", TEMPLATE],
        (
            "fleet: organisation 'nope' not found, or not visible to the account gh is logged in "
            "as: check the name and `gh auth status`"
        ),
    ),
    "rate limit": (
        ["acme"],
        (
            "fleet: `gh api orgs/acme/repos?per_page=100` failed: "
            "gh: API rate limit exceeded for user ID 1. (HTTP 403)"
        ),
    ),
    "bare template": (
        ["acme", "--template", "codeartifact-python-template"],
        (
            "fleet: --template 'codeartifact-python-template': "
            "give the template repository as OWNER/NAME"
        ),
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failures_are_one_line_with_the_fix(org: FakeGitHub, case: str) -> None:
    if case == "logged out":
        org.log_out()
    if case == "rate limit":
        org.fail("orgs/acme/repos", 403, "API rate limit exceeded for user ID 1.")
    args, message = FAILURES[case]
    done = fleet(*args)
    assert done.returncode == 1
    assert done.stderr == message + "\n"
    assert done.stdout == ""


def test_without_gh_on_path_it_says_what_to_install(tmp_path: Path) -> None:
    done = fleet("acme", path=str(tmp_path))
    assert done.returncode == 1
    assert done.stderr == (
        "fleet: the GitHub CLI `gh` is not on PATH: install it, then run `gh auth login`\n"
    )


@pytest.mark.parametrize(
    ("src_path", "expected"),
    [
        ("gh:acme/codeartifact-python-template", True),
        ("gh:Acme/CodeArtifact-Python-Template", True),
        ("https://github.com/acme/codeartifact-python-template.git", True),
        ("https://github.com/acme/codeartifact-python-template/", True),
        ("git@github.com:acme/codeartifact-python-template.git", True),
        ("git+ssh://git@github.com/acme/codeartifact-python-template", True),
        ("/home/me/codeartifact-python-template", True),  # a local clone: by name
        ("../codeartifact-python-template", True),
        ("gh:someone-else/codeartifact-python-template", False),
        ("gh:acme/codeartifact-python-template-v2", False),
        ("gh:acme/other", False),
        ("", False),
    ],
)
def test_the_template_is_recognised_in_every_src_path_form(
    src_path: str, *, expected: bool
) -> None:
    assert is_from_template(src_path, TEMPLATE) is expected


@pytest.mark.parametrize(
    ("commit", "behind"),
    [("v0.1.0", 2), ("0.1.0", 2), ("v0.1.0-4-gabc1234", 2), ("v0.2.0", 1), ("v1.0.0", 0)],
)
def test_releases_behind_counts_newer_tags(commit: str, behind: int) -> None:
    releases = [release_version(v) for v in ("v0.1.0", "v0.2.0", "v1.0.0")]
    assert releases_behind(commit, [r for r in releases if r]) == behind


@pytest.mark.parametrize("commit", ["main", "HEAD", "c65932f-dirty", "6932216", "abc1234", ""])
def test_a_commit_that_is_no_release_is_behind_by_an_unknown_count(commit: str) -> None:
    assert releases_behind(commit, []) is None
