"""`make doctor`: check a laptop for everything `make check` and a release need, in one run.

Standard library only, so it runs under any Python 3.10+ even when uv itself is the problem.
Layers: project.py reads the project's own files (pure); probes.py asks the tools and services,
each call bounded; checks.py turns answers into report lines; cli.py runs them concurrently.
"""
