"""What the tests and the benchmark need from this machine: its Pythons, and running its tools."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def path_with_interpreters() -> str:
    """PATH plus the interpreters pyenv manages: uv cannot see them through pyenv's shims."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    extra = sorted(str(p) for p in root.glob("versions/3.*/bin"))
    return os.pathsep.join([os.environ["PATH"], *extra])


def run(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would, without input; its output as text, whatever its exit code."""
    return subprocess.run(
        list(args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def git(*args: str, cwd: Path) -> str:
    """Run git; its output (a failing git fails the test)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout
