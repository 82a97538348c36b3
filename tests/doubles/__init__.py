"""Test doubles: local indexes, and fake `aws` and `gh` CLIs that serve a state file."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from tests.doubles import forkserver

if TYPE_CHECKING:
    from pathlib import Path


def install_cli(bin_dir: Path, name: str, module: str) -> Path:
    """Write an executable `name` into `bin_dir` that runs `module.cli_main`; return its path.

    `module` is a module of this folder: the executable runs it in a fork of a server that has
    imported it from the tests package, as the tests do, so the two share its helpers
    (tests/doubles/state.py); forkserver.py says why.
    """
    bin_dir.mkdir(parents=True, exist_ok=True)
    executable = bin_dir / name
    executable.write_text(forkserver.client(module), encoding="utf-8")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return executable
