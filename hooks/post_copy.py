"""One-time set-up after `copier copy`: lock, first commit, and the offer to protect the name.

Copier runs this as a task in the new project. Nothing here may fail the copy: a step that cannot
run (no network, no git identity) prints what to run later instead, and the script exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import project_steps
from project_steps import GIT_TIMEOUT, last_line, ok, run

if TYPE_CHECKING:
    from collections.abc import Sequence


def lock(notes: list[str]) -> None:
    """Write uv.lock and tools.py.lock, so the first commit pins every tool the project uses."""
    for step in (project_steps.lock, project_steps.lock_tools):
        note = step(Path.cwd())
        if note:
            notes.append(note)


def _inside_work_tree() -> bool:
    result = run(["git", "rev-parse", "--is-inside-work-tree"], GIT_TIMEOUT)
    return ok(result) and result.stdout.strip() == "true"


def commit(
    notes: list[str], *, everything_is_ours: bool = True, author: tuple[str, str] = ("", "")
) -> None:
    """Start the project's history, unless it already lives inside another repository.

    Only a destination that held nothing before the copy is committed whole: files that were
    there already (a `.env` with a secret, notes, code) are the user's to add, or not. Where git
    has no identity, the commit is made as `author` (the project's author answers).
    """
    if shutil.which("git") is None:
        notes.append("git is not on PATH: run `git init` and make the first commit yourself.")
        return
    if _inside_work_tree():
        notes.append("The project is inside an existing git repository: commit it there.")
        return
    if not ok(run(["git", "init", "--quiet", "--initial-branch=main"], GIT_TIMEOUT)):
        notes.append("`git init` failed: initialise the repository yourself.")
        return
    if not everything_is_ours:
        notes.append(
            "The folder held files before the copy, so nothing was committed: `git status` "
            "lists everything; add what belongs in the project (`git add -p`, never a `.env`), "
            "then commit."
        )
        return
    run(["git", "add", "--all"], GIT_TIMEOUT)
    message = ["--message", "Start from codeartifact-python-template"]
    stand_in = stand_in_identity(author)
    if stand_in:
        name, email = author
        why = "git had no identity where this was copied: committed as the author answers."
        message += ["--message", why]
        notes.append(
            f"git has no identity on this machine (user.name, user.email), so the first commit "
            f"was made as {name} <{email}>, the project's author answers, for that commit only "
            "(no git setting was written). Before your next commit: "
            'git config --global user.name "Your Name" && git config --global user.email YOU@HERE'
        )
    result = run(["git", "commit", "--quiet", *message], GIT_TIMEOUT, env=stand_in)
    if not ok(result):
        notes.append(
            f"The first commit failed ({last_line(result)}): set `git config user.name` and "
            "`user.email`, then run `git add --all && git commit`."
        )


def stand_in_identity(author: tuple[str, str]) -> dict[str, str]:
    """GIT_AUTHOR_*/GIT_COMMITTER_* from the author answers, for each role git has none for.

    Only for the first commit's own environment: nothing is written to the user's git settings,
    and a machine that has an identity (config, GIT_* or EMAIL) commits as itself.
    """
    name, email = author
    if not name or not email:
        return {}
    stand_in: dict[str, str] = {}
    for role in ("AUTHOR", "COMMITTER"):
        if not ok(run(["git", "var", f"GIT_{role}_IDENT"], GIT_TIMEOUT)):
            stand_in |= {f"GIT_{role}_NAME": name, f"GIT_{role}_EMAIL": email}
    return stand_in


def _has_credentials(profile: str) -> bool:
    """Whether AWS credentials are configured at all; cheap, and never touches the network."""
    if os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"):
        return True
    config = Path(os.environ.get("AWS_CONFIG_FILE", Path.home() / ".aws" / "config"))
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        return False
    section = f"[profile {profile}]" if profile else "[default]"
    return section in text


def offer_protection(package: str, profile: str, notes: list[str]) -> None:
    """Offer to block the public upstream for the new name while nobody depends on it yet."""
    if not _has_credentials(profile):
        notes.append(
            f"When you have AWS credentials, run `make protect-name`: it stops CodeArtifact from "
            f"ever taking {package} from the public index (dependency confusion)."
        )
        return
    if not sys.stdin.isatty():
        notes.append(
            f"AWS credentials found: run `make protect-name` to block the public upstream for "
            f"{package} in CodeArtifact."
        )
        return
    answer = input(f"Block the public upstream for {package} in CodeArtifact now? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        notes.append("Run `make protect-name` whenever you are ready.")
        return
    if not ok(run(["make", "protect-name"], project_steps.LOCK_TIMEOUT)):
        notes.append("`make protect-name` failed: run it again to see why.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run every step and report what is left to do; always succeed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", required=True)
    parser.add_argument("--profile", default="")
    parser.add_argument(
        "--first-commit",
        choices=["yes", "no"],
        default="yes",
        help="no: the destination held files before the copy; commit nothing",
    )
    parser.add_argument("--author-name", default="", help="the commit's author if git has none")
    parser.add_argument("--author-email", default="", help="the commit's email if git has none")
    args = parser.parse_args(argv)
    notes: list[str] = []
    lock(notes)
    author = (args.author_name, args.author_email)
    commit(notes, everything_is_ours=args.first_commit == "yes", author=author)
    offer_protection(args.package, args.profile, notes)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
