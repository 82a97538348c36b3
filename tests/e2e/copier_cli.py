"""The copier CLI as users run it, from this environment: the README's uvx has the same packages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.machine import run

if TYPE_CHECKING:
    import subprocess

COPIER = str(Path(sys.executable).parent / "copier")
# How a generated project's Makefile runs its tools ($(TOOLS)): the locked tools.py, quietly.
TOOLS_COMMAND = ("uv", "run", "--quiet", "--locked", "--script", "tools.py")


def copier(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `copier ARGS...` with no terminal attached, so it can never wait for an answer."""
    return run([COPIER, *args], cwd=cwd, env=env, timeout=timeout)


def lock_tools(project: Path) -> None:
    """Lock tools.py as the post-copy task does, for a project copied with --skip-tasks."""
    done = run(["uv", "lock", "--quiet", "--script", "tools.py"], cwd=project, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
