"""Fixtures the unit tests of copier.yml share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from copier._main import Worker

from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path
    from typing import Any

    from jinja2 import Environment


def check_package_name(environment: Environment, context: Mapping[str, Any]) -> str:
    """package_name's check as copier runs it; the message copier would show, or "".

    Its validator first; in a copy that asks nothing (--defaults, or no terminal, as under
    pytest), the verdict is then waited for at the questionnaire's last question (name_verdict).
    """
    message = environment.from_string("{{ name_guard(package_name) }}").render(context).strip()
    if message:
        return message
    try:
        environment.from_string("{{ name_guard_verdict() }}").render(context)
    except ValueError as refusal:
        return str(refusal).removeprefix("Validation error for question 'package_name': ")
    return ""


def this_template(dst: Path) -> Worker:
    """Copier's worker for this template at HEAD, with the working tree's changes.

    Without HEAD copier takes the newest release tag. Use it as a context manager: the worker
    then deletes its clone of the template afterwards (two were left in the temporary directory
    on every run).
    """
    return Worker(src_path=str(ROOT), dst_path=dst, unsafe=True, defaults=True, vcs_ref="HEAD")


@pytest.fixture(scope="module")
def jinja_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Environment]:
    """Copier's own Jinja environment for this template, extensions included."""
    with this_template(tmp_path_factory.mktemp("dst")) as worker:
        yield worker.jinja_env
