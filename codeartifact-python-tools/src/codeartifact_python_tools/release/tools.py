"""The programs a release runs (uv, aws, git, gh): a missing one is exit code TOOL."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from codeartifact_python_tools import commands
from codeartifact_python_tools.commands import output
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping, Sequence
    from pathlib import Path


def run(  # noqa: PLR0913 - keyword-only options of one call
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 600,
    cwd: Path | None = None,
    replace_env: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run a program with its output captured; a missing executable is a clear error.

    `env` adds to this process's environment, or replaces it with `replace_env`.
    """
    try:
        return commands.run(
            args, env=env, stdin=stdin, timeout=timeout, cwd=cwd, replace_env=replace_env
        )
    except commands.Missing as error:
        raise ReleaseError(ExitCode.TOOL, str(error)) from None


def project_version() -> tuple[str, str]:
    """Return the project's (name, version), as uv reads them from pyproject.toml."""
    process = run(["uv", "version", "--output-format", "json", "--frozen"])
    if process.returncode != 0:
        msg = f"`uv version` failed: {output(process)}"
        raise ReleaseError(ExitCode.CONFIG, msg)
    data = json.loads(process.stdout)
    return str(data["package_name"]), str(data["version"])
