"""The update's migration steps (hooks/migrations.py).

The update tool's own pure parts are tested with the tools: codeartifact-python-tools/tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.machine import git, load_file

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def migrations() -> ModuleType:
    return load_file(ROOT / "hooks" / "migrations.py", script=True)


@pytest.mark.parametrize(
    ("old_exists", "new_exists", "action"),
    [(True, False, "move"), (True, True, "both"), (False, True, "none"), (False, False, "none")],
)
def test_a_rename_is_planned_from_which_paths_exist(
    migrations: ModuleType, *, old_exists: bool, new_exists: bool, action: str
) -> None:
    plan = migrations.plan_rename("a.md", "b.md", old_exists=old_exists, new_exists=new_exists)
    assert plan.action == action
    if action == "both":
        assert plan.message.startswith("ACTION NEEDED: both a.md and b.md exist")
        assert "git rm a.md" in plan.message


def test_links_to_the_old_page_are_listed_with_the_fix(migrations: ModuleType) -> None:
    pages = {
        "docs/usage.md": "Intro\nSee [the API](reference.md#sizes).\n",
        "docs/index.md": "[API](api.md)\n",
    }
    found = migrations.stale_links("docs/reference.md", "docs/api.md", pages)
    assert found == ["docs/usage.md:2 links to reference.md: change it to api.md"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A committed project with an edited docs/reference.md."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "reference.md").write_text("# API\n\n::: ours\n")
    (tmp_path / "docs" / "usage.md").write_text("See [the API](reference.md).\n")
    git("init", "--quiet", cwd=tmp_path)
    git("add", "--all", cwd=tmp_path)
    git("commit", "--quiet", "--message", "start", cwd=tmp_path)
    return tmp_path


def test_a_rename_moves_the_team_file_and_keeps_it_through_the_merge(
    migrations: ModuleType, project: Path
) -> None:
    note = migrations.rename_before("docs/reference.md", "docs/api.md", project)
    assert note == "moved docs/reference.md to docs/api.md, so the update keeps your edits to it"
    # In git's index too, which is what copier diffs.
    assert "R  docs/reference.md -> docs/api.md" in git("status", "--porcelain", cwd=project)
    # Copier's merge against an empty base marks the team's lines as a conflict...
    (project / "docs" / "api.md").write_text(
        "# API\n\n<<<<<<< before updating\n::: ours\n=======\n>>>>>>> after updating\n"
    )
    after = migrations.rename_after("docs/reference.md", "docs/api.md", project)
    # ...and the second stage puts the team's copy back, then names the stale link.
    assert (project / "docs" / "api.md").read_text() == "# API\n\n::: ours\n"
    assert after == ("ACTION NEEDED: docs/usage.md:1 links to reference.md: change it to api.md")
    assert not list((project / ".git").rglob("template-migrations/**/*.md"))
    # A second run, or a project that deleted the file, changes nothing and says nothing.
    assert migrations.rename_before("docs/reference.md", "docs/api.md", project) == ""


def test_a_file_the_team_deleted_is_no_error(
    migrations: ModuleType,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "docs" / "reference.md").unlink()
    monkeypatch.chdir(project)
    for stage in ("before", "after"):
        monkeypatch.setenv("STAGE", stage)
        assert migrations.main(["rename", "docs/reference.md", "docs/api.md"]) == 0
    assert not (project / "docs" / "api.md").exists()
    # Only the stale link is reported: there was nothing to move.
    assert capsys.readouterr().err == (
        "template migration: ACTION NEEDED: docs/usage.md:1 links to reference.md: "
        "change it to api.md\n"
    )


def test_say_prints_the_action_for_a_person(
    migrations: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert migrations.main(["say", "  Tick the box.\n"]) == 0
    assert capsys.readouterr().err == "template migration: ACTION NEEDED: Tick the box.\n"


def test_relock_never_fails_and_says_why(
    migrations: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("<<<<<<< before updating\n")
    assert "resolve them, then run `uv lock`" in migrations.relock(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\n')
    monkeypatch.setattr(migrations.project_steps.shutil, "which", lambda _: None)
    assert "uv is not on PATH" in migrations.relock(tmp_path)
    assert migrations.relock(tmp_path / "nowhere") == ""


def test_a_bumped_version_is_kept_through_the_moved_version_line(
    migrations: ModuleType, project: Path
) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "a"\nversion = "1.4.2"\n')
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Release 1.4.2", cwd=project)

    assert migrations.version_before("0.1.0", project) == ""
    # The merge sees the template's value, in the index too.
    assert 'version = "0.1.0"' in git("show", ":pyproject.toml", cwd=project)
    # The template moved the line; the merged file has it in its new place.
    moved = '[project]\nname = "a"\nlicense-files = []\nversion = "0.1.0"\n'
    (project / "pyproject.toml").write_text(moved)
    note = migrations.version_after("0.1.0", project)

    assert note == "kept your version 1.4.2 in pyproject.toml's new version line"
    assert (project / "pyproject.toml").read_text() == moved.replace("0.1.0", "1.4.2")
    assert git("diff", "--cached", "--name-only", cwd=project) == ""  # index as the team left it
    # Nothing set aside: a second run, or a project still on the template's version, is a no-op.
    assert migrations.version_after("0.1.0", project) == ""
    assert migrations.swap_version("[project]\n", "1.0.0") == ("[project]\n", None)
