"""This repository's own workflows, judged as tests/e2e/test_workflows.py judges generated ones.

zizmor (also as its pedantic persona) and actionlint report nothing; the CI workflow runs every
test tier and the oldest copier through `make` targets that exist, with read-only permissions,
SHA-pinned actions and no persisted credentials. The release workflow runs on version tags only,
builds the tools package once through `make`, and gives each job only the permission its step
needs: an OIDC token to the publishing jobs, in their environments, a writing token to the
GitHub release alone.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.e2e.test_workflows import PINNED, _tool

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def test_the_workflows_exist() -> None:
    assert {"ci.yml", "release.yml"} <= {p.name for p in WORKFLOWS}


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    files = [str(p) for p in WORKFLOWS]
    audit = _tool("zizmor", "--offline", "--no-progress", "--persona", persona, *files)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout


def test_actionlint_finds_nothing() -> None:
    lint = _tool("actionlint", "-no-color", *(str(p) for p in WORKFLOWS))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert lint.stdout == ""


def _pins(text: str) -> dict[str, str]:
    return dict(re.findall(r"uses: ([\w./-]+)@([0-9a-f]{40})", text))


def _ci() -> dict[Any, Any]:
    workflow: dict[Any, Any] = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    return workflow


def _release() -> dict[Any, Any]:
    text = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    workflow: dict[Any, Any] = yaml.safe_load(text)
    return workflow


def _make_targets(runs: list[str]) -> list[str]:
    """The targets `make ...` lines name; each must be a target of this repository's Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = [word for run in runs for word in run.split()[1:] if "=" not in word]
    missing = [t for t in targets if not re.search(rf"^{t}:", makefile, re.MULTILINE)]
    assert not missing, missing
    return targets


def test_ci_runs_every_tier_and_the_oldest_copier_through_make() -> None:
    workflow = _ci()
    # YAML reads the key `on` as True.
    assert set(workflow[True]) >= {"pull_request", "push"}
    assert workflow[True]["push"] == {"branches": ["main"]}
    jobs = workflow["jobs"]
    tiers = jobs["tests"]["strategy"]["matrix"]["tier"]
    assert tiers == ["tests/unit", "tests/render", "tests/e2e", "codeartifact-python-tools/tests"]
    assert all((ROOT / tier).is_dir() for tier in tiers)
    # Together the tiers are the whole suite: every test folder pytest collects is in one.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    testpaths = re.search(r"^testpaths = \[(.*)\]$", pyproject, re.MULTILINE)
    assert testpaths is not None
    collected = {path.strip().strip('"') for path in testpaths.group(1).split(",")}
    assert {path for path in collected if not any(t.startswith(path) for t in tiers)} == set()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    runs = [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]
    assert all(run.startswith("make ") for run in runs), runs
    for run in runs:
        for target in run.split()[1:]:
            if "=" not in target:
                assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "make test-min-copier" in runs
    # The oldest copier comes from copier.yml when the job runs, never from a copy here.
    assert re.search(r"^MIN_COPIER = .*copier\.yml.*_min_copier_version", makefile, re.MULTILINE)
    assert "9.15" not in (ROOT / ".github/workflows/ci.yml").read_text()


def test_ci_reads_only_and_pins_every_action() -> None:
    workflow = _ci()
    assert workflow["permissions"] == {}
    text = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    for name, job in workflow["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, name
        steps = job["steps"]
        checkout = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
        assert checkout, name
        assert all(s["with"]["persist-credentials"] is False for s in checkout), name
        uses = [s["uses"] for s in steps if "uses" in s]
        assert all(PINNED.match(action) for action in uses), uses
        # The uv the generated projects' workflows pin: one uv in every workflow.
        setups = [s for s in steps if s.get("uses", "").startswith("astral-sh/setup-uv@")]
        assert all(s["with"]["version"] == generated_uv_version() for s in setups), name
    assert all(
        re.search(r"@[0-9a-f]{40} # v\d", line) for line in text.splitlines() if "uses:" in line
    )


def generated_uv_version() -> str:
    """The uv version the generated release workflows (direct and staged) install."""
    workflows = ROOT / "template" / ".github" / "workflows"
    text = "".join(p.read_text(encoding="utf-8") for p in workflows.glob("*release.yml*"))
    versions: set[str] = set(re.findall(r'^\s+version: "([^"]+)"', text, re.MULTILINE))
    (version,) = versions
    return version


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_actions_are_pinned_as_in_the_generated_workflows(name: str) -> None:
    """One SHA per action in both places, so updating the pins once updates both."""
    ours = _pins((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))
    generated: dict[str, str] = {}
    for path in (ROOT / "template" / ".github" / "workflows").iterdir():
        generated.update(_pins(path.read_text(encoding="utf-8")))
    assert ours
    shared = {action: sha for action, sha in ours.items() if action in generated}
    assert {action: generated[action] for action in shared} == shared
    # The one action only the template's own release uses: publishing to the public index.
    assert set(ours) - set(shared) <= {"pypa/gh-action-pypi-publish"}


def test_the_release_runs_on_version_tags_and_builds_once_through_make() -> None:
    workflow = _release()
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML reads the key `on` as True
    assert workflow["concurrency"]["cancel-in-progress"] is False
    jobs = workflow["jobs"]
    assert set(jobs) == {"build", "public", "codeartifact", "github-release"}
    runs = {
        name: [step["run"] for step in job["steps"] if "run" in step] for name, job in jobs.items()
    }
    assert all(run.startswith("make ") for steps in runs.values() for run in steps), runs
    assert _make_targets(runs["build"]) == ["tools-dist"]
    assert _make_targets(runs["codeartifact"]) == ["org-region", "tools-codeartifact"]
    assert _make_targets(runs["github-release"]) == ["tools-github-release"]
    assert runs["public"] == []  # the publishing action alone, on the files built once
    for name in ("public", "codeartifact", "github-release"):
        assert "build" in jobs[name]["needs"], name
        downloads = [s for s in jobs[name]["steps"] if "download-artifact@" in s.get("uses", "")]
        assert [d["with"]["name"] for d in downloads] == ["dist"], name
    assert set(jobs["github-release"]["needs"]) == {"build", "public", "codeartifact"}
    # Skipped homes do not hold the GitHub release back; a failed one does.
    assert "!failure()" in jobs["github-release"]["if"]
    # The tag reaches make through the environment, never pasted into a command line.
    for name, job in jobs.items():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), name
            if step.get("run", "").split()[1:2] in (["tools-dist"], ["tools-codeartifact"]):
                assert step["env"]["TAG"] == "${{ github.ref_name }}", name


def test_the_release_publishes_where_the_repository_variable_says() -> None:
    jobs = _release()["jobs"]
    # Unset means the public index; a fork names its homes: codeartifact, both, or none.
    assert jobs["public"]["if"] == "contains(vars.TOOLS_PUBLISH_TO || 'public', 'public')"
    assert jobs["codeartifact"]["if"] == "contains(vars.TOOLS_PUBLISH_TO, 'codeartifact')"
    (publish,) = jobs["public"]["steps"][-1:]
    assert publish["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in publish  # the action's own default index, and dist/
    aws = next(
        s for s in jobs["codeartifact"]["steps"] if "configure-aws-credentials" in s.get("uses", "")
    )
    assert aws["with"]["role-to-assume"] == "${{ vars.CODEARTIFACT_ROLE_ARN }}"
    assert aws["with"]["aws-region"] == "${{ steps.org.outputs.region }}"
    text = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    assert not re.search(r"https?://", text)  # no index or registry written in the workflow


def test_the_release_gives_each_job_only_what_its_step_needs() -> None:
    workflow = _release()
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    expected = {
        "build": {"contents": "read"},
        "public": {"id-token": "write"},
        "codeartifact": {"contents": "read", "id-token": "write"},
        "github-release": {"contents": "write"},
    }
    assert {name: job["permissions"] for name, job in jobs.items()} == expected
    # OIDC only behind an environment's gate: the index and the AWS role trust these subjects.
    assert jobs["public"]["environment"] == "pypi"
    assert jobs["codeartifact"]["environment"] == "release"
    assert "environment" not in jobs["build"]
    assert "environment" not in jobs["github-release"]
    for name in ("codeartifact", "github-release"):
        assert jobs[name]["env"]["UV_NO_DEFAULT_GROUPS"] == "1", name
    text = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    for name, job in jobs.items():
        assert 0 < job["timeout-minutes"] <= 15, name
        steps = job["steps"]
        checkout = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
        assert all(s["with"]["persist-credentials"] is False for s in checkout), name
        uses = [s["uses"] for s in steps if "uses" in s]
        assert all(PINNED.match(action) for action in uses), uses
        setups = [s for s in steps if s.get("uses", "").startswith("astral-sh/setup-uv@")]
        assert all(s["with"]["version"] == generated_uv_version() for s in setups), name
        assert all(s["with"]["enable-cache"] is False for s in setups), name
    assert all(
        re.search(r"@[0-9a-f]{40} # v\d", line) for line in text.splitlines() if "uses:" in line
    )
