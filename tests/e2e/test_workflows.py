"""The generated CI/CD configuration, judged by the tools that judge it for real, per answer set.

Every workflow passes GitHub's workflow schema (check-jsonschema's vendored copy), actionlint
and zizmor's offline audits, and so does Dependabot's configuration; the release workflow keeps
its contract (triggers, permissions, pinned actions, a region from the Makefile); the IAM
policies the docs include are valid, scoped JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from check_jsonschema.cli.main_command import main as check_jsonschema
from click.testing import CliRunner

from tests.answer_sets import ANSWER_SETS
from tests.conftest import render_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from click.testing import Result

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], capture_output=True, text=True, check=False, timeout=120
    )


def _schema(builtin: str, *files: str) -> Result:
    """check-jsonschema's own command, run in this process through click's runner.

    The same command line a process would get, without a Python start-up and import for each of
    the dozen calls (about 0.5 s of CPU apiece).
    """
    return CliRunner().invoke(check_jsonschema, ["--builtin-schema", builtin, *files])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Render each answer set once for the whole module, on first use.

    These tests judge files, so copier renders them without the post-copy task (git, uv lock);
    copier raises if a render fails.
    """
    projects: dict[str, Path] = {}

    def get(answer_set: str) -> Path:
        if answer_set not in projects:
            destination = tmp_path_factory.mktemp(answer_set) / "acme-widgets"
            projects[answer_set] = render_files(destination, answer_set)
        return projects[answer_set]

    return get


def _workflows(project: Path) -> list[Path]:
    found = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    assert {p.name for p in found} >= {"ci.yml", "release.yml"}
    return found


@pytest.mark.parametrize("answer_set", list(ANSWER_SETS))
def test_every_workflow_passes_the_schema_actionlint_and_zizmor(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    project = rendered(answer_set)
    files = [str(p) for p in _workflows(project)]
    schema = _schema("vendor.github-workflows", *files)
    assert (schema.exit_code, schema.output) == (0, "ok -- validation done\n"), schema.output
    schema = _schema("vendor.dependabot", str(project / ".github" / "dependabot.yml"))
    assert (schema.exit_code, schema.output) == (0, "ok -- validation done\n"), schema.output
    lint = _tool("actionlint", "-no-color", *files)
    assert (lint.returncode, lint.stdout) == (0, ""), lint.stdout + lint.stderr
    # The whole of .github, as `make audit` runs it: Dependabot's settings are audited too.
    audit = _tool("zizmor", "--offline", "--no-progress", str(project / ".github"))
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "dependabot.yml" in audit.stderr  # zizmor did read it
    # No floating uv in any job (the release's holds credentials, the drift's can push): every
    # setup-uv names the version it installs.
    for path in files:
        jobs = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["jobs"]
        setups = [
            s for job in jobs.values() for s in job["steps"] if "setup-uv" in s.get("uses", "")
        ]
        assert setups, path
        assert all(re.fullmatch(r"\d+\.\d+\.\d+", s["with"]["version"]) for s in setups), path
        # Every job is bounded: a hung step never holds a runner (or the release's AWS
        # credentials) for GitHub's default of six hours.
        for name, job in jobs.items():
            assert 0 < job.get("timeout-minutes", 0) <= 60, f"{path}: {name}"
    pedantic = _tool(
        "zizmor",
        "--offline",
        "--no-progress",
        "--persona",
        "pedantic",
        "--format",
        "json",
        str(project / ".github" / "workflows" / "release.yml"),
    )
    findings = json.loads(pedantic.stdout or "[]")
    assert len(findings) <= 2, pedantic.stdout


def _release(rendered: Callable[[str], Path]) -> tuple[Path, dict[Any, Any]]:
    project = rendered("everything-on")
    text = (project / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    workflow: dict[Any, Any] = yaml.safe_load(text)
    return project, workflow


def test_the_release_workflow_keeps_its_contract(rendered: Callable[[str], Path]) -> None:
    project, workflow = _release(rendered)
    text = (project / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    # YAML reads the key `on` as True.
    assert workflow[True] == {"push": {"branches": ["release", "release/**"]}}
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "release", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert list(jobs) == ["check", "build", "publish", "github-release"]
    assert jobs["publish"]["needs"] == "build"
    assert jobs["github-release"]["needs"] == "publish"
    # The job that gets AWS credentials runs in the protected environment, and only it.
    assert {name: job.get("environment") for name, job in jobs.items()} == {
        "check": None,
        "build": None,
        "publish": "release",
        "github-release": None,
    }
    # Only the publish job may get an OIDC token; only the release job may write.
    for name, job in jobs.items():
        permissions = job["permissions"]
        assert (permissions.get("id-token") == "write") == (name == "publish"), name
        assert (permissions.get("contents") == "write") == (name == "github-release"), name
    uses = [step["uses"] for job in jobs.values() for step in job["steps"] if "uses" in step]
    assert uses
    assert all(PINNED.match(action) for action in uses), uses
    assert all(
        re.search(r"@[0-9a-f]{40} # v\d", line) for line in text.splitlines() if "uses:" in line
    )
    # Every step that does work is a make target; the region comes from the Makefile, not here.
    runs = [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]
    assert all(run.startswith("make ") for run in runs), runs
    aws = next(
        s for s in jobs["publish"]["steps"] if "configure-aws-credentials" in s.get("uses", "")
    )
    assert aws["with"]["aws-region"] == "${{ needs.build.outputs.region }}"
    assert aws["with"]["role-to-assume"] == "${{ vars.CODEARTIFACT_ROLE_ARN }}"
    assert "us-east-2" not in text  # the everything-on region lives in the Makefile only
    assert "CODEARTIFACT_REGION := us-east-2" in (project / "Makefile").read_text(encoding="utf-8")
    for target in ("release-dist", "publish-dist", "github-release", "login"):
        assert re.search(rf"^{target}:", (project / "Makefile").read_text(), re.MULTILINE), target


def test_the_staged_release_workflow_stages_tries_then_promotes_behind_the_gate(
    rendered: Callable[[str], Path],
) -> None:
    """Build once; stage and smoke-test with the stage role; promote in `release`; then tag."""
    project = rendered("staged")
    workflow = yaml.safe_load(
        (project / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    )
    assert workflow[True] == {"push": {"branches": ["release", "release/**"]}}
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "release", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert list(jobs) == ["check", "build", "stage", "promote", "github-release"]
    needs = {name: job.get("needs") for name, job in jobs.items()}
    assert needs == {
        "check": None,
        "build": "check",
        "stage": "build",
        "promote": ["build", "stage"],  # never without a smoke check that passed
        "github-release": "promote",
    }
    assert {name: job.get("environment") for name, job in jobs.items()} == {
        "check": None,
        "build": None,
        "stage": "staging",
        "promote": "release",  # its reviewers are the gate
        "github-release": None,
    }
    for name, job in jobs.items():
        permissions = job["permissions"]
        assert (permissions.get("id-token") == "write") == (name in {"stage", "promote"}), name
        assert (permissions.get("contents") == "write") == (name == "github-release"), name
        assert all(PINNED.match(s["uses"]) for s in job["steps"] if "uses" in s), name
    runs = {name: [s["run"] for s in job["steps"] if "run" in s] for name, job in jobs.items()}
    assert runs["stage"] == [
        "make login CODEARTIFACT_PROFILE=",
        "make stage CODEARTIFACT_PROFILE=",
        "make smoke CODEARTIFACT_PROFILE=",
    ]
    assert runs["promote"] == [
        "make login CODEARTIFACT_PROFILE=",
        "make promote CODEARTIFACT_PROFILE=",
    ]
    assert not [run for steps in runs.values() for run in steps if "publish" in run]
    roles = {
        name: next(s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", ""))
        for name, job in jobs.items()
        if name in {"stage", "promote"}
    }
    assert roles["stage"]["with"]["role-to-assume"] == "${{ vars.CODEARTIFACT_STAGE_ROLE_ARN }}"
    assert roles["promote"]["with"]["role-to-assume"] == "${{ vars.CODEARTIFACT_ROLE_ARN }}"
    assert {step["with"]["aws-region"] for step in roles.values()} == {
        "${{ needs.build.outputs.region }}"
    }
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert "CODEARTIFACT_STAGING_REPOSITORY := python-staging" in makefile
    for target in ("release-dist", "stage", "smoke", "promote", "github-release", "login"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


IAM = (
    "codeartifact-read",
    "codeartifact-publish",
    "codeartifact-name-guard",
    "codeartifact-origin-controls",
    "github-oidc-trust",
)
STAGED_IAM = ("codeartifact-stage", "codeartifact-promote", "github-oidc-trust-staging")


@pytest.mark.parametrize("answer_set", ["everything-on", "everything-off", "staged"])
def test_iam_policies_are_valid_json_scoped_to_the_project(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    project = rendered(answer_set)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    iam = project / "docs" / "iam"
    staged = bool(answers["codeartifact_staging_repository"])
    documents = (*IAM, *(STAGED_IAM if staged else ()))
    assert sorted(p.stem for p in iam.glob("*.json")) == sorted(documents)
    for name in documents:
        policy = json.loads((iam / f"{name}.json").read_text(encoding="utf-8"))
        assert policy["Version"] == "2012-10-17"
        for statement in policy["Statement"]:
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            assert all("*" not in action for action in actions), (name, actions)
            resources = statement.get("Resource", [])
            resources = [resources] if isinstance(resources, str) else resources
            for resource in resources:
                if resource == "*":  # only the STS bearer token, limited to CodeArtifact
                    assert actions == ["sts:GetServiceBearerToken"]
                    assert statement["Condition"] == {
                        "StringEquals": {"sts:AWSServiceName": "codeartifact.amazonaws.com"}
                    }
                    continue
                prefix = (
                    f"arn:aws:codeartifact:{answers['aws_region']}:{answers['aws_account_id']}:"
                )
                assert resource.startswith(prefix), (name, resource)
    publish = json.loads((iam / "codeartifact-publish.json").read_text(encoding="utf-8"))
    package = re.sub(r"[-_.]+", "-", str(answers["package_name"])).lower()
    assert publish["Statement"][0]["Resource"].endswith(f"/pypi//{package}")
    trust = json.loads((iam / "github-oidc-trust.json").read_text(encoding="utf-8"))
    condition = trust["Statement"][0]["Condition"]
    # The default is the CodeArtifact domain as the GitHub owner, and the package's name.
    repository = answers["github_repository"]
    assert repository == ANSWER_SETS[answer_set].get("github_repository", f"acme/{package}")
    # Only the publish job's environment: its protection rules are the gate to the role.
    assert condition == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": f"repo:{repository}:environment:release",
        }
    }
    assert trust["Statement"][0]["Principal"]["Federated"] == (
        f"arn:aws:iam::{answers['aws_account_id']}:oidc-provider/token.actions.githubusercontent.com"
    )
    docs = project / "docs" / "releasing.md"
    readme = (project / "README.md").read_text(encoding="utf-8")
    if staged:
        staging = json.loads((iam / "github-oidc-trust-staging.json").read_text(encoding="utf-8"))
        assert (
            staging["Statement"][0]["Condition"]["StringEquals"][
                "token.actions.githubusercontent.com:sub"
            ]
            == f"repo:{repository}:environment:staging"
        )
        stage = json.loads((iam / "codeartifact-stage.json").read_text(encoding="utf-8"))
        assert stage["Statement"][0]["Resource"].endswith(f"/python-staging/pypi//{package}")
    if answers["with_docs"]:
        text = docs.read_text(encoding="utf-8")
        for name in documents:
            assert f'--8<-- "docs/iam/{name}.json"' in text or f"iam/{name}.json" in text, name
    else:
        assert not docs.exists()
    assert "docs/iam/" in readme  # the policies are reachable without the docs site
