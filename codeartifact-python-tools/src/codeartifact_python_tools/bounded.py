"""Work with a bound: calls that run side by side and a cache of their answers, for one process."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

T = TypeVar("T")


def run_bounded(calls: Mapping[str, Callable[[], T]], timeout: float) -> dict[str, T | None]:
    """Run `calls` in parallel daemon threads; a call unfinished after `timeout` gives None.

    Daemon threads, not a ThreadPoolExecutor: its workers are joined at exit, so one stuck socket
    would hold the whole program past the bound.
    """
    results: dict[str, T | None] = dict.fromkeys(calls)

    def run(key: str, call: Callable[[], T]) -> None:
        try:
            results[key] = call()
        except Exception:  # noqa: BLE001 - a failed lookup is an unanswered one, never a crash
            results[key] = None

    threads = [
        threading.Thread(target=run, args=(key, call), daemon=True, name=f"bounded-{key}")
        for key, call in calls.items()
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {
        key: results[key] if not thread.is_alive() else None
        for key, thread in zip(calls, threads, strict=True)
    }


class _Cache:
    """Results per key for the life of the process: one network round per name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[object, ...], object] = {}

    def get_or_run(self, key: tuple[object, ...], run: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                return self._items[key]  # type: ignore[return-value]
        value = run()
        with self._lock:
            self._items.setdefault(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = _Cache()


def clear_cache() -> None:
    """Forget every cached lookup (tests, or a long-lived process)."""
    CACHE.clear()
