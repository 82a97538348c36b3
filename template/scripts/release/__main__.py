"""Entry point: `python -m scripts.release`."""

from scripts.release.cli import main

raise SystemExit(main())
