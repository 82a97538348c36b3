"""Adopt an existing library into the template: `make adopt PROJECT=path [DATA="key=value ..."]`.

Read the project's packaging metadata (PEP 621 or poetry) and the CodeArtifact repository its
files name (`metadata`, `facts`), turn them into the template's answers, render the template with
them into a scratch folder (the name guard runs there, treating a name the repository holds as
the project's own), plan every file (`plan`, `pyproject`), then apply the plan on a new branch
of the project (`project`) and say what happened and what is left (`summary`). The command line
and its exit codes are in `cli`; docs/adopting.md is the page for people.
"""
