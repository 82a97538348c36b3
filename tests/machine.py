"""What the tests and the benchmark need from this machine: its Pythons, and running its tools."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import ModuleType


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


def load_file(path: Path, name: str = "", *, script: bool = False) -> ModuleType:
    """A Python file loaded on its own, not as part of a package, and run again on every call.

    As copier loads a Jinja extension (by its path), or with `script=True` as `python path` runs
    it: its folder first on sys.path, where it finds its neighbours.
    """
    if script and str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    name = name or f"loaded_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


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
