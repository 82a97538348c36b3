"""Exit codes, one per class of failure a user meets, and the error that carries them."""

from __future__ import annotations

import enum

from codeartifact_python_tools.errors import ToolError


class ExitCode(enum.IntEnum):
    """Distinct exit codes, so CI and scripts can tell the failures apart."""

    OK = 0
    FAILED = 1  # anything else: the message says what
    USAGE = 2  # argparse's own code for a bad command line
    CONFIG = 3  # a setting is missing or wrong: run through make, fix the Makefile
    CREDENTIALS = 10  # CodeArtifact token (or AWS session) missing or expired: make login
    ACCESS_DENIED = 11  # 403: the role lacks a permission, named in the message
    VERSION_EXISTS = 12  # this version is published with different files: bump
    TAKEN_UPSTREAM = 13  # name or version taken upstream / refused by the name guard
    UNREACHABLE = 14  # index or AWS endpoint unreachable after bounded retries
    BUILD = 15  # uv build or twine check --strict failed
    CHANGELOG = 16  # CHANGELOG.md lacks the section the release needs
    NOT_VISIBLE = 17  # uploaded, but the index does not list the files
    UNVERIFIED = 18  # the name guard could not check: strict, or in CI (fails closed)
    BAD_ANSWER = 19  # the index answered something else: not HTTP, broken JSON, an error page
    TOOL = 20  # a tool the release runs (aws, uv, git, gh) is missing or broken (a shim)
    # A staged release's own (stage, smoke, promote): each leaves the release repository as it was.
    SMOKE = 21  # the staged version did not install or run from staging: nothing was promoted
    STAGED_DIFFERS = 22  # staging holds this version with other files than dist/
    RELEASED_DIFFERS = 23  # the release repository holds this version with other files
    NOT_STAGED = 24  # staging does not hold this version (yet): make stage first
    COPY_REFUSED = 25  # CodeArtifact refused the copy into the release repository (its reason)


class ReleaseError(ToolError):
    """A release failure: its message and one of the codes above."""
