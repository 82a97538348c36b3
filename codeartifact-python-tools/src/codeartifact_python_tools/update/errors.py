"""Exit codes, one per outcome a user or CI must tell apart, and the error that carries them."""

from __future__ import annotations

import enum

from codeartifact_python_tools.errors import ToolError


class ExitCode(enum.IntEnum):
    """What `make update-template` and `make template-drift` exit with (docs/updating.md)."""

    OK = 0  # updated and green, already current, or the drift pull request is up to date
    FAILED = 1  # anything else: the message says what
    USAGE = 2  # a bad command line: argparse's own code, and a DATA that names no question
    REFUSED = 3  # not run: uncommitted changes, no git, no answers file, COPIER not set
    COPIER = 4  # copier failed (no such version, template unreadable, a DATA answer refused)
    CONFLICTS = 5  # updated, with conflicts to resolve (inline markers)
    RED = 6  # updated without conflicts, but uv.lock or `make check` is not green


class UpdateError(ToolError):
    """An update failure: its message and one of the codes above."""
