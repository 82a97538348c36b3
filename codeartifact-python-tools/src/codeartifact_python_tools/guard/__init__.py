"""The name guard: catch package-name collisions with CodeArtifact and the public index.

One implementation serves `copier copy` (the template's hooks/copier_ext.py imports it from this
source tree) and every generated project (`check-name`, `protect-name`, and `publish`, which runs
the release check). Layers: names.py and verdicts.py are pure, settings.py reads the environment
once, api.py composes them with the two I/O edges (upstream.py, codeartifact.py), cli.py is the
command line. Nothing is imported here, so the adapter loads only what it uses.
"""
