"""Fixtures the unit tests of copier.yml share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from copier._main import Worker

from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jinja2 import Environment


@pytest.fixture(scope="module")
def jinja_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Environment]:
    """Copier's own Jinja environment for this template, extensions included."""
    dst = tmp_path_factory.mktemp("dst")
    # HEAD, with the working tree's changes: without it copier takes the newest release tag. As a
    # context manager the worker deletes its clone of the template afterwards (two were left in
    # the temporary directory on every run).
    with Worker(
        src_path=str(ROOT), dst_path=dst, unsafe=True, defaults=True, vcs_ref="HEAD"
    ) as worker:
        yield worker.jinja_env
