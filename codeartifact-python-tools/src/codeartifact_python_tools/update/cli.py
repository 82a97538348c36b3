"""`update-template` and `template-drift`: take the template's newer releases, by hand or weekly.

`template-drift` only prepares: the branch, its pull request body and a git bundle of the branch.
It needs no token and pushes nothing; .github/workflows/template-drift.yml hands what it wrote to
a second job that runs only git and gh, and pushes the branch and opens the pull request.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.commands import say
from codeartifact_python_tools.release.github import write_outputs
from codeartifact_python_tools.update import answers, project
from codeartifact_python_tools.update.errors import ExitCode, UpdateError
from codeartifact_python_tools.update.project import answer, git
from codeartifact_python_tools.update.summary import (
    BRANCH,
    Outcome,
    changelog_sections,
    commit_message,
    foreign_commits,
    newest_release,
    parse_version,
    pull_request_body,
    summary,
)

if TYPE_CHECKING:
    import argparse

INTERRUPTED = "Interrupted: `git status` shows what changed; `git checkout -- .` undoes it."
EPILOG = """\
exit codes: 0 updated and green, already current, or the drift pull request is up to date;
1 failed (the message says what); 2 usage (also a --data that is not question=value or names no
question of the project); 3 not started (uncommitted changes, no git, no .copier-answers.yml);
4 copier failed (an answer refused among them), nothing was changed; 5 updated, with conflicts
to resolve; 6 updated without conflicts, but uv.lock or `make check` is not green.

environment: COPIER (the copier command to run; default: the copier these tools were tested
with, through uvx).
"""
BODY_FILE = "pull-request.md"
BUNDLE_FILE = "template-update.bundle"
DRIFT_EPILOG = f"""\
template-drift writes into --out (default: .git/template-drift) {BODY_FILE}, the pull request's
body, and {BUNDLE_FILE}, the one commit on {BRANCH} beyond the current branch. In GitHub Actions
it sets the step outputs `result` (current: nothing to do; branch-current: {BRANCH} already
carries the newest release; branch-edited: {BRANCH} has commits the check did not make, left
alone; update: prepared) and `version`. It exits 0 after an update with conflicts or a red
`make check` too: the pull request body says which.

{EPILOG}"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `update-template` and `template-drift` to the tools' command line."""
    text = "take the newest template release (or --ref), re-lock and run `make check`"
    update = commands.add_parser("update-template", help=text, description=text, epilog=EPILOG)
    update.add_argument("--ref", default="", help="a template tag, e.g. v1.2.0")
    update.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="'KEY=VALUE ...'",
        help="change answers: one or more question=value, separated by spaces (a value may hold "
        "spaces; quote one that holds a word like name=)",
    )
    update.set_defaults(handler=_update, interrupted=INTERRUPTED)
    text = "when the template is ahead, prepare the template-update branch and its pull request"
    drift = commands.add_parser("template-drift", help=text, description=text, epilog=DRIFT_EPILOG)
    drift.add_argument(
        "--out", type=Path, help="where to write the pull request body and the git bundle"
    )
    drift.set_defaults(handler=_drift, interrupted=INTERRUPTED)


def _update(arguments: argparse.Namespace) -> int:
    data = answers.parse_all(arguments.data)  # a bad DATA stops here, before anything runs
    outcome = project.update(arguments.ref.strip() or None, data)
    if outcome.from_version == outcome.to_version and not outcome.changed:
        say(f"Already on template {outcome.to_version}: nothing to update.")
        return ExitCode.OK
    say("\n".join(summary(outcome)))
    return _exit_code(outcome)


def _exit_code(outcome: Outcome) -> int:
    if outcome.conflicts:
        return ExitCode.CONFLICTS
    return ExitCode.OK if outcome.green else ExitCode.RED


def _drift(arguments: argparse.Namespace) -> int:
    project.require_clean_tree()
    source, current = answer("_src_path"), answer("_commit")
    newest = newest_release(project.template_tags(source))
    now, then = parse_version(current), parse_version(newest or "")
    if newest is None or then is None:
        say(f"The template at {source} has no release tags (vX.Y.Z): nothing to compare.")
        write_outputs({"result": "current"})
        return ExitCode.OK
    if now is not None and now >= then:
        say(f"The project is on template {current}, the newest release: nothing to do.")
        write_outputs({"result": "current", "version": current})
        return ExitCode.OK
    base, head = git("rev-parse", "--abbrev-ref", "HEAD").strip(), git("rev-parse", "HEAD").strip()
    # Back where it started afterwards: the branch, or the commit a detached checkout is on.
    back = (
        ("switch", "--quiet", base) if base != "HEAD" else ("switch", "--quiet", "--detach", head)
    )
    held = _held_branch(newest, head)
    if held:
        write_outputs({"result": held, "version": newest})
        return ExitCode.OK
    out = arguments.out or _default_out()
    git("switch", "--quiet", "-C", BRANCH)
    try:
        outcome = project.update(newest, [])
    except UpdateError:
        git(*back)  # the update changed nothing: leave the project as it was
        raise
    git("add", "--all")
    git("commit", "--quiet", "--no-verify", "--message", commit_message(newest))
    changelog = changelog_sections(
        project.template_changelog(source, newest), now or (0, 0, 0), then
    )
    _write_handover(out, head, pull_request_body(outcome, changelog))
    git(*back)
    # Without the last line of a green summary, the advice to commit: the branch is committed.
    say("\n".join(summary(outcome)[: -1 if outcome.green else None]))
    say(
        f"Branch {BRANCH} has the update, one commit on {head[:12]}; the pull request body is in "
        f"{out / BODY_FILE}, the branch as a git bundle in {out / BUNDLE_FILE}."
    )
    write_outputs({"result": "update", "version": newest})
    return ExitCode.OK


def _held_branch(newest: str, base: str) -> str:
    """Why origin's template-update branch must be left as it is ("" when it may be replaced)."""
    tip = project.remote_branch(BRANCH)
    if tip is None:
        return ""
    if project.carries(tip, newest):
        say(f"The {BRANCH} branch already carries {newest}: its pull request is up to date.")
        return "branch-current"
    foreign = foreign_commits(project.commits_beyond(tip, base), project.committer_email())
    if not foreign:
        return ""
    say(
        f"The {BRANCH} branch has {len(foreign)} commit(s) the drift check did not make: it is "
        f"left as it is, and {newest} waits. Merge or close its pull request and delete the "
        f"branch, or take {newest} on it with `make update-template REF={newest}`."
    )
    for commit in foreign:
        say(f"  {commit.sha[:12]} {commit.committer}: {commit.subject}")
    return "branch-edited"


def _default_out() -> Path:
    """.git/template-drift: inside git's own folder, so the working tree stays clean."""
    # git ends the path with a newline: stripped, or it would end the folder's name.
    return Path(git("rev-parse", "--git-path", "template-drift").strip())


def _write_handover(out: Path, base: str, body: str) -> None:
    """The pull request body and the branch as a git bundle, in OUT, replacing older ones."""
    out.mkdir(parents=True, exist_ok=True)
    for name in (BODY_FILE, BUNDLE_FILE):
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        target.unlink(missing_ok=True)
    (out / BODY_FILE).write_text(body, encoding="utf-8")
    project.bundle(out / BUNDLE_FILE, base, BRANCH)
