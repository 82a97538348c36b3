"""`make release-template VERSION=X.Y.Z` against a scratch git repository: real git, no remote."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT
from tests.machine import git, run
from tools.release_template import Changelog, main, parse_version
from tools.tools_release import ToolsPackage

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

TODAY = dt.datetime.now(dt.timezone.utc).date().isoformat()

CHANGELOG = """# Changelog

## [Unreleased]

### Added

- A drift check.

## [0.1.0] - 2026-11-21

### Added

- The template.
"""


TOOLS_PYPROJECT = """[project]
name = "codeartifact-python-tools"
dynamic = ["version"]

[tool.hatch.version]
path = "src/codeartifact_python_tools/__init__.py"
"""
TOOLS_INIT = "codeartifact-python-tools/src/codeartifact_python_tools/__init__.py"


def write_tools(root: Path, version: str, pyproject: str = TOOLS_PYPROJECT) -> None:
    """The tools package's two files that carry its name and version."""
    init = root / TOOLS_INIT
    init.parent.mkdir(parents=True, exist_ok=True)
    init.write_text(f'"""The tools."""\n\n__version__ = "{version}"\n', encoding="utf-8")
    (root / "codeartifact-python-tools" / "pyproject.toml").write_text(pyproject, "utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A template repository with one release, v0.1.0, unreleased changes, tools 0.2.0; the cwd."""
    root = tmp_path / "template"
    root.mkdir()
    (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    write_tools(root, "0.2.0")
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "--message", "First", cwd=root)
    git("tag", "--annotate", "v0.1.0", "--message", "Template release 0.1.0", cwd=root)
    monkeypatch.chdir(root)
    return root


def tags(root: Path) -> list[str]:
    return git("tag", "--list", cwd=root).split()


def test_a_release_moves_unreleased_commits_and_tags(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["0.2.0"]) == 0

    out = capsys.readouterr().out
    assert "Tagged v0.2.0" in out
    assert "git push --atomic origin main v0.2.0" in out
    assert tags(repo) == ["v0.1.0", "v0.2.0"]
    assert git("cat-file", "-t", "v0.2.0", cwd=repo).strip() == "tag"  # annotated
    assert git("log", "-1", "--format=%s", "v0.2.0", cwd=repo).strip() == "Release 0.2.0"
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [Unreleased]\n\n## [0.2.0] - {TODAY}\n\n### Added\n\n- A drift check.\n\n" in text
    assert text.endswith("## [0.1.0] - 2026-11-21\n\n### Added\n\n- The template.\n")
    assert git("status", "--porcelain", cwd=repo) == ""


def test_a_dated_section_is_tagged_as_it_is(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changelog = repo / "CHANGELOG.md"
    text = CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n")
    changelog.write_text(text, encoding="utf-8")
    git("commit", "--quiet", "--all", "--message", "Changelog", cwd=repo)
    head = git("rev-parse", "HEAD", cwd=repo)

    assert main(["0.2.0"]) == 0

    assert "git push --atomic origin v0.2.0" in capsys.readouterr().out
    assert git("rev-parse", "v0.2.0^{commit}", cwd=repo) == head  # no release commit
    assert changelog.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("v0.2.0", "'v0.2.0' is not a PEP 440 version in normal form, e.g. 0.2.0 or 1.0.0rc1"),
        ("1.0.0-rc.1", "(did you mean 1.0.0rc1?)"),
        ("banana", "'banana' is not a PEP 440 version"),
        ("0.1.0", "0.1.0 is not above the newest release, v0.1.0: pick a higher version"),
        ("0.0.9", "0.0.9 is not above the newest release, v0.1.0"),
    ],
)
def test_a_bad_version_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str], version: str, message: str
) -> None:
    assert main([version]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("release-template: ")
    assert tags(repo) == ["v0.1.0"]


@pytest.mark.parametrize(
    ("written", "release", "message"),
    [
        ("0.2.0", "0.3.0", f"{TOOLS_INIT} has '0.2.0': set `__version__ = \"0.3.0\"` there"),
        ("0.3.0", "0.2.1", f"{TOOLS_INIT} has '0.3.0': set `__version__ = \"0.2.1\"` there"),
        # Equal as versions, not as text: the wheel would be named 0.2, never matching tag v0.2.0.
        ("0.2", "0.2.0", "has '0.2': set `__version__ = \"0.2.0\"`"),
        ("v0.2.0", "0.2.0", "has 'v0.2.0': set `__version__ = \"0.2.0\"`"),
        ("0.2.0rc1", "0.2.0", "has '0.2.0rc1'"),
        ("0.2.0", "0.2.0rc1", "has '0.2.0': set `__version__ = \"0.2.0rc1\"`"),
    ],
)
def test_a_version_the_tools_do_not_carry_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str], written: str, release: str, message: str
) -> None:
    write_tools(repo, written)
    git("commit", "--quiet", "--allow-empty", "--all", "--message", "Tools", cwd=repo)

    assert main([release]) == 1

    err = capsys.readouterr().err
    assert f"template release {release} is also tools release {release}: " in err
    assert message in err
    assert err.rstrip().endswith("; commit it")
    assert tags(repo) == ["v0.1.0"]
    assert git("status", "--porcelain", cwd=repo) == ""
    assert "## [Unreleased]\n\n### Added" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")


def test_a_pre_release_the_tools_carry_is_tagged(repo: Path) -> None:
    write_tools(repo, "0.2.0rc1")
    git("commit", "--quiet", "--allow-empty", "--all", "--message", "Tools", cwd=repo)
    assert main(["0.2.0rc1"]) == 0
    assert tags(repo) == ["v0.1.0", "v0.2.0rc1"]


def test_a_version_written_in_pyproject_must_agree_too(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fork whose pyproject.toml writes the version again: both files must carry it."""
    static = TOOLS_PYPROJECT.replace('dynamic = ["version"]', 'version = "0.1.9"')
    write_tools(repo, "0.2.0", static)
    git("commit", "--quiet", "--allow-empty", "--all", "--message", "Tools", cwd=repo)

    assert main(["0.2.0"]) == 1

    err = capsys.readouterr().err
    pyproject = "codeartifact-python-tools/pyproject.toml"
    assert f"{pyproject} has '0.1.9': set `version = \"0.2.0\"` there" in err
    assert TOOLS_INIT not in err  # that one is right
    assert tags(repo) == ["v0.1.0"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no tools", "cannot read codeartifact-python-tools/pyproject.toml"),
        ("no version line", "which has no __version__ line"),
    ],
)
def test_tools_whose_version_cannot_be_read_are_refused(
    repo: Path, capsys: pytest.CaptureFixture[str], change: str, message: str
) -> None:
    if change == "no tools":
        shutil.rmtree(repo / "codeartifact-python-tools")
    else:
        (repo / TOOLS_INIT).write_text('"""The tools."""\n', encoding="utf-8")
    git("commit", "--quiet", "--allow-empty", "--all", "--message", "Tools", cwd=repo)

    assert main(["0.2.0"]) == 1

    assert message in capsys.readouterr().err
    assert tags(repo) == ["v0.1.0"]


def test_a_dirty_tree_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "notes.txt").write_text("draft\n", encoding="utf-8")
    assert main(["0.2.0"]) == 1
    assert "uncommitted changes: commit or stash them" in capsys.readouterr().err
    assert tags(repo) == ["v0.1.0"]


def test_a_release_the_changelog_does_not_describe_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(CHANGELOG.replace("### Added\n\n- A drift check.\n\n", ""), "utf-8")
    git("commit", "--quiet", "--all", "--message", "Empty", cwd=repo)

    assert main(["0.2.0"]) == 1

    err = capsys.readouterr().err
    assert "CHANGELOG.md has no section for 0.2.0 and nothing under [Unreleased]" in err
    assert tags(repo) == ["v0.1.0"]
    assert git("status", "--porcelain", cwd=repo) == ""


def test_this_repositorys_changelog_has_a_section_per_release() -> None:
    changelog = Changelog((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    for version in ("0.1.0", "0.2.0"):
        assert changelog.section(parse_version(version)), version
    assert "## [Unreleased]" in changelog.text
    assert "### Upgrading" in changelog.text


def test_the_documented_command_releases_the_template(tmp_path: Path) -> None:
    """`make release-template VERSION=X.Y.Z`, as the README says, on a copy of this repository.

    X.Y.Z is the version of the tools package here: the only one the template can be released at.
    """
    (version,) = set(ToolsPackage.load(ROOT).versions.values())
    root = tmp_path / "template"
    root.mkdir()
    for name in (
        ".gitignore",  # running the tools writes bytecode, which the repository ignores
        "Makefile",
        "pyproject.toml",
        "CHANGELOG.md",
        "codeartifact-python-tools/pyproject.toml",
        TOOLS_INIT,
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "--message", "Template", cwd=root)
    git("tag", "--annotate", "v0.1.0", "--message", "Template release 0.1.0", cwd=root)
    # This environment already holds the tools' dependencies: uv uses it as it is.
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": sys.prefix, "UV_NO_SYNC": "1"}

    def release() -> subprocess.CompletedProcess[str]:
        return run(["make", "release-template", f"VERSION={version}"], cwd=root, env=env)

    done = release()
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        f"Tagged v{version}. Publish the release with:\n  git push --atomic origin" in done.stdout
    )
    assert f"v{version}" in git("tag", "--list", cwd=root).split()
    refused = release()  # the same version again
    assert refused.returncode != 0
    assert f"{version} is not above the newest release, v{version}" in refused.stderr
    assert "Traceback" not in refused.stderr
