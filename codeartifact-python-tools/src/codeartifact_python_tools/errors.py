"""The error every command raises for a failure a user meets: a message and its exit code.

Each family of commands keeps its own table of exit codes (guard/verdicts.py Kind, release/
errors.py, update/errors.py, documented in each command's `--help`); cli.py turns any of these
errors into one line on stderr and that code.
"""

from __future__ import annotations


class ToolError(Exception):
    """A failure with the message a user reads and the exit code it maps to."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the exit code beside the message."""
        super().__init__(message)
        self.code = int(code)
        self.message = message
