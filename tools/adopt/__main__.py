"""`python -m tools.adopt`: the root Makefile's `make adopt`."""

import sys

from tools.adopt.cli import main

sys.exit(main())
