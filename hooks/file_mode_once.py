"""Copier adapter: copier asks git for `core.fileMode` once per destination, not once per file.

copier (since 9.15) calls `Worker._sync_git_index_executable_bit` after writing each file,
and that method starts `git config --type=bool --get core.fileMode` every time, to learn whether
git ignores the executable bit in the destination. It does something only when the answer is
`false`; otherwise (`true`, or unset: no repository, the Unix default) it returns at once. One
process per rendered file cost about 6 ms each here, a quarter of a default copy, and three times
that in `copier update`, which renders three times.

The answer cannot change while copier renders (nothing it writes is a git configuration), so this
asks once per destination folder and worker, and calls copier's own method, unchanged, only where
the answer is `false`: copier then does exactly what it did before. A copier whose method is
missing or takes other arguments is left as it is.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2.ext import Extension

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment

METHOD = "_sync_git_index_executable_bit"
PARAMETERS = ["self", "dst_relpath", "src_mode"]  # the signature this was written for
_ANSWERS = "_file_mode_answers"  # where a worker keeps what git said, per destination
_WRAPPED = "_asks_git_once"


def git_ignores_modes(root: Path) -> bool:
    """Whether git in `root` has `core.fileMode` false, asked as copier asks it."""
    from copier._vcs import get_git  # noqa: PLC0415 - copier's own git, loaded by now
    from plumbum import ProcessExecutionError  # noqa: PLC0415 - copier's process runner

    try:
        answer = get_git(context_dir=root)("config", "--type=bool", "--get", "core.fileMode")
    except ProcessExecutionError:  # not a repository, or unset: the Unix default, true
        return False
    return str(answer).strip() == "false"


def ask_once(sync: Callable[..., None]) -> Callable[..., None]:
    """Wrap copier's method: git's answer is asked once per worker and destination folder."""

    @functools.wraps(sync)
    def sync_where_git_ignores_modes(worker: Any, dst_relpath: Path, src_mode: int) -> None:  # noqa: ANN401 - copier's Worker
        root = Path(worker.subproject.local_abspath)
        # The worker's own __dict__: copier's Worker is a pydantic dataclass, whose __setattr__
        # would refuse a field it does not declare; a new worker asks again.
        answers: dict[Path, bool] = worker.__dict__.setdefault(_ANSWERS, {})
        if root not in answers:
            answers[root] = git_ignores_modes(root)
        if answers[root]:
            sync(worker, dst_relpath, src_mode)

    setattr(sync_where_git_ignores_modes, _WRAPPED, True)
    return sync_where_git_ignores_modes


def install() -> bool:
    """Wrap copier's method once per process; return whether it is wrapped."""
    try:
        from copier._main import Worker  # noqa: PLC0415 - copier's, loaded by now
    except ImportError:
        return False
    sync = getattr(Worker, METHOD, None)
    if sync is None:
        return False
    if getattr(sync, _WRAPPED, False):
        return True
    if list(inspect.signature(sync).parameters) != PARAMETERS:
        return False
    setattr(Worker, METHOD, ask_once(sync))
    return True


class FileModeOnce(Extension):
    """Ask git for `core.fileMode` once per destination while copier renders."""

    def __init__(self, environment: Environment) -> None:
        """Wrap copier's method as copier loads this template's extensions."""
        super().__init__(environment)
        install()
