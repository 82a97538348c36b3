"""What the tests and the benchmark need from this machine, whatever installed its Pythons."""

from __future__ import annotations

import os
from pathlib import Path


def path_with_interpreters() -> str:
    """PATH plus the interpreters pyenv manages: uv cannot see them through pyenv's shims."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    extra = sorted(str(p) for p in root.glob("versions/3.*/bin"))
    return os.pathsep.join([os.environ["PATH"], *extra])
