"""CHANGELOG.md in the Keep a Changelog format: date the Unreleased section, read a release's notes.

Pure functions on text: the command line reads and writes the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.versioning import Version

UNRELEASED = "Unreleased"
_HEADING = re.compile(r"^## +\[?(?P<title>[^\]\s]+)\]?(?: +- +(?P<date>\S+))? *$")
_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]: *(?P<url>\S+) *$")
_COMPARE = re.compile(r"^(?P<base>\S+/compare/)(?P<start>\S+)\.\.\.HEAD$")


@dataclass
class Section:
    """One `## ` section: its title (a version or Unreleased), heading line and body."""

    title: str
    heading: str
    body: list[str] = field(default_factory=list)


@dataclass
class Changelog:
    """The file split into its introduction, its sections and the link definitions at the end."""

    head: list[str]
    sections: list[Section]
    links: list[str]

    def find(self, title: str) -> Section | None:
        """Return the section for a version (or Unreleased), if there is one."""
        wanted = title.lower().removeprefix("v")
        for section in self.sections:
            if section.title.lower().removeprefix("v") == wanted:
                return section
        return None

    def render(self) -> str:
        """Return the text: one blank line between blocks, one newline at the end."""
        blocks = ["\n".join(_trim(self.head))]
        for section in self.sections:
            body = _trim(section.body)
            blocks.append("\n".join([section.heading, *(["", *body] if body else [])]))
        if self.links:
            blocks.append("\n".join(self.links))
        return "\n\n".join(block for block in blocks if block) + "\n"


def parse(text: str) -> Changelog:
    """Split CHANGELOG.md into its parts."""
    lines = text.splitlines()
    links: list[str] = []
    while lines and (not lines[-1].strip() or _LINK.match(lines[-1])):
        line = lines.pop()
        if line.strip():
            links.insert(0, line)
    head: list[str] = []
    sections: list[Section] = []
    for line in lines:
        match = _HEADING.match(line)
        if match:
            sections.append(Section(title=match["title"], heading=line))
        elif sections:
            sections[-1].body.append(line)
        else:
            head.append(line)
    return Changelog(head=head, sections=sections, links=links)


def has_entries(lines: list[str]) -> bool:
    """Tell whether a body says anything: more than headings, blank lines and comments."""
    return any(
        line.strip() and not line.startswith("#") and not line.strip().startswith("<!--")
        for line in lines
    )


def release(text: str, version: Version, date: str, previous: Version) -> str:
    """Move the Unreleased entries under a new `## [version] - date` heading.

    A final version after release candidates also collects the candidates' entries, so its notes
    are complete; the candidates' sections stay as they were.
    """
    changelog = parse(text)
    unreleased = changelog.find(UNRELEASED)
    if unreleased is None:
        msg = (
            "CHANGELOG.md has no `## [Unreleased]` section: add one above the newest release "
            "and list the changes under it (Keep a Changelog: ### Added, ### Changed, ### Fixed)."
        )
        raise ReleaseError(ExitCode.CHANGELOG, msg)
    if changelog.find(str(version)) is not None:
        msg = f"CHANGELOG.md already has a section for {version}: pick another version."
        raise ReleaseError(ExitCode.CHANGELOG, msg)
    sources = [unreleased.body]
    if not version.is_prerelease:
        sources += [
            section.body
            for section in changelog.sections
            if (candidate := Version.parse_or_none(section.title)) is not None
            and candidate.is_prerelease
            and candidate.base == version.base
        ]
    if not any(has_entries(body) for body in sources):
        msg = (
            f"CHANGELOG.md: nothing under `## [Unreleased]` to release as {version} "
            f"(from {previous}). Write what changed there first, then bump again."
        )
        raise ReleaseError(ExitCode.CHANGELOG, msg)
    new = Section(title=str(version), heading=f"## [{version}] - {date}", body=_merge(sources))
    index = changelog.sections.index(unreleased)
    changelog.sections.insert(index + 1, new)
    unreleased.body = []
    changelog.links = _update_links(changelog.links, str(version))
    return changelog.render()


def notes(text: str, version: str) -> str:
    """Return the body of one release's section: the GitHub release's text."""
    section = parse(text).find(version)
    if section is None or not has_entries(section.body):
        msg = (
            f"CHANGELOG.md has no entries under `## [{version}]`: run the bump target "
            "(e.g. `make bump-patch`), which moves the Unreleased entries there, and commit it."
        )
        raise ReleaseError(ExitCode.CHANGELOG, msg)
    return "\n".join(_trim(section.body)) + "\n"


def _trim(lines: list[str]) -> list[str]:
    """Drop leading and trailing blank lines, and blank lines that follow another."""
    kept: list[str] = []
    for line in lines:
        if line.strip() or (kept and kept[-1].strip()):
            kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def _merge(bodies: list[list[str]]) -> list[str]:
    """Merge bodies by `### ` subsection, in first-seen order, dropping empty subsections."""
    merged: dict[str, list[str]] = {}
    for body in bodies:
        heading = ""
        for line in body:
            if line.startswith("### "):
                heading = line.strip()
                merged.setdefault(heading, [])
            elif line.strip() and line not in merged.setdefault(heading, []):
                merged[heading].append(line.rstrip())
    lines: list[str] = []
    for heading, entries in merged.items():
        if not has_entries(entries):
            continue
        if heading:
            lines += ["", heading, ""]
        lines += entries
    return _trim(lines)


def _update_links(links: list[str], version: str) -> list[str]:
    """Point `[unreleased]: .../compare/vOLD...HEAD` at the new tag and add the version's link."""
    updated: list[str] = []
    for line in links:
        match = _LINK.match(line)
        compare = _COMPARE.match(match["url"]) if match else None
        if match and compare and match["label"].lower() == UNRELEASED.lower():
            base, start = compare["base"], compare["start"]
            updated += [
                f"[{match['label']}]: {base}v{version}...HEAD",
                f"[{version}]: {base}{start}...v{version}",
            ]
        else:
            updated.append(line)
    return updated
