"""Copier adapter: tell a first copy from a recopy, for the one-time set-up and the next steps.

`copier recopy` (and a copy over an existing project) runs as a `copy`, and every answers-file
value (`_src_path`, `_commit`) is in the context of a first copy too, as template metadata. What
does differ is the destination: only an existing project already has an answers file. copier.yml
asks `is_first_copy` once, in the computed answer `first_copy`: answers are settled before copier
writes anything, so the task's `when` and `_message_after_copy` (rendered after the set-up
committed the project) agree, and no file render pays for the question.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2.ext import Extension

if TYPE_CHECKING:
    from jinja2 import Environment

ANSWERS_FILE = ".copier-answers.yml"


def is_first_copy(destination: object, answers_file: object = "") -> bool:
    """Whether the destination holds no project yet: no answers file from an earlier copy."""
    return not (Path(str(destination)) / (str(answers_file) or ANSWERS_FILE)).is_file()


class LifecycleExtension(Extension):
    """The `is_first_copy(dst_path, answers_file)` global, for copier.yml's `first_copy`."""

    def __init__(self, environment: Environment) -> None:
        """Register the global."""
        super().__init__(environment)
        environment.globals["is_first_copy"] = is_first_copy
