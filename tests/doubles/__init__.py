"""Test doubles: local indexes, and fake `aws` and `gh` CLIs that serve a state file."""

from __future__ import annotations

import stat
import sys
from pathlib import Path


def install_cli(bin_dir: Path, name: str, module: str) -> Path:
    """Write an executable `name` into `bin_dir` that runs `module.cli_main`; return its path.

    `module` is a module of this folder; the executable imports it from the tests package, as
    the tests do, so the two share its helpers (tests/doubles/state.py).
    """
    bin_dir.mkdir(parents=True, exist_ok=True)
    executable = bin_dir / name
    executable.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        f"from tests.doubles import {module}\n"
        f"sys.exit({module}.cli_main(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return executable
