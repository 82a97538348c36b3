"""Memory that outlives one copier worker: owned names, verdicts, warnings shown and waiting.

Copier makes up to three workers per run (update), and each one re-loads the adapter module.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeartifact_python_tools.guard.verdicts import Verdict


@dataclass
class Session:
    """What the copier adapter remembers for the rest of the process."""

    owned: set[str] = field(default_factory=set)  # normalised names of the project being updated
    verdicts: dict[tuple[object, ...], Verdict] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)  # warnings already printed
    pending: list[str] = field(default_factory=list)  # warnings waiting for a prompt to close
    lock: threading.Lock = field(default_factory=threading.Lock)
    flush_at_exit: bool = False  # the copier adapter registered its exit handler
    # Checks a batch copy left running at package_name, by verdict key: each one's thread and,
    # once it has finished, what it came to (a verdict, or the error it raised).
    later: dict[tuple[object, ...], tuple[threading.Thread, list[object]]] = field(
        default_factory=dict
    )

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self.lock:
            self.owned.clear()
            self.verdicts.clear()
            self.shown.clear()
            self.pending.clear()
            self.later.clear()


SESSION = Session()
