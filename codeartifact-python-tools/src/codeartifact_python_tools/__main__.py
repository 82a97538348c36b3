"""`python -m codeartifact_python_tools`: the same as the `codeartifact-python-tools` command."""

from codeartifact_python_tools.cli import main

raise SystemExit(main())
