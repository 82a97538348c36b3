"""The I/O edge: run a tool or fetch a URL, each bounded to a few seconds, never raising."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

TIMEOUT = 3.0  # seconds per network call or tool; the checks run concurrently
_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


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
    executable = shutil.which(args[0], path=(env or os.environ).get("PATH"))
    if executable is None:
        return Ran(127, problem=f"`{args[0]}` is not on PATH")
    try:
        done = subprocess.run(
            [executable, *args[1:]],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return Ran(124, problem=f"no answer within {timeout:g} s")
    except OSError as error:
        return Ran(126, problem=f"`{args[0]}` could not run ({error.strerror or error})")
    return Ran(done.returncode, done.stdout, done.stderr)


def http_status(url: str, username: str, password: str, timeout: float = TIMEOUT) -> int | str:
    """GET `url` with basic auth; the HTTP status, or why there was none."""
    if not url.startswith(("https://", "http://")):
        return f"not an http(s) URL: {url}"
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT})  # noqa: S310 - scheme checked above
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    # Unredirected: a redirect to another host must never carry the token along.
    request.add_unredirected_header("Authorization", f"Basic {pair}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return str(getattr(reason, "strerror", None) or reason)
