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


def environment(hook: type) -> Environment:
    # Plain text, as copier renders it: no HTML here to escape.
    return Environment(extensions=[hook], autoescape=False)  # noqa: S701


def render(env: Environment, destination: Path) -> str:
    conf = {"dst_path": destination, "answers_file": ".copier-answers.yml"}
    return env.from_string("{{ first_copy }}").render(_copier_conf=conf)


def test_the_verdict_is_taken_before_copier_writes_and_kept_for_the_run(
    lifecycle_ext: ModuleType, tmp_path: Path
) -> None:
    project = tmp_path / "acme-widgets"
    run = environment(lifecycle_ext.FirstCopyHook)
    assert render(run, project) == "True"  # nothing there yet
    project.mkdir()
    (project / ".copier-answers.yml").write_text("_commit: v0.2.0\n")
    # The same run, after the copy wrote its answers file: still a first copy.
    assert render(run, project) == "True"
    # A later run over the same project (copier recopy): not a first copy.
    recopy = environment(lifecycle_ext.FirstCopyHook)
    assert render(recopy, project) == "False"


def test_a_folder_without_an_answers_file_is_a_first_copy(
    lifecycle_ext: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "README.md").write_text("notes\n")
    assert lifecycle_ext.is_first_copy(tmp_path, "")
    (tmp_path / "custom-answers.yml").write_text("{}\n")
    assert not lifecycle_ext.is_first_copy(tmp_path, "custom-answers.yml")
