"""The exact files a render must contain, computed from the answers that shaped it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

ALWAYS = {
    ".copier-answers.yml",
    ".editorconfig",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    ".github/workflows/template-drift.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".python-version",
    "CHANGELOG.md",
    "LICENSE",
    "Makefile",
    "README.md",
    "docs/dependencies.md",
    "docs/iam/codeartifact-name-guard.json",
    "docs/iam/codeartifact-origin-controls.json",
    "docs/iam/codeartifact-publish.json",
    "docs/iam/codeartifact-read.json",
    "docs/iam/github-oidc-trust.json",
    "pyproject.toml",
    "src/{pkg}/__init__.py",
    "src/{pkg}/py.typed",
    "src/{pkg}/sizes.py",
    "tests/test_packaging.py",
    "tests/test_sizes.py",
    "tools.py",
}
WITH_CLI = {"src/{pkg}/__main__.py", "src/{pkg}/cli.py", "tests/test_cli.py"}
# A staged release's IAM documents: the stage role's permissions and trust, the promote role's.
STAGED = {
    "docs/iam/codeartifact-stage.json",
    "docs/iam/codeartifact-promote.json",
    "docs/iam/github-oidc-trust-staging.json",
}
WITH_DOCS = {
    "mkdocs.yml",
    "docs/changelog.md",
    "docs/index.md",
    "docs/onboarding.md",
    "docs/api.md",
    "docs/releasing.md",
    "docs/troubleshooting.md",
    "docs/updating.md",
    "docs/usage.md",
}


def import_name(answers: dict[str, Any], project: Path) -> str:
    """The import name the render used: the answer, else the one copier derived."""
    if "import_name" in answers:
        return str(answers["import_name"])
    recorded = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    match = re.search(r"^import_name: (\S+)$", recorded, re.MULTILINE)
    assert match is not None
    return match.group(1)


def can_lock(answers: dict[str, Any]) -> bool:
    """Whether the post-copy `uv lock` can run here: uv needs an interpreter for python_min.

    Users' uv downloads a missing interpreter; this machine's tests may not, so a render for a
    Python it lacks gets the post-copy note instead of uv.lock.
    """
    return shutil.which(f"python{answers.get('python_min', '3.12')}") is not None


def expected_files(answers: dict[str, Any], project: Path) -> set[str]:
    """Every file path, relative and POSIX, that the answers call for."""
    files = set(ALWAYS)
    if can_lock(answers):
        files |= {"uv.lock", "tools.py.lock"}
    if answers.get("with_cli", True):
        files |= WITH_CLI
    if answers.get("with_docs", True):
        files |= WITH_DOCS
    if answers.get("codeartifact_staging_repository"):
        files |= STAGED
    pkg = import_name(answers, project)
    return {path.format(pkg=pkg) for path in files}
