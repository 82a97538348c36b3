"""What copier's post-copy task and the update migrations share: quiet commands and the locks.

Both run as scripts in the project (copier.yml), so this module sits beside them and is found on
`sys.path[0]`. Nothing here raises for a tool that is missing, slow or failing: each step turns
that into a note for the user, because neither a copy nor an update may fail on it.
"""

# ruff: noqa: INP001 - copier runs its neighbours as scripts; hooks/ is a directory, not a package

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import TypeGuard

# Generous: a cold `uv lock` resolves the docs and dev tools, but a dead network must not hang.
LOCK_TIMEOUT = 180
GIT_TIMEOUT = 30

Result = subprocess.CompletedProcess[str] | None


def run(
    args: Sequence[str],
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Result:
    """Run a command quietly; None when it could not start or did not finish in time.

    `env` adds to the environment, for this command only.
    """
    environment = {**os.environ, **env} if env else None
    try:
        return subprocess.run(  # noqa: S603 - git and uv, with arguments the scripts build
            args,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=environment,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def ok(result: Result) -> TypeGuard[subprocess.CompletedProcess[str]]:
    """Whether the command ran and succeeded."""
    return result is not None and result.returncode == 0


def last_line(result: Result) -> str:
    """Say why a command failed in one line: its last words, for a note."""
    if result is None:
        return "it did not start or did not finish in time"
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit code {result.returncode}"


def lock(root: Path) -> str:
    """Bring uv.lock in line with pyproject.toml; a note instead of an error, "" when done."""
    uv = shutil.which("uv")
    if uv is None:
        return "uv is not on PATH: install uv, then run `uv lock` and commit uv.lock."
    result = run([uv, "lock", "--quiet"], LOCK_TIMEOUT, cwd=root)
    if not ok(result):
        return (
            f"`uv lock` did not complete ({last_line(result)}): run `uv lock` when online, then "
            "commit uv.lock."
        )
    return ""


TOOLS_SCRIPT = "tools.py"


def lock_tools(root: Path) -> str:
    """Lock tools.py's one dependency, the template's tools, with its hashes (tools.py.lock).

    The tools run with `uv run --locked --script tools.py`: the lock is what they install, and
    the release job installs exactly those files. A note instead of an error, "" when done.
    """
    if not (root / TOOLS_SCRIPT).is_file():
        return ""
    uv = shutil.which("uv")
    if uv is None:
        return f"uv is not on PATH: install uv, then run `uv lock --script {TOOLS_SCRIPT}`."
    result = run([uv, "lock", "--quiet", "--script", TOOLS_SCRIPT], LOCK_TIMEOUT, cwd=root)
    if not ok(result):
        return (
            f"`uv lock --script {TOOLS_SCRIPT}` did not complete ({last_line(result)}): the "
            "template's tools (make doctor, make publish, ...) need tools.py.lock. Run it when "
            "their index can be reached, then commit tools.py.lock; `make check` needs neither."
        )
    return ""
