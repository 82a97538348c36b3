"""What the tests and the benchmark need from this machine: its Pythons, and running its tools."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def path_with_interpreters() -> str:
    """PATH with the interpreters pyenv manages in place of its shims, as a fresh machine has them.

    uv cannot pick an interpreter through a shim (a shim answers for the .python-version of the
    folder it runs in), and asking each one ran pyenv's shell scripts: about 0.2 s of CPU every
    time uv made an environment, a twentieth of the suite.
    """
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    extra = sorted(str(p) for p in root.glob("versions/3.*/bin"))
    kept = [entry for entry in os.environ["PATH"].split(os.pathsep) if Path(entry).name != "shims"]
    return os.pathsep.join([*kept, *extra])


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


def said(done: subprocess.CompletedProcess[str]) -> str:
    """Everything a command printed: its output, then its errors."""
    return done.stdout + done.stderr


def failure_class(done: subprocess.CompletedProcess[str]) -> int:
    """The exit code of the recipe that failed, which make reports as `Error N` (make exits 2)."""
    found = re.search(r"\*\*\* \[[^\]]+\] Error (\d+)$", done.stderr, re.MULTILINE)
    assert done.returncode == 2, said(done)
    assert found is not None, said(done)
    return int(found.group(1))
