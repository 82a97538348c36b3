"""Pure parts: versions, CHANGELOG sections, migration lines, summary, PR body, whose commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Copier records `_commit` as the tag (`v0.2.0`), or `v0.2.0-3-gabc1234` past the last tag.
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-\d+-g[0-9a-f]+)?$")
_HEADING = re.compile(r"^## \[?v?(\d+\.\d+\.\d+)\]?")
# Built, not written out: a literal marker line would make this file look conflicted.
CONFLICT_MARKER = "<" * 7 + " before updating"
# The update branch; .github/workflows/template-drift.yml names it too, and labels its pull
# request with the same word.
BRANCH = "template-update"
# The trailer on the commit `template-drift` makes (its value: the release it brings). With the
# committer, it tells the check's own commits from a reviewer's, which are never overwritten; the
# publish job of .github/workflows/template-drift.yml applies the same rule.
TRAILER = "Template-Drift"
# What the template's migrations print for the update (hooks/migrations.py in the template), and
# the mark on a step only a person can take.
_MIGRATION = re.compile(r"^template migration: (.+?)[ \t\r]*$", re.MULTILINE)
ACTION = "ACTION NEEDED: "

Version = tuple[int, int, int]


def parse_version(text: str) -> Version | None:
    """`v1.2.0` (or `1.2.0`, or copier's `v1.2.0-3-gabc1234`) as a comparable tuple."""
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def newest_release(tags: list[str]) -> str | None:
    """The newest final release among git tag names; pre-releases and other tags are skipped."""
    releases = [(version, tag) for tag in tags if (version := parse_version(tag)) is not None]
    releases = [(version, tag) for version, tag in releases if "-" not in tag]
    return max(releases)[1] if releases else None


def changelog_sections(text: str, after: Version, upto: Version) -> str:
    """The CHANGELOG sections of the versions in (after, upto], newest first, as written."""
    kept: list[str] = []
    keeping = False
    for line in text.splitlines():
        if line.startswith("## "):
            match = _HEADING.match(line)
            version = parse_version(match.group(1)) if match else None
            keeping = version is not None and after < version <= upto
        if keeping:
            kept.append(line)
    return "\n".join(kept).strip()


def migration_lines(said: str) -> list[str]:
    """Every line the template's migrations printed, in order, each once, without the prefix."""
    return list(dict.fromkeys(_MIGRATION.findall(said)))


@dataclass(frozen=True)
class Commit:
    """A commit on the update branch, as far as telling who made it goes."""

    sha: str
    committer: str  # the committer's email
    trailer: str  # the value of the TRAILER trailer, "" without one
    subject: str


def foreign_commits(commits: list[Commit], committer: str) -> list[Commit]:
    """The commits the drift check did not make: no TRAILER, or committed by someone else.

    A reviewer who amends the check's commit becomes its committer, so their work counts too.
    """
    return [c for c in commits if not c.trailer or c.committer.lower() != committer.lower()]


def commit_message(to_version: str) -> str:
    """The message of the drift check's commit: the pull request's title, then TRAILER."""
    return f"{pull_request_title(to_version)}\n\n{TRAILER}: {to_version}\n"


@dataclass
class Outcome:
    """What an update did, for the summary and the pull request body."""

    from_version: str
    to_version: str
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)  # what the migrations printed, in order
    lock_note: str = ""  # empty when uv.lock is current
    check: str = "skipped"  # "green", "red" or "skipped"

    @property
    def actions(self) -> list[str]:
        """What the migrations ask a person to do (their ACTION NEEDED lines, without the mark)."""
        return [line.removeprefix(ACTION) for line in self.migrations if line.startswith(ACTION)]

    @property
    def green(self) -> bool:
        """Whether the project is green after the update."""
        return not self.conflicts and not self.lock_note and self.check == "green"


def summary(outcome: Outcome) -> list[str]:
    """The closing lines of `make update-template`: versions, files, conflicts, health."""
    lines = [f"Template: {outcome.from_version} -> {outcome.to_version}"]
    lines.append(f"Files changed: {len(outcome.changed)}")
    lines += [f"  {path}" for path in outcome.changed]
    if outcome.conflicts:
        lines.append(f"Conflicts to resolve: {len(outcome.conflicts)}")
        lines += [f"  {path}" for path in outcome.conflicts]
        lines.append(
            f"  Each is marked inline: keep what you want between `{CONFLICT_MARKER}` (yours) "
            "and `>>>>>>> after updating` (the template's), delete the markers, then run "
            "`uv lock` and `make check`, and commit."
        )
    else:
        lines.append("Conflicts to resolve: none")
    if outcome.migrations:
        asks = len(outcome.actions)
        lines.append(
            f"Template migrations: {len(outcome.migrations)}"
            + (f", {asks} asking you to act (ACTION NEEDED)" if asks else "")
        )
        lines += [f"  - {line}" for line in outcome.migrations]
    lines.append(f"uv.lock: {outcome.lock_note or 'current'}")
    health = {
        "green": "green",
        "red": "RED: `make check` failed, see above",
        "skipped": "not checked: resolve the conflicts first",
    }[outcome.check]
    lines.append(f"make check: {health}")
    if outcome.green:
        lines.append("Review `git diff`, then commit: `git commit -am 'Update the template'`.")
    return lines


def pull_request_title(to_version: str) -> str:
    """The drift pull request's title; the fleet view finds the pull request by its branch."""
    return f"Update the template to {to_version}"


def pull_request_body(outcome: Outcome, changelog: str) -> str:
    """The drift pull request's body: the summary, then what the template's CHANGELOG says."""
    # The summary's last line, the advice to commit, is for a laptop: here it is committed.
    lines = summary(outcome)[:-1] if outcome.green else summary(outcome)
    intro = (
        "The weekly template-drift check (`make template-drift`) found a newer template "
        "release and ran `make update-template` on this branch. Once you push a commit "
        "here, the check leaves the branch alone until it is merged or deleted: it never "
        "overwrites your work."
    )
    parts = [
        intro,
        "",
        "```text",
        *lines,
        "```",
    ]
    if outcome.conflicts:
        parts += [
            "",
            "### Conflicts",
            "",
            "Check out this branch, resolve each file below, commit and push:",
            "",
            *[f"- [ ] `{path}`" for path in outcome.conflicts],
        ]
    if outcome.actions:
        parts += [
            "",
            "### Action needed",
            "",
            "The template's migrations ask a person to do this before merging:",
            "",
            *[f"- [ ] {action}" for action in outcome.actions],
        ]
    parts += ["", "### What changed in the template", ""]
    parts.append(changelog or "The template's CHANGELOG has no section for these versions.")
    return "\n".join(parts) + "\n"
