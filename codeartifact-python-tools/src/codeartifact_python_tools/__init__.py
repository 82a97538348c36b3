"""The tools of a library made from codeartifact-python-template: one package, one command.

`codeartifact-python-tools COMMAND`: the name guard (`check-name`, `protect-name`), the release
(`login`, `bump`, `build`, `publish`, `notes`, `github-release`), `doctor`, and template updates
(`update-template`, `template-drift`). A project's Makefile runs each one. Nothing is imported
here: the template's copier hooks load the name guard (the `guard` package) alone.
"""

# The package's version, in this one place: hatchling builds it into the metadata, copier pins
# generated projects' tools.py to it, and `make release-template` releases the template at it.
__version__ = "0.3.0"
