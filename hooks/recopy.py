"""After `copier recopy`: the team's version and dependencies go back into pyproject.toml.

A recopy renders every template file again as the template has it, pyproject.toml included, with
the template's starting `version = "0.1.0"` and `dependencies = []`. The next `uv lock` would then
drop the team's dependencies without a word. The team's own values are in git (HEAD): they are
put back, and everything else stays as the recopy rendered it (its message says so).
"""

# ruff: noqa: INP001 - copier runs this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import re
import sys
from pathlib import Path

from project_steps import GIT_TIMEOUT, ok, run

# `version = "..."` and the `dependencies = [...]` array of [project], as uv writes them: on one
# line, or one entry a line with the closing bracket alone on the last.
_FIELDS = {
    "version": re.compile(r'^version = "[^"\n]*"$', re.MULTILINE),
    "dependencies": re.compile(r"^dependencies = \[(?:[^\n]*\]|\n(?:[^\n]*\n)*?\])$", re.MULTILINE),
}


def keep_team_values(rendered: str, team: str) -> tuple[str, list[str]]:
    """Put the team's version and dependencies into the rendered text; say which were put back."""
    kept = []
    for field, pattern in _FIELDS.items():
        theirs, ours = pattern.search(team), pattern.search(rendered)
        if theirs is None or ours is None or theirs.group(0) == ours.group(0):
            continue
        rendered = f"{rendered[: ours.start()]}{theirs.group(0)}{rendered[ours.end() :]}"
        kept.append(field)
    return rendered, kept


def main() -> int:
    """Restore the fields in the project (the working directory); always exit 0."""
    pyproject = Path("pyproject.toml")
    committed = run(["git", "show", "HEAD:pyproject.toml"], GIT_TIMEOUT)
    if not ok(committed) or not pyproject.is_file():
        print(  # noqa: T201 - a note to the user is this script's output
            "note: pyproject.toml is as the template renders it: put your version and "
            "dependencies back by hand (`git diff pyproject.toml`).",
            file=sys.stderr,
        )
        return 0
    text, kept = keep_team_values(pyproject.read_text(encoding="utf-8"), committed.stdout)
    if kept:
        pyproject.write_text(text, encoding="utf-8")
        print(  # noqa: T201 - as above
            f"note: kept your {' and '.join(kept)} in pyproject.toml (from git's HEAD).",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
