"""`doctor`: run every check concurrently, print one line each, exit 1 if anything blocks."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.doctor import checks
from codeartifact_python_tools.doctor.project import Project
from codeartifact_python_tools.doctor.report import Line, exit_code, render, unknown
from codeartifact_python_tools.release import settings

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

EPILOG = """\
exit codes: 0 nothing blocks `make check` or a release (warnings and checks that could not run
are shown), 1 something does (each problem is printed with the command that fixes it), 3 the
project's settings are missing (run it through `make doctor`).
"""

# In the order they are printed: the laptop first, then AWS, CodeArtifact and the project.
CHECKS: tuple[tuple[str, Callable[[checks.Context], list[Line]]], ...] = (
    ("uv", checks.check_uv),
    ("git", checks.check_git),
    ("Python", checks.check_pythons),
    ("AWS", checks.check_aws),
    ("CodeArtifact token", checks.check_token_and_index),
    ("origin controls", checks.check_origin_controls),
    ("release environment", checks.check_release_environment),
    ("template version", checks.check_template),
    ("demo values", checks.check_placeholders),
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `doctor` to the tools' command line."""
    text = "check this laptop for everything `make check` and a release need"
    doctor = commands.add_parser("doctor", help=text, description=text, epilog=EPILOG)
    doctor.set_defaults(handler=run, interrupted="Interrupted.")


def run(arguments: argparse.Namespace) -> int:
    """Run the checks in the current directory (the project's root, as make runs it)."""
    del arguments  # no options: one command for everyone
    env = checks.environment()
    config = settings.load(env)  # a ReleaseError (CONFIG) when run outside make
    context = checks.Context(
        project=Project.read(Path.cwd()),
        env=env,
        settings=config,
    )
    lines = run_all(context)
    sys.stdout.write(render(lines, unicode=_can_show("✓✗")))
    sys.stdout.flush()
    return exit_code(lines)


def run_all(context: checks.Context) -> list[Line]:
    """Every check at once: each one's calls are bounded, so the slowest sets the pace."""
    with ThreadPoolExecutor(max_workers=len(CHECKS)) as pool:
        futures = [(name, pool.submit(_safely, name, check, context)) for name, check in CHECKS]
        return [line for _, future in futures for line in future.result()]


def _safely(
    name: str, check: Callable[[checks.Context], list[Line]], ctx: checks.Context
) -> list[Line]:
    """A check that breaks says so in its line; doctor itself never shows a traceback."""
    try:
        return check(ctx)
    except Exception as error:  # noqa: BLE001 - reported as "could not check", never raised
        return [unknown(f"{name} not checked: {type(error).__name__}: {error}")]


def _can_show(text: str) -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or os.device_encoding(1) or "ascii"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
