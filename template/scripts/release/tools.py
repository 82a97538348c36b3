"""Running the tools the release uses (uv, aws, git, gh), and talking to the user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from scripts.release.errors import ExitCode, ReleaseError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def say(message: str) -> None:
    """Progress for the user, on stderr so stdout stays clean for values (GitHub outputs)."""
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def executable(name: str) -> str | None:
    """The program to start for `name`, or None when it is not installed."""
    # Under `uv run`, $UV is the uv that started us: right even where PATH has only a shim.
    found = os.environ.get("UV") if name == "uv" else None
    return found or shutil.which(name)


def run(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run a command with its output captured; a missing executable is a clear error."""
    program = executable(args[0])
    if program is None:
        msg = f"`{args[0]}` is not on PATH: install it, then run the command again."
        raise ReleaseError(ExitCode.TOOL, msg)
    return subprocess.run(  # noqa: S603 - arguments are built by this package, never a shell
        [program, *args[1:]],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def output(process: subprocess.CompletedProcess[str]) -> str:
    """Return everything a command said, stdout then stderr."""
    return "\n".join(part.strip() for part in (process.stdout, process.stderr) if part.strip())


def project_version() -> tuple[str, str]:
    """Return the project's (name, version), as uv reads them from pyproject.toml."""
    process = run(["uv", "version", "--output-format", "json", "--frozen"])
    if process.returncode != 0:
        msg = f"`uv version` failed: {output(process)}"
        raise ReleaseError(ExitCode.CONFIG, msg)
    data = json.loads(process.stdout)
    return str(data["package_name"]), str(data["version"])
