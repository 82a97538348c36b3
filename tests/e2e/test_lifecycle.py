"""A year of template releases: a team's project, generated from the previous release (0.1.0, the
commit c65932f of this repository) and edited, takes the current one, then the next.

Real copier, git, uv and make throughout; `gh` is the double in tests/doubles/gh.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.answer_sets import ANSWER_SETS, FULL_SETS
from tests.doubles.gh import FakeGitHub
from tests.e2e.copier_cli import copier
from tests.e2e.test_copy import data_args
from tests.machine import run
from tests.releases import release_history

if TYPE_CHECKING:
    import subprocess

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TIMINGS: list[tuple[str, float]] = []  # printed with -s: the update timings users wait for


def sh(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = run(args, cwd=cwd, env=env, timeout=900)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def make(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = run(["make", *args], cwd=cwd, env=env, timeout=900)
    TIMINGS.append((f"make {' '.join(args)}", time.monotonic() - started))
    return done


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's history in a scratch clone: 0.1.0 tagged, the tree as v0.2.0."""
    return release_history(tmp_path_factory.mktemp("releases") / "template", "v0.2.0")


def generate(releases: Path, answer_set: str, where: Path) -> Path:
    """A project from template 0.1.0, as a team got it then."""
    project = where / "acme-widgets"
    answers = ANSWER_SETS[answer_set]
    args = ("copy", "--trust", "--defaults", "--vcs-ref", "v0.1.0", *data_args(answers))
    created = copier(*args, str(releases), str(project), cwd=where)
    assert created.returncode == 0, created.stderr
    return project


def edit_like_a_team(project: Path) -> str:
    """Edits in the Makefile, a workflow, pyproject (through uv add), README, source and docs."""
    package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
    with (project / "Makefile").open("a", encoding="utf-8") as makefile:
        makefile.write("\nseed: ## Load the team's sample data\n\t@echo seeding\n")
    ci = project / ".github" / "workflows" / "ci.yml"
    ci.write_text(ci.read_text(encoding="utf-8").replace("name: CI\n", "name: CI (team)\n"))
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## Our notes\n\nAsk #widgets.\n")
    (project / "src" / package / "units.py").write_text(
        '"""Units the team added."""\n\n\ndef kibibytes(count: int) -> int:\n'
        '    """Bytes in `count` KiB."""\n    return count * 1024\n',
        encoding="utf-8",
    )
    (project / "tests" / "test_units.py").write_text(
        f"from {package}.units import kibibytes\n\n\ndef test_kibibytes() -> None:\n"
        "    assert kibibytes(2) == 2048\n",
        encoding="utf-8",
    )
    reference = project / "docs" / "reference.md"
    reference.write_text(reference.read_text(encoding="utf-8") + f"\n::: {package}.units\n")
    sh("uv", "add", "--quiet", "attrs>=23.1", cwd=project)
    sh("uv", "version", "--bump", "minor", "--quiet", cwd=project)  # the team released 0.2.0
    sh("git", "add", "--all", cwd=project)
    sh("git", "commit", "--quiet", "--message", "The team's edits", cwd=project)
    return package


def assert_team_edits_kept(project: Path, package: str) -> None:
    assert "seed: ## Load the team's sample data" in (project / "Makefile").read_text()
    assert "name: CI (team)" in (project / ".github/workflows/ci.yml").read_text()
    assert "Ask #widgets." in (project / "README.md").read_text()
    assert (project / "src" / package / "units.py").is_file()
    assert '"attrs>=23.1"' in (project / "pyproject.toml").read_text()
    assert 'name = "attrs"' in (project / "uv.lock").read_text()
    assert not list(project.rglob("*.rej"))
    for path in sh(
        "git", "ls-files", "--modified", "--others", "--exclude-standard", cwd=project
    ).split():
        lines = (project / path).read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if line.startswith("<<<<<<< ")], path


@pytest.mark.parametrize("answer_set", FULL_SETS)
def test_a_team_project_takes_the_current_release_and_stays_green(
    releases: Path, tmp_path: Path, answer_set: str
) -> None:
    project = generate(releases, answer_set, tmp_path)
    package = edit_like_a_team(project)

    # 0.1.0 has no `make update-template`: its one update is the command docs/updating.md gives.
    started = time.monotonic()
    updated = copier(
        "update",
        "--trust",
        "--defaults",
        "--conflict",
        "inline",
        "--vcs-ref",
        "v0.2.0",
        cwd=project,
    )
    TIMINGS.append((f"copier update 0.1.0 -> 0.2.0 ({answer_set})", time.monotonic() - started))
    said = updated.stdout + updated.stderr
    assert updated.returncode == 0, said
    assert "Traceback" not in said

    assert_team_edits_kept(project, package)
    # The rename migration moved the team's page, edits and all; the old name is gone.
    assert not (project / "docs" / "reference.md").exists()
    assert f"::: {package}.units" in (project / "docs" / "api.md").read_text()
    # The migration that needs a person says exactly what to do, with this project's names.
    repository = ANSWER_SETS[answer_set].get("github_repository", "acme/acme-widgets")
    assert f"https://github.com/{repository}/settings/actions" in said
    assert "Allow GitHub Actions to create and approve pull requests" in said
    assert f"https://github.com/{repository}/settings/environments" in said
    assert "aws iam update-assume-role-policy --role-name ROLE_NAME" in said
    assert "_commit: v0.2.0" in (project / ".copier-answers.yml").read_text()
    # The template moved the version line; the team's version moved with it.
    pyproject = (project / "pyproject.toml").read_text()
    assert pyproject.count('version = "0.2.0"\n') == 1
    assert 'version = "0.2.0"\nclassifiers = [' in pyproject
    assert "kept your version 0.2.0" in said
    assert (project / ".github" / "workflows" / "template-drift.yml").is_file()
    # `make check` starts with `uv lock --check`: the update re-locked uv.lock.
    checked = make("check", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def release_next(releases: Path) -> None:
    """Template 0.3.0: one more change to a template file, with its CHANGELOG section."""
    editorconfig = releases / "template" / ".editorconfig"
    editorconfig.write_text(editorconfig.read_text() + "\n[*.sql]\nindent_size = 2\n")
    changelog = releases / "CHANGELOG.md"
    text = changelog.read_text()
    section = "## [0.3.0] - 2027-01-04\n\n### Added\n\n- SQL files are indented by two spaces.\n\n"
    head, sep, rest = text.partition("\n## ")
    changelog.write_text(f"{head}\n{section}{sep.lstrip()}{rest}" if sep else text + section)
    sh("git", "commit", "--quiet", "--all", "--message", "Release 0.3.0", cwd=releases)
    sh("git", "tag", "v0.3.0", cwd=releases)


def test_make_update_template_and_the_drift_check_take_the_next_release(  # noqa: PLR0915 - one project through a year of updates, each step on the one before
    releases: Path, tmp_path: Path
) -> None:
    """From 0.2.0 on, projects update themselves: by hand, and through the weekly drift check."""
    where = tmp_path / "team"
    where.mkdir()
    project = where / "acme-widgets"
    created = copier(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        "v0.2.0",
        str(releases),
        str(project),
        cwd=where,
    )
    assert created.returncode == 0, created.stderr
    assert "Next steps" in created.stdout + created.stderr
    sh("uv", "add", "--quiet", "attrs>=23.1", cwd=project)
    sh("git", "commit", "--quiet", "--all", "--message", "Add attrs", cwd=project)
    lock = (project / "uv.lock").read_text()

    # recopy is not a first copy: no re-lock of the team's dependencies, no first-run steps.
    recopied = copier("recopy", "--trust", "--defaults", "--overwrite", cwd=project)
    said = recopied.stdout + recopied.stderr
    assert recopied.returncode == 0, said
    assert (project / "uv.lock").read_text() == lock
    assert "Next steps" not in said
    assert "Recopied acme-widgets from the template" in said
    sh("git", "checkout", "--quiet", "--", ".", cwd=project)

    # An update refuses uncommitted work, in one line, and changes nothing.
    (project / "README.md").write_text("draft\n")
    refused = make("update-template", cwd=project)
    assert refused.returncode == 2  # make's own code; the script's is 3
    assert "error: the working tree has 1 uncommitted change(s)" in refused.stderr
    assert "Traceback" not in refused.stderr
    sh("git", "checkout", "--quiet", "--", "README.md", cwd=project)

    release_next(releases)
    origin = tmp_path / "origin.git"
    sh("git", "init", "--quiet", "--bare", str(origin), cwd=tmp_path)
    sh("git", "remote", "add", "origin", str(origin), cwd=project)
    sh("git", "push", "--quiet", "origin", "main", cwd=project)
    gh = FakeGitHub(tmp_path / "gh-state.json")
    bin_dir = gh.install(tmp_path / "gh-bin").parent
    env = {**os.environ, **gh.env(), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    # Behind: the drift check pushes template-update and opens one labelled pull request.
    drift = make("template-drift", cwd=project, env=env)
    assert drift.returncode == 0, drift.stdout + drift.stderr
    (pull,) = gh.pulls
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["labels"]) == (
        "template-update",
        "main",
        [{"name": "template-update"}],
    )
    assert pull["title"] == "Update the template to v0.3.0"
    assert "Template: v0.2.0 -> v0.3.0" in pull["body"]
    assert "SQL files are indented by two spaces." in pull["body"]  # the skipped CHANGELOG
    assert "make check: green" in pull["body"]
    pushed = sh("git", "show", "template-update:.editorconfig", cwd=origin)
    assert "[*.sql]" in pushed
    assert sh("git", "branch", "--show-current", cwd=project).strip() == "main"
    # Run again: the branch already carries 0.3.0, so nothing is pushed or opened.
    again = make("template-drift", cwd=project, env=env)
    assert again.returncode == 0, again.stderr
    assert "already carries v0.3.0" in again.stderr
    assert len(gh.pulls) == 1

    # By hand, after a version bump, changing an answer on the way: `make update-template`,
    # through the pinned copier, merges without a conflict and ends green with a summary.
    sh("uv", "version", "--bump", "minor", "--quiet", cwd=project)
    sh("git", "commit", "--quiet", "--all", "--message", "Release 0.2.0", cwd=project)
    updated = make("update-template", "DATA=description=Widgets for everyone", cwd=project)
    said = updated.stdout + updated.stderr
    assert updated.returncode == 0, said
    assert "Template: v0.2.0 -> v0.3.0" in said
    assert "Conflicts to resolve: none" in said
    assert "uv.lock: current" in said
    assert "make check: green" in said
    assert "[*.sql]" in (project / ".editorconfig").read_text()
    pyproject = (project / "pyproject.toml").read_text()
    assert 'description = "Widgets for everyone"' in pyproject
    assert 'version = "0.2.0"' in pyproject
    assert '"attrs>=23.1"' in pyproject
    sh("git", "commit", "--quiet", "--all", "--message", "Template 0.3.0", cwd=project)

    # Current: both say so and change nothing.
    current = make("update-template", cwd=project)
    assert current.returncode == 0, current.stderr
    assert "Already on template v0.3.0" in current.stderr
    quiet = make("template-drift", cwd=project, env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert "nothing to do" in quiet.stderr
    # A release that does not exist: copier's reason in one line, and nothing changed.
    missing = make("update-template", "REF=v9.9.9", cwd=project)
    assert missing.returncode == 2, missing.stderr  # make's own code; the script's is 4
    (message,) = [line for line in missing.stderr.splitlines() if line.startswith("error:")]
    assert message.startswith("error: copier update failed, nothing was changed:")
    assert "Traceback" not in message
    assert sh("git", "status", "--porcelain", cwd=project) == ""
    print("\n".join(f"{seconds:6.1f} s  {name}" for name, seconds in TIMINGS))  # noqa: T201
