"""The release: a CodeArtifact token for uv, the version bump, build, publish and the tag.

Layers: versioning.py and changelog.py are pure; settings.py reads the project's settings from
the environment once; index.py (CodeArtifact's PyPI endpoint), tokens.py (its control plane),
github.py and tools.py (the programs a release runs) are the I/O edges; publish.py composes
them; cli.py maps each command to one of them.
"""
