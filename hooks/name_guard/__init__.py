"""Name guard: catch package-name collisions with CodeArtifact and the public index.

One implementation serves `copier copy` (hooks/copier_ext.py) and the generated project
(`make check-name`, `make protect-name`, the publish script). Layers: names.py and guard.py are
pure; lookups.py is the only I/O; api.py composes them; cli.py is the command line.
"""

from __future__ import annotations

from .api import Lookups, check_name, check_release, protect_name
from .guard import Kind, Problem, Status, Verdict
from .settings import CodeArtifact, Settings

__all__ = [
    "CodeArtifact",
    "Kind",
    "Lookups",
    "Problem",
    "Settings",
    "Status",
    "Verdict",
    "check_name",
    "check_release",
    "protect_name",
]
