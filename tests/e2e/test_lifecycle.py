"""Years of template releases: a team's project takes each one and stays green.

This repository's history, tagged in a scratch clone: 0.1.0 (commit c65932f), 0.2.0 (d4ffd7f),
and the working tree as the current release, which moves the template's tools out of the project
into one package. Real copier, git, uv and make throughout, and each release's own update path:
0.1.0 has no `make update-template`, 0.2.0 runs its own copy of the update script.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from codeartifact_python_tools import __version__ as tools_version

from tests.answer_sets import ANSWER_SETS
from tests.e2e.copier_cli import copier
from tests.e2e.test_copy import data_args
from tests.machine import run
from tests.releases import release_history

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

pytestmark = pytest.mark.e2e

CURRENT = f"v{tools_version}"  # template release X.Y.Z is tools release X.Y.Z
TIMINGS: list[tuple[str, float]] = []  # printed with -s: the update timings users wait for


def sh(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = run(args, cwd=cwd, env=env, timeout=900)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def make(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = run(["make", *args], cwd=cwd, timeout=900)
    TIMINGS.append((f"make {' '.join(args)}", time.monotonic() - started))
    return done


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's history in a scratch clone: 0.1.0 and 0.2.0 tagged, the tree current."""
    return release_history(tmp_path_factory.mktemp("releases") / "template", CURRENT)


def generate(releases: Path, answer_set: str, where: Path, release: str) -> Path:
    """A project from an earlier template release, as a team got it then."""
    project = where / "acme-widgets"
    answers = ANSWER_SETS[answer_set]
    args = ("copy", "--trust", "--defaults", "--vcs-ref", release, *data_args(answers))
    created = copier(*args, str(releases), str(project), cwd=where)
    assert created.returncode == 0, created.stderr
    return project


def edit_like_a_team(project: Path, reference: str) -> str:
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
    page = project / "docs" / reference
    page.write_text(page.read_text(encoding="utf-8") + f"\n::: {package}.units\n")
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


def assert_on_the_tools_package(project: Path) -> None:
    """The current release: no scripts/ code of the template's, the tools pinned and runnable."""
    assert not list(project.glob("scripts/**/*.py"))
    header = (project / "tools.py").read_text(encoding="utf-8")
    assert "codeartifact-python-tools" in header
    assert (project / "tools.py.lock").is_file()
    assert f"_commit: {CURRENT}" in (project / ".copier-answers.yml").read_text()
    # The tools answer through the Makefile, as they will in the release job.
    checked = make("check-name", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "name guard: ok: " in checked.stderr
    # The docs left MkDocs 1.x with the update: ProperDocs builds them, strictly, no banner.
    if (project / "mkdocs.yml").is_file():
        docs = make("docs", cwd=project)
        said = docs.stdout + docs.stderr
        assert docs.returncode == 0, said
        assert "properdocs build --strict --config-file mkdocs.yml" in said
        assert "end of life" not in said.lower()
        assert '"properdocs>=' in (project / "pyproject.toml").read_text()


class TestFrom010:
    """A 0.1.0 project, through 0.2.0 (a worker of its own: the journeys run side by side)."""

    def test_a_project_from_0_1_0_takes_0_2_0_then_the_tools_package_and_stays_green(
        self, releases: Path, tmp_path: Path
    ) -> None:
        project = generate(releases, "defaults", tmp_path, "v0.1.0")
        package = edit_like_a_team(project, "reference.md")

        # 0.1.0 has no `make update-template`: its one update is the command docs/updating.md gives.
        started = time.monotonic()
        args = ("update", "--trust", "--defaults", "--conflict", "inline", "--vcs-ref", "v0.2.0")
        updated = copier(*args, cwd=project)
        TIMINGS.append(("copier update 0.1.0 -> 0.2.0", time.monotonic() - started))
        said = updated.stdout + updated.stderr
        assert updated.returncode == 0, said
        assert "Traceback" not in said
        assert_team_edits_kept(project, package)
        # The rename migration moved the team's page, edits and all; the old name is gone.
        assert not (project / "docs" / "reference.md").exists()
        assert f"::: {package}.units" in (project / "docs" / "api.md").read_text()
        # The migrations that need a person say exactly what to do, with this project's names.
        assert "https://github.com/acme/acme-widgets/settings/actions" in said
        assert "aws iam update-assume-role-policy --role-name ROLE_NAME" in said
        pyproject = (project / "pyproject.toml").read_text()
        assert pyproject.count('version = "0.2.0"\n') == 1  # the team's version, on the moved line
        assert "kept your version 0.2.0" in said
        sh("git", "add", "--all", cwd=project)
        sh("git", "commit", "--quiet", "--message", "Template 0.2.0", cwd=project)

        # From 0.2.0 on, the project updates itself, with 0.2.0's own update script and copier pin.
        moved = make("update-template", cwd=project)
        said = moved.stdout + moved.stderr
        assert moved.returncode == 0, said
        assert f"Template: v0.2.0 -> {CURRENT}" in said
        assert "Conflicts to resolve: none" in said
        assert "make check: green" in said
        assert_team_edits_kept(project, package)
        assert_on_the_tools_package(project)


class TestFrom020:
    """A 0.2.0 project whose team patched a script."""

    def test_a_0_2_0_project_with_a_patched_script_keeps_the_patch_aside_and_stays_green(
        self, releases: Path, tmp_path: Path
    ) -> None:
        """The platform team's worry: a team that patched the template's scripts loses nothing."""
        project = generate(releases, "everything-on", tmp_path, "v0.2.0")
        package = edit_like_a_team(project, "api.md")
        patched = project / "scripts" / "template_update" / "cli.py"
        text = patched.read_text(encoding="utf-8")
        assert "Already on template" in text
        patched.write_text(text.replace("Already on template", "Up to date with template"), "utf-8")
        sh("git", "commit", "--quiet", "--all", "--message", "Our wording", cwd=project)

        updated = make("update-template", cwd=project)
        said = updated.stdout + updated.stderr
        assert updated.returncode == 0, said
        assert "make check: green" in said
        # Named, with what to do, in the summary the update prints...
        assert "ACTION NEEDED" in said or "The new template version asks you to:" in said
        assert "scripts/template_update/cli.py" in said
        assert "scripts/template_update/cli.py.kept" in said
        # ...and the team's copy is there, set aside where no tool reads it as code.
        kept = project / "scripts" / "template_update" / "cli.py.kept"
        assert "Up to date with template" in kept.read_text(encoding="utf-8")
        leftovers = sorted(p.relative_to(project).as_posix() for p in project.rglob("scripts/**/*"))
        assert leftovers == ["scripts/template_update", "scripts/template_update/cli.py.kept"]
        assert_team_edits_kept(project, package)
        sh("git", "add", "--all", cwd=project)
        sh("git", "commit", "--quiet", "--message", "Template with the tools package", cwd=project)
        assert_on_the_tools_package(project)


def release_next(releases: Path, version: str) -> None:
    """A next template release: one more change to a template file, with its CHANGELOG section."""
    editorconfig = releases / "template" / ".editorconfig"
    editorconfig.write_text(editorconfig.read_text() + "\n[*.sql]\nindent_size = 2\n")
    changelog = releases / "CHANGELOG.md"
    text = changelog.read_text()
    section = (
        f"## [{version}] - 2027-01-04\n\n### Added\n\n- SQL files are indented by two spaces.\n\n"
    )
    head, sep, rest = text.partition("\n## ")
    changelog.write_text(f"{head}\n{section}{sep.lstrip()}{rest}" if sep else text + section)
    sh("git", "commit", "--quiet", "--all", "--message", f"Release {version}", cwd=releases)
    sh("git", "tag", f"v{version}", cwd=releases)


class TestByHand:
    """A current project: recopy, then updates by hand."""

    def test_recopy_then_make_update_template_by_hand(self, tmp_path: Path) -> None:  # noqa: PLR0915 - one project through a year, each step on the one before
        """From the current release on: recopy keeps what the team declared; updates by hand."""
        releases = release_history(tmp_path / "releases", CURRENT)
        where = tmp_path / "team"
        where.mkdir()
        project = generate(releases, "defaults", where, CURRENT)
        sh("uv", "add", "--quiet", "attrs>=23.1", cwd=project)
        sh("uv", "version", "--bump", "minor", "--quiet", cwd=project)
        sh(
            "git",
            "commit",
            "--quiet",
            "--all",
            "--message",
            "Add attrs, release 0.2.0",
            cwd=project,
        )
        lock = (project / "uv.lock").read_text()

        # recopy renders pyproject.toml as the template has it, then puts the team's values back;
        # it is no first copy: no re-lock of the team's dependencies, no first-run steps.
        recopied = copier("recopy", "--trust", "--defaults", "--overwrite", cwd=project)
        said = recopied.stdout + recopied.stderr
        assert recopied.returncode == 0, said
        pyproject = (project / "pyproject.toml").read_text()
        assert '"attrs>=23.1"' in pyproject
        assert 'version = "0.2.0"' in pyproject
        assert "kept your version and dependencies" in said
        assert (project / "uv.lock").read_text() == lock
        assert "Next steps" not in said
        assert "Recopied acme-widgets from the template" in said
        assert sh("git", "status", "--porcelain", cwd=project) == ""  # nothing else had changed
        checked = make("check", cwd=project)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        # An update refuses uncommitted work, in one line, and changes nothing.
        (project / "README.md").write_text("draft\n")
        refused = make("update-template", cwd=project)
        assert refused.returncode == 2  # make's own code; the tools' is 3
        assert "error: the working tree has 1 uncommitted change(s)" in refused.stderr
        assert "Traceback" not in refused.stderr
        sh("git", "checkout", "--quiet", "--", "README.md", cwd=project)

        # The next release, taken by hand with an answer changed on the way: it merges without a
        # conflict and ends green with a summary.
        major, minor, patch = (int(part) for part in tools_version.split("."))
        following = f"{major}.{minor}.{patch + 1}"
        release_next(releases, following)
        updated = make("update-template", "DATA=description=Widgets for everyone", cwd=project)
        said = updated.stdout + updated.stderr
        assert updated.returncode == 0, said
        assert f"Template: {CURRENT} -> v{following}" in said
        assert "Conflicts to resolve: none" in said
        assert "uv.lock: current" in said
        assert "make check: green" in said
        assert "[*.sql]" in (project / ".editorconfig").read_text()
        pyproject = (project / "pyproject.toml").read_text()
        assert 'description = "Widgets for everyone"' in pyproject
        assert 'version = "0.2.0"' in pyproject
        assert '"attrs>=23.1"' in pyproject
        sh("git", "commit", "--quiet", "--all", "--message", f"Template {following}", cwd=project)

        # Current: it says so and changes nothing.
        current = make("update-template", cwd=project)
        assert current.returncode == 0, current.stderr
        assert f"Already on template v{following}" in current.stderr
        # A release that does not exist: copier's reason in one line, and nothing changed.
        missing = make("update-template", "REF=v9.9.9", cwd=project)
        assert missing.returncode == 2, missing.stderr  # make's own code; the tools' is 4
        (message,) = [line for line in missing.stderr.splitlines() if line.startswith("error:")]
        assert message.startswith("error: copier update failed, nothing was changed:")
        assert "Traceback" not in message
        assert sh("git", "status", "--porcelain", cwd=project) == ""
        print("\n".join(f"{seconds:6.1f} s  {name}" for name, seconds in TIMINGS))  # noqa: T201
