"""What the tests and the benchmark need from this machine: its Pythons, and running its tools."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import urllib.parse
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


# uv names its default index in its help ("by default: <URL>"): the tests take the URL from there.
_UV_DEFAULT_INDEX = re.compile(r"by default: <(https?://[^>\s]+)>")
# How long uv may trust the default index's pages: a test session. A file's URL there carries its
# hash, so what it serves never changes.
_INDEX_TRUST = 'cache-control = { api = "max-age=600", files = "max-age=31536000, immutable" }'
# The variables that name uv's default index, the first set one winning, as in uv.
_DEFAULT_INDEX_VARIABLES = ("UV_DEFAULT_INDEX", "UV_INDEX_URL")
# A configuration of the machine's own, which the session's would replace: left alone.
_OWN_CONFIG_VARIABLES = ("UV_CONFIG_FILE", "UV_NO_CONFIG")
SYSTEM_UV_CONFIGS = (Path("/etc/xdg/uv/uv.toml"), Path("/etc/uv/uv.toml"))


def index_trust_environment(
    config_home: Path,
    env: Mapping[str, str] = os.environ,
    system_configs: Sequence[Path] = SYSTEM_UV_CONFIGS,
) -> dict[str, str | None]:
    """Variables (None: one to remove) that let uv trust its default index's pages for a session.

    Where the index gives its pages no lifetime (as this machine's does), uv asks again whether
    each has changed every time it resolves. Measured here: `uvx twine==7.0.0` took 2.2 to 4.4 s,
    against 1.3 s with a lifetime and 1.2 s offline; a fresh clone's suite, 298 s against 225 s.
    uv's `cache-control` setting of an index gives them one. It is set in a user configuration of
    the session's own (XDG_CONFIG_HOME, the user's pip.conf copied along), on the index uv uses
    anyway: uv's own default, or the one UV_DEFAULT_INDEX or UV_INDEX_URL names (the variable
    moves into the file). What uv resolves and locks stays the same. The lifetime is stored with
    the pages in uv's cache, the user's unless UV_CACHE_DIR names another: for ten minutes their
    own uv takes the pages from there too. A machine with a uv.toml of its own keeps it, as does
    an index URL that carries credentials (never written to a file), and uv keeps asking.
    """
    user = Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME", Path.home())) / ".config")
    configs = (user / "uv" / "uv.toml", *system_configs)
    if any(env.get(key) for key in _OWN_CONFIG_VARIABLES) or any(f.exists() for f in configs):
        return {}
    named = [env[key] for key in _DEFAULT_INDEX_VARIABLES if env.get(key)]
    if named:
        url = named[0]
        if urllib.parse.urlsplit(url).password is not None:
            return {}
    else:
        found = _UV_DEFAULT_INDEX.search(run(["uv", "help", "pip", "install"], env=env).stdout)
        if found is None:
            return {}
        url = found.group(1)
    (config_home / "uv").mkdir(parents=True, exist_ok=True)
    (config_home / "uv" / "uv.toml").write_text(
        f"[[index]]\nurl = {json.dumps(url)}\ndefault = true\n{_INDEX_TRUST}\n", encoding="utf-8"
    )
    pip = user / "pip" / "pip.conf"
    if pip.is_file():
        (config_home / "pip").mkdir(exist_ok=True)
        (config_home / "pip" / "pip.conf").write_bytes(pip.read_bytes())
    return {"XDG_CONFIG_HOME": str(config_home), **dict.fromkeys(_DEFAULT_INDEX_VARIABLES)}


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
