"""Tag a release of this template: `python -m tools.release_template 0.2.0`.

Template release X.Y.Z is also tools release X.Y.Z (codeartifact-python-tools/, which the release
workflow publishes from the tag). Refuses a dirty tree, a version that is not PEP 440 or not above
the newest tag, a version the tools package does not carry (its `__version__`, and pyproject.toml's
version if one is written there), and a release CHANGELOG.md says nothing about. Dates the
version's CHANGELOG section (moving [Unreleased] there if the section does not exist yet) in a
release commit, creates the annotated tag vX.Y.Z, and prints the push command: publishing stays a
deliberate, separate step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from tools.tools_release import ToolsPackage, ToolsReleaseError

if TYPE_CHECKING:
    from collections.abc import Sequence

CHANGELOG = "CHANGELOG.md"
UNRELEASED = "## [Unreleased]"


class ReleaseError(Exception):
    """A release refused, with the rule broken and the fix."""


@dataclass(frozen=True)
class Changelog:
    """CHANGELOG.md's text, rewritten for a release when it needs to be."""

    text: str

    def section(self, version: Version) -> re.Match[str] | None:
        """Find the heading of the version's section: `## [X.Y.Z]`, optionally `- date`."""
        return re.search(rf"^## \[{re.escape(str(version))}\]( - .*)?$", self.text, re.MULTILINE)

    def _unreleased_span(self) -> tuple[int, int] | None:
        """Locate `## [Unreleased]` and the next release's heading."""
        start = self.text.find(UNRELEASED)
        if start < 0:
            return None
        after = start + len(UNRELEASED)
        following = re.search(r"^## \[", self.text[after:], re.MULTILINE)
        return start, after + following.start() if following else len(self.text)

    def unreleased(self) -> str:
        """Return the entries under `## [Unreleased]`."""
        span = self._unreleased_span()
        return self.text[span[0] + len(UNRELEASED) : span[1]].strip() if span else ""

    def released(self, version: Version, today: dt.date) -> str:
        """Date the version's section, made from [Unreleased] if it is missing; return the text."""
        heading = f"## [{version}] - {today.isoformat()}"
        found = self.section(version)
        if found:
            if found.group(1):
                return self.text
            return self.text[: found.start()] + heading + self.text[found.end() :]
        entries = self.unreleased()
        span = self._unreleased_span()
        if not entries or span is None:
            msg = (
                f"{CHANGELOG} has no section for {version} and nothing under [Unreleased]: "
                f"write what changed (and an 'Upgrading' note if projects must act) first"
            )
            raise ReleaseError(msg)
        start, end = span
        tail = self.text[end:]
        section = f"{UNRELEASED}\n\n{heading}\n\n{entries}\n"
        return self.text[:start] + section + ("\n" + tail if tail else "")


def parse_version(text: str) -> Version:
    """Read a PEP 440 version in its normal form, without the tag's `v`."""
    try:
        version = Version(text)
    except InvalidVersion:
        version = None
    if version is None or str(version) != text:
        hint = f" (did you mean {version}?)" if version else ""
        msg = f"{text!r} is not a PEP 440 version in normal form, e.g. 0.2.0 or 1.0.0rc1{hint}"
        raise ReleaseError(msg)
    return version


def _tag_version(tag: str) -> Version | None:
    try:
        return Version(tag.removeprefix("v"))
    except InvalidVersion:
        return None


def newest(tags: Sequence[str]) -> Version | None:
    """Return the highest version among tags named vX.Y.Z; other tags are not releases."""
    return max((v for v in map(_tag_version, tags) if v is not None), default=None)


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    if done.returncode != 0:
        msg = f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}"
        raise ReleaseError(msg)
    return done.stdout


def check_tools_version(version: Version, root: Path) -> None:
    """Refuse a template version the tools package does not carry, naming the file to edit."""
    try:
        wrong = ToolsPackage.load(root).mismatches(str(version))
    except ToolsReleaseError as error:
        raise ReleaseError(str(error)) from None
    if wrong:
        msg = f"template release {version} is also tools release {version}: {wrong}; commit it"
        raise ReleaseError(msg)


def release(text: str, root: Path, today: dt.date) -> str:
    """Tag the release; return the command that publishes it."""
    version = parse_version(text)
    if shutil.which("git") is None:
        msg = "git is not on PATH: install git"
        raise ReleaseError(msg)
    if _git("status", "--porcelain", cwd=root).strip():
        msg = "the working tree has uncommitted changes: commit or stash them, then release"
        raise ReleaseError(msg)
    latest = newest(_git("tag", "--list", "v*", cwd=root).split())
    if latest is not None and version <= latest:
        msg = f"{version} is not above the newest release, v{latest}: pick a higher version"
        raise ReleaseError(msg)
    check_tools_version(version, root)
    path = root / CHANGELOG
    if not path.is_file():
        msg = f"no {CHANGELOG} in {root}: run this from the template repository"
        raise ReleaseError(msg)
    changelog = Changelog(path.read_text(encoding="utf-8"))
    updated = changelog.released(version, today)
    branch = _git("rev-parse", "--abbrev-ref", "HEAD", cwd=root).strip()
    refs = f"v{version}"
    if updated != changelog.text:
        path.write_text(updated, encoding="utf-8")
        _git("commit", "--quiet", "--message", f"Release {version}", "--", CHANGELOG, cwd=root)
        refs = f"{branch} v{version}"
    _git("tag", "--annotate", f"v{version}", "--message", f"Template release {version}", cwd=root)
    return f"git push --atomic origin {refs}"


def main(argv: Sequence[str] | None = None) -> int:
    """Release the template at the version given; print the push command."""
    parser = argparse.ArgumentParser(prog="make release-template", description=__doc__)
    parser.add_argument("version", help="the new template version, PEP 440, e.g. 0.2.0")
    args = parser.parse_args(argv)
    try:
        push = release(args.version, Path.cwd(), dt.datetime.now(dt.timezone.utc).date())
    except ReleaseError as error:
        print(f"release-template: {error}", file=sys.stderr)
        return 1
    print(f"Tagged v{args.version}. Publish the release with:\n  {push}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
