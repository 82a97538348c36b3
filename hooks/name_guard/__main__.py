"""`python -m name_guard` (hooks) and `python -m scripts.name_guard` (generated project)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
