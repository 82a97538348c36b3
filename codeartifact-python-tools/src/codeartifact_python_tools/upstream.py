"""The public index the name guard asks, and its answer about one name: the guard's other edge.

The public index's URL is never written here: it comes from NAME_GUARD_UPSTREAM_URL or an answer,
else UV_DEFAULT_INDEX / UV_INDEX_URL / PIP_INDEX_URL, else the user's uv.toml / pip.conf, else the
installer's own default (pip's if pip is importable, else the one `uv help pip install` states).
"""

from __future__ import annotations

import configparser
import importlib
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codeartifact_python_tools import fetch
from codeartifact_python_tools.bounded import CACHE
from codeartifact_python_tools.guard.names import normalise_name
from codeartifact_python_tools.guard.verdicts import Status, UpstreamFinding
from codeartifact_python_tools.simple_api import ACCEPT, versions_from_page

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codeartifact_python_tools.guard.settings import Settings

USER_AGENT = "codeartifact-python-tools (name guard)"
# What upstream_index reads from the environment, in its order of preference, then where the
# configuration files are.
_INDEX_VARIABLES = (
    "UV_DEFAULT_INDEX",
    "UV_INDEX_URL",
    "PIP_INDEX_URL",
    "UV_CONFIG_FILE",
    "PIP_CONFIG_FILE",
    "XDG_CONFIG_HOME",
    "HOME",
)
_UV_DEFAULT = re.compile(r"by default: <(https?://[^>\s]+)>")


def _usable_index(url: str) -> str:
    """`url` as an index base ending in '/', or "" when it must not be asked about names."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    # A CodeArtifact endpoint is not the public upstream, and asking it for a name can make the
    # repository ingest the public package.
    if ".codeartifact." in parts.hostname:
        return ""
    return url if url.endswith("/") else url + "/"


def _load_toml(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    for module in ("tomllib", "tomli"):  # tomllib is 3.11+; tomli is its backport
        try:
            loader = importlib.import_module(module)
        except ImportError:
            continue
        try:
            data: dict[str, Any] = loader.loads(text)
        except ValueError:
            return {}
        return data
    # Python 3.10 without tomli: the top-level key is all a simple config needs.
    match = re.search(r"""^\s*index-url\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    return {"index-url": match.group(1)} if match else {}


def _uv_config_url(data: Mapping[str, Any]) -> str:
    indexes = data.get("index")
    if isinstance(indexes, list):
        for index in indexes:
            if isinstance(index, dict) and index.get("default") and index.get("url"):
                return str(index["url"])
    pip = data.get("pip")
    for section in (data, pip if isinstance(pip, dict) else {}):
        for key in ("default-index", "index-url"):
            if section.get(key):
                return str(section[key])
    return ""


def _config_dirs(env: Mapping[str, str], home: Path) -> list[Path]:
    xdg = env.get("XDG_CONFIG_HOME")
    return [Path(xdg) if xdg else home / ".config"]


def config_index_url(env: Mapping[str, str], home: Path) -> tuple[str, str]:
    """Find the index URL in the user's uv.toml or pip.conf; return it and the file."""
    uv_files = [Path(env["UV_CONFIG_FILE"])] if env.get("UV_CONFIG_FILE") else []
    uv_files += [d / "uv" / "uv.toml" for d in _config_dirs(env, home)]
    uv_files += [Path("/etc/xdg/uv/uv.toml"), Path("/etc/uv/uv.toml")]
    for path in uv_files:
        try:
            url = _uv_config_url(_load_toml(path))
        except OSError:
            continue
        if url:
            return url, str(path)
    pip_files = [Path(env["PIP_CONFIG_FILE"])] if env.get("PIP_CONFIG_FILE") else []
    pip_files += [d / "pip" / "pip.conf" for d in _config_dirs(env, home)]
    pip_files += [home / ".pip" / "pip.conf", Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf")]
    for path in pip_files:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        for section in ("install", "global"):
            url = parser.get(section, "index-url", fallback="")
            if url:
                return url, str(path)
    return "", ""


def installer_index_url(timeout: float) -> tuple[str, str]:
    """Ask the installer for its default index: pip when importable, else uv's help."""
    try:
        pip_index = importlib.import_module("pip._internal.models.index")
        url = str(pip_index.PyPI.simple_url)
    except (ImportError, AttributeError):
        url = ""
    if url:
        return url, "pip's default index"
    uv = shutil.which("uv")
    if uv:
        try:
            out = subprocess.run(
                [uv, "help", "pip", "install"],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        match = _UV_DEFAULT.search(out)
        if match:
            return match.group(1), "uv's default index"
    return "", ""


def upstream_index(
    settings: Settings, env: Mapping[str, str] | None = None, home: Path | None = None
) -> tuple[str, str]:
    """Choose the public index to ask; return its URL and source, or ("", why not)."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    candidates: list[tuple[str, str]] = [(settings.upstream_url, "NAME_GUARD_UPSTREAM_URL")]
    candidates += [(env.get(k, ""), k) for k in _INDEX_VARIABLES[:3]]
    skipped = [source for url, source in candidates if url and not _usable_index(url)]
    for url, source in candidates:
        if _usable_index(url):
            return _usable_index(url), source
    url, source = config_index_url(env, home)
    if _usable_index(url):
        return _usable_index(url), source
    if url:
        skipped.append(source)
    url, source = installer_index_url(settings.timeout)
    if _usable_index(url):
        return _usable_index(url), source
    why = "no public index URL found (set NAME_GUARD_UPSTREAM_URL)"
    if skipped:
        why += f"; not asked: {', '.join(skipped)} (a CodeArtifact or non-HTTP URL)"
    return "", why


def fetch_upstream(name: str, index_url: str, timeout: float) -> UpstreamFinding:
    """Ask the index's simple API whether project `name` exists (404 means free)."""
    url = urllib.parse.urljoin(index_url, normalise_name(name) + "/")
    shown = fetch.redact(url)
    headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
    try:
        answer = fetch.get(url, headers=headers, timeout=timeout)
    except fetch.Unreachable as error:
        why = str(error) if "within" in str(error) else f"unreachable ({error})"
        return UpstreamFinding(Status.UNKNOWN, shown, reason=why)
    except fetch.BadAnswer as error:
        return UpstreamFinding(Status.UNKNOWN, shown, reason=str(error))
    if answer.status in {404, 410}:
        return UpstreamFinding(Status.FREE, shown)
    if answer.status != 200:  # noqa: PLR2004 - HTTP OK
        return UpstreamFinding(
            Status.UNKNOWN, shown, reason=f"the index answered HTTP {answer.status}"
        )
    try:
        versions = versions_from_page(answer.body, answer.content_type)
    except (ValueError, AttributeError, TypeError):
        # A 200 that is not a simple-API page (broken JSON, an error page) proves nothing.
        why = f"the index answered something that is not a project page ({answer.content_type})"
        return UpstreamFinding(Status.UNKNOWN, shown, reason=why)
    return UpstreamFinding(Status.TAKEN, shown, versions)


def index_of_the_run(settings: Settings) -> tuple[str, str]:
    """Return upstream_index's answer, found once per run: it is the same for every name."""
    sources = tuple(os.environ.get(key, "") for key in _INDEX_VARIABLES)
    return CACHE.get_or_run(
        ("upstream-index", settings.upstream_url, settings.timeout, sources),
        lambda: upstream_index(settings),  # it may start `uv help`
    )


def lookup_upstream(name: str, settings: Settings) -> UpstreamFinding:
    """Look `name` up on the public index, once per name."""
    if settings.offline:
        return UpstreamFinding(Status.SKIPPED, reason="lookups are off (NAME_GUARD_OFFLINE=1)")
    index_url, source = index_of_the_run(settings)
    if not index_url:
        return UpstreamFinding(Status.UNKNOWN, reason=source)
    key = ("upstream", normalise_name(name), index_url, settings.timeout)
    return CACHE.get_or_run(key, lambda: fetch_upstream(name, index_url, settings.timeout))
