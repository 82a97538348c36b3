"""`first_copy`: a first copy runs the one-time set-up and shows the next steps; a recopy not.

`tools_package`: the tools' name and version, from where hatchling reads them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from jinja2 import Environment

from tests.machine import load_file

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lifecycle_ext() -> ModuleType:
    """hooks/lifecycle_ext.py as copier loads it: a file, not part of a package."""
    return load_file(ROOT / "hooks" / "lifecycle_ext.py", "lifecycle_ext")


def render(destination: Path, answers_file: str, lifecycle_ext: ModuleType) -> str:
    # Plain text, as copier renders it: no HTML here to escape.
    env = Environment(extensions=[lifecycle_ext.LifecycleExtension], autoescape=False)  # noqa: S701
    template = env.from_string("{{ is_first_copy(dst, answers) }}")
    return template.render(dst=destination, answers=answers_file)


def test_copier_yml_asks_the_destination_through_the_global(
    lifecycle_ext: ModuleType, tmp_path: Path
) -> None:
    project = tmp_path / "acme-widgets"
    assert render(project, ".copier-answers.yml", lifecycle_ext) == "True"  # nothing there yet
    project.mkdir()
    (project / ".copier-answers.yml").write_text("_commit: v0.2.0\n")
    assert render(project, ".copier-answers.yml", lifecycle_ext) == "False"  # copier recopy
    assert render(project, "", lifecycle_ext) == "False"  # copier's own default name


def test_a_folder_without_an_answers_file_is_a_first_copy(
    lifecycle_ext: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "README.md").write_text("notes\n")
    assert lifecycle_ext.is_first_copy(tmp_path, "")
    (tmp_path / "custom-answers.yml").write_text("{}\n")
    assert not lifecycle_ext.is_first_copy(tmp_path, "custom-answers.yml")


def test_the_tools_version_is_read_where_hatchling_reads_it(lifecycle_ext: ModuleType) -> None:
    """This clone's package: a dynamic version, from `__version__` in its `__init__.py`."""
    init = ROOT / "codeartifact-python-tools/src/codeartifact_python_tools/__init__.py"
    (version,) = re.findall(r'^__version__ = "([^"]+)"$', init.read_text(), re.MULTILINE)
    assert lifecycle_ext.tools_package("version") == version
    assert lifecycle_ext.tools_package("name") == "codeartifact-python-tools"


def _tools(root: Path, pyproject: str, init: str = "") -> Path:
    folder = root / "codeartifact-python-tools"
    (folder / "src" / "acme_tools").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(pyproject)
    (folder / "src" / "acme_tools" / "__init__.py").write_text(init)
    return root


@pytest.mark.parametrize(
    ("init", "expected"),
    [
        ('"""Tools."""\n\n__version__ = "1.2.0rc1"\n', "1.2.0rc1"),
        ("__version__ = 'v1.2.0'\n", "1.2.0"),  # hatchling drops the `v` as well
        ('VERSION_NOTE = "x"\n', ""),  # no version line: copier's tools_version is empty
    ],
)
def test_a_dynamic_version_comes_from_the_file_hatchling_is_pointed_at(
    lifecycle_ext: ModuleType, tmp_path: Path, init: str, expected: str
) -> None:
    pyproject = (
        '[project]\nname = "acme-tools"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\npath = "src/acme_tools/__init__.py"\n'
    )
    root = _tools(tmp_path, pyproject, init)
    assert lifecycle_ext.tools_package("version", root) == expected
    assert lifecycle_ext.tools_package("name", root) == "acme-tools"


def test_a_static_version_in_pyproject_is_used_as_it_is(
    lifecycle_ext: ModuleType, tmp_path: Path
) -> None:
    pyproject = '[project]\nname = "acme-tools"\nversion = "2.0.0"\n'
    root = _tools(tmp_path, pyproject, '__version__ = "9.9.9"\n')
    assert lifecycle_ext.tools_package("version", root) == "2.0.0"
