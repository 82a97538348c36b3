"""The state a fake CLI shares with its test: one JSON file, read and written whole, locked."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def read(state_file: Path) -> dict[str, Any]:
    """The whole state."""
    data: dict[str, Any] = json.loads(state_file.read_text(encoding="utf-8"))
    return data


def write(state_file: Path, state: dict[str, Any]) -> None:
    """Replace the whole state."""
    state_file.write_text(json.dumps(state, indent=2), encoding="utf-8")


@contextlib.contextmanager
def locked(state_file: Path) -> Iterator[None]:
    """Hold the state file's lock: concurrent CLI calls must not lose each other's writes."""
    import fcntl  # noqa: PLC0415 - POSIX only, like the fake executables

    with state_file.with_name(f"{state_file.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class StateFile:
    """Base of a fake's test-side handle: its state file, read and written whole."""

    def __init__(self, state_file: Path, initial: dict[str, Any]) -> None:
        """Start the fake from `initial`."""
        self.state_file = state_file
        write(state_file, initial)

    def _read(self) -> dict[str, Any]:
        return read(self.state_file)

    def _write(self, state: dict[str, Any]) -> None:
        write(self.state_file, state)
