"""Copier adapter: facts about the destination and the template itself, for copier.yml.

`is_first_copy` tells a first copy from a recopy. `copier recopy` (and a copy over an existing
project) runs as a `copy`, and every answers-file value (`_src_path`, `_commit`) is in the context
of a first copy too, as template metadata. What does differ is the destination: only an existing
project already has an answers file. copier.yml asks `is_first_copy` once, in the computed answer
`first_copy`: answers are settled before copier writes anything, so the task's `when` and
`_message_after_copy` (rendered after the set-up committed the project) agree, and no file
render pays for the question.

`tools_package` reads the name and version of the tools package this template clone carries (the
version from the one file that holds it, as hatchling reads it when it builds the package), and
`tools_index_default` / `tools_index_problem` are the `tools_index` question's default and rule:
where a project's `make` gets those tools.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2.ext import Extension

if TYPE_CHECKING:
    from jinja2 import Environment

ANSWERS_FILE = ".copier-answers.yml"
TOOLS_FOLDER = "codeartifact-python-tools"
# This template clone's root: hooks/ sits at the top of it.
TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
TOOLS_INDEX_RULE = (
    "tools_index: `default` (the installer's default index, or a mirror your uv or pip "
    "configuration names), `codeartifact` (this project's CodeArtifact repository), an http(s) "
    "simple-index URL without credentials, or the absolute path of a template checkout's "
    f"{TOOLS_FOLDER} folder, e.g. default"
)


def is_first_copy(destination: object, answers_file: object = "") -> bool:
    """Whether the destination holds no project yet: no answers file from an earlier copy."""
    return not (Path(str(destination)) / (str(answers_file) or ANSWERS_FILE)).is_file()


def table_field(toml: str, table: str, key: str) -> str:
    """Return a string value of a TOML table, e.g. ("project", "name"); "" if absent.

    A regular expression, not tomllib: copier may run this on Python 3.10.
    """
    heading = re.escape(f"[{table}]")
    found = re.search(rf"^{heading}\s*$(.*?)(?=^\[|\Z)", toml, re.MULTILINE | re.DOTALL)
    value = re.search(rf'^{key}\s*=\s*"([^"]*)"', found.group(1), re.MULTILINE) if found else None
    return value.group(1) if value else ""


def is_empty_destination(destination: object) -> bool:
    """Whether the destination does not exist yet, or holds nothing at all."""
    path = Path(str(destination))
    try:
        return not any(path.iterdir())
    except FileNotFoundError:
        return True
    except OSError:  # not a folder, or unreadable: copier will say so; commit nothing
        return False


def project_field(pyproject: str, key: str) -> str:
    """Return a string value of pyproject.toml's [project] table: name, version ("" if absent)."""
    return table_field(pyproject, "project", key)


# The line hatchling's version source reads (`[tool.hatch.version] path`), without its leading `v`.
VERSION_LINE = re.compile(r"^__version__ *= *(['\"])v?(?P<version>.+?)\1", re.MULTILINE)


def tools_package(field: str, root: Path = TEMPLATE_ROOT) -> str:
    """Return the `name` or `version` of the tools package in this template clone.

    A version dynamic in pyproject.toml is the `__version__` of the file `[tool.hatch.version]
    path` names, the one place that carries it.
    """
    folder = root / TOOLS_FOLDER
    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    value = project_field(pyproject, field)
    source = table_field(pyproject, "tool.hatch.version", "path")
    if value or field != "version" or not source:
        return value
    found = VERSION_LINE.search((folder / source).read_text(encoding="utf-8"))
    return found.group("version") if found else ""


def tools_index_default(source: object) -> str:
    """`default`; for a template copied from a local checkout, that checkout's tools folder.

    A project rendered from a checkout runs the tools built from it, so it works before the
    release it names is on any index (the README's first command).
    """
    folder = Path(str(source)).expanduser() / TOOLS_FOLDER
    try:
        found = (folder / "pyproject.toml").is_file()
    except OSError:  # a URL such as gh:owner/name is no path at all
        found = False
    return str(folder.resolve()) if found else "default"


def tools_index_problem(value: str) -> str:  # noqa: PLR0911 - one message per rule
    """Why `value` cannot be the tools' source, or "" when it can."""
    if value in {"default", "codeartifact"}:
        return ""
    if not value or re.search(r"[\s\"'\\]", value):
        return TOOLS_INDEX_RULE
    parts = urllib.parse.urlsplit(value)
    if parts.scheme in {"http", "https"} and parts.hostname:
        if parts.username or parts.password:
            return (
                "tools_index: no credentials in the URL, it is written into tools.py and "
                "committed: give the URL alone, and the credentials in UV_INDEX_TOOLS_USERNAME "
                "and UV_INDEX_TOOLS_PASSWORD"
            )
        return ""
    path = Path(value)
    if not path.is_absolute():
        return TOOLS_INDEX_RULE
    if not (path / "pyproject.toml").is_file():
        return (
            f"tools_index: {value} has no pyproject.toml: give a template checkout's "
            f"{TOOLS_FOLDER} folder"
        )
    return ""


def tools_from(value: str) -> str:
    """Which kind of source `tools_index` names: default, codeartifact, url or path."""
    if value in {"default", "codeartifact"}:
        return value
    return "url" if urllib.parse.urlsplit(value).scheme in {"http", "https"} else "path"


class LifecycleExtension(Extension):
    """The globals copier.yml's computed answers and the tools_index question use."""

    def __init__(self, environment: Environment) -> None:
        """Register the globals."""
        super().__init__(environment)
        environment.globals.update(
            is_first_copy=is_first_copy,
            is_empty_destination=is_empty_destination,
            tools_package=tools_package,
            tools_index_default=tools_index_default,
            tools_index_problem=tools_index_problem,
            tools_from=tools_from,
        )
