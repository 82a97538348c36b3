"""What `make adopt` says at the end; pure: text from what happened.

The answers and their sources, every file's fate, the conflicts, `make check`, and what is left
to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tools.adopt.answers import Answers
    from tools.adopt.facts import Package, Repository
    from tools.adopt.metadata import Metadata
    from tools.adopt.plan import Plan
    from tools.adopt.project import Applied, Check

# Configuration files the tools read before pyproject.toml, or instead of it.
SHADOWING = {
    "pytest.ini": "pytest reads it instead of pyproject.toml's [tool.pytest.ini_options]",
    ".pytest.ini": "pytest reads it instead of pyproject.toml's [tool.pytest.ini_options]",
    "tox.ini": "pytest reads its [pytest] section, and tox runs beside make",
    "setup.cfg": "pytest, mypy and flake8 read their sections there; hatchling ignores it",
    "mypy.ini": "mypy reads it instead of pyproject.toml's [tool.mypy]",
    ".mypy.ini": "mypy reads it instead of pyproject.toml's [tool.mypy]",
    ".coveragerc": "coverage reads it instead of pyproject.toml's [tool.coverage]",
    "ruff.toml": "ruff reads it instead of pyproject.toml's [tool.ruff]",
    ".ruff.toml": "ruff reads it instead of pyproject.toml's [tool.ruff]",
    ".flake8": "flake8 is not what `make check` runs (ruff is)",
    "setup.py": "hatchling builds the project now, without it",
    "MANIFEST.in": "hatchling's sdist settings in pyproject.toml replace it",
    "Pipfile": "uv manages the dependencies now (pyproject.toml, uv.lock)",
    "requirements.txt": "pyproject.toml and uv.lock hold the dependencies now",
    "requirements-dev.txt": "the dependency groups in pyproject.toml hold them now",
}
TEMPLATE_WORKFLOWS = (
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    ".github/workflows/template-drift.yml",
)
# Answers whose template default is a placeholder a real project must replace.
DEMO_ANSWERS = frozenset(
    {
        "aws_account_id",
        "codeartifact_domain",
        "codeartifact_repository",
        "github_repository",
        "author_email",
    }
)
_KINDS = (
    ("converted", "converted"),
    ("added", "added"),
    ("merged", "merged"),
    ("kept", "kept yours"),
    ("removed", "removed"),
    ("example", "not added"),
    ("replaced", "replaced"),
)


@dataclass
class Report:
    """Everything the summary tells."""

    project: str
    package_name: str
    template: str
    ref: str
    branch: str
    answers: Answers
    recorded: Mapping[str, object]
    defaults: Mapping[str, str]
    plan: Plan
    applied: Applied | None = None  # None: a dry run
    check: Check | None = None
    warnings: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def _answer_lines(report: Report) -> list[str]:
    lines = []
    for key, value in report.recorded.items():
        if key.startswith("_"):
            continue
        shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
        source = report.answers.sources.get(key)
        if source is None:
            demo = report.defaults.get(key) == shown and key in DEMO_ANSWERS
            source = "copier's default" + (" (a demo value: set it with DATA)" if demo else "")
        shown = shown or "''"
        lines.append(f"  {key:<24} {shown:<28} {source}")
    return lines


def summary(report: Report) -> list[str]:
    """The closing lines of `make adopt`."""
    applied = report.applied
    if applied is None:
        head = f"Dry run: nothing was changed in {report.project}."
    else:
        start = applied.from_branch or applied.from_commit[:12]
        head = (
            f"Adopted {report.package_name} in {report.project}, on the new branch "
            f"{applied.branch} (from {start} at {applied.from_commit[:12]})."
        )
    lines = [head, f"Template: {report.ref} ({report.template})", ""]
    lines.append('Answers (from the project; DATA="key=value ..." overrides any):')
    lines += _answer_lines(report)
    lines += [f"  note: {note}" for note in report.answers.notes]
    lines += [f"  warning: {warning}" for warning in report.warnings]
    lines += ["", "Files:"]
    for kind, label in _KINDS:
        changes = report.plan.of(kind)
        if kind == "added" and len(changes) > 8:  # noqa: PLR2004 - a long list is read as a count
            paths = ", ".join(change.path for change in changes)
            lines.append(f"  {label:<11} {len(changes)} files: {paths}")
            continue
        for change in changes:
            detail = f": {change.detail}" if change.detail else ""
            lines.append(f"  {label:<11} {change.path}{detail}")
    conflicts = report.plan.conflicts
    lines.append("")
    if conflicts:
        lines.append(f"Conflicts to resolve: {len(conflicts)}")
        lines += [f"  {path}" for path in conflicts]
        lines.append(
            "  Each is marked inline: yours between `<<<<<<< yours` and `=======`, the "
            "template's after it, up to `>>>>>>> template ...`. Keep what you want, delete the "
            "markers (`git diff --check` finds any left); `git checkout HEAD -- FILE` keeps "
            "yours whole."
        )
    else:
        lines.append("Conflicts to resolve: none")
    if applied is not None:
        lines += [f"Not done: {note}" for note in applied.notes]
        lines.append(_check_line(report.check))
        if applied.committed:
            lines.append(
                f"Committed on {applied.branch}: {len(applied.commits)} commit(s). Review them "
                f"(`git log -p {applied.from_commit[:12]}..{applied.branch}`), push the branch "
                "and open a pull request."
            )
        else:
            lines.append(
                "Not committed: resolve the conflicts, then `uv lock`, `make check`, "
                "`git add --all && git commit -m 'Adopt the template'`."
            )
    if report.left:
        lines += ["", "Left to you (docs/adopting.md in the template explains each):"]
        lines += [f"  - {item}" for item in report.left]
    return lines


def _check_line(check: Check | None) -> str:
    if check is None:
        return "make check: not run (--no-check): run it"
    if check.state == "green":
        return "make check: green"
    if check.state == "skipped":
        return f"make check: not run: {check.why}"
    commands = ", ".join(f"`make {target}`" for target in check.failed)
    return (
        f"make check: RED in {', '.join(check.failed)}: your code against the template's "
        f"checks. See each with {commands} (`make fmt` fixes formatting and safe lint "
        f"findings); the whole output is in {check.log}."
    )


def _guessed(recorded: Mapping[str, object], sources: Mapping[str, str]) -> list[str]:
    """Answers the project did not give, which a real release depends on."""
    left = []
    if "codeartifact_repository" not in sources:
        where = " / ".join(
            str(recorded.get(key, "?"))
            for key in (
                "codeartifact_domain",
                "aws_account_id",
                "aws_region",
                "codeartifact_repository",
            )
        )
        left.append(
            f"no file of the project names its CodeArtifact repository, so copier's defaults "
            f"were used ({where}): if that is not where it is published, `make update-template "
            'DATA="codeartifact_domain=... aws_account_id=... aws_region=... '
            'codeartifact_repository=..."`'
        )
    if "github_repository" not in sources:
        left.append(
            f"github_repository is a guess ({recorded.get('github_repository')}), and the release "
            "role trusts only that repository (docs/iam/github-oidc-trust.json): if it is wrong, "
            "give it (DATA=github_repository=owner/name, to make adopt or later to "
            "`make update-template`)"
        )
    return left


def left_to_a_person(  # noqa: C901, PLR0913 - one finding per kind, keyword-only facts
    *,
    paths: Sequence[str],
    texts: Mapping[str, str],
    metadata: Metadata,
    package: Package,
    repository_files: Sequence[str],
    other_repositories: Sequence[Repository],
    recorded: Mapping[str, object],
    sources: Mapping[str, str],
    template: str,
) -> list[str]:
    """What adoption cannot decide, each with what to do."""
    left = _guessed(recorded, sources)
    tracked = set(paths)
    for name, why in SHADOWING.items():
        if name in tracked:
            left.append(f"{name}: {why}; merge what you need into pyproject.toml and delete it")
    mine = sorted(
        p for p in tracked if p.startswith(".github/workflows/") and p not in TEMPLATE_WORKFLOWS
    )
    if mine:
        left.append(
            f"your workflows {', '.join(mine)} run beside the template's ci.yml and release.yml: "
            "delete any that builds or publishes (the release workflow does both)"
        )
    documents = [p for p in repository_files if p != "pyproject.toml" and not p.startswith("src/")]
    if documents:
        verb = "names" if len(documents) == 1 else "name"
        left.append(
            f"{', '.join(documents)} {verb} the CodeArtifact repository for publishing by hand: "
            "docs/releasing.md and `make publish` replace that; point there, or delete"
        )
    if other_repositories:
        shown = "; ".join(str(r) for r in other_repositories)
        left.append(
            f"other CodeArtifact repositories appear in your files ({shown}): the answers name "
            "one; check it is the one you publish to"
        )
    if package.moves:
        old = re.compile(rf"(?<![\w/]){re.escape(package.folder)}/")
        mentions = sorted(
            path
            for path, text in texts.items()
            if not path.startswith(f"{package.folder}/") and old.search(text)
        )
        if mentions:
            left.append(
                f"{', '.join(mentions)} still name {package.folder}/, now {package.target}/"
            )
    if "test" in {p.split("/", 1)[0] for p in tracked if "/" in p} and not any(
        p.startswith("tests/") for p in tracked
    ):
        left.append(
            "your tests are in test/; the template's settings read tests/: `git mv test tests`"
        )
    if any("`__version__`" in note for note in metadata.converted):
        left.append(
            "the version is in pyproject.toml now: make `__version__` read it "
            '(`__version__ = importlib.metadata.version("<name>")`), or remove it'
        )
    left.append(
        "README.md, docs/index.md and docs/usage.md show the template's example API (parse_size, "
        "its `size` command): describe your library there"
    )
    if str(recorded.get("tools_index", "")).startswith("/"):
        left.append(
            "tools.py takes the template's tools from a folder on this machine (tools_index): "
            "once they are released, `make update-template DATA=tools_index=default`"
        )
    if template.startswith("/"):
        left.append(
            f".copier-answers.yml records the template as {template}, a folder on this machine: "
            "for updates elsewhere, write your fork's URL there as `_src_path` (e.g. "
            "gh:your-org/codeartifact-python-template) and commit"
        )
    left += [
        (
            "the name's origin controls: `make protect-name` blocks the public upstream for it, "
            "for good (needs AWS credentials)"
        ),
        (
            "GitHub: the `release` environment and the CODEARTIFACT_ROLE_ARN variable "
            "(docs/releasing.md), then retire the old publishing path (tokens in ~/.pypirc, CI "
            "secrets)"
        ),
        "`make doctor` on each laptop lists what else is missing there",
    ]
    return left
