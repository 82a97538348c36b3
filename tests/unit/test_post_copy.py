"""The post-copy task: it sets the project up where it can, says what is left where it can't."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.machine import git, load_file

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def post_copy() -> ModuleType:
    """hooks/post_copy.py as copier runs it: a file, not part of a package, hooks/ on sys.path."""
    return load_file(ROOT / "hooks" / "post_copy.py", "post_copy", script=True)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A freshly rendered project, outside any git repository, as the current directory."""
    project = tmp_path / "acme-widgets"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\nversion = "0.1.0"\n')
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "stdin", open("/dev/null"))  # noqa: SIM115, PTH123 - no terminal
    return project


def test_without_uv_the_copy_succeeds_and_says_what_to_run(
    post_copy: ModuleType,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_which = post_copy.shutil.which
    monkeypatch.setattr(
        post_copy.shutil, "which", lambda cmd: None if cmd == "uv" else real_which(cmd)
    )
    assert post_copy.main(["--package", "acme-widgets"]) == 0
    err = capsys.readouterr().err
    assert "note: uv is not on PATH: install uv, then run `uv lock` and commit uv.lock." in err
    # The rest still happened: the project has its first commit.
    assert "Start from codeartifact-python-template" in git("log", "--oneline", cwd=project)
    assert git("status", "--porcelain", cwd=project) == ""


def test_a_failing_uv_lock_is_a_note_with_its_reason(
    post_copy: ModuleType, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    uv = bin_dir / "uv"  # offline: uv says why on stderr and exits 2
    uv.write_text("#!/bin/sh\necho 'error: Failed to fetch: no network' >&2\nexit 2\n")
    uv.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    notes: list[str] = []
    post_copy.lock(notes)
    why = "error: Failed to fetch: no network"
    assert notes == [
        f"`uv lock` did not complete ({why}): run `uv lock` when online, then commit uv.lock."
    ]
    assert not (project / "uv.lock").exists()


def test_inside_another_repository_no_nested_repository_is_made(
    post_copy: ModuleType, project: Path
) -> None:
    git("init", "--quiet", cwd=project.parent)
    notes: list[str] = []
    post_copy.commit(notes)
    assert notes == ["The project is inside an existing git repository: commit it there."]
    assert not (project / ".git").exists()


def test_with_credentials_and_no_terminal_protect_name_is_offered(
    post_copy: ModuleType, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del project
    monkeypatch.setenv("AWS_PROFILE", "integration")
    notes: list[str] = []
    post_copy.offer_protection("acme-widgets", "integration", notes)
    assert notes == [
        (
            "AWS credentials found: run `make protect-name` to block the public upstream for "
            "acme-widgets in CodeArtifact."
        )
    ]


def test_without_credentials_protect_name_is_explained_for_later(
    post_copy: ModuleType, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del project
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    notes: list[str] = []
    post_copy.offer_protection("acme-widgets", "", notes)
    assert len(notes) == 1
    assert notes[0].startswith("When you have AWS credentials, run `make protect-name`")
    assert "dependency confusion" in notes[0]


def test_a_configured_profile_counts_as_credentials(
    post_copy: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile integration]\nsso_session = acme\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert post_copy._has_credentials("integration")  # noqa: SLF001
    assert not post_copy._has_credentials("other")  # noqa: SLF001


@pytest.fixture
def no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine where git has no identity: an empty global config, no GIT_* names, no EMAIL.

    The suite gives every test an identity (tests/conftest.py): taken away here. The global
    file says only `useConfigOnly`, so git never makes one up from the host's name, as it does
    where the host has a domain.
    """
    for role in ("AUTHOR", "COMMITTER"):
        for part in ("NAME", "EMAIL"):
            monkeypatch.delenv(f"GIT_{role}_{part}", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return config


def test_without_a_git_identity_the_first_commit_is_the_author_answers(
    post_copy: ModuleType, project: Path, no_git_identity: Path
) -> None:
    """The README says the first commit needs no git identity: it is made, and says as whom."""
    settings = no_git_identity.read_text(encoding="utf-8")
    notes: list[str] = []
    post_copy.commit(notes, author=("Globex Widgets Team", "dev@globex.example"))
    said = git("log", "--format=%an <%ae>|%cn <%ce>|%s", cwd=project).strip()
    assert said == (
        "Globex Widgets Team <dev@globex.example>|Globex Widgets Team <dev@globex.example>|"
        "Start from codeartifact-python-template"
    )
    assert git("status", "--porcelain", cwd=project) == ""
    (note,) = notes
    assert note.startswith(
        "git has no identity on this machine (user.name, user.email), so the first commit was "
        "made as Globex Widgets Team <dev@globex.example>, the project's author answers"
    )
    assert 'git config --global user.name "Your Name"' in note
    # That commit only: no git setting was written, here or globally.
    assert no_git_identity.read_text(encoding="utf-8") == settings
    assert "[user]" not in (project / ".git" / "config").read_text(encoding="utf-8")
    failed = subprocess.run(
        ["git", "var", "GIT_AUTHOR_IDENT"], cwd=project, capture_output=True, check=False
    )
    assert failed.returncode != 0


def test_with_a_git_identity_the_first_commit_is_the_users_own(
    post_copy: ModuleType, project: Path
) -> None:
    notes: list[str] = []
    post_copy.commit(notes, author=("Globex Widgets Team", "dev@globex.example"))
    assert notes == []
    said = git("log", "--format=%an <%ae>", cwd=project).strip()
    assert said == "Template Tests <tests@example.com>"  # tests/conftest.py's identity
