"""The oldest copier `copier.yml` admits really copies the template and updates a project.

The versions come from where they are declared, never from a second copy here:
`_min_copier_version` in copier.yml, and the floor of `copier-template-extensions` in this
repository's dev dependencies. uvx installs exactly those two versions from the package index.
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

import pytest
import yaml

from tests.machine import git, run
from tests.releases import ROOT, release_history

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


def min_copier_version() -> str:
    """`_min_copier_version` from copier.yml."""
    settings = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    return str(settings["_min_copier_version"])


def extensions_floor() -> str:
    """The lowest `copier-template-extensions` this repository's dev dependencies admit."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^\s*"copier-template-extensions>=([\w.]+)",$', pyproject, re.MULTILINE)
    assert found, "pyproject.toml: no `copier-template-extensions>=X` in the dev dependencies"
    return found.group(1)


def test_the_minimum_copier_copies_and_updates_the_template(tmp_path: Path) -> None:
    uvx = shutil.which("uvx")
    assert uvx is not None, "uvx is not on PATH"
    template = release_history(tmp_path / "template", "v99.0.0")
    copier = [
        uvx,
        "--from",
        f"copier=={min_copier_version()}",
        "--with",
        f"copier-template-extensions=={extensions_floor()}",
        "copier",
    ]
    project = tmp_path / "acme-widgets"

    def run_copier(*args: str, cwd: Path) -> str:
        done = run([*copier, *args], cwd=cwd, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout + done.stderr

    # uvx may say what it installed first (a cold cache): copier's own line is `copier X.Y.Z`.
    version = re.search(r"^copier (\S+)$", run_copier("--version", cwd=tmp_path), re.MULTILINE)
    assert version is not None
    assert version.group(1) == min_copier_version()
    run_copier(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=v0.1.0",
        str(template),
        str(project),
        cwd=tmp_path,
    )
    assert git("status", "--porcelain", cwd=project) == ""  # the post-copy task committed it
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur own notes.\n", encoding="utf-8")
    git("commit", "--quiet", "--all", "--message", "Add notes", cwd=project)

    run_copier("update", "--trust", "--defaults", "--vcs-ref=v99.0.0", cwd=project)

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v99.0.0"
    assert "Our own notes." in readme.read_text(encoding="utf-8")
    assert not list(project.rglob("*.rej"))
    # Every file the team did not touch is what the same copier renders from scratch now.
    fresh = tmp_path / "fresh" / "acme-widgets"
    run_copier(
        "copy", "--trust", "--defaults", "--skip-tasks", str(template), str(fresh), cwd=tmp_path
    )
    assert tracked(project) - {"uv.lock", "tools.py.lock"} == tracked(fresh)
    for path in sorted(tracked(fresh) - {"README.md", ".copier-answers.yml"}):
        assert (project / path).read_bytes() == (fresh / path).read_bytes(), path


def tracked(project: Path) -> set[str]:
    """Files in the project, as git sees them (ignored files and .git left out)."""
    if not (project / ".git").exists():
        git("init", "--quiet", cwd=project)
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", cwd=project)
    return set(listed.splitlines())
