"""Take the template's newer releases: `make update-template`, and the weekly drift check.

Run them as `uv run python -m scripts.template_update <command>` (the Makefile does). The copier
invocation comes from the environment variable COPIER, which the Makefile pins and exports.
"""
