"""0.3.0's migrations: scripts/ leaves (a team's changed files kept aside), Makefile tails kept."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import migrations
import pytest

from tests.machine import git
from tests.releases import FIRST_RELEASE, SECOND_RELEASE

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "hooks" / "retired_scripts.sha256"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_file_the_template_shipped_goes_and_a_changed_one_is_kept_first() -> None:
    known = {"scripts/a.py": {sha("a1"), sha("a2")}, "scripts/b.py": {sha("b1")}}
    found = {
        "scripts/a.py": sha("a2"),  # an older release's content: still the template's
        "scripts/b.py": sha("b1 with the team's fix"),
        "scripts/seed.py": sha("the team's own script"),
    }
    remove, keep = migrations.plan_retirement(found, known)
    assert remove == ["scripts/a.py", "scripts/b.py"]
    assert keep == ["scripts/b.py"]


def test_nothing_to_do_where_the_folder_is_gone() -> None:
    assert migrations.plan_retirement({}, {"scripts/a.py": {sha("a")}}) == ([], [])


@pytest.mark.parametrize("release", [FIRST_RELEASE, SECOND_RELEASE])
def test_the_manifest_knows_every_file_of_the_releases_that_shipped_scripts(release: str) -> None:
    known = migrations.read_manifest(MANIFEST.read_text(encoding="utf-8"))
    listed = git("ls-tree", "-r", "--name-only", release, "--", "template/scripts", cwd=ROOT)
    guard = git("ls-tree", "-r", "--name-only", release, "--", "hooks/name_guard", cwd=ROOT)
    shipped = {
        path.removeprefix("template/"): path
        for path in listed.split()
        if path != "template/scripts/name_guard"  # a link to hooks/name_guard, below
    }
    shipped |= {
        "scripts/name_guard/" + path.removeprefix("hooks/name_guard/"): path
        for path in guard.split()
    }
    assert len(shipped) > 20
    for project_path, repository_path in shipped.items():
        content = subprocess.run(
            ["git", "show", f"{release}:{repository_path}"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        assert hashlib.sha256(content).hexdigest() in known[project_path], project_path


def project(tmp_path: Path) -> Path:
    """A project with the template's scripts/ as a release shipped it, committed."""
    root = tmp_path / "project"
    for path in ("scripts/release/cli.py", "scripts/release/errors.py", "scripts/doctor/cli.py"):
        text = subprocess.run(
            ["git", "show", f"{SECOND_RELEASE}:template/{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    (root / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")  # as the template's
    git("init", "--quiet", cwd=root)
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "--message", "0.2.0", cwd=root)
    return root


def test_retire_removes_the_shipped_files_and_keeps_the_teams_changes_aside(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    changed = root / "scripts" / "release" / "cli.py"
    changed.write_text(changed.read_text(encoding="utf-8") + "# the team's fix\n", "utf-8")
    (root / "scripts" / "seed.py").write_text("print('the team's own')\n", encoding="utf-8")
    (root / "scripts" / "doctor" / "__pycache__").mkdir()
    (root / "scripts" / "doctor" / "__pycache__" / "cli.cpython-312.pyc").write_bytes(b"\0")
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "--message", "The team's edits", cwd=root)

    note = migrations.retire("scripts", MANIFEST, root)

    assert sorted(p.relative_to(root).as_posix() for p in (root / "scripts").rglob("*")) == [
        "scripts/release",
        "scripts/release/cli.py.kept",
        "scripts/seed.py",
    ]
    assert (root / "scripts/release/cli.py.kept").read_text().endswith("# the team's fix\n")
    lines = note.splitlines()
    assert lines[0].startswith("removed scripts/")
    (action,) = lines[1:]
    assert action.startswith("ACTION NEEDED: you had changed scripts/release/cli.py")
    assert "kept as scripts/release/cli.py.kept" in action
    # Out of git's index too (copier diffs the index); the kept copy is for the team to commit.
    tracked = git("ls-files", cwd=root).split()
    assert tracked == [".gitignore", "scripts/seed.py"]


def test_retire_removes_the_folder_when_nothing_was_changed_and_is_idempotent(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    first = migrations.retire("scripts", MANIFEST, root)
    assert first.startswith("removed scripts/")
    assert "ACTION NEEDED" not in first
    assert not (root / "scripts").exists()
    assert migrations.retire("scripts", MANIFEST, root) == ""


ANCHOR = "\tuv run python -m scripts.release tag"
OLD_MAKEFILE = f"check:\n\tmake lint\n\ngithub-release: ## CI: tag and release\n{ANCHOR}\n"


def test_what_a_team_appended_after_the_last_template_line_is_its_own() -> None:
    team = "\nseed: ## Load the sample data\n\t@echo seeding\n"
    assert migrations.split_tail(OLD_MAKEFILE + team, ANCHOR) == (OLD_MAKEFILE, team)
    assert migrations.split_tail(OLD_MAKEFILE + "\n\n", ANCHOR) == (OLD_MAKEFILE + "\n\n", "")
    assert migrations.split_tail("no anchor here\n", ANCHOR) == ("no anchor here\n", "")


def test_a_makefile_tail_is_set_aside_before_the_merge_and_appended_after(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    makefile = root / "Makefile"
    team = "\nseed: ## Load the sample data\n\t@echo seeding\n"
    makefile.write_text(OLD_MAKEFILE + team, encoding="utf-8")
    git("init", "--quiet", cwd=root)
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "--message", "0.2.0 and the team's target", cwd=root)

    assert migrations.tail_before("Makefile", ANCHOR, root) == ""
    assert makefile.read_text(encoding="utf-8") == OLD_MAKEFILE
    assert git("show", ":Makefile", cwd=root) == OLD_MAKEFILE  # in git's index too
    new = "check:\n\tmake lint\n\n# --- Your own targets ---\n"  # what the merge leaves
    makefile.write_text(new, encoding="utf-8")
    assert (
        migrations.tail_after("Makefile", root) == "kept what you had added at the end of Makefile"
    )
    assert makefile.read_text(encoding="utf-8") == new + team
    # Once only: a second run finds nothing set aside.
    assert migrations.tail_after("Makefile", root) == ""
    assert makefile.read_text(encoding="utf-8") == new + team
