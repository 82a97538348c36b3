"""Running the programs the tools drive (uv, git, gh, aws, copier, make), and talking to the user.

`run` is the one place a program is started: found on PATH (or the uv that started us), output
captured, bounded by a timeout, never through a shell. Each family maps a missing program or a
timeout to its own exit code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path


class Missing(Exception):  # noqa: N818 - a state, like FileNotFoundError
    """The program is not installed (not on PATH)."""

    def __init__(self, name: str) -> None:
        """Name the program."""
        super().__init__(f"`{name}` is not on PATH: install it, then run the command again.")
        self.name = name


def say(message: str) -> None:
    """Progress for the user, on stderr so stdout stays clean for values (GitHub outputs)."""
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def executable(name: str, path: str | None = None) -> str | None:
    """The program to start for `name`, or None when it is not installed."""
    # Under `uv run`, $UV is the uv that started us: right even where PATH has only a shim.
    found = os.environ.get("UV") if name == "uv" and path is None else None
    return found or shutil.which(name, path=path)


def run(  # noqa: PLR0913 - keyword-only options of one call
    args: Sequence[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    replace_env: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run a program with its output captured; Missing, or subprocess.TimeoutExpired.

    `env` adds to this process's environment, or replaces it with `replace_env`. Without
    `stdin` the program reads nothing: it can never wait for an answer nobody will type.
    """
    environment = dict(env or {}) if replace_env else {**os.environ, **(env or {})}
    program = executable(args[0], environment.get("PATH") if replace_env else None)
    if program is None:
        raise Missing(args[0])
    return subprocess.run(
        [program, *args[1:]],
        cwd=cwd,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        timeout=timeout,
    )


def output(process: subprocess.CompletedProcess[str]) -> str:
    """Return everything a command said, stdout then stderr."""
    return "\n".join(part.strip() for part in (process.stdout, process.stderr) if part.strip())
