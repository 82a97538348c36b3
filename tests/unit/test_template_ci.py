"""This repository's own workflows, judged as tests/e2e/test_workflows.py judges generated ones.

zizmor (also as its pedantic persona) and actionlint report nothing; the CI workflow runs every
test tier and the oldest copier through `make` targets that exist, with read-only permissions,
SHA-pinned actions and no persisted credentials.
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
    assert "ci.yml" in {p.name for p in WORKFLOWS}


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


def test_ci_runs_every_tier_and_the_oldest_copier_through_make() -> None:
    workflow = _ci()
    # YAML reads the key `on` as True.
    assert set(workflow[True]) >= {"pull_request", "push"}
    assert workflow[True]["push"] == {"branches": ["main"]}
    jobs = workflow["jobs"]
    tiers = jobs["tests"]["strategy"]["matrix"]["tier"]
    assert tiers == ["unit", "render", "e2e"]
    assert all((ROOT / "tests" / tier).is_dir() for tier in tiers)
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
    """The uv version the generated release workflow installs."""
    text = (ROOT / "template" / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    versions: set[str] = set(re.findall(r'^\s+version: "([^"]+)"', text, re.MULTILINE))
    (version,) = versions
    return version


def test_actions_are_pinned_as_in_the_generated_workflows() -> None:
    """One SHA per action in both places, so updating the pins once updates both."""
    ours = _pins((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    generated: dict[str, str] = {}
    for path in (ROOT / "template" / ".github" / "workflows").iterdir():
        generated.update(_pins(path.read_text(encoding="utf-8")))
    assert ours
    assert {action: generated.get(action) for action in ours} == ours
