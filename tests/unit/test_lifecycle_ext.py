"""`first_copy`: a first copy runs the one-time set-up and shows the next steps; a recopy not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from jinja2 import Environment

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lifecycle_ext() -> ModuleType:
    """hooks/lifecycle_ext.py as copier loads it: a file, not part of a package."""
    spec = importlib.util.spec_from_file_location(
        "lifecycle_ext", ROOT / "hooks" / "lifecycle_ext.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lifecycle_ext"] = module
    spec.loader.exec_module(module)
    return module


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
