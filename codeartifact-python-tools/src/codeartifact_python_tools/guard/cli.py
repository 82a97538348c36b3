"""`check-name NAME [--version V]` and `protect-name NAME`: the guard's two commands."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from codeartifact_python_tools.guard.api import check_name, protect_name
from codeartifact_python_tools.guard.settings import Settings

if TYPE_CHECKING:
    import argparse

    from codeartifact_python_tools.guard.verdicts import Verdict

PREFIX = "name guard"
EXIT_PROTECT_FAILED = 6  # origin controls could not be set

ENVIRONMENT = """\
environment: CODEARTIFACT_DOMAIN, CODEARTIFACT_DOMAIN_OWNER, CODEARTIFACT_REGION,
CODEARTIFACT_REPOSITORY, CODEARTIFACT_PROFILE, NAME_PREFIX, NAME_CHECK_STRICT (the project's
Makefile exports them); NAME_GUARD_UPSTREAM_URL, NAME_GUARD_TIMEOUT, NAME_GUARD_STRICT,
NAME_GUARD_PREFIX, NAME_GUARD_DENY, NAME_GUARD_OFFLINE, NAME_GUARD_AWS=auto|boto3|cli|none,
NAME_GUARD_SUGGEST=0 (no alternatives looked up for a taken name).
"""
CHECK_EPILOG = f"""\
exit codes: 0 ok (warnings may be printed), 1 unexpected error, 2 usage, 3 invalid name or
policy, 4 name or version taken, 5 not verifiable with a strict check.

{ENVIRONMENT}"""
PROTECT_EPILOG = f"""\
exit codes: 0 protected (by the origin controls it set, or by a package group that blocks the
public upstream already), 1 unexpected error, 2 usage, 6 the origin controls could not be set
(the message says why: an invalid name, credentials, permissions or settings).

{ENVIRONMENT}"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `check-name` and `protect-name` to the tools' command line."""
    check = commands.add_parser(
        "check-name",
        help="check a name (and a version about to be published) for collisions",
        description="Check a package name against the naming policy, CodeArtifact and the "
        "public index.",
        epilog=CHECK_EPILOG,
    )
    check.add_argument("name", help="distribution name, e.g. acme-utils")
    check.add_argument("--version", default="", help="version that must not exist yet")
    check.add_argument(
        "--new",
        action="store_true",
        help="the name is for a new package: refuse it when the repository already has it",
    )
    check.add_argument(
        "--allow-in-repository",
        action="store_true",
        help="accept a version the repository already has (re-running a partial publish)",
    )
    check.set_defaults(handler=run_check)
    protect = commands.add_parser(
        "protect-name",
        help="block the public upstream for a name: publish=ALLOW, upstream=BLOCK",
        description="Set the package's origin controls in CodeArtifact: versions are published "
        "only directly, and the public upstream can no longer supply the name. Nothing to do "
        "when the name's package group blocks the public upstream already.",
        epilog=PROTECT_EPILOG,
    )
    protect.add_argument("name", help="distribution name, e.g. acme-utils")
    protect.set_defaults(handler=run_protect)


def _say(stream: TextIO, level: str, text: str) -> None:
    stream.write(f"{PREFIX}: {level}: {text}\n")


def report(verdict: Verdict, what: str, err: TextIO) -> int:
    """Print a verdict's warnings, refusals and coverage; return its exit code."""
    for note in verdict.notes:
        _say(err, "note", note)
    for warning in verdict.warnings:
        _say(err, "warning", warning)
    for problem in verdict.problems:
        _say(err, "error", problem.text)
    if verdict.ok and verdict.complete:
        _say(err, "ok", f"{what}: no collision found on {' nor in '.join(verdict.checked)}")
    elif verdict.ok:
        # Never "no collision" for a check that did not run everywhere: say what was covered.
        checked = "; ".join(verdict.checked) or "nothing"
        missed = "; ".join(_unchecked(entry, verdict.warnings) for entry in verdict.unchecked)
        _say(err, "incomplete", f"{what}: checked {checked}; NOT checked {missed}")
    err.flush()
    return verdict.exit_code


def _unchecked(entry: str, warnings: tuple[str, ...]) -> str:
    """A place not checked, with its reason unless a warning above just gave it (once is enough).

    `entry` is "PLACE: WHY" (guard/verdicts.py); a reason can be a paragraph (how to sign in).
    """
    place, _, why = entry.partition(": ")
    if why and any(why in warning for warning in warnings):
        return f"{place} (the warning above says why)"
    return entry


def run_check(args: argparse.Namespace) -> int:
    """`check-name`: print the verdict; the exit code says which class of refusal, if any."""
    verdict = check_name(
        args.name,
        Settings.from_env(os.environ),
        new_package=args.new,
        version=args.version,
        allow_in_repository=args.allow_in_repository,
    )
    return report(verdict, f"{args.name} {args.version}".strip(), sys.stderr)


def run_protect(args: argparse.Namespace) -> int:
    """`protect-name`: set the origin controls and report them."""
    settings = Settings.from_env(os.environ)
    result = protect_name(args.name, settings)
    where = settings.codeartifact.describe()
    if not result.ok:
        _say(sys.stderr, "error", f"could not protect {args.name} in {where}: {result.message}")
        return EXIT_PROTECT_FAILED
    if not result.changed:
        _say(
            sys.stderr,
            "ok",
            f"{args.name} is covered by {result.group}: it blocks the public upstream for every "
            f"name it matches, in every repository of domain {settings.codeartifact.domain!r}, "
            "so there is nothing to do (no origin controls were set).",
        )
        return 0
    _say(
        sys.stderr,
        "ok",
        f"{args.name} in {where} now has origin controls {result.message}: versions are "
        "published only by you, and the public upstream can no longer supply this name.",
    )
    return 0
