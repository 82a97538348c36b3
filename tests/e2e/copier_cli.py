"""The copier CLI as users run it, from this environment: the README's uvx has the same packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COPIER = str(Path(sys.executable).parent / "copier")


def copier(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `copier ARGS...` with no terminal attached, so it can never wait for an answer."""
    return subprocess.run(
        [COPIER, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=env,
    )
