"""Why an adoption stopped, as one message with the rule and the fix, and its exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The adoption's exit codes, as `make adopt` returns them (the epilog of --help lists them)."""

    OK = 0  # adopted, no conflict, make check green (or not run)
    FAILED = 1  # a step failed: the message says what state the project is in
    USAGE = 2  # bad arguments or DATA
    NOT_READY = 3  # the project cannot be adopted as it is: nothing was changed
    REFUSED = 4  # copier refused an answer (the name guard among them): nothing was changed
    CONFLICTS = 5  # adopted, with conflicts to resolve before the commit
    RED = 6  # adopted without conflicts, but uv.lock or `make check` is not green


class AdoptError(Exception):
    """An adoption that cannot go on: the rule broken and the fix, in one message."""

    def __init__(self, code: ExitCode, message: str) -> None:
        """Keep the exit code beside the message."""
        super().__init__(message)
        self.code = code
