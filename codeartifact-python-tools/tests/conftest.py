"""The tools' unit tests share the template repository's isolation and test doubles.

They run from the repository root (`uv run pytest`, as `.ci/run` does): the doubles of CodeArtifact,
the indexes and `gh` live once, in tests/doubles, for these tests and the template's alike.
"""

from tests.conftest import _isolated_environment
from tests.doubles.fixtures import _fresh_name_guard, fake_aws, fake_gh, upstream

__all__ = ["_fresh_name_guard", "_isolated_environment", "fake_aws", "fake_gh", "upstream"]
