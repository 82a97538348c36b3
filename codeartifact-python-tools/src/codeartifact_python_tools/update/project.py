"""The I/O edge: git, copier, uv and make, run in the project with their output captured."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools import commands
from codeartifact_python_tools.commands import output, say
from codeartifact_python_tools.update import answers
from codeartifact_python_tools.update.errors import ExitCode, UpdateError
from codeartifact_python_tools.update.summary import (
    CONFLICT_MARKER,
    TRAILER,
    Commit,
    Outcome,
    migration_lines,
    newest_release,
    parse_version,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ANSWERS = Path(".copier-answers.yml")
# The copier that takes template updates: the versions this release was tested with.
COPIER = (
    "uvx",
    "--from",
    "copier==9.19.1",
    "--with",
    "copier-template-extensions==0.3.4",
    "copier",
)
# git never asks for a password it has no terminal for: a remote it cannot read is an answer.
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


def run(
    args: Sequence[str], timeout: float = 900, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command with its output captured; a missing executable is a clear error."""
    try:
        return commands.run(args, timeout=timeout, env=env)
    except commands.Missing as error:
        raise UpdateError(ExitCode.REFUSED, str(error)) from None
    except subprocess.TimeoutExpired as error:
        msg = f"`{' '.join(args[:2])}` did not finish in {timeout:.0f} s; run it again."
        raise UpdateError(ExitCode.FAILED, msg) from error


def git(*args: str) -> str:
    """Run git; its stdout, or an error naming the command."""
    process = run(["git", *args])
    if process.returncode != 0:
        msg = f"`git {' '.join(args)}` failed: {output(process)}"
        raise UpdateError(ExitCode.FAILED, msg)
    return process.stdout


def answer(key: str) -> str:
    """One value from .copier-answers.yml (top-level keys are plain `key: value` lines)."""
    try:
        text = ANSWERS.read_text(encoding="utf-8")
    except OSError as error:
        msg = f"{ANSWERS} is missing: only a project copier generated can take template updates."
        raise UpdateError(ExitCode.REFUSED, msg) from error
    match = re.search(rf"^{re.escape(key)}: (.+)$", text, re.MULTILINE)
    if match is None:
        msg = f"{ANSWERS} has no `{key}`: copy the project from a tagged template release."
        raise UpdateError(ExitCode.REFUSED, msg)
    return match.group(1).strip().strip("'\"")


def require_clean_tree() -> None:
    """Refuse to start on uncommitted work: an update must be reviewable as its own diff."""
    inside = run(["git", "rev-parse", "--is-inside-work-tree"])
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        msg = "not a git repository: copier updates only committed projects (git init, commit)."
        raise UpdateError(ExitCode.REFUSED, msg)
    dirty = git("status", "--porcelain").splitlines()
    if dirty:
        msg = (
            f"the working tree has {len(dirty)} uncommitted change(s) (`git status`): "
            "commit or stash them, then run the update again."
        )
        raise UpdateError(ExitCode.REFUSED, msg)


def copier_command() -> list[str]:
    """The copier these tools were tested with, and the extension that loads the name guard.

    COPIER overrides it (a shell-style command line), e.g. for a copier already installed.
    """
    return shlex.split(os.environ.get("COPIER", "")) or list(COPIER)


def template_url(source: str) -> str:
    """Copier's `gh:owner/name` shorthand as the URL git understands; other sources as they are."""
    for prefix, host in (("gh:", "https://github.com/"), ("gl:", "https://gitlab.com/")):
        if source.startswith(prefix):
            return f"{host}{source.removeprefix(prefix).removesuffix('.git')}.git"
    return source


def template_tags(source: str) -> list[str]:
    """The template repository's tag names, read without cloning it."""
    process = run(["git", "ls-remote", "--tags", "--refs", template_url(source)], timeout=120)
    if process.returncode != 0:
        msg = (
            f"could not read the template at {source}: {output(process).splitlines()[-1:]}. "
            "A private template must be readable by whoever runs this (docs/updating.md)."
        )
        raise UpdateError(ExitCode.COPIER, msg)
    return [line.rsplit("refs/tags/", 1)[-1] for line in process.stdout.splitlines()]


def template_changelog(source: str, tag: str) -> str:
    """The template's CHANGELOG.md at a tag ("" when it has none or cannot be read)."""
    with tempfile.TemporaryDirectory(prefix="template-") as scratch:
        clone = run(
            [
                "git",
                "clone",
                "--quiet",
                "--depth",
                "1",
                "--branch",
                tag,
                template_url(source),
                scratch,
            ],
            timeout=300,
        )
        changelog = Path(scratch) / "CHANGELOG.md"
        if clone.returncode != 0 or not changelog.is_file():
            return ""
        return changelog.read_text(encoding="utf-8")


def changed_files() -> list[str]:
    """Paths git sees as changed, renamed or new since the last commit."""
    paths = []
    for line in git("status", "--porcelain", "--untracked-files=all").splitlines():
        path = line[3:]
        paths.append(path.split(" -> ", 1)[-1].strip('"'))
    return sorted(set(paths))


def conflicted(paths: Sequence[str]) -> list[str]:
    """Files left with copier's inline conflict markers, or a `.rej` file."""
    found = []
    for path in paths:
        if path.endswith(".rej"):
            found.append(path)
            continue
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if any(line.rstrip() == CONFLICT_MARKER for line in text.splitlines()):
            found.append(path)
    return found


def update(ref: str | None, data: Sequence[str], *, check: bool = True) -> Outcome:
    """Run copier update, re-lock and `make check`; return what happened."""
    require_clean_tree()
    source, before = answer("_src_path"), answer("_commit")
    if not ref and not data:
        # Already on the newest release: say so without running copier, uv or make.
        now, newest = parse_version(before), newest_release(template_tags(source))
        then = parse_version(newest or "")
        if now is not None and then is not None and now >= then:
            return Outcome(from_version=before, to_version=before)
    said = run_copier(ref, data)
    to_version = answer("_commit")
    say(f"Updating from template {before} to {to_version} ({source}): uv lock and make check next.")
    outcome = Outcome(from_version=before, to_version=to_version)
    outcome.migrations = migration_lines(said)
    outcome.changed = changed_files()
    outcome.conflicts = conflicted(outcome.changed)
    if "pyproject.toml" in outcome.conflicts:
        outcome.lock_note = "not re-locked: resolve pyproject.toml, then run `uv lock`"
    else:
        lock = run(["uv", "lock", "--quiet"], timeout=300)
        if lock.returncode != 0:
            last = output(lock).splitlines()[-1:] or ["no output"]
            outcome.lock_note = f"`uv lock` failed ({last[0]}): run it when online"
        outcome.changed = changed_files()
    if check and not outcome.conflicts:
        say("Running make check ...")
        checked = run(["make", "check"], timeout=1800)
        outcome.check = "green" if checked.returncode == 0 else "red"
        if checked.returncode != 0:
            say("\n".join(output(checked).splitlines()[-30:]))
    return outcome


def run_copier(ref: str | None, data: Sequence[str]) -> str:
    """Run `copier update`; what it printed. Nothing changed and an error if it took nothing.

    Nothing is printed before copier has taken the answers, so a refused one is the first line
    the user reads: its rule, not copier's warnings on the way there.
    """
    command = [*copier_command(), "update", "--trust", "--defaults", "--conflict", "inline"]
    if ref:
        command += ["--vcs-ref", ref]
    for item in data:
        command += ["--data", item]
    copier = run(command)
    said = output(copier)
    if copier.returncode != 0:
        _undo()
        rule = answers.refusal(said, data)
        if rule:
            msg = f"{rule}. Nothing was changed: correct that answer in DATA and run it again."
            raise UpdateError(ExitCode.COPIER, msg)
        lines = said.splitlines()
        reasons = [line for line in lines if not line.startswith("warning:")] or lines
        last = reasons[-3:] or [f"exit code {copier.returncode}"]
        msg = "copier update failed, nothing was changed: " + " ".join(last)
        raise UpdateError(ExitCode.COPIER, msg)
    questions = _questions()
    ignored = [key for key in (item.partition("=")[0] for item in data) if key not in questions]
    if ignored:
        _undo()
        msg = (
            f"{', '.join(ignored)}: not a question this project answers (.copier-answers.yml has "
            f"no such key after the update), so DATA would change nothing; its questions are "
            f"{', '.join(questions)}. Nothing was changed."
        )
        raise UpdateError(ExitCode.USAGE, msg)
    return said


def _undo() -> None:
    """Put the tree back as it was committed: copier may have written part of an update."""
    git("reset", "--quiet", "--hard")
    git("clean", "--quiet", "-fd")


def _questions() -> list[str]:
    """The questions .copier-answers.yml records answers to (copier's own `_` keys left out)."""
    text = ANSWERS.read_text(encoding="utf-8") if ANSWERS.is_file() else ""
    return re.findall(r"^([A-Za-z][A-Za-z0-9_]*):", text, re.MULTILINE)


def remote_branch(branch: str) -> str | None:
    """The commit origin's BRANCH is at, or None when origin has no such branch.

    Asked of origin when it answers; else (CI checks out without keeping a credential) the
    remote-tracking branch the checkout fetched with every other branch.
    """
    tracking = f"refs/remotes/origin/{branch}"
    heads = run(["git", "ls-remote", "--heads", "origin", branch], timeout=120, env=NO_PROMPT)
    if heads.returncode == 0:
        if not heads.stdout.strip():
            return None
        fetched = run(
            ["git", "fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:{tracking}"],
            timeout=300,
            env=NO_PROMPT,
        )
        if fetched.returncode != 0:
            msg = f"could not fetch origin's {branch}: {output(fetched)}"
            raise UpdateError(ExitCode.FAILED, msg)
    known = run(["git", "rev-parse", "--verify", "--quiet", f"{tracking}^{{commit}}"])
    return known.stdout.strip() if known.returncode == 0 else None


def carries(commit: str, version: str) -> bool:
    """Whether the project at COMMIT is on template VERSION (its answers file says so)."""
    shown = run(["git", "show", f"{commit}:{ANSWERS.as_posix()}"])
    return shown.returncode == 0 and f"_commit: {version}\n" in shown.stdout


def commits_beyond(tip: str, base: str) -> list[Commit]:
    """The commits reachable from TIP and not from BASE, newest first."""
    # One line each, fields split by the unit separator, which no name or subject holds.
    fields = f"%H%x1f%ce%x1f%(trailers:key={TRAILER},valueonly,separator=%x2C)%x1f%s"
    listed = git("log", f"--format={fields}", tip, "--not", base)
    found = []
    for line in listed.splitlines():
        sha, committer, trailer, subject = [*line.split("\x1f"), "", "", ""][:4]
        found.append(Commit(sha, committer, trailer.strip(), subject))
    return found


def committer_email() -> str:
    """The email git commits with here (GIT_COMMITTER_EMAIL, else the configured user)."""
    ident = git("var", "GIT_COMMITTER_IDENT")
    match = re.search(r"<([^>]*)>", ident)
    return match.group(1) if match else ""


def bundle(path: Path, base: str, branch: str) -> None:
    """Write BRANCH's commits beyond BASE to a git bundle: what the publish job pushes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    git("bundle", "create", "--quiet", str(path), f"{base}..{branch}")
