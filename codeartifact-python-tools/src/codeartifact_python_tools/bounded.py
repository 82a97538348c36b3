"""Work with a bound: calls that run side by side and a cache of their answers, for one process."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

T = TypeVar("T")


class Calls(Generic[T]):
    """Calls started side by side in daemon threads; `wait` collects some of them, bounded.

    Daemon threads, not a ThreadPoolExecutor: its workers are joined at exit, so one stuck socket
    would hold the whole program past the bound.
    """

    def __init__(self, calls: Mapping[str, Callable[[], T]]) -> None:
        """Start every call now."""
        self._results: dict[str, T | None] = dict.fromkeys(calls)
        self._threads: dict[str, threading.Thread] = {}
        for key, call in calls.items():
            thread = threading.Thread(
                target=self._run, args=(key, call), daemon=True, name=f"bounded-{key}"
            )
            self._threads[key] = thread
            thread.start()

    def _run(self, key: str, call: Callable[[], T]) -> None:
        try:
            self._results[key] = call()
        except Exception:  # noqa: BLE001 - a failed lookup is an unanswered one, never a crash
            self._results[key] = None

    def wait(self, keys: Iterable[str], deadline: float) -> dict[str, T | None]:
        """The results of `keys`; a call unfinished at `deadline` (monotonic) gives None."""
        wanted = list(keys)
        for key in wanted:
            self._threads[key].join(max(0.0, deadline - time.monotonic()))
        return {
            key: self._results[key] if not self._threads[key].is_alive() else None for key in wanted
        }


def run_bounded(calls: Mapping[str, Callable[[], T]], timeout: float) -> dict[str, T | None]:
    """Run `calls` side by side; a call unfinished after `timeout` seconds gives None."""
    deadline = time.monotonic() + timeout
    return Calls(calls).wait(calls, deadline)


class _Cache:
    """Results per key for the life of the process: one network round per name.

    A second caller of a key whose first call is still running waits for that call instead of
    starting another: a lookup started early (the copier adapter starts one as it loads) is then
    the one the check uses.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[object, ...], object] = {}
        self._running: dict[tuple[object, ...], threading.Event] = {}

    def get_or_run(self, key: tuple[object, ...], run: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._items:
                    return self._items[key]  # type: ignore[return-value]
                running = self._running.get(key)
                if running is None:
                    done = self._running[key] = threading.Event()
                    break
            running.wait()  # the callers' own bounds cut this wait short if it must be
        try:
            value = run()
            with self._lock:
                self._items.setdefault(key, value)
            return value
        finally:
            with self._lock:
                self._running.pop(key, None)
            done.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = _Cache()


def clear_cache() -> None:
    """Forget every cached lookup (tests, or a long-lived process)."""
    CACHE.clear()
