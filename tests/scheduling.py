"""The order the suite's scopes go out to the xdist workers: the longest first.

xdist's loadscope hands out whole scopes (a module, or a class) in collection order, and a worker
takes its next scope while it still runs the last test of the one before. A long journey that
goes out late keeps one worker busy after the others have finished; started first, the short
scopes fill in around it (longest processing time first). On two cores the suite's three workers
ended 32 s apart in collection order.

Seconds are wall time on two cores with three workers, as `--durations=0` shows them, summed
per scope; re-measure when a journey grows. A scope not listed goes out after the listed ones, in
collection order: the unit tests, which are short, close the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

SCOPE_SECONDS = {
    "tests/e2e/test_publish.py": 77,
    "tests/e2e/test_copy.py": 68,
    "tests/e2e/test_name_guard_cli.py": 51,
    "tests/render/test_answer_sets.py": 45,
    "tests/e2e/test_lifecycle.py::TestFrom010": 43,
    "tests/e2e/test_staged_release.py": 43,
    "tests/e2e/test_drift.py::TestGitHubApp": 35,
    "tests/e2e/test_lifecycle.py::TestFrom020": 32,
    "tests/e2e/test_docs.py": 25,
    "tests/e2e/test_first_hour.py": 23,
    "tests/e2e/test_lifecycle.py::TestByHand": 21,
    "tests/e2e/test_min_copier.py": 21,
    "tests/e2e/test_adopt.py::TestTheSeedShapedLibrary": 20,
    "codeartifact-python-tools/tests/test_lookups.py": 18,
    "tests/e2e/test_adopt.py::TestThePoetryLibrary": 16,
    "tests/e2e/test_doctor.py": 15,
    "tests/e2e/test_org.py": 12,
    "tests/e2e/test_drift.py::TestWorkflowToken": 12,
    "tests/unit/test_org_stack.py": 12,
    "tests/e2e/test_update.py": 7,
}


def scope(nodeid: str) -> str:
    """The unit loadscope hands out: the test's class, or its module (xdist's own rule)."""
    return nodeid.rsplit("::", 1)[0]


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, their scopes ordered by SCOPE_SECONDS (longest first), each scope kept whole."""
    first_seen: dict[str, int] = {}
    for position, item in enumerate(items):
        first_seen.setdefault(scope(item.nodeid), position)

    def key(item: pytest.Item) -> tuple[int, int]:
        unit = scope(item.nodeid)
        return -SCOPE_SECONDS.get(unit, 0), first_seen[unit]

    return sorted(items, key=key)  # stable: a scope's own tests keep their order
