"""The I/O edge of adoption: git in the project and the template, copier, uv and make.

Every program runs with its output captured and a timeout; a missing one, or one that fails,
becomes an AdoptError that says what state the project is in. `apply` works on a new branch and,
if anything fails on the way, puts the project back on the branch it was on and deletes the new
one: an adoption is whole, or it did not happen.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from packaging.version import InvalidVersion, Version

from tools.adopt.errors import AdoptError, ExitCode

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tools.adopt.facts import Package
    from tools.adopt.plan import Plan

ROOT = Path(__file__).resolve().parents[2]
GIT_TIMEOUT = 60
LOCK_TIMEOUT = 300
CHECK_TIMEOUT = 1800
CHECK_LOG = "adopt-make-check.log"  # in the project's .git folder: never committed
# Files read for the CodeArtifact repository and AWS profile the project names: its docs,
# scripts and settings, not its code or data.
TEXT_SUFFIXES = frozenset(
    {".md", ".rst", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".sh", ".conf"}
)
TEXT_NAMES = frozenset({"Makefile", "Dockerfile", "Justfile", ".pypirc", "pip.conf"})
MAX_TEXT = 1_000_000
# What a recipe of `make adopt` passes down that must not reach the project's own make.
_MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VIRTUAL_ENV")


def run(
    args: Sequence[str], *, cwd: Path | None = None, timeout: float = GIT_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run a program, output captured; a missing one or a timeout is an AdoptError."""
    env = {k: v for k, v in os.environ.items() if k not in _MAKE_VARIABLES}
    try:
        return subprocess.run(
            list(args),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        msg = f"`{args[0]}` is not on PATH: install it, then run make adopt again."
        raise AdoptError(ExitCode.NOT_READY, msg) from None
    except subprocess.TimeoutExpired:
        msg = f"`{' '.join(args[:3])}` did not finish in {timeout:.0f} s."
        raise AdoptError(ExitCode.FAILED, msg) from None


def said(process: subprocess.CompletedProcess[str]) -> str:
    """What a program printed, stderr after stdout."""
    return (process.stdout + process.stderr).strip()


def git(project: Path, *args: str) -> str:
    """Run git in the project; its stdout, or an AdoptError naming the command."""
    process = run(["git", *args], cwd=project)
    if process.returncode != 0:
        msg = f"`git {' '.join(args)}` failed in {project}: {said(process)}"
        raise AdoptError(ExitCode.FAILED, msg)
    return process.stdout


# --- Before anything: is the project ready? ------------------------------------------------------


def preflight(project: Path, branch: str) -> None:  # noqa: C901 - one refusal per rule, in order
    """Refuse a project adoption cannot start on; each refusal says how to make it ready."""
    if not project.is_dir():
        msg = f"PROJECT={project}: no such folder. Give the path of the repository to adopt."
        raise AdoptError(ExitCode.USAGE, msg)
    inside = run(["git", "rev-parse", "--show-toplevel"], cwd=project)
    if inside.returncode != 0:
        msg = (
            f"{project} is not a git repository: adoption works on a branch, so the history "
            "is the undo. `git init && git add --all && git commit -m 'Before the template'`, "
            "then run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if Path(inside.stdout.strip()).resolve() != project.resolve():
        msg = (
            f"{project} is inside the repository {inside.stdout.strip()}, not its top: adopt the "
            "repository's top folder (the template's files belong there)."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=project).returncode != 0:
        msg = (
            f"{project} has no commit yet: commit the project as it is, then run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    dirty = git(project, "status", "--porcelain").splitlines()
    if dirty:
        msg = (
            f"{project} has {len(dirty)} uncommitted change(s) (`git status`): commit or stash "
            "them first, so the adoption is a reviewable change of its own."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if (project / ".copier-answers.yml").exists():
        msg = (
            f"{project} already has .copier-answers.yml: it comes from a copier template. If "
            "that is this template, take its newer releases with `make update-template`."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if not (project / "pyproject.toml").is_file():
        found = [name for name in ("setup.py", "setup.cfg") if (project / name).is_file()]
        msg = (
            f"{project} has no pyproject.toml"
            + (f" ({' and '.join(found)} only)" if found else "")
            + ": adoption reads PEP 621 or poetry metadata from it. Move the metadata into "
            "pyproject.toml's [project] table (`uvx hatch new --init` converts a setup.py), "
            "commit, and run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if (
        run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"], cwd=project
        ).returncode
        == 0
    ):
        msg = (
            f"{project} already has a branch {branch}: an earlier adoption? Delete it "
            f"(`git branch -D {branch}`) or name another one (BRANCH=...)."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    for role in ("AUTHOR", "COMMITTER"):
        if run(["git", "var", f"GIT_{role}_IDENT"], cwd=project).returncode != 0:
            msg = (
                "git has no identity here, and adoption commits on its branch: "
                'git config --global user.name "Your Name" && '
                "git config --global user.email YOU@EXAMPLE.COM"
            )
            raise AdoptError(ExitCode.NOT_READY, msg)


# --- Reading the project -------------------------------------------------------------------------


def tracked(project: Path) -> list[str]:
    """The project's files git tracks, relative to its top."""
    return [path for path in git(project, "ls-files", "-z").split("\0") if path]


def read_bytes(project: Path, path: str) -> bytes | None:
    """A file's bytes, or None when it is not a readable file."""
    try:
        return (project / path).read_bytes()
    except OSError:
        return None


def read_text(project: Path, path: str) -> str | None:
    """A file's text, or None when it is missing or no UTF-8 text."""
    data = read_bytes(project, path)
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def texts(project: Path, paths: Sequence[str]) -> dict[str, str]:
    """The project's docs, scripts and settings files, for the facts they name."""
    found: dict[str, str] = {}
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if Path(name).suffix.lower() not in TEXT_SUFFIXES and name not in TEXT_NAMES:
            continue
        file = project / path
        if not file.is_file() or file.stat().st_size > MAX_TEXT:
            continue
        text = read_text(project, path)
        if text is not None:
            found[path] = text
    return found


def origin_url(project: Path) -> str:
    """The `origin` remote's URL, or ""."""
    process = run(["git", "remote", "get-url", "origin"], cwd=project)
    return process.stdout.strip() if process.returncode == 0 else ""


def start_point(project: Path) -> tuple[str, str]:
    """The branch the project is on ("" when detached) and its commit."""
    branch = run(["git", "symbolic-ref", "--quiet", "--short", "HEAD"], cwd=project)
    return (branch.stdout.strip() if branch.returncode == 0 else ""), git(
        project, "rev-parse", "HEAD"
    ).strip()


# --- The template ---------------------------------------------------------------------------------


def template_source(given: str) -> str:
    """The template as copier will record it: a URL as given, a folder as an absolute path."""
    if not given:
        return str(ROOT)
    if re.match(r"^(?:[a-z][a-z0-9+.-]*://|gh:|gl:|git@)", given):
        return given
    path = Path(given).expanduser()
    if not (path / "copier.yml").is_file():
        msg = f"TEMPLATE={given}: no copier.yml there. Give a clone of the template, or its URL."
        raise AdoptError(ExitCode.USAGE, msg)
    return str(path.resolve())


def newest_release(source: str) -> str:
    """The template's newest release tag (PEP 440, an optional `v`; no pre-releases)."""
    url = source
    for prefix, host in (("gh:", "https://github.com/"), ("gl:", "https://gitlab.com/")):
        if source.startswith(prefix):
            url = f"{host}{source.removeprefix(prefix).removesuffix('.git')}.git"
    process = run(["git", "ls-remote", "--tags", "--refs", url], timeout=120)
    if process.returncode != 0:
        msg = f"could not read the template's tags at {source}: {said(process)}"
        raise AdoptError(ExitCode.NOT_READY, msg)
    releases: list[tuple[Version, str]] = []
    for line in process.stdout.splitlines():
        tag = line.rsplit("refs/tags/", 1)[-1]
        try:
            version = Version(tag)
        except InvalidVersion:
            continue
        if not version.is_prerelease:
            releases.append((version, tag))
    if not releases:
        msg = (
            f"the template at {source} has no release tag (vX.Y.Z): `make update-template` "
            "needs the release recorded in .copier-answers.yml. Tag one (`make "
            "release-template VERSION=...`), or name an existing tag with REF=..."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    return max(releases)[1]


def questions() -> dict[str, dict[str, object]]:
    """The questions of this checkout's copier.yml (the answers DATA may give)."""
    document = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    return {
        key: value
        for key, value in document.items()
        if not key.startswith("_") and isinstance(value, dict) and value.get("when") is not False
    }


def copier_command() -> list[str]:
    """The copier of this environment (the template's own, with its extension loader)."""
    beside = Path(sys.executable).parent / "copier"
    found = str(beside) if beside.is_file() else shutil.which("copier")
    if not found:
        msg = "copier is not installed here: run `make install` in the template repository."
        raise AdoptError(ExitCode.NOT_READY, msg)
    return [found]


@dataclass
class Rendered:
    """The template rendered with the answers: its files, the answers copier recorded, warnings."""

    root: Path
    files: dict[str, bytes] = field(default_factory=dict)
    answers: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def render(source: str, ref: str, data: Sequence[str], destination: Path) -> Rendered:
    """Render the template into `destination` with copier: no prompt, and no task.

    The tasks set up a new project (git init, a first commit): not wanted in a scratch folder.
    The name guard runs, as for the project's own name (`_adopt` in the data).
    """
    command = [
        *copier_command(),
        *("copy", "--trust", "--defaults", "--skip-tasks", "--vcs-ref", ref),
        *(part for item in data for part in ("--data", item)),
        source,
        str(destination),
    ]
    process = run(command, timeout=600)
    output = said(process)
    if process.returncode != 0:
        raise CopierRefusal(output)
    result = Rendered(destination)
    for file in sorted(destination.rglob("*")):
        if file.is_file() and ".git" not in file.relative_to(destination).parts:
            result.files[file.relative_to(destination).as_posix()] = file.read_bytes()
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text(encoding="utf-8"))
    result.answers = dict(answers) if isinstance(answers, dict) else {}
    result.warnings = [
        line.removeprefix("warning: ").strip()
        for line in output.splitlines()
        if line.startswith("warning: ")
    ]
    return result


class CopierRefusal(Exception):  # noqa: N818 - a refusal, not a fault: the CLI turns it into a message
    """Copier stopped before writing anything: its output, for the message."""


# --- Applying the plan ----------------------------------------------------------------------------


@dataclass
class Applied:
    """What happened in the project."""

    branch: str
    from_branch: str
    from_commit: str
    commits: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lock steps that did not complete
    committed: bool = False


def apply(  # noqa: PLR0913 - the project, the plan and how to commit it, keyword-only
    project: Path,
    plan: Plan,
    *,
    package: Package,
    branch: str,
    rendered: Path,
    message: tuple[str, str],
) -> Applied:
    """Carry out the plan on a new branch; on any failure, put everything back as it was."""
    from_branch, from_commit = start_point(project)
    applied = Applied(branch, from_branch, from_commit)
    git(project, "switch", "--quiet", "--create", branch)
    try:
        _apply(project, plan, package=package, rendered=rendered, applied=applied, message=message)
    except (AdoptError, OSError, KeyboardInterrupt) as error:
        undone = _undo(project, applied)
        reason = str(error) or type(error).__name__
        if undone:
            msg = (
                f"{reason}\nNothing was changed: the branch {branch} was deleted, and the "
                f"project is on {from_branch or from_commit[:12]} as before."
            )
        else:
            msg = (
                f"{reason}\nThe project could not be put back by itself: it is on the branch "
                f"{branch}, partly adopted. Put it back with `git reset --hard && git clean "
                f"-fd && git switch {from_branch or from_commit} && git branch -D {branch}`."
            )
        raise AdoptError(ExitCode.FAILED, msg) from None
    return applied


def _apply(  # noqa: PLR0913 - the steps' shared state, passed down once
    project: Path,
    plan: Plan,
    *,
    package: Package,
    rendered: Path,
    applied: Applied,
    message: tuple[str, str],
) -> None:
    if package.moves:
        (project / package.target).parent.mkdir(parents=True, exist_ok=True)
        git(project, "mv", package.folder, package.target)
        git(
            project,
            "commit",
            "--quiet",
            "--no-verify",
            "--message",
            f"Move {package.folder}/ to {package.target}/, the template's src layout",
            "--message",
            "Only the move, in a commit of its own: `git log --follow` keeps each file's history.",
        )
        applied.commits.append(git(project, "rev-parse", "HEAD").strip())
    for path in plan.removals:
        git(project, "rm", "--quiet", "--", path)
    for path, data in plan.writes.items():
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        source = rendered / path
        if source.is_file() and os.access(source, os.X_OK):
            target.chmod(target.stat().st_mode | 0o111)
    if "pyproject.toml" not in plan.conflicts:
        applied.notes += _lock(project, ["uv", "lock", "--quiet"], "uv.lock")
    if (project / "tools.py").is_file():
        applied.notes += _lock(
            project, ["uv", "lock", "--quiet", "--script", "tools.py"], "tools.py.lock"
        )
    applied.notes += _ignored(project, [*plan.writes, "uv.lock", "tools.py.lock"])
    if not plan.conflicts:
        git(project, "add", "--all")
        # The commits are mechanical: the team's git hooks run on the branch afterwards
        # (docs/adopting.md), rather than undo the whole adoption half-way.
        git(
            project,
            "commit",
            "--quiet",
            "--no-verify",
            "--message",
            message[0],
            "--message",
            message[1],
        )
        applied.commits.append(git(project, "rev-parse", "HEAD").strip())
        applied.committed = True


def _ignored(project: Path, paths: Sequence[str]) -> list[str]:
    """Files adoption wrote that the project's .gitignore keeps out of git, each with its rule."""
    existing = [path for path in paths if (project / path).exists()]
    process = run(["git", "check-ignore", "--verbose", "--", *existing], cwd=project)
    notes = []
    for line in process.stdout.splitlines():
        rule, _, path = line.partition("\t")
        notes.append(
            f"{path} is ignored by git ({rule}), so it is not committed: remove that pattern, "
            f"then `git add {path}`"
        )
    return notes


def _lock(project: Path, command: list[str], what: str) -> list[str]:
    process = run(command, cwd=project, timeout=LOCK_TIMEOUT)
    if process.returncode == 0:
        return []
    last = (said(process).splitlines() or [f"exit code {process.returncode}"])[-1]
    shown = " ".join(part for part in command if part != "--quiet")
    return [f"{what} not written: `{shown}` failed ({last}); run it when the index can be reached"]


def _undo(project: Path, applied: Applied) -> bool:
    """Back to the starting branch, the adoption branch deleted; whether that worked."""
    steps = [
        ["reset", "--quiet", "--hard"],
        ["clean", "--quiet", "-fd"],
        ["switch", "--quiet", applied.from_branch]
        if applied.from_branch
        else ["switch", "--quiet", "--detach", applied.from_commit],
        ["branch", "--quiet", "-D", applied.branch],
    ]
    return all(run(["git", *step], cwd=project).returncode == 0 for step in steps)


# --- After: make check ----------------------------------------------------------------------------


@dataclass
class Check:
    """`make check` in the project: green, red (with the targets that failed), or not run."""

    state: str  # green, red, skipped
    failed: list[str] = field(default_factory=list)
    log: str = ""
    why: str = ""


_FAILED_TARGET = re.compile(r"\*\*\* \[(?:[^\]]*?:\s*)?(?P<target>[A-Za-z0-9_.-]+)\] Error \d+")


def failed_targets(output: str) -> list[str]:
    """The sub-targets of `make check` that failed, from make's `*** [...] Error N` lines."""
    found = [match["target"] for match in _FAILED_TARGET.finditer(output)]
    return [target for target in dict.fromkeys(found) if target != "check"]


def make_check(project: Path) -> Check:
    """Run `make check` as CI does; its whole output goes to .git/adopt-make-check.log."""
    makefile = read_text(project, "Makefile") or ""
    if "<<<<<<< yours" in makefile:
        return Check("skipped", why="the Makefile has conflicts to resolve first")
    process = run(["make", "check"], cwd=project, timeout=CHECK_TIMEOUT)
    log = Path(git(project, "rev-parse", "--absolute-git-dir").strip()) / CHECK_LOG
    log.write_text(said(process) + "\n", encoding="utf-8")
    relative = os.path.relpath(log, project)
    if process.returncode == 0:
        return Check("green", log=relative)
    return Check("red", failed_targets(said(process)) or ["check"], relative)
