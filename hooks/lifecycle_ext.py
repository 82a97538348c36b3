"""Copier adapter: tell a first copy from a recopy, for the one-time set-up and the next steps.

`copier recopy` (and a copy over an existing project) runs as a `copy`, and every answers-file
value (`_src_path`, `_commit`) is in the context of a first copy too, as template metadata. What
does differ is the destination: only an existing project already has an answers file. The
verdict is taken at the first render, before copier writes anything, and kept for the run, so the
task's `when` and `_message_after_copy` (rendered after the set-up committed the project) agree.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from copier_template_extensions import ContextHook

if TYPE_CHECKING:
    from jinja2 import Environment

ANSWERS_FILE = ".copier-answers.yml"


def is_first_copy(destination: Path, answers_file: str) -> bool:
    """Whether the destination holds no project yet: no answers file from an earlier copy."""
    return not (destination / (answers_file or ANSWERS_FILE)).is_file()


class FirstCopyHook(ContextHook):
    """Add `first_copy` to the render context: true unless the destination is a project already."""

    def __init__(self, environment: Environment) -> None:
        """Start with no verdict: copier makes one environment per run."""
        self._verdicts: dict[str, bool] = {}
        super().__init__(environment)

    def hook(self, context: dict[str, Any]) -> None:
        """Decide once per destination, at the first render, and reuse the verdict."""
        conf = context["_copier_conf"]
        if not conf.get("dst_path"):
            return  # a validator rendered outside a copier run: there is no destination
        # Keyed by the path as copier gives it: this runs for every file and path part rendered,
        # so the filesystem is asked once per destination, not once per render.
        destination = str(conf["dst_path"])
        if destination not in self._verdicts:
            answers_file = str(conf.get("answers_file") or ANSWERS_FILE)
            self._verdicts[destination] = is_first_copy(Path(destination), answers_file)
        context["first_copy"] = self._verdicts[destination]
