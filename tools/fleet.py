"""The fleet view: every repository of a GitHub organisation made from this template, and its drift.

`python -m tools.fleet ORG [--template OWNER/NAME] [--json]` reads each repository's
`.copier-answers.yml` through the `gh` CLI, keeps those whose `_src_path` is this template, and
reports the template version each is on (`_commit`), how many template releases (tags vX.Y.Z of
the template repository) it is behind, and its open drift pull request (branch template-update).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import yaml
from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from collections.abc import Sequence

TEMPLATE_NAME = "codeartifact-python-template"
DRIFT_BRANCH = "template-update"
ANSWERS_FILE = ".copier-answers.yml"
GH_TIMEOUT = 60  # seconds per API call; gh follows pagination inside one call
WORKERS = 8  # repositories read at once: fast for a big organisation, gentle on the rate limit


class FleetError(Exception):
    """Why the fleet could not be listed, and what to do about it."""


@dataclass(frozen=True)
class DriftPullRequest:
    """The open pull request that brings a repository to the newest template release."""

    number: int
    url: str


@dataclass(frozen=True)
class Project:
    """One repository generated from the template."""

    repository: str
    template_version: str
    behind: int | None  # None: `_commit` is not a release (a branch or a commit id)
    drift_pull_request: DriftPullRequest | None


# --- Pure functions ------------------------------------------------------------------------------


def _components(src_path: str) -> list[str]:
    """Split a copier source into path components: gh:o/n, https://host/o/n.git, git@host:o/n."""
    path = re.sub(r"^(gh|gl):", "", src_path.strip())
    path = re.sub(r"^[\w+.-]+://[^/]+/", "", path)  # scheme and host
    path = re.sub(r"^[\w.-]+@[\w.-]+:", "", path)  # scp-like git@host:
    path = re.sub(r"(\.git)?/*$", "", path)
    return [part for part in re.split(r"[/\\]", path) if part]


def is_from_template(src_path: str, template: str) -> bool:
    """Say whether `_src_path` names the template `owner/name` (a local clone: by name alone)."""
    parts = [part.lower() for part in _components(src_path)]
    owner, _, name = template.lower().rpartition("/")
    if not parts or parts[-1] != name:
        return False
    local = src_path.startswith(("/", ".", "~")) or re.match(r"^[A-Za-z]:[/\\]", src_path)
    return bool(local) or (len(parts) >= 2 and parts[-2] == owner)  # noqa: PLR2004 - owner/name


def release_version(commit: str) -> Version | None:
    """Read the template release in `_commit`: v1.2.0, or v1.2.0-3-gabc1234 past it.

    A release has a dot: a commit hash of digits only (`6932216`) would read as a version.
    """
    found = re.fullmatch(r"v?(?P<version>\d+\.[^-]+)(-\d+-g[0-9a-f]+)?", commit.strip())
    if not found:
        return None
    try:
        return Version(found.group("version"))
    except InvalidVersion:
        return None


def release_versions(tags: Sequence[str]) -> list[Version]:
    """Return the versions of the release tags (vX.Y.Z) among TAGS, oldest first."""
    versions = {release_version(tag) for tag in tags if tag.startswith("v")}
    return sorted(v for v in versions if v is not None)


def releases_behind(commit: str, releases: Sequence[Version]) -> int | None:
    """Count the template releases newer than the one `_commit` names."""
    current = release_version(commit)
    if current is None:
        return None
    return sum(1 for release in releases if release > current)


def table(projects: Sequence[Project]) -> str:
    """Render the projects as an aligned text table, the furthest behind first."""
    rows = [("REPOSITORY", "TEMPLATE", "BEHIND", "DRIFT PR")]
    for project in projects:
        pull = project.drift_pull_request
        rows.append(
            (
                project.repository,
                project.template_version,
                "?" if project.behind is None else str(project.behind),
                f"#{pull.number} {pull.url}" if pull else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )


def summary(org: str, template: str, projects: Sequence[Project], newest: Version | None) -> str:
    """Return one line: how many repositories, the newest release, how many behind and with a PR."""
    if not projects:
        return f"No repository of {org} was generated from {template}."
    behind = sum(1 for p in projects if p.behind)
    pulls = sum(1 for p in projects if p.drift_pull_request)
    release = f"v{newest}" if newest else "none yet"
    return (
        f"{len(projects)} repositories of {org} from {template} (newest release {release}): "
        f"{behind} behind, {pulls} with an open drift pull request."
    )


def ordered(projects: Sequence[Project]) -> list[Project]:
    """Sort the furthest behind first (unknown versions after them), then by name."""
    return sorted(projects, key=lambda p: (-1 if p.behind is None else -p.behind, p.repository))


# --- The edge: the gh CLI ------------------------------------------------------------------------


def _values(text: str) -> list[Any]:
    """Read gh's output: one JSON document, or one per page with --paginate."""
    decoder = json.JSONDecoder()
    values, index = [], 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        value, index = decoder.raw_decode(text, index)
        values.append(value)
    return values


class GitHub:
    """GitHub's REST API through `gh api`."""

    def __init__(self, gh: str) -> None:
        """Talk to GitHub through the `gh` executable at GH."""
        self.gh = gh

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [self.gh, *args], capture_output=True, text=True, check=False, timeout=GH_TIMEOUT
            )
        except subprocess.TimeoutExpired as error:
            msg = f"`gh {' '.join(args)}` did not answer within {GH_TIMEOUT} s: try again later"
            raise FleetError(msg) from error

    def check_login(self) -> None:
        """Refuse early, with the fix, when gh has no account to ask GitHub with."""
        if self._run("auth", "status").returncode != 0:
            msg = "gh is not logged in to GitHub: run `gh auth login` (or set GH_TOKEN)"
            raise FleetError(msg)

    def get(self, endpoint: str) -> Any | None:  # noqa: ANN401 - JSON
        """GET one resource; None when GitHub answers 404."""
        done = self._run("api", endpoint)
        if done.returncode != 0:
            self._raise(endpoint, done)
            return None
        return self._json(endpoint, done.stdout)[0]

    def get_all(self, endpoint: str) -> list[Any] | None:
        """GET every page of a list; None when GitHub answers 404."""
        done = self._run("api", "--paginate", endpoint)
        if done.returncode != 0:
            self._raise(endpoint, done)
            return None
        return [item for page in self._json(endpoint, done.stdout) for item in page]

    @staticmethod
    def _json(endpoint: str, text: str) -> list[Any]:
        try:
            values = _values(text)
        except ValueError:
            values = []
        if not values:
            msg = f"`gh api {endpoint}` did not answer with JSON: is `gh` the GitHub CLI?"
            raise FleetError(msg)
        return values

    @staticmethod
    def _raise(endpoint: str, done: subprocess.CompletedProcess[str]) -> None:
        """Raise for any failure but 404, which callers turn into 'not there'."""
        if "(HTTP 404)" in done.stderr:
            return
        lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        msg = f"`gh api {endpoint}` failed: {lines[-1]}"
        raise FleetError(msg)


def _answers(github: GitHub, repository: str) -> dict[str, Any] | None:
    """Read the repository's copier answers; None if it has none (or they are not readable)."""
    body = github.get(f"repos/{repository}/contents/{ANSWERS_FILE}")
    if not isinstance(body, dict) or body.get("encoding") != "base64":
        return None
    try:
        text = base64.b64decode(body["content"]).decode("utf-8")
        answers = yaml.safe_load(text)
    except (binascii.Error, UnicodeDecodeError, yaml.YAMLError):
        return None
    return answers if isinstance(answers, dict) else None


def _drift_pull_request(github: GitHub, repository: str) -> DriftPullRequest | None:
    owner = repository.split("/", maxsplit=1)[0]
    query = f"state=open&head={owner}:{DRIFT_BRANCH}&per_page=100"
    pulls = github.get_all(f"repos/{repository}/pulls?{query}") or []
    return DriftPullRequest(pulls[0]["number"], pulls[0]["html_url"]) if pulls else None


def _project(
    github: GitHub, repository: str, template: str, releases: Sequence[Version]
) -> Project | None:
    answers = _answers(github, repository)
    if answers is None or not is_from_template(str(answers.get("_src_path", "")), template):
        return None
    commit = str(answers.get("_commit", "?"))
    return Project(
        repository=repository,
        template_version=commit,
        behind=releases_behind(commit, releases),
        drift_pull_request=_drift_pull_request(github, repository),
    )


def fleet(github: GitHub, org: str, template: str) -> tuple[list[Project], Version | None]:
    """List the organisation's repositories made from the template; return them and the newest."""
    github.check_login()
    tags = github.get_all(f"repos/{template}/tags?per_page=100")
    if tags is None:
        msg = f"template repository {template} not found: pass --template OWNER/NAME"
        raise FleetError(msg)
    releases = release_versions([tag["name"] for tag in tags])
    repositories = github.get_all(f"orgs/{org}/repos?per_page=100")
    if repositories is None:
        msg = (
            f"organisation {org!r} not found, or not visible to the account gh is logged in "
            f"as: check the name and `gh auth status`"
        )
        raise FleetError(msg)
    names = [r["full_name"] for r in repositories if not r.get("archived")]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        found = pool.map(lambda name: _project(github, name, template, releases), names)
        projects = [project for project in found if project is not None]
    return ordered(projects), releases[-1] if releases else None


def _checked(template: str) -> str:
    if "/" not in template.strip("/"):
        msg = f"--template {template!r}: give the template repository as OWNER/NAME"
        raise FleetError(msg)
    return template


def _github() -> GitHub:
    gh = shutil.which("gh")
    if gh is None:
        msg = "the GitHub CLI `gh` is not on PATH: install it, then run `gh auth login`"
        raise FleetError(msg)
    return GitHub(gh)


def main(argv: Sequence[str] | None = None) -> int:
    """List the fleet as a table, or as JSON with --json."""
    parser = argparse.ArgumentParser(prog="make fleet", description=__doc__.splitlines()[0])
    parser.add_argument("org", help="the GitHub organisation, e.g. acme")
    parser.add_argument(
        "--template",
        help=f"the template repository, OWNER/NAME (default: ORG/{TEMPLATE_NAME})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    template = args.template or f"{args.org}/{TEMPLATE_NAME}"
    try:
        projects, newest = fleet(_github(), args.org, _checked(template))
    except FleetError as error:
        print(f"fleet: {error}", file=sys.stderr)
        return 1
    if args.json:
        document = {
            "organisation": args.org,
            "template": template,
            "newest_release": f"v{newest}" if newest else None,
            "repositories": [asdict(project) for project in projects],
        }
        print(json.dumps(document, indent=2))
    else:
        if projects:
            print(table(projects))
        print(summary(args.org, template, projects, newest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
