"""Entry point: `python -m scripts.doctor` (through `make doctor`)."""

import sys

from scripts.doctor.cli import main

sys.exit(main())
