"""The template's releases as copier sees them: this repository's history, tagged in a clone.

The repository itself carries no tags a test could rely on (a fresh clone may have none, or a
maintainer's may have more), so every test that updates between releases tags a clone the same way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.machine import git

ROOT = Path(__file__).resolve().parent.parent
# Template release 0.1.0: the last commit before the template had tags.
FIRST_RELEASE = "c65932f"
# Template release 0.2.0: its release commit ("Release 0.2.0").
SECOND_RELEASE = "d4ffd7f"
# What of the working tree is not the template: build output, caches, environments.
NOT_TEMPLATE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*_cache", "dist", "site")


def packed(repository: Path) -> Path:
    """Pack a template repository's objects, as a clone from a git host has them.

    Copier clones the template on every run. A fresh commit leaves hundreds of loose objects,
    each linked or copied on its own by the clone: here that cost 10 to 140 ms more system time
    per clone than one pack (git clone and checkout, 30 in a row), and the suite runs copier
    hundreds of times.
    """
    git("repack", "-a", "-d", "-q", cwd=repository)
    return repository


def working_tree_release(destination: Path, tag: str) -> Path:
    """The working tree, uncommitted changes included, committed and tagged in a new repository.

    Packed, as copier sees a release of the template: the tests render from it, the bench times it.
    """
    shutil.copytree(ROOT, destination, ignore=NOT_TEMPLATE, symlinks=True)
    # An identity for this commit only: a fresh machine has none.
    identity = ("-c", "user.name=Template Tests", "-c", "user.email=tests@example.com")
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "template"]):
        git(*args, cwd=destination)
    git("tag", tag, cwd=destination)
    return packed(destination)


def release_history(destination: Path, current: str) -> Path:
    """Clone this repository: releases 0.1.0 and 0.2.0 tagged, the working tree as CURRENT."""
    # No tags: this repository may carry its own (v0.1.0 among them, as the README says).
    git("clone", "--quiet", "--no-checkout", "--no-tags", str(ROOT), str(destination), cwd=ROOT)
    # As the README says to tag it.
    git("tag", "-a", "v0.1.0", FIRST_RELEASE, "-m", "Template release 0.1.0", cwd=destination)
    git("tag", "-a", "v0.2.0", SECOND_RELEASE, "-m", "Template release 0.2.0", cwd=destination)
    shutil.copytree(ROOT, destination, ignore=NOT_TEMPLATE, symlinks=True, dirs_exist_ok=True)
    git("add", "--all", cwd=destination)
    # --allow-empty: on a clean checkout (CI) the working tree is the commit already.
    git("commit", "--quiet", "--allow-empty", "--message", "The working tree", cwd=destination)
    git("tag", current, cwd=destination)
    return packed(destination)
