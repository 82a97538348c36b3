"""Entry point: `python -m scripts.template_update`."""

from scripts.template_update.cli import main

raise SystemExit(main())
