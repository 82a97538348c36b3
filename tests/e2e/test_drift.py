"""The weekly drift check end to end: a generated project's template-drift.yml, job by job.

A project generated from a tagged clone of this repository (the real copier CLI; its tools run
from that clone's source) records its template as gh:acme/codeartifact-python-template; git finds
that address in a folder standing in for GitHub, where the test releases new versions. The
project's `origin` is a bare repository. Each job of the workflow runs its own `run:` steps with
bash (tests/e2e/jobs.py), in a fresh clone, with no token but the one the workflow gives it; the
actions are played by the test: a checkout is a clone, an artifact a folder, the GitHub App's
token a string. `gh` is the double in tests/doubles/gh.py.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.doubles.gh import FakeGitHub
from tests.e2e.copier_cli import copier
from tests.e2e.jobs import Place, Result, run_job
from tests.machine import git
from tests.releases import release_history

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ".github/workflows/template-drift.yml"
TEMPLATE = "acme/codeartifact-python-template"
# The working tree is tagged far above any real release: none of the template's own migrations
# runs in these updates, only the ones the tests add.
CURRENT = "v90.0.0"
APP = "Iv23liTemplateDrift"  # the App's client id, a repository variable
KEY = "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----"
WORKFLOW_TOKEN = "workflow-token"  # noqa: S105 - a stand-in the test follows, no secret
APP_TOKEN = "app-installation-token"  # noqa: S105 - a stand-in the test follows, no secret
BOT = "41898282+github-actions[bot]@users.noreply.github.com"


@dataclass
class Project:
    """A team's project on a stand-in GitHub, and the drift check's runs on it."""

    tmp: Path
    releases: Path  # the template repository, where new releases are tagged
    github: Path  # GitHub's git host: owner/name.git folders
    origin: Path
    gh: FakeGitHub
    workflow: dict[str, Any]
    tokens: list[dict[str, str]] = field(default_factory=list)  # the App tokens asked for
    runs: int = 0

    def env(self, place: Path, *, reads_github: bool) -> dict[str, str]:
        """A runner's environment: this machine's without any token, its own git and copier."""
        config = place / "gitconfig"
        config.write_text(
            f'[url "file://{self.github}/"]\n\tinsteadOf = https://github.com/\n'
            if reads_github
            else ""
        )
        env = {k: v for k, v in os.environ.items() if "TOKEN" not in k.upper()}
        return {
            **env,
            **self.gh.env(),
            "PATH": f"{self.tmp / 'gh-bin'}{os.pathsep}{os.environ['PATH']}",
            "GIT_CONFIG_GLOBAL": str(config),
            "COPIER_CACHE_DIR": str(place / "copier-cache"),
            "GITHUB_REF_NAME": "main",
            "GITHUB_REPOSITORY": "acme/acme-widgets",
        }

    def drift(self, *, app: bool, until: str = "publish") -> dict[str, Result]:
        """One run of the workflow, up to job UNTIL: each job whose `if` holds, in order."""
        self.runs += 1
        results: dict[str, Result] = {}
        for name, job in self.workflow["jobs"].items():
            needs = {need: results[need] for need in _needs(job)}
            results[name] = self.job(name, app=app, needs=needs)
            if name == until:
                break
        return results

    def job(self, name: str, *, app: bool, needs: dict[str, Result]) -> Result:
        """Run job NAME in this run's folder (a re-run of a job uses the run's artifacts)."""
        run = self.tmp / f"run-{self.runs}"
        place = Place(run / name / "work", run / name / "temp")
        shutil.rmtree(place.workspace.parent, ignore_errors=True)  # a re-run starts afresh
        context = {
            "vars.TEMPLATE_APP_CLIENT_ID": APP if app else "",
            "secrets.TEMPLATE_APP_PRIVATE_KEY": KEY,
            "github.token": WORKFLOW_TOKEN,
        }
        # Only the template job, and a public template's prepare job, reach GitHub's git host.
        reads = name == "template" or (name == "prepare" and not app)
        place.temp.mkdir(parents=True)
        return run_job(
            self.workflow,
            name,
            place=place,
            context=context,
            actions=self.actions(run / "artifacts"),
            env=self.env(place.temp, reads_github=reads),
            needs=needs,
        )

    def actions(self, artifacts: Path) -> dict[str, Any]:
        def checkout(inputs: dict[str, str], place: Place) -> dict[str, str]:
            assert inputs["persist-credentials"] == "false"
            git("clone", "--quiet", str(self.origin), str(place.workspace), cwd=self.tmp)
            return {}

        def setup_uv(inputs: dict[str, str], _: Place) -> dict[str, str]:
            assert inputs["enable-cache"] == "false"  # no cache saved by a job running templates
            return {}

        def app_token(inputs: dict[str, str], _: Place) -> dict[str, str]:
            assert (inputs.pop("client-id"), inputs.pop("private-key")) == (APP, KEY)
            self.tokens.append(inputs)
            return {"token": APP_TOKEN}

        def upload(inputs: dict[str, str], _: Place) -> dict[str, str]:
            source, target = Path(inputs["path"]), artifacts / inputs["name"]
            assert source.exists(), inputs  # if-no-files-found: error
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.mkdir(parents=True)
                shutil.copy2(source, target)
            return {}

        def download(inputs: dict[str, str], _: Place) -> dict[str, str]:
            shutil.copytree(artifacts / inputs["name"], Path(inputs["path"]), dirs_exist_ok=True)
            return {}

        return {
            "actions/checkout": checkout,
            "astral-sh/setup-uv": setup_uv,
            "actions/create-github-app-token": app_token,
            "actions/upload-artifact": upload,
            "actions/download-artifact": download,
        }

    def branch(self, *args: str) -> str:
        """`git show` (or any other command) in origin."""
        return git(*args, cwd=self.origin)


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def release(releases: Path, version: str, note: str, edits: dict[str, tuple[str, str]]) -> None:
    """Tag a template release: EDITS (path: old, new text) and its CHANGELOG section."""
    for path, (old, new) in edits.items():
        file = releases / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    changelog = releases / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n## ")
    section = f"## [{version}] - 2027-01-04\n\n### Changed\n\n- {note}\n\n"
    changelog.write_text(f"{head}\n{section}## {rest}", encoding="utf-8")
    git("commit", "--quiet", "--all", "--message", f"Release {version}", cwd=releases)
    git("tag", f"v{version}", cwd=releases)


# Template 90.1.0 brings two migration steps: one that only says what it did, one for a person.
MIGRATIONS = """\
_migrations:
  - version: "90.1.0"
    command:
      - "{{ _copier_python }}"
      - -c
      - "import sys; print('template migration: moved nothing, a test', file=sys.stderr)"
  - version: "90.1.0"
    command:
      - "{{ _copier_python }}"
      - "{{ _copier_conf.src_path }}/hooks/migrations.py"
      - say
      - Tick the box in the drift test.
"""


TAB_FILE, TAB = "template/.editorconfig", "[Makefile]\nindent_style = tab\n"


def release_90_1_0(releases: Path) -> None:
    release(
        releases,
        "90.1.0",
        "SQL files are indented by two spaces.",
        {
            TAB_FILE: (TAB, f"{TAB}\n[*.sql]\nindent_size = 2\n"),
            "copier.yml": ("_migrations:\n", MIGRATIONS),
        },
    )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """acme-widgets on template 90.0.0, from a template on GitHub, pushed to its origin."""
    releases = release_history(tmp_path / "releases", CURRENT)
    github = tmp_path / "github"
    (github / "acme").mkdir(parents=True)
    (github / f"{TEMPLATE}.git").symlink_to(releases)
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    work = laptop / "acme-widgets"
    args = ("copy", "--trust", "--defaults", "--vcs-ref", CURRENT, str(releases), str(work))
    created = copier(*args, cwd=laptop)
    assert created.returncode == 0, created.stderr
    # The address a team's project records when it was generated from the template on GitHub.
    answers = work / ".copier-answers.yml"
    text = re.sub(
        r"^_src_path: .*$", f"_src_path: gh:{TEMPLATE}", answers.read_text(), flags=re.MULTILINE
    )
    answers.write_text(text)
    git("commit", "--quiet", "--all", "--message", "The template is on GitHub", cwd=work)
    origin = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    git("push", "--quiet", str(origin), "main", cwd=work)
    gh = FakeGitHub(tmp_path / "gh-state.json")
    gh.install(tmp_path / "gh-bin")
    workflow = yaml.safe_load((work / WORKFLOW).read_text())
    return Project(tmp_path, releases, github, origin, gh, workflow)


def _no_token_in_prepare(run: dict[str, Result]) -> None:
    """The job that runs the template's code had no token, asked gh nothing, used no secret."""
    for step in run["prepare"].steps:
        assert not {"GH_TOKEN", "GITHUB_TOKEN"} & set(step.env), step.name
        assert not {WORKFLOW_TOKEN, APP_TOKEN, KEY} & set(step.env.values()), step.name


class TestWorkflowToken:
    """The workflow token's way (a worker of its own: the journeys run side by side)."""

    def test_the_workflow_token_path_opens_the_pull_request_and_starts_ci(
        self, project: Project
    ) -> None:
        release_90_1_0(project.releases)

        run = project.drift(app=False)
        assert not run["template"].ran  # no App: nothing to copy
        prepare, publish = run["prepare"], run["publish"]
        assert prepare.ok, prepare.log
        assert (
            "Path: the workflow token, because the variable TEMPLATE_APP_CLIENT_ID is not set"
            in (prepare.log)
        )
        assert prepare.outputs == {"result": "update", "version": "v90.1.0"}
        _no_token_in_prepare(run)
        assert publish.ok, publish.log
        assert (
            "Path: the workflow token, because the variable TEMPLATE_APP_CLIENT_ID" in publish.log
        )
        assert {s.env.get("GH_TOKEN") for s in publish.steps if s.env} == {None, WORKFLOW_TOKEN}
        assert not project.tokens

        # One labelled pull request, with the summary, every migration line and the CHANGELOG.
        (pull,) = project.gh.pulls
        assert (pull["head"]["ref"], pull["base"]["ref"], pull["labels"]) == (
            "template-update",
            "main",
            [{"name": "template-update"}],
        )
        assert pull["title"] == "Update the template to v90.1.0"
        body = pull["body"]
        assert "Template: v90.0.0 -> v90.1.0" in body
        assert "make check: green" in body
        assert "Template migrations: 2, 1 asking you to act (ACTION NEEDED)" in body
        assert "  - moved nothing, a test" in body
        assert "  - ACTION NEEDED: Tick the box in the drift test." in body
        assert "- [ ] Tick the box in the drift test." in body
        assert "SQL files are indented by two spaces." in body
        assert "[*.sql]" in project.branch("show", "template-update:.editorconfig")
        message = project.branch("log", "-1", "--format=%ce%n%B", "template-update")
        assert message.startswith(
            f"{BOT}\nUpdate the template to v90.1.0\n\nTemplate-Drift: v90.1.0\n"
        )
        # The workflow token's pull request starts no workflow: CI is dispatched on the branch.
        assert project.gh.dispatches == [{"workflow": "ci.yml", "ref": "template-update"}]
        assert "Started CI on template-update: a workflow_dispatch of ci.yml" in publish.log
        # The publish job trusts nothing the prepare job says without checking it on the branch.
        pushed = project.branch("rev-parse", "template-update")
        forged = Result(ran=True, outputs={"result": "update", "version": "v9.9.9"})
        refused = project.job("publish", app=False, needs={"prepare": forged})
        assert not refused.ok
        assert (
            "::error::The branch handed over is not one commit of make template-drift"
            in refused.log
        )
        assert project.branch("rev-parse", "template-update") == pushed

        # A week later, nothing newer: the branch already carries 90.1.0, nothing is published.
        again = project.drift(app=False)
        assert again["prepare"].outputs["result"] == "branch-current", again["prepare"].log
        assert "The template-update branch already carries v90.1.0" in again["prepare"].log
        assert not again["publish"].ran
        assert len(project.gh.pulls) == 1
        assert len(project.gh.dispatches) == 1


class TestGitHubApp:
    """The GitHub App's way."""

    def test_the_app_path_reads_a_copy_refreshes_the_pull_request_and_keeps_a_reviewers_work(  # noqa: PLR0915 - one project through three releases, each step on the one before
        self,
        project: Project,
    ) -> None:
        release_90_1_0(project.releases)

        run = project.drift(app=True)
        template, prepare, publish = run["template"], run["prepare"], run["publish"]
        assert template.ok, template.log
        # The App's token for the template job: the template repository alone, read-only.
        assert project.tokens[0] == {
            "owner": "acme",
            "repositories": "codeartifact-python-template",
            "permission-contents": "read",
        }
        # The prepare job reached no GitHub (its git had no way there): it read the template copy.
        assert prepare.ok, prepare.log
        assert (
            "Path: the GitHub App, because the variable TEMPLATE_APP_CLIENT_ID is set"
            in prepare.log
        )
        assert prepare.outputs["result"] == "update"
        _no_token_in_prepare(run)
        assert publish.ok, publish.log
        assert (
            "Path: the GitHub App, because the variable TEMPLATE_APP_CLIENT_ID is set"
            in publish.log
        )
        # The App's token for publishing: this repository alone (no owner or repositories).
        assert project.tokens[1] == {
            "permission-contents": "write",
            "permission-pull-requests": "write",
            "permission-workflows": "write",
        }
        assert {s.env.get("GH_TOKEN") for s in publish.steps if s.env} == {None, APP_TOKEN}
        (pull,) = project.gh.pulls
        assert pull["title"] == "Update the template to v90.1.0"
        assert project.gh.dispatches == []  # the App's pull request starts CI by itself
        first = project.branch("rev-parse", "template-update")

        # 90.2.0 changes a workflow. The workflow token may not push that: the publish job says so.
        release(
            project.releases,
            "90.2.0",
            "CI says which template release wrote it.",
            {
                "template/.github/workflows/ci.yml.jinja": (
                    "# Continuous integration.",
                    "# Continuous integration (template 90.2.0).",
                )
            },
        )
        prepared = project.drift(app=True, until="prepare")["prepare"]
        assert prepared.outputs["result"] == "update", prepared.log
        refused = project.job("publish", app=False, needs={"prepare": prepared})
        assert not refused.ok
        assert "::error::The update changes .github/workflows/ci.yml" in refused.log
        assert "GitHub refuses workflow files pushed with the workflow token" in refused.log
        assert project.branch("rev-parse", "template-update") == first

        # The App may: the branch, made by the check alone, is replaced and its pull request
        # refreshed.
        published = project.job("publish", app=True, needs={"prepare": prepared})
        assert published.ok, published.log
        assert "Refreshed pull request #1: Update the template to v90.2.0" in published.log
        (pull,) = project.gh.pulls
        assert pull["title"] == "Update the template to v90.2.0"
        assert "Template: v90.0.0 -> v90.2.0" in pull["body"]
        assert "(template 90.2.0)" in project.branch(
            "show", "template-update:.github/workflows/ci.yml"
        )
        refreshed = project.branch("rev-parse", "template-update")

        # A reviewer pushes to the branch. Publishing again (the same run's artifacts) keeps it.
        reviewer = project.tmp / "reviewer"
        git(
            "clone",
            "--quiet",
            "--branch",
            "template-update",
            str(project.origin),
            str(reviewer),
            cwd=project.tmp,
        )
        (reviewer / "NOTES.md").write_text("Checked the CI change.\n")
        git("add", "--all", cwd=reviewer)
        git("commit", "--quiet", "--message", "Note the CI change", cwd=reviewer)
        git("push", "--quiet", "origin", "template-update", cwd=reviewer)
        reviewed = project.branch("rev-parse", "template-update")
        assert reviewed != refreshed
        edits = len([c for c in project.gh.calls if c[:2] == ["pr", "edit"]])
        again = project.job("publish", app=True, needs={"prepare": prepared})
        assert again.ok, again.log
        assert "::warning::template-update has commits the drift check did not make" in again.log
        assert "tests@example.com: Note the CI change" in again.log
        assert project.branch("rev-parse", "template-update") == reviewed
        assert len([c for c in project.gh.calls if c[:2] == ["pr", "edit"]]) == edits

        # The next release waits for the reviewer: the prepare job says why, and runs no update.
        markdown = f"{TAB}\n[*.md]\ntrim_trailing_whitespace = false\n"
        release(
            project.releases,
            "90.3.0",
            "Markdown keeps its line breaks.",
            {TAB_FILE: (TAB, markdown)},
        )
        later = project.drift(app=True)
        assert later["prepare"].outputs["result"] == "branch-edited", later["prepare"].log
        assert "has 1 commit(s) the drift check did not make" in later["prepare"].log
        assert "make update-template REF=v90.3.0" in later["prepare"].log
        assert "Updating from template" not in later["prepare"].log
        assert not later["publish"].ran
        assert project.branch("rev-parse", "template-update") == reviewed


def test_the_prepare_job_holds_no_secret_and_only_publish_may_write() -> None:
    # Verbatim YAML in the template: the file every project gets.
    workflow = yaml.safe_load((ROOT / "template" / WORKFLOW).read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert list(jobs) == ["template", "prepare", "publish"]
    assert workflow["permissions"] == {}
    assert jobs["template"]["permissions"] == {"contents": "read"}
    assert jobs["prepare"]["permissions"] == {"contents": "read"}
    assert set(jobs["publish"]["permissions"]) == {"contents", "pull-requests", "actions"}
    assert all(0 < job["timeout-minutes"] <= 60 for job in jobs.values())
    # The job that runs the template's code gets no secret and no token.
    prepare = yaml.safe_dump(jobs["prepare"])
    for word in ("secrets.", "github.token", "GH_TOKEN", "GITHUB_TOKEN"):
        assert word not in prepare, word
    runs = {name: [s["run"] for s in job["steps"] if "run" in s] for name, job in jobs.items()}
    # Only `prepare` runs project or template code, through one make target; the others run
    # git and gh (or the shell) alone.
    command = re.compile(r"(^|[;&|(]|\$\()\s*(make|copier|uvx?|python3?|\./)", re.MULTILINE)
    assert [run for run in runs["prepare"] if command.search(run)] == [
        'make template-drift OUT="$RUNNER_TEMP/template-drift"'
    ]
    assert not [run for run in runs["template"] + runs["publish"] if command.search(run)]
    assert any("git push" in run for run in runs["publish"])
