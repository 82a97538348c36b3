"""doctor's use of the I/O edges: a tool run or an index read, each bounded, never raising."""

from __future__ import annotations

import base64
import os
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codeartifact_python_tools import commands, fetch
from codeartifact_python_tools.simple_api import ACCEPT

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

TIMEOUT = 3.0  # seconds per network call or tool; the checks run concurrently


@dataclass(frozen=True)
class Ran:
    """What a command did; `problem` says why it did not run at all (missing, too slow)."""

    code: int
    stdout: str = ""
    stderr: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        """It ran and exited 0."""
        return not self.problem and self.code == 0

    def last_line(self) -> str:
        """The last thing it said, for a message."""
        lines = [line.strip() for line in (self.stderr or self.stdout).splitlines()]
        lines = [line for line in lines if line]
        return self.problem or (lines[-1] if lines else f"exit code {self.code}")


def run(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Ran:
    """Run a command found on PATH with its output captured, within `timeout` seconds."""
    try:
        done = commands.run(args, cwd=cwd, env=env or os.environ, replace_env=True, timeout=timeout)
    except commands.Missing:
        return Ran(127, problem=f"`{args[0]}` is not on PATH")
    except subprocess.TimeoutExpired:
        return Ran(124, problem=f"no answer within {timeout:g} s")
    except OSError as error:
        return Ran(126, problem=f"`{args[0]}` could not run ({error.strerror or error})")
    return Ran(done.returncode, done.stdout, done.stderr)


def http_status(url: str, username: str, password: str, timeout: float = TIMEOUT) -> int | str:
    """GET `url` with basic auth; the HTTP status, or why there was none."""
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    try:
        # Credentials never follow a redirect off the index's origin (fetch.get).
        answer = fetch.get(
            url, headers={"Accept": ACCEPT}, timeout=timeout, authorization=f"Basic {pair}"
        )
    except (fetch.Unreachable, fetch.BadAnswer) as error:
        return str(error)
    return answer.status
