"""Command line: `python -m name_guard check NAME [--version V]` and `... protect NAME`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from .api import check_name, protect_name
from .settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "name_guard"
EXIT_OK = 0
EXIT_ERROR = 1  # unexpected failure
EXIT_USAGE = 2  # argparse's own code for bad arguments
EXIT_INVALID = 3  # name breaks PEP 508 or the organisation policy
EXIT_TAKEN = 4  # name or version exists upstream or in the repository
EXIT_UNVERIFIED = 5  # could not check, and the check is strict
EXIT_PROTECT_FAILED = 6  # origin controls could not be set

EPILOG = """\
exit codes: 0 ok (warnings may be printed), 1 unexpected error, 2 usage, 3 invalid name or
policy, 4 name or version taken, 5 not verifiable with a strict check, 6 protect failed.

environment: CODEARTIFACT_DOMAIN, CODEARTIFACT_DOMAIN_OWNER, CODEARTIFACT_REGION,
CODEARTIFACT_REPOSITORY, CODEARTIFACT_PROFILE, NAME_PREFIX, NAME_CHECK_STRICT (the Makefile
exports them); NAME_GUARD_UPSTREAM_URL, NAME_GUARD_TIMEOUT, NAME_GUARD_STRICT,
NAME_GUARD_PREFIX, NAME_GUARD_DENY, NAME_GUARD_OFFLINE, NAME_GUARD_AWS=auto|boto3|cli|none,
NAME_GUARD_DEBUG=1 (a traceback instead of the one-line unexpected error).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check a package name against the public index and CodeArtifact.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check a name (and a version about to be published)")
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
    protect = commands.add_parser(
        "protect", help="set the package's origin controls: publish=ALLOW, upstream=BLOCK"
    )
    protect.add_argument("name", help="distribution name, e.g. acme-utils")
    return parser


def _say(stream: TextIO, level: str, text: str) -> None:
    stream.write(f"{PROG}: {level}: {text}\n")


def run_check(args: argparse.Namespace, settings: Settings, err: TextIO) -> int:
    """`check`: print the verdict; the exit code says which class of refusal, if any."""
    verdict = check_name(
        args.name,
        settings,
        new_package=args.new,
        version=args.version,
        allow_in_repository=args.allow_in_repository,
    )
    for warning in verdict.warnings:
        _say(err, "warning", warning)
    for problem in verdict.problems:
        _say(err, "error", problem.text)
    what = f"{args.name} {args.version}".strip()
    if verdict.ok and verdict.complete:
        _say(err, "ok", f"{what}: no collision found on {' nor in '.join(verdict.checked)}")
    elif verdict.ok:
        # Never "no collision" for a check that did not run everywhere: say what was covered.
        checked = "; ".join(verdict.checked) or "nothing"
        _say(
            err,
            "incomplete",
            f"{what}: checked {checked}; NOT checked {'; '.join(verdict.unchecked)}",
        )
    return verdict.exit_code


def run_protect(args: argparse.Namespace, settings: Settings, err: TextIO) -> int:
    """`protect`: set the origin controls and report them."""
    result = protect_name(args.name, settings)
    where = settings.codeartifact.describe()
    if not result.ok:
        _say(err, "error", f"could not protect {args.name} in {where}: {result.message}")
        return EXIT_PROTECT_FAILED
    _say(
        err,
        "ok",
        f"{args.name} in {where} now has origin controls {result.message}: versions are "
        "published only by you, and the public upstream can no longer supply this name.",
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; every failure becomes a message on stderr and an exit code."""
    args = _parser().parse_args(argv)
    settings = Settings.from_env(os.environ)
    handlers = {"check": run_check, "protect": run_protect}
    try:
        return handlers[args.command](args, settings, sys.stderr)
    except KeyboardInterrupt:
        _say(sys.stderr, "error", "interrupted")
        return 130
    except Exception as error:
        if os.environ.get("NAME_GUARD_DEBUG"):
            raise
        _say(
            sys.stderr,
            "error",
            f"unexpected {type(error).__name__}: {error} (re-run with NAME_GUARD_DEBUG=1 for "
            "the traceback)",
        )
        return EXIT_ERROR
