"""The tools' unit tests share the template repository's isolation and test doubles.

They run from the repository root (`uv run pytest`, as `.ci/run` does): the doubles of CodeArtifact,
the indexes and `gh` live once, in tests/doubles, for these tests and the template's alike. These
tests are collected first (pyproject.toml's testpaths), so the doubles' fixtures are registered
here as a plugin, as tests/conftest.py registers them: pytest then rewrites their asserts.
"""

from tests.conftest import _isolated_environment

pytest_plugins = ["tests.doubles.fixtures"]

__all__ = ["_isolated_environment"]
