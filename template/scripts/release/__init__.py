"""Release helpers the Makefile and the release workflow call: login, bump, publish, tag.

Run them as `uv run python -m scripts.release <command>` (the Makefile does). They read the
project's CodeArtifact settings from the environment variables the Makefile exports.
"""
