"""The suite's scopes go out longest first, and the table of their lengths names real scopes."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from tests.conftest import ROOT
from tests.scheduling import SCOPE_SECONDS, longest_first

if TYPE_CHECKING:
    import pytest


@dataclass
class Item:
    """What `longest_first` reads of a collected test: its node id."""

    nodeid: str


def ordered(*nodeids: str) -> list[str]:
    items = cast("list[pytest.Item]", [Item(nodeid) for nodeid in nodeids])
    return [item.nodeid for item in longest_first(items)]


def test_the_longest_scopes_go_first_and_each_scope_stays_whole() -> None:
    assert ordered(
        "tests/unit/test_a.py::test_one",
        "tests/e2e/test_lifecycle.py::TestByHand::test_by_hand",
        "tests/unit/test_a.py::test_two",
        "tests/e2e/test_copy.py::test_copy[defaults]",
        "tests/unit/test_b.py::test_three",
        "tests/e2e/test_copy.py::test_copy[everything-on]",
    ) == [
        "tests/e2e/test_copy.py::test_copy[defaults]",
        "tests/e2e/test_copy.py::test_copy[everything-on]",
        "tests/e2e/test_lifecycle.py::TestByHand::test_by_hand",
        # Scopes without a length keep collection order, after the listed ones.
        "tests/unit/test_a.py::test_one",
        "tests/unit/test_a.py::test_two",
        "tests/unit/test_b.py::test_three",
    ]


def test_every_scope_in_the_table_exists() -> None:
    """A renamed module or class would silently lose its place at the front."""
    for scope in SCOPE_SECONDS:
        path, _, name = scope.partition("::")
        module = ROOT / path
        assert module.is_file(), scope
        if name:
            tree = ast.parse(module.read_text(encoding="utf-8"))
            classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
            assert name in classes, scope
