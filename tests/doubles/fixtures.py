"""Fixtures for the name guard's doubles: a fake `aws` on PATH, a seeded upstream, clean caches.

Registered by tests/conftest.py: `pytest_plugins = ["tests.doubles.fixtures"]`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import pytest

from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.gh import FakeGitHub
from tests.doubles.simple_index import SimpleIndex

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# What the local "public index" holds in the guard's tests.
UPSTREAM_PROJECTS = {
    "requests": ["2.31.0", "2.32.3"],
    "flask-sqlalchemy": ["3.1.1"],
    "zope.interface": ["6.4"],
    "ruamel.yaml": ["0.18.6"],
}


@pytest.fixture(autouse=True)
def _fresh_name_guard() -> Iterator[None]:
    """Each test starts with the guard's per-process caches empty."""
    yield
    for module, attr in (
        ("codeartifact_python_tools.bounded", "CACHE"),
        ("codeartifact_python_tools.guard.session", "SESSION"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            getattr(loaded, attr).clear()


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleIndex]:
    """A local public index seeded with UPSTREAM_PROJECTS, set as NAME_GUARD_UPSTREAM_URL."""
    with SimpleIndex.running(projects={k: list(v) for k, v in UPSTREAM_PROJECTS.items()}) as index:
        monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", index.url)
        yield index


@pytest.fixture
def fake_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCodeArtifact:
    """A fake `aws` first on PATH, serving an empty repository (acme/python, eu-west-1)."""
    fake = FakeCodeArtifact(tmp_path / "fake-aws-state.json")
    bin_dir = fake.install(tmp_path / "fake-aws-bin").parent
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(STATE_ENV, str(fake.state_file))
    monkeypatch.setenv("NAME_GUARD_AWS", "cli")
    return fake


@pytest.fixture
def fake_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """A fake `gh` first on PATH, logged in, serving no endpoint yet."""
    fake = FakeGitHub(tmp_path / "fake-gh-state.json")
    bin_dir = fake.install(tmp_path / "fake-gh-bin").parent
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    return fake
