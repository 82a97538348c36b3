"""`update-template` and `template-drift`: take the template's newer releases, by hand or weekly."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.commands import output, say
from codeartifact_python_tools.update import project
from codeartifact_python_tools.update.errors import ExitCode, UpdateError
from codeartifact_python_tools.update.project import answer, git
from codeartifact_python_tools.update.summary import (
    BRANCH,
    LABEL,
    Outcome,
    changelog_sections,
    newest_release,
    parse_version,
    pull_request_body,
    pull_request_title,
    summary,
)

if TYPE_CHECKING:
    import argparse

DESCRIPTION = "A newer release of the project template"
INTERRUPTED = "Interrupted: `git status` shows what changed; `git checkout -- .` undoes it."
EPILOG = """\
exit codes: 0 updated and green, already current, or the drift pull request is up to date;
1 failed (the message says what); 2 usage; 3 not started (uncommitted changes, no git, no
.copier-answers.yml); 4 copier failed, nothing was changed; 5 updated, with conflicts to
resolve; 6 updated without conflicts, but uv.lock or `make check` is not green.

environment: COPIER (the copier command to run; default: the copier these tools were tested
with, through uvx).
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `update-template` and `template-drift` to the tools' command line."""
    text = "take the newest template release (or --ref), re-lock and run `make check`"
    update = commands.add_parser("update-template", help=text, description=text, epilog=EPILOG)
    update.add_argument("--ref", default="", help="a template tag, e.g. v1.2.0")
    update.add_argument(
        "--data", action="append", default=[], metavar="KEY=VALUE", help="change an answer"
    )
    update.set_defaults(handler=_update, interrupted=INTERRUPTED)
    text = "when the template is ahead, prepare the template-update branch and pull request"
    drift = commands.add_parser("template-drift", help=text, description=text, epilog=EPILOG)
    drift.add_argument("--body-file", type=Path, help="where to write the pull request body")
    drift.add_argument(
        "--publish", action="store_true", help="push the branch and open or refresh the PR (CI)"
    )
    drift.set_defaults(handler=_drift, interrupted=INTERRUPTED)


def _update(arguments: argparse.Namespace) -> int:
    outcome = project.update(arguments.ref.strip() or None, arguments.data)
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
        return ExitCode.OK
    if now is not None and now >= then:
        say(f"The project is on template {current}, the newest release: nothing to do.")
        return ExitCode.OK
    if arguments.publish and _open_branch_is_current(newest):
        say(f"The {BRANCH} branch already carries {newest}: its pull request is up to date.")
        return ExitCode.OK
    base = git("rev-parse", "--abbrev-ref", "HEAD").strip()
    git("switch", "--quiet", "-C", BRANCH)
    try:
        outcome = project.update(newest, [])
    except UpdateError:
        git("switch", "--quiet", base)  # the update changed nothing: leave the project as it was
        raise
    title = pull_request_title(newest)
    git("add", "--all")
    git("commit", "--quiet", "--no-verify", "--message", title)
    changelog = changelog_sections(
        project.template_changelog(source, newest), now or (0, 0, 0), then
    )
    body = pull_request_body(outcome, changelog)
    body_file = arguments.body_file or Path(git("rev-parse", "--git-path", "template-update.md"))
    body_file.write_text(body, encoding="utf-8")
    say("\n".join(summary(outcome)))
    say(f"Branch {BRANCH} has the update; the pull request body is in {body_file}.")
    if arguments.publish:
        _publish(base, title, body_file)
    git("switch", "--quiet", base)
    return ExitCode.OK


def _open_branch_is_current(newest: str) -> bool:
    """Whether origin's template-update branch already holds this release (a reviewer's work)."""
    if not git("ls-remote", "--heads", "origin", BRANCH).strip():
        return False
    git("fetch", "--quiet", "origin", BRANCH)
    shown = project.run(["git", "show", f"FETCH_HEAD:{project.ANSWERS}"])
    return f"_commit: {newest}\n" in shown.stdout


def _publish(base: str, title: str, body_file: Path) -> None:
    """Push the branch and open the pull request, or refresh the one already open."""
    git("push", "--quiet", "--force", "origin", BRANCH)
    _gh("label", "create", LABEL, "--force", "--color", "0e8a16", "--description", DESCRIPTION)
    # `.[].number` prints nothing at all when no pull request is open (`.[0]` would print null).
    query = ["--state", "open", "--json", "number", "--jq", ".[].number"]
    found = next(iter(_gh("pr", "list", "--head", BRANCH, *query).split()), "")
    body = ["--title", title, "--body-file", str(body_file)]
    if found:
        _gh("pr", "edit", found, *body, "--add-label", LABEL)
        say(f"Refreshed pull request #{found}.")
    else:
        created = _gh("pr", "create", "--head", BRANCH, "--base", base, *body, "--label", LABEL)
        say(f"Opened {created.strip()}")


def _gh(*args: str) -> str:
    process = project.run(["gh", *args], timeout=120)
    if process.returncode != 0:
        hint = ""
        if "not permitted to create" in process.stderr:
            hint = (
                " Allow GitHub Actions to create pull requests: Settings, Actions, General, "
                "Workflow permissions (docs/updating.md)."
            )
        msg = f"`gh {' '.join(args[:2])}` failed: {output(process)}{hint}"
        raise UpdateError(ExitCode.FAILED, msg)
    return process.stdout
