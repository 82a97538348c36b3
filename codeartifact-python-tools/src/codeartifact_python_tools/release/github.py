"""GitHub Actions glue: step outputs, and the tag plus GitHub release after a successful publish."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.commands import output, say
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.tools import run

if TYPE_CHECKING:
    from collections.abc import Mapping


def write_outputs(values: Mapping[str, str]) -> None:
    """Append `key=value` lines to $GITHUB_OUTPUT when running in GitHub Actions."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as outputs:
        outputs.writelines(f"{key}={value}\n" for key, value in values.items())


def create_release(
    name: str, version: str, notes: str, files: tuple[Path, ...], *, prerelease: bool
) -> None:
    """Tag vX.Y.Z on the published commit and create the GitHub release; a re-run is a no-op."""
    tag = f"v{version}"
    sha = os.environ.get("GITHUB_SHA", "")
    if not sha or not os.environ.get("GH_TOKEN"):
        msg = "GITHUB_SHA and GH_TOKEN must be set: the release job of release.yml sets them."
        raise ReleaseError(ExitCode.CONFIG, msg)
    if run(["gh", "release", "view", tag, "--json", "tagName"]).returncode == 0:
        say(f"The GitHub release {tag} exists already: nothing to do.")
        return
    with tempfile.TemporaryDirectory() as folder:
        notes_file = Path(folder) / "notes.md"
        notes_file.write_text(notes, encoding="utf-8")
        args = [
            *("gh", "release", "create", tag, "--target", sha),
            *("--title", f"{name} {version}", "--notes-file", str(notes_file)),
            *(["--prerelease"] if prerelease else []),
            *map(str, files),
        ]
        process = run(args)
    if process.returncode != 0:
        msg = f"Creating the GitHub release {tag} failed:\n{output(process)}"
        raise ReleaseError(ExitCode.FAILED, msg)
    say(f"Tagged {tag} at {sha[:12]} and created the GitHub release with its CHANGELOG section.")
